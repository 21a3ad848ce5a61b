// The CEL environment of Kubernetes admission (ValidatingAdmissionPolicy): the variables
// k8s.io/apiserver/pkg/admission/plugin/cel/compile.go declares, over the extension libraries
// of k8s.io/apiserver/pkg/cel/environment/base.go, on the @marcbachmann/cel-js evaluator.
import { Environment } from '@marcbachmann/cel-js';
import { AUTHORIZER_TYPE, registerAuthz } from './library/authz.js';
import { registerLists } from './library/lists.js';
import { registerMath } from './library/math.js';
import { registerNet } from './library/net.js';
import { registerQuantity } from './library/quantity.js';
import { registerRegex } from './library/regex.js';
import { registerSemver } from './library/semver.js';
import { registerStrings } from './library/strings.js';
import { registerURL } from './library/url.js';

/** The variables of an admission expression, in the order compile.go declares them. */
export const ADMISSION_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'authorizer', 'variables'] as const;

export function admissionEnvironment(): Environment {
  // Optional types (`.?field`, `optional.of`) are on in the API server's base environment;
  // its list and map literals are homogeneous, as the evaluator's default is.
  const env = new Environment({ enableOptionalTypes: true });
  registerAuthz(env);
  for (const name of ADMISSION_VARIABLES) env.registerVariable(name, name === 'authorizer' ? AUTHORIZER_TYPE : 'dyn');
  registerStrings(env);
  registerLists(env);
  registerRegex(env);
  registerQuantity(env);
  registerNet(env);
  registerURL(env);
  registerSemver(env);
  registerMath(env);
  return env;
}

/**
 * The environment of a CRD's `x-kubernetes-validations` rules: `self` is the value of the
 * schema node the rule sits on, `oldSelf` its value before an update (transition rules), over
 * the same libraries (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/compilation.go).
 */
export const CRD_VARIABLES = ['self', 'oldSelf'] as const;

export function crdEnvironment(): Environment {
  const env = admissionEnvironment();
  for (const name of CRD_VARIABLES) env.registerVariable(name, 'dyn');
  return env;
}

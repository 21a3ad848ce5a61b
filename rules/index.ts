// The built-in rules, by id. Explicit and sorted: adding a rule is adding a line here.
import type { Rule } from '../src/engine/rule.js';
import annotationPlacement from './annotation-placement.js';
import deprecatedApiVersion from './deprecated-api-version.js';
import duplicateResource from './duplicate-resource.js';
import ingressMode from './ingress-mode.js';
import insecureDefaultInboundPolicy from './insecure-default-inbound-policy.js';
import invalidAnnotationValue from './invalid-annotation-value.js';
import noInjectHostNetwork from './no-inject-host-network.js';
import noInjectSystemNamespace from './no-inject-system-namespace.js';
import parseError from './parse-error.js';
import removedAnnotation from './removed-annotation.js';
import schema from './schema.js';
import skipPortsBypassPolicy from './skip-ports-bypass-policy.js';
import templateNotRendered from './template-not-rendered.js';
import unknownAnnotation from './unknown-annotation.js';
import unknownApiVersion from './unknown-api-version.js';
import unknownLinkerdConfig from './unknown-linkerd-config.js';
import unusedDisableDirective from './unused-disable-directive.js';

type AnyRule = Rule<any, any>;

export const builtinRules: Readonly<Record<string, AnyRule>> = {
  'annotation-placement': annotationPlacement,
  'deprecated-api-version': deprecatedApiVersion,
  'duplicate-resource': duplicateResource,
  'ingress-mode': ingressMode,
  'insecure-default-inbound-policy': insecureDefaultInboundPolicy,
  'invalid-annotation-value': invalidAnnotationValue,
  'no-inject-host-network': noInjectHostNetwork,
  'no-inject-system-namespace': noInjectSystemNamespace,
  'parse-error': parseError,
  'removed-annotation': removedAnnotation,
  schema,
  'skip-ports-bypass-policy': skipPortsBypassPolicy,
  'template-not-rendered': templateNotRendered,
  'unknown-annotation': unknownAnnotation,
  'unknown-api-version': unknownApiVersion,
  'unknown-linkerd-config': unknownLinkerdConfig,
  'unused-disable-directive': unusedDisableDirective,
};

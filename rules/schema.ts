import { defineRule } from '../src/engine/rule.js';
import { admissionProblems } from '../src/linkerd/admission.js';
import { GATEWAY_ROUTE_KINDS, LINKERD_KINDS, apiVersionStatus } from '../src/linkerd/api-versions.js';
import { gatewayLimitIsStable, gatewaySchemaIsExact } from '../src/linkerd/gateway-api.js';
import { kustomizePatchFiles } from '../src/model/kustomize.js';
import type { JsonPath } from '../src/model/path.js';
import { type SchemaProblem, validateResource } from '../src/linkerd/resource-schemas.js';

export default defineRule({
  meta: {
    id: 'schema',
    description: 'Report Linkerd resources that fail the schema of their apiVersion',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    kinds: LINKERD_KINDS,
    messages: {
      invalid: '{{message}}',
    },
    docs: {
      why:
        'A resource that fails its CRD schema is refused by the API server; one that the CRD accepts but Linkerd ' +
        'cannot read (a Server `proxyProtocol` of `HTTP/3`, a port of 0) is refused by Linkerd\'s validating ' +
        'webhook — or, when the webhook is down or skips the namespace, admitted and then ignored by the control ' +
        'plane. Each problem is reported at the field: an unknown field at its key, a missing field at the mapping ' +
        'that should hold it. Documents that a kustomization in the input applies as patches are partial, so fields ' +
        'they leave out are not reported. Gateway API routes are checked against the Gateway API v1.1.1 shapes Linkerd bundles; ' +
        'unless that bundle is the install in use (see the `gatewayAPI` setting), fields, values and list lengths ' +
        'that newer Gateway API releases allow are not reported. Beyond the schema, the rule applies what Linkerd\'s ' +
        'policy webhook denies (e.g. `timeouts.backendRequest` longer than `request`, two MeshTLSAuthentication refs in ' +
        'one AuthorizationPolicy, an `except` outside its `cidr`, a relative path match) and the Gateway API CRDs\' ' +
        'validation rules, each only from the Linkerd release that enforces it.',
      howToFix: 'Change the field as the message says: the allowed values, the expected type, or the field the version requires.',
    },
  },
  check(ctx) {
    const exactGateway = gatewaySchemaIsExact(ctx.target);
    const patchFiles = kustomizePatchFiles(ctx.tree);
    for (const resource of ctx.resources) {
      const { group, version, kind } = resource;
      // Versions the target does not serve are `unknown-api-version`'s to report.
      if (!kind || apiVersionStatus(group, version, kind, ctx.target).state !== 'served') continue;
      const partial = patchFiles.has(resource.file.path);
      const problems: { path: JsonPath; message: string; at?: 'key' }[] = [];
      const found = validateResource(ctx.schemas, group, version, kind, resource.value) ?? [];
      problems.push(
        ...found.filter((p) => (exactGateway || !loosenedForGateway(group, kind, p)) && !(partial && MISSING_FIELD_KEYWORDS.has(p.keyword))),
      );
      // What Linkerd's webhooks and the CRDs' validation rules refuse beyond the schema. A
      // patch is partial, and a field the schema already faults is reported once.
      if (!partial) {
        const faulted = new Set(problems.map((p) => JSON.stringify(p.path)));
        problems.push(...admissionProblems(resource, ctx.target).filter((p) => !faulted.has(JSON.stringify(p.path))));
      }
      for (const problem of problems) {
        if (problem.at === 'key') {
          ctx.report({ resource, range: resource.locate(problem.path, 'key').range, path: problem.path, messageId: 'invalid', data: { message: problem.message } });
        } else if (problem.path.length === 0) {
          ctx.report({ resource, messageId: 'invalid', data: { message: problem.message } });
        } else {
          ctx.report({ resource, path: problem.path, messageId: 'invalid', data: { message: problem.message } });
        }
      }
    }
  },
});

/** A kustomize patch leaves out what its base has: missing fields are no error there. */
const MISSING_FIELD_KEYWORDS = new Set(['required', 'oneOf']);

/**
 * Newer Gateway API releases add fields and enum values (filters, redirect codes) and raise
 * list limits (more matches per rule from v1.2) that our v1.1.1 shapes do not know. Enums and
 * limits that no release loosens (HTTP method, match types, …) stay checked.
 */
const NEWER_GATEWAY_KEYWORDS = new Set(['additionalProperties', 'enum', 'maxItems']);

function loosenedForGateway(group: string, kind: string, problem: SchemaProblem): boolean {
  return (
    group === 'gateway.networking.k8s.io' &&
    GATEWAY_ROUTE_KINDS.includes(kind) &&
    NEWER_GATEWAY_KEYWORDS.has(problem.keyword) &&
    !gatewayLimitIsStable(kind, problem.keyword, problem.path)
  );
}

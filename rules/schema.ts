import { defineRule } from '../src/engine/rule.js';
import { admissionProblems } from '../src/linkerd/admission.js';
import { GATEWAY_ROUTE_KINDS, LINKERD_KINDS, apiVersionStatus } from '../src/linkerd/api-versions.js';
import { gatewayLimitIsStable, gatewaySchemaIsExact } from '../src/linkerd/gateway-api.js';
import { kustomizePatchFiles } from '../src/model/kustomize.js';
import type { JsonPath } from '../src/model/path.js';
import { type SchemaProblem, validateResource } from '../src/linkerd/resource-schemas.js';

const rule = defineRule({
  meta: {
    id: 'schema',
    description: 'Report Linkerd resources that fail the schema of their apiVersion',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    kinds: LINKERD_KINDS,
    // One id per family of problem, so reports can be told apart; the sentence is the problem's own.
    messages: {
      unknownField: '{{message}}',
      missingField: '{{message}}',
      wrongType: '{{message}}',
      unknownValue: '{{message}}',
      badFormat: '{{message}}',
      outOfRange: '{{message}}',
      exclusiveFields: '{{message}}',
      duplicateItem: '{{message}}',
      invalidReference: '{{message}}',
      authenticationRefs: '{{message}}',
      conflictingFields: '{{message}}',
      invalidIdentity: '{{message}}',
      invalidNetwork: '{{message}}',
      invalidTimeout: '{{message}}',
      invalidMatch: '{{message}}',
      invalidFilter: '{{message}}',
      invalidValue: '{{message}}',
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
        'that newer Gateway API releases allow are not reported (a value or limit that no release ever widened, such ' +
        'as an HTTP method, is checked whatever the release). Lists the CRDs mark as sets or maps (header matches, ' +
        'header modifiers) may not repeat an entry. Beyond the schema, the rule applies what Linkerd\'s ' +
        'policy webhook denies (e.g. `timeouts.backendRequest` longer than `request`, two MeshTLSAuthentication refs in ' +
        'one AuthorizationPolicy, a `cidr` that is no CIDR block, an `except` outside its `cidr`, a relative path match) and the Gateway API CRDs\' ' +
        'validation rules, each only from the Linkerd release that enforces it.',
      howToFix: 'Change the field as the message says: the allowed values, the expected type, or the field the version requires.',
      messages: {
        unknownField: 'A field the schema of this apiVersion does not have (reported at its key).',
        missingField: 'A required field is missing (reported at the mapping that should hold it).',
        wrongType: 'A value of the wrong type: a string where a number is expected, a mapping where a list is.',
        unknownValue: 'A value outside the set the field allows.',
        badFormat: 'A string that does not have the form the field requires (a port name, a duration, a hostname).',
        outOfRange: 'A number, string length or list length outside its limits.',
        exclusiveFields: 'Fields that exclude each other set together, or none of those of which one is required.',
        duplicateItem: 'A repeated entry in a list the CRD marks `x-kubernetes-list-type: set` or `map` (two header matches with one name); the API server refuses it.',
        invalidReference: 'A reference (targetRef, parentRef, backendRef, identityRef, clientRef) to a kind or object Linkerd does not accept there.',
        authenticationRefs: 'A `requiredAuthenticationRefs` list Linkerd refuses: repeated or conflicting authentication kinds.',
        conflictingFields: 'Fields Linkerd does not accept together, such as `unauthenticated` with `meshTLS`.',
        invalidIdentity: 'A client identity that is not a valid identity or wildcard.',
        invalidNetwork: 'A network or exception Linkerd refuses: a value that is neither an IP address nor a CIDR block, an empty list, an exception outside its CIDR.',
        invalidTimeout: 'A timeout Linkerd refuses: negative, or a backend request timeout longer than the request timeout.',
        invalidMatch: 'A route match Linkerd cannot use: a relative or malformed path, a header name or value, a regex, a gRPC method.',
        invalidFilter: 'A route filter Linkerd or the Gateway API refuses: a repeated filter, a field of another filter type, a redirect beside backends.',
        invalidValue: 'Another value the schema or Linkerd\'s admission refuses (an access policy, a rate limit, the number of rules).',
      },
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
      const problems: { family: Family; path: JsonPath; message: string; at?: 'key' }[] = [];
      const found = validateResource(ctx.schemas, group, version, kind, resource.value) ?? [];
      problems.push(
        ...found
          .filter((p) => (exactGateway || !loosenedForGateway(group, kind, p)) && !(partial && MISSING_FIELD_KEYWORDS.has(p.keyword)))
          .map((p) => ({ ...p, family: KEYWORD_FAMILY[p.keyword] ?? ('invalidValue' as const) })),
      );
      // What Linkerd's webhooks and the CRDs' validation rules refuse beyond the schema. A
      // patch is partial, and a field the schema already faults is reported once.
      if (!partial) {
        const faulted = new Set(problems.map((p) => JSON.stringify(p.path)));
        problems.push(...admissionProblems(resource, ctx.target).filter((p) => !faulted.has(JSON.stringify(p.path))));
      }
      for (const problem of problems) {
        ctx.report({ resource, path: problem.path, at: problem.at ?? 'value', messageId: problem.family, data: { message: problem.message } });
      }
    }
  },
});

type Family = keyof (typeof rule)['meta']['messages'];

/** The family of a failed JSON Schema keyword. */
const KEYWORD_FAMILY: Partial<Record<string, Family>> = {
  additionalProperties: 'unknownField',
  required: 'missingField',
  type: 'wrongType',
  enum: 'unknownValue',
  const: 'unknownValue',
  pattern: 'badFormat',
  anyOf: 'badFormat',
  minimum: 'outOfRange',
  maximum: 'outOfRange',
  minLength: 'outOfRange',
  maxLength: 'outOfRange',
  minItems: 'outOfRange',
  maxItems: 'outOfRange',
  oneOf: 'exclusiveFields',
  'x-kubernetes-list-type': 'duplicateItem',
};

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

export default rule;

// Everything Linkerd's admission refuses beyond the JSON Schema of a resource: the
// policy validating webhook's checks (linkerd2 `policy-controller/runtime/src/admission.rs`;
// `policy-controller/src/admission.rs` up to 2.17) and the Gateway API CRDs' validation
// rules (`x-kubernetes-validations`, in the CRDs linkerd2 bundles from 2.18 and in
// gateway-api `config/crd/`), each only in the releases where it applies. Left to others:
// what fails to deserialize (bad enums, ports, durations: the JSON Schemas), checks that
// need other objects (Server overlap, 2.11-2.17), and retry/timeout/balancer annotation
// values on routes (the annotation rules), so that one problem gives one finding.
import { type CheckContext, from } from './admission/context.js';
import { CEL_ROUTE_KINDS, CEL_SINCE, GATEWAY_GROUP, POLICY_GROUP, webhookSince } from './admission/coverage.js';
import { checkFilterList, checkHttpRuleCel, checkSessionPersistence } from './admission/gateway-rules.js';
import {
  checkAuthorizationPolicy,
  checkEgressNetwork,
  checkMeshTLSAuthentication,
  checkNetworkAuthentication,
  checkRateLimitPolicy,
  checkServer,
  checkServerAuthorization,
} from './admission/policy.js';
import { type AdmissionProblem, Problems, objectsIn } from './admission/problem.js';
import {
  type RouteContext,
  checkGrpcMatches,
  checkHeaderModifiers,
  checkHttpMatches,
  checkLinkerdTimeouts,
  checkParentRefs,
  checkRedirectPath,
  checkServiceBackendPort,
  checkSingleRule,
} from './admission/routes.js';
import { isObject } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type LinkerdTarget, atLeast } from './releases.js';

export type { AdmissionProblem } from './admission/problem.js';

const POLICY_CHECKS: Record<string, (ctx: CheckContext) => void> = {
  Server: checkServer,
  ServerAuthorization: checkServerAuthorization,
  AuthorizationPolicy: checkAuthorizationPolicy,
  MeshTLSAuthentication: checkMeshTLSAuthentication,
  NetworkAuthentication: checkNetworkAuthentication,
  HTTPLocalRateLimitPolicy: checkRateLimitPolicy,
  EgressNetwork: checkEgressNetwork,
};

/**
 * What Linkerd's admission would refuse in `resource` when `target` is installed, beyond
 * its schema: one problem per refusal, at the offending node. Pure; a resource too
 * malformed to read (no spec, wrong types) yields nothing, the schema check reports it.
 */
export function admissionProblems(resource: Resource, target: LinkerdTarget): AdmissionProblem[] {
  const spec = resource.value.spec;
  if (!resource.kind || !isObject(spec)) return [];
  const out = new Problems();
  const since = webhookSince(resource.group, resource.kind);
  const webhook = since !== undefined && atLeast(target, since);
  const ctx: CheckContext = { resource, spec, target, out };
  try {
    if (resource.group === POLICY_GROUP && resource.kind !== 'HTTPRoute') {
      const check = POLICY_CHECKS[resource.kind];
      if (check && webhook) check(ctx);
    } else if (isRoute(resource)) {
      const cel = resource.group === GATEWAY_GROUP && CEL_ROUTE_KINDS.includes(resource.kind) && atLeast(target, CEL_SINCE);
      if (webhook || cel) checkRoute({ ...ctx, layers: { webhook, cel }, kind: resource.kind, linkerdGroup: resource.group === POLICY_GROUP });
    }
  } catch {
    // Shapes the checks did not foresee are the schema check's business, never a crash.
    return out.list;
  }
  return out.list;
}

/**
 * Only what the Gateway API CRDs' validation rules refuse in a route, as `admissionProblems`
 * applies them from `CEL_SINCE`: the translation that test/gateway-cel-agreement.test.ts holds
 * against the rules of the CRDs themselves.
 */
export function gatewayRuleProblems(resource: Resource, target: LinkerdTarget): AdmissionProblem[] {
  const spec = resource.value.spec;
  if (!isObject(spec) || resource.group !== GATEWAY_GROUP || !isRoute(resource)) return [];
  const out = new Problems();
  try {
    checkRoute({ resource, spec, target, out, layers: { webhook: false, cel: true }, kind: resource.kind, linkerdGroup: false });
  } catch {
    return out.list;
  }
  return out.list;
}

function isRoute(resource: Resource): resource is Resource & { kind: RouteContext['kind'] } {
  if (resource.group === POLICY_GROUP) return resource.kind === 'HTTPRoute';
  return resource.group === GATEWAY_GROUP && CEL_ROUTE_KINDS.includes(resource.kind ?? '');
}

function checkRoute(ctx: RouteContext): void {
  checkParentRefs(ctx);
  if (ctx.kind === 'TLSRoute' || ctx.kind === 'TCPRoute') {
    checkSingleRule(ctx);
    for (const [rule, r] of objectsIn(ctx.spec.rules)) {
      for (const [ref, b] of objectsIn(rule.backendRefs)) checkServiceBackendPort(ctx, ref, ['spec', 'rules', r, 'backendRefs', b], false);
    }
    return;
  }
  const http = ctx.kind === 'HTTPRoute';
  const webhookRules = ctx.layers.webhook && (http ? from(ctx, ctx.linkerdGroup ? '2.12' : '2.15') : from(ctx, '2.16'));
  for (const [rule, r] of objectsIn(ctx.spec.rules)) {
    const at: JsonPath = ['spec', 'rules', r];
    if (http) checkHttpMatches(ctx, rule, at);
    else checkGrpcMatches(ctx, rule, at);
    for (const [filter, f] of objectsIn(rule.filters)) {
      const fpath = [...at, 'filters', f];
      if (webhookRules) checkHeaderModifiers(ctx, filter, fpath);
      if (webhookRules && http) checkRedirectPath(ctx, filter, fpath);
    }
    for (const [ref, b] of objectsIn(rule.backendRefs)) {
      const bpath = [...at, 'backendRefs', b];
      if (!ctx.linkerdGroup) checkServiceBackendPort(ctx, ref, bpath, true);
      if (ctx.layers.cel) checkFilterList(ctx, ref.filters, [...bpath, 'filters']);
    }
    if (ctx.linkerdGroup && ctx.layers.webhook && from(ctx, '2.14') && ctx.resource.version === 'v1beta3') {
      checkLinkerdTimeouts(ctx, rule, at);
    }
    if (ctx.layers.cel) {
      checkFilterList(ctx, rule.filters, [...at, 'filters']);
      if (http) checkHttpRuleCel(ctx, rule, at);
      checkSessionPersistence(ctx, rule, at);
    }
  }
}

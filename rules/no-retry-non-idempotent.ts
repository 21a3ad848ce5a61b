import { defineRule } from '../src/engine/rule.js';
import type { Fixer } from '../src/engine/rule.js';
import { routeParentsAreOnlyServers } from '../src/linkerd/annotation-sites.js';
import { refersTo } from '../src/linkerd/admission/refs.js';
import { atLeast } from '../src/linkerd/releases.js';
import { annotationsAt, isObject } from '../src/model/k8s.js';
import type { JsonPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';
import type { ManifestTree } from '../src/model/tree.js';

/** The methods RFC 9110 §9.2.2 does not call idempotent that requests commonly use. */
const NON_IDEMPOTENT = ['POST', 'PATCH'] as const;
const HTTP_RETRY_KEY = 'retry.linkerd.io/http';
const RETRY_PREFIX = 'retry.linkerd.io/';

/**
 * Whether some request with `method` can satisfy a ServiceProfile request condition, and
 * whether every such request does. Several fields in one condition are ANDed; path regexes
 * are taken to match something and not everything (linkerd2 `pkg/profiles/profiles.go`,
 * `ValidateRequestMatch`; the proxy compares methods exactly).
 */
function mayMatch(cond: unknown, method: string): boolean {
  if (!isObject(cond)) return true;
  if (typeof cond.method === 'string' && cond.method !== method) return false;
  if (Array.isArray(cond.all) && !cond.all.every((c) => mayMatch(c, method))) return false;
  if (Array.isArray(cond.any) && cond.any.length > 0 && !cond.any.some((c) => mayMatch(c, method))) return false;
  if (cond.not !== undefined && mustMatch(cond.not, method)) return false;
  return true;
}

function mustMatch(cond: unknown, method: string): boolean {
  if (!isObject(cond)) return false;
  const parts: boolean[] = [];
  if (typeof cond.method === 'string') parts.push(cond.method === method);
  if (cond.pathRegex !== undefined) parts.push(false);
  if (Array.isArray(cond.all)) parts.push(cond.all.every((c) => mustMatch(c, method)));
  if (Array.isArray(cond.any)) parts.push(cond.any.some((c) => mustMatch(c, method)));
  if (cond.not !== undefined) parts.push(!mayMatch(cond.not, method));
  return parts.length > 0 && parts.every(Boolean);
}

/** True when the condition tree names a method anywhere. */
function namesMethod(cond: unknown): boolean {
  if (!isObject(cond)) return false;
  if (cond.method !== undefined) return true;
  const children = [...(Array.isArray(cond.all) ? cond.all : []), ...(Array.isArray(cond.any) ? cond.any : []), cond.not];
  return children.some(namesMethod);
}

type Verdict = { kind: 'none' } | { kind: 'noMethod' } | { kind: 'methods'; methods: string };

function describe(methods: readonly string[]): string {
  return methods.join(' and ');
}

/**
 * A gRPC method: POST to `/<package>.<Service>/<Method>`, as `linkerd profile --proto` writes
 * it (linkerd2 `pkg/profiles/proto.go`). Every gRPC call is a POST, so the method says
 * nothing about whether the call is safe to repeat.
 */
function isGrpcMethod(cond: unknown): boolean {
  return (
    isObject(cond) &&
    cond.method === 'POST' &&
    typeof cond.pathRegex === 'string' &&
    /^\/[A-Za-z_][\w\\.]*\/[A-Za-z_]\w*$/.test(cond.pathRegex)
  );
}

function profileVerdict(cond: unknown): Verdict {
  if (isGrpcMethod(cond)) return { kind: 'none' };
  const methods = NON_IDEMPOTENT.filter((m) => mayMatch(cond, m));
  if (methods.length === 0) return { kind: 'none' };
  return namesMethod(cond) ? { kind: 'methods', methods: describe(methods) } : { kind: 'noMethod' };
}

/** The first rule of an HTTPRoute that can match a non-idempotent request: no matches and a match without `method` match every method. */
function routeVerdict(rules: unknown): { index: number; verdict: Verdict } | undefined {
  if (!Array.isArray(rules)) return undefined;
  for (const [index, rule] of rules.entries()) {
    const matches = isObject(rule) && Array.isArray(rule.matches) ? rule.matches : [];
    if (matches.length === 0) return { index, verdict: { kind: 'noMethod' } };
    const methods = new Set<string>();
    for (const match of matches) {
      const method = isObject(match) ? match.method : undefined;
      if (method === undefined) return { index, verdict: { kind: 'noMethod' } };
      if ((NON_IDEMPOTENT as readonly string[]).includes(String(method))) methods.add(String(method));
    }
    if (methods.size) return { index, verdict: { kind: 'methods', methods: describe([...methods]) } };
  }
  return undefined;
}

/** A parent Service in the tree with retry annotations: removing the route's own would hand its requests to those (linkerd2 `policy-controller/grpc/src/outbound/http.rs`, `convert_outbound_route`). */
function parentServiceRetries(tree: ManifestTree, route: Resource): boolean {
  const spec = route.value.spec;
  const parents = isObject(spec) && Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
  return parents.some((ref) => {
    if (!refersTo(ref, 'Service', '') || !isObject(ref) || typeof ref.name !== 'string') return false;
    const ns = typeof ref.namespace === 'string' ? ref.namespace : route.namespace;
    const service = tree.find('Service', ns, ref.name, '');
    return Object.keys(annotationsAt(service?.value) ?? {}).some((k) => k.startsWith(RETRY_PREFIX));
  });
}

export default defineRule({
  meta: {
    id: 'no-retry-non-idempotent',
    description: 'Warn when retries are enabled for requests that are not idempotent (POST, PATCH, or any method)',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    precision: 'medium',
    skipLinkerdOutput: true,
    kinds: ['ServiceProfile', 'HTTPRoute'],
    messages: {
      profileNoMethod:
        'ServiceProfile {{name}} route {{route}} sets isRetryable but its condition names no method, so POST and PATCH ' +
        'requests are retried too and may take effect twice; match only idempotent methods or remove isRetryable',
      profileMethod:
        'ServiceProfile {{name}} route {{route}} sets isRetryable and its condition matches {{methods}} (not ' +
        'idempotent): a retried request may take effect twice; remove isRetryable',
      routeNoMethod:
        'HTTPRoute {{name}} sets retry.linkerd.io/http but spec.rules[{{rule}}] matches any method, so POST and PATCH ' +
        'requests are retried too and may take effect twice; match only idempotent methods or remove the retry',
      routeMethod:
        'HTTPRoute {{name}} sets retry.linkerd.io/http and spec.rules[{{rule}}] matches {{methods}} (not ' +
        'idempotent): a retried request may take effect twice; move those matches to a route without retries',
    },
    docs: {
      why:
        'A retry sends the request again after the first attempt failed, and a failure seen by the client does not mean ' +
        'the server did nothing: a POST that timed out or got a 503 from a dying pod may still have created the order. ' +
        'POST and PATCH are not idempotent (RFC 9110 §9.2.2), so retrying them can apply a change twice. A ServiceProfile ' +
        'route with `isRetryable: true` whose condition matches POST or PATCH, or names no method at all, retries them; ' +
        'so does an HTTPRoute with `retry.linkerd.io/http` (2.16+) where any rule matches POST or PATCH or any method ' +
        '(no `matches`, or a match without `method`): the annotation covers every rule of the route. Retry annotations ' +
        'on a Service alone are not reported, as nothing there says which methods reach it. GRPCRoutes are not ' +
        'reported: every gRPC call is a POST, and whether a gRPC method is safe to repeat depends on the method, which ' +
        'the manifest does not tell; `retry.linkerd.io/http` is not read on them. For the same reason a ServiceProfile ' +
        'route for one gRPC method (`method: POST` with a `pathRegex` of the form `/pkg.Service/Method`, as ' +
        '`linkerd profile --proto` writes) is not reported.',
      howToFix:
        'Retry only routes that match idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS): give the route a method ' +
        'condition, or split the non-idempotent requests into a route without retries.',
      fixSafety:
        'The fix removes the retry: the route\'s `isRetryable` key, or every `retry.linkerd.io/*` annotation of the ' +
        'HTTPRoute (its limit and per-try timeout mean nothing without it). It is unsafe: requests that were retried ' +
        'now fail on the first error. No fix is offered for an HTTPRoute whose parent Service in the input has ' +
        '`retry.linkerd.io/*` annotations, since without its own the route takes the Service\'s.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const name = resource.name ?? '(unnamed)';
      const spec = resource.value.spec;
      if (!isObject(spec)) continue;
      if (resource.kind === 'ServiceProfile') {
        if (!Array.isArray(spec.routes)) continue;
        for (const [i, route] of spec.routes.entries()) {
          if (!isObject(route) || route.isRetryable !== true) continue;
          const verdict = profileVerdict(route.condition);
          if (verdict.kind === 'none') continue;
          const path: JsonPath = ['spec', 'routes', i, 'isRetryable'];
          const fix = (fixer: Fixer) => ({ kind: 'unsafe' as const, edits: fixer.removeKey(resource, path) });
          const data = { name, route: typeof route.name === 'string' ? route.name : `#${i + 1}` };
          if (verdict.kind === 'noMethod') ctx.report({ resource, path, messageId: 'profileNoMethod', data, fix });
          else ctx.report({ resource, path, messageId: 'profileMethod', data: { ...data, methods: verdict.methods }, fix });
        }
        continue;
      }
      // HTTPRoute: the annotation is read from 2.16, and only on outbound (Service or EgressNetwork) parents.
      if (!atLeast(ctx.target, '2.16') || routeParentsAreOnlyServers(resource)) continue;
      const annotations = annotationsAt(resource.value);
      if (typeof annotations?.[HTTP_RETRY_KEY] !== 'string') continue;
      const found = routeVerdict(spec.rules ?? [{}]);
      if (!found || found.verdict.kind === 'none') continue;
      const path: JsonPath = ['metadata', 'annotations', HTTP_RETRY_KEY];
      const retryKeys = Object.keys(annotations).filter((k) => k.startsWith(RETRY_PREFIX));
      const fix = parentServiceRetries(ctx.tree, resource)
        ? undefined
        : (fixer: Fixer) => ({ kind: 'unsafe' as const, edits: retryKeys.flatMap((k) => fixer.removeKey(resource, ['metadata', 'annotations', k])) });
      const data = { name, rule: found.index };
      if (found.verdict.kind === 'noMethod') ctx.report({ resource, path, messageId: 'routeNoMethod', data, fix });
      else ctx.report({ resource, path, messageId: 'routeMethod', data: { ...data, methods: found.verdict.methods }, fix });
    }
  },
});

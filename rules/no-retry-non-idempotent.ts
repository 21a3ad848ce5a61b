import { defineRule } from '../src/engine/rule.js';
import type { Fixer } from '../src/engine/rule.js';
import { type OutboundRoute, type RetrySettings, type RuleSettings, outboundRoutes } from '../src/linkerd/effective-config.js';
import { annotationsAt, isObject } from '../src/model/k8s.js';
import type { JsonPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';

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

/** Whether one HTTPRoute rule can match a non-idempotent request: no matches, or a match without `method`, match every method. */
function ruleVerdict(rule: unknown): Verdict {
  const matches = isObject(rule) && Array.isArray(rule.matches) ? rule.matches : [];
  if (matches.length === 0) return { kind: 'noMethod' };
  const methods = new Set<string>();
  for (const match of matches) {
    const method = isObject(match) ? match.method : undefined;
    if (method === undefined) return { kind: 'noMethod' };
    if ((NON_IDEMPOTENT as readonly string[]).includes(String(method))) methods.add(String(method));
  }
  return methods.size ? { kind: 'methods', methods: describe([...methods]) } : { kind: 'none' };
}

function rulesOf(route: Resource): unknown[] {
  const spec = route.value.spec;
  return isObject(spec) && Array.isArray(spec.rules) ? spec.rules : [];
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
      parentNoMethod:
        'HTTPRoute {{name}} sets no retry of its own, so it takes the retry.linkerd.io/http of {{parent}}, and ' +
        'spec.rules[{{rule}}] matches any method: POST and PATCH requests are retried too and may take effect twice; ' +
        'move the retry from {{parent}} onto routes that match only idempotent methods',
      parentMethod:
        'HTTPRoute {{name}} sets no retry of its own, so it takes the retry.linkerd.io/http of {{parent}}, and ' +
        'spec.rules[{{rule}}] matches {{methods}} (not idempotent): a retried request may take effect twice; move ' +
        'the retry from {{parent}} onto routes that match only idempotent methods',
    },
    docs: {
      why:
        'A retry sends the request again after the first attempt failed, and a failure seen by the client does not mean ' +
        'the server did nothing: a POST that timed out or got a 503 from a dying pod may still have created the order. ' +
        'POST and PATCH are not idempotent (RFC 9110 §9.2.2), so retrying them can apply a change twice. A ServiceProfile ' +
        'route with `isRetryable: true` whose condition matches POST or PATCH, or names no method at all, retries them; ' +
        'so does an HTTPRoute with `retry.linkerd.io/http` (2.16+) where any rule matches POST or PATCH or any method ' +
        '(no `matches`, or a match without `method`): the annotation covers every rule of the route. An HTTPRoute with ' +
        'no `retry.linkerd.io/*` annotation of its own takes its parent Service\'s retry, so such a rule under a ' +
        'Service with `retry.linkerd.io/http` is reported too, at the rule (linkerd2 ' +
        '`policy-controller/k8s/index/src/outbound/index/http.rs`). A Service with no HTTPRoute in the input is not ' +
        'reported, as nothing there says which methods reach it; nor is a retry that sets only a limit or a per-try ' +
        'timeout, nor routes a ServiceProfile with routes or dstOverrides shadows. GRPCRoutes are not ' +
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
        'a retry of its own, since without its own the route takes the Service\'s, nor for a route that takes its ' +
        'parent\'s retry: the retry to move is on the Service.',
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
    }
    // HTTPRoutes: the retry each rule gets, from the route's annotations or else its parent's
    // (the model: read from 2.16, outbound parents only, not under a shadowing ServiceProfile).
    const mine = new Set<Resource>(ctx.resources);
    const byRoute = new Map<Resource, OutboundRoute[]>();
    for (const out of outboundRoutes(ctx.tree, ctx.target, ctx.clusterDomain)) {
      if (out.kind !== 'HTTPRoute' || out.parent.profile || !mine.has(out.route)) continue;
      byRoute.set(out.route, [...(byRoute.get(out.route) ?? []), out]);
    }
    for (const [route, outs] of byRoute) {
      const found = firstRetried(route, outs);
      if (!found) continue;
      const { rule, retry, verdict } = found;
      const data = { name: route.name ?? '(unnamed)', rule: rule.index, ...(verdict.kind === 'methods' ? { methods: verdict.methods } : {}) };
      if (retry.from === 'parent') {
        ctx.report({
          resource: route,
          path: rule.path,
          messageId: verdict.kind === 'noMethod' ? 'parentNoMethod' : 'parentMethod',
          data: { ...data, parent: retry.describe },
        });
        continue;
      }
      // Without its own retry keys the route would take its parent's: no fix then.
      const parentRetries = outs.some((o) => o.parent.httpRetry);
      const keys = Object.keys(annotationsAt(route.value) ?? {}).filter((k) => k.startsWith(RETRY_PREFIX));
      const fix = parentRetries
        ? undefined
        : (fixer: Fixer) => ({ kind: 'unsafe' as const, edits: fixer.removeKeys(route, keys.map((k) => ['metadata', 'annotations', k])) });
      ctx.report({
        resource: route,
        path: ['metadata', 'annotations', HTTP_RETRY_KEY],
        messageId: verdict.kind === 'noMethod' ? 'routeNoMethod' : 'routeMethod',
        data,
        ...(fix ? { fix } : {}),
      });
    }
  },
});

/**
 * The first rule of the route that a status-conditioned retry covers and that can match a
 * non-idempotent request. A retry with only a limit or per-try timeout is not judged: which
 * statuses the proxy retries without `retry.linkerd.io/http` is not established.
 */
function firstRetried(route: Resource, outs: readonly OutboundRoute[]): { rule: RuleSettings; retry: RetrySettings; verdict: Verdict } | undefined {
  const values = rulesOf(route);
  const rules = outs[0]?.rules ?? [];
  for (const rule of rules) {
    const retry = outs.map((o) => o.rules[rule.index]?.retry).find((r) => r?.conditions !== undefined);
    if (!retry) continue;
    const verdict = ruleVerdict(values[rule.index]);
    if (verdict.kind !== 'none') return { rule, retry, verdict };
  }
  return undefined;
}

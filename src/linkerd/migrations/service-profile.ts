/**
 * ServiceProfile → Gateway API HTTPRoute (with `retry.linkerd.io/*` and `timeout.linkerd.io/*`
 * annotations), written only where the proxy would route every request the same way.
 *
 * How a profile routes (linkerd2-proxy `linkerd/service-profiles/src/proto.rs`,
 * `convert_req_match`; `linkerd/service-profiles/src/http.rs`, `route_for_request`;
 * `linkerd/app/outbound/src/http/logical/profile.rs`):
 * - a `pathRegex` is trimmed and anchored at both ends (`^…$`) unless it already is, and run
 *   on the request path only: a full match;
 * - routes are tried in order and the first that matches wins; a request that matches none
 *   takes a default route with no timeout and no retries, to the same backends;
 * - `timeout` bounds the wait for the response headers, retries included; `isRetryable`
 *   retries responses that the route's response classes call failures (else 5xx) for as
 *   long as the retry budget allows (`linkerd/app/outbound/src/http/retry.rs`,
 *   `linkerd/app/core/src/classify.rs`).
 *
 * How an HTTPRoute routes (linkerd2-proxy `linkerd/http/route/src/lib.rs`, `find`;
 * `linkerd/http/route/src/http/match.rs` and `match/path.rs`):
 * - every rule is matched; the best match wins: the longest path match (an Exact match counts
 *   the path's length, a PathPrefix its prefix's, which must end at a segment boundary after
 *   trailing slashes are trimmed; no path is the prefix `/`), then a method match; ties go to
 *   the earlier rule of the same route, and between routes to the order the policy controller
 *   sends them in (creation time), which a fix cannot know;
 * - a request that matches no rule is refused with 404 (`linkerd/app/outbound/src/http/server.rs`,
 *   `NoRoute`): the migration adds a catch-all rule, as the profile's default route.
 *
 * So instead of trusting a syntactic mapping, the conversion evaluates both on one request
 * of every region the routes' paths and methods cut the request space into, and gives up
 * when some request would get a different timeout, retry or backend.
 */
import { isObject } from '../../model/k8s.js';
import type { JsonPath } from '../../model/path.js';
import type { Resource } from '../../model/resource.js';
import type { ManifestTree } from '../../model/tree.js';
import { GATEWAY_GROUP } from '../admission/coverage.js';
import {
  REQUEST_TIMEOUT_KEY,
  RETRY_LIMIT_KEY,
  type OutboundRoute,
  clientPolicyAnnotations,
  overridingField,
  policyDurationOf,
  profileName,
  profileService,
  routesOfParent,
  ruleTimeoutsRead,
} from '../effective-config.js';
import { type LinkerdTarget, atLeast } from '../releases.js';

export const RETRY_HTTP_KEY = 'retry.linkerd.io/http';

export type Manifest = Record<string, unknown>;

export type ProfileMigration =
  | {
      ok: true;
      /** The HTTPRoutes to write. */
      manifests: Manifest[];
      /** Keep the profile for what has no replacement (`opaquePorts`), without its routes and dstOverrides. */
      keepProfile: boolean;
      /** True only when every request is handled exactly as before. */
      safe: boolean;
      /** What differs or is not carried over, one sentence each. */
      notes: string[];
    }
  | { ok: false; reason: string; path: JsonPath };

/** Gateway API HTTPRoute `method` values (the CRD enum). */
const GATEWAY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/** Gateway API limits: `spec.rules` and `rules[].matches` maxItems, path `value` maxLength. */
const MAX_RULES = 16;
const MAX_MATCHES = 64;
const MAX_PATH = 1024;

type PathMatch = { kind: 'exact'; value: string } | { kind: 'prefix'; value: string };

interface Match {
  method?: string;
  path?: PathMatch;
}

/** What a request gets from a route: the only things a migration must keep. */
interface Behaviour {
  timeout?: { text: string; ms: number };
  retry?: { conditions: string; limit: number };
}

interface ConvertedRoute {
  index: number;
  name: string;
  match: Match;
  behaviour: Behaviour;
}

type Failure = { reason: string; path: JsonPath };

function fail(reason: string, path: JsonPath): Failure {
  return { reason, path };
}

function isFailure(v: unknown): v is Failure {
  return isObject(v) && typeof v.reason === 'string' && Array.isArray(v.path);
}

// ---------------------------------------------------------------- paths

/** Regex metacharacters; a literal path may hold them only escaped. */
const META = new Set(['.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$', '\\']);

/** The literal a regex stands for, or undefined when it has any unescaped metacharacter or an escape that is not a plain character. */
function literalOf(regex: string): string | undefined {
  let out = '';
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i]!;
    if (c === '\\') {
      const next = regex[i + 1];
      // `\.`, `\-`, `\/`: an escaped punctuation character is itself; `\d`, `\w`, `\b` … are classes or assertions.
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined;
      out += next;
      i++;
      continue;
    }
    if (META.has(c)) return undefined;
    out += c;
  }
  return out;
}

/** Suffixes that turn a literal `L` into exactly {L} ∪ L/…, which is what PathPrefix `L` matches. */
const SEGMENT_SUFFIXES = ['(/.*)?', '(?:/.*)?'];

/**
 * The path match a `pathRegex` is equal to under the proxy's full match, or why there is none.
 * `.*` and `/.*` match every path a request can carry (origin-form paths start with `/`).
 */
function pathMatchOf(raw: string): PathMatch | string {
  let re = raw.trim();
  if (re.startsWith('^')) re = re.slice(1);
  if (re.endsWith('$') && !re.endsWith('\\$')) re = re.slice(0, -1);
  if (re === '.*' || re === '/.*') return { kind: 'prefix', value: '/' };
  const literal = literalOf(re);
  if (literal !== undefined) return { kind: 'exact', value: literal };
  for (const suffix of SEGMENT_SUFFIXES) {
    if (!re.endsWith(suffix)) continue;
    const prefix = literalOf(re.slice(0, -suffix.length));
    if (prefix === undefined || prefix === '' || prefix.endsWith('/')) break;
    return { kind: 'prefix', value: prefix };
  }
  const head = /^((?:[^\\.+*?()[\]{}|^$]|\\[^A-Za-z0-9])*)\.\*$/.exec(re);
  const headLiteral = head ? literalOf(head[1]!) : undefined;
  if (headLiteral !== undefined) {
    const slash = headLiteral.endsWith('/');
    const prefix = slash ? headLiteral.slice(0, -1) : headLiteral;
    if (slash) {
      return `it matches the paths under ${prefix}/ but not ${prefix} itself, and PathPrefix ${prefix} would take both; write it as ${prefix}(/.*)? if ${prefix} belongs to the route`;
    }
    return `it matches any path that starts with the characters ${prefix}, and PathPrefix matches whole path segments only (PathPrefix ${prefix} does not match ${prefix}x)`;
  }
  return 'it is not a literal path or a literal prefix followed by (/.*)?, and the conversion writes only Exact and PathPrefix matches';
}

/** What the Gateway API CRD's rules refuse in an Exact or PathPrefix value (standard channel CEL rules). */
function badGatewayPath(value: string): string | undefined {
  if (!value.startsWith('/')) return 'does not start with /';
  if (value.length > MAX_PATH) return `is longer than ${MAX_PATH} characters`;
  if (value.includes('//')) return 'contains //';
  if (/\/\.\.?(\/|$)/.test(value)) return 'contains a /. or /.. segment';
  if (/%2f/i.test(value)) return 'contains %2F';
  if (value.includes('#')) return 'contains #';
  return undefined;
}

// ---------------------------------------------------------------- conditions

/** The method and path match of a request condition, or why it has none. */
function matchOf(condition: unknown, path: JsonPath): Match | Failure {
  if (!isObject(condition)) return fail('its condition is not an object', path);
  const out: Match = {};
  const add = (c: Record<string, unknown>, at: JsonPath): Failure | undefined => {
    for (const key of Object.keys(c)) {
      if (key === 'method' || key === 'pathRegex' || key === 'all') continue;
      if (key === 'any') return fail('it uses condition.any, and one HTTPRoute rule matches one method and path', [...at, key]);
      if (key === 'not') return fail('it uses condition.not, which HTTPRoute matches cannot express', [...at, key]);
      return fail(`its condition sets ${key}`, [...at, key]);
    }
    if (c.method !== undefined) {
      if (typeof c.method !== 'string') return fail('condition.method is not a string', [...at, 'method']);
      // The destination controller sends the method upper-cased (linkerd2 `pkg/util/http.go`, `ParseMethod`).
      const method = c.method.toUpperCase();
      if (!GATEWAY_METHODS.includes(method)) return fail(`condition.method ${c.method} is not one of the HTTPRoute methods (${GATEWAY_METHODS.join(', ')})`, [...at, 'method']);
      if (out.method !== undefined && out.method !== method) return fail('its condition needs two different methods at once, so it never matches', [...at, 'method']);
      out.method = method;
    }
    if (c.pathRegex !== undefined) {
      if (typeof c.pathRegex !== 'string') return fail('condition.pathRegex is not a string', [...at, 'pathRegex']);
      if (out.path) return fail('its condition has two pathRegex, and an HTTPRoute match has one path', [...at, 'pathRegex']);
      const p = pathMatchOf(c.pathRegex);
      if (typeof p === 'string') return fail(`pathRegex ${c.pathRegex} cannot be converted: ${p}`, [...at, 'pathRegex']);
      const bad = p.value === '/' ? undefined : badGatewayPath(p.value);
      if (bad) return fail(`the path ${p.value} of pathRegex ${c.pathRegex} ${bad}, which an HTTPRoute path may not`, [...at, 'pathRegex']);
      out.path = p;
    }
    if (c.all !== undefined) {
      if (!Array.isArray(c.all)) return fail('condition.all is not a list', [...at, 'all']);
      for (let i = 0; i < c.all.length; i++) {
        const sub = c.all[i];
        if (!isObject(sub)) return fail('an entry of condition.all is not an object', [...at, 'all', i]);
        const f = add(sub, [...at, 'all', i]);
        if (f) return f;
      }
    }
    return undefined;
  };
  const f = add(condition, path);
  return f ?? (out.path?.kind === 'prefix' && out.path.value === '/' ? { ...(out.method ? { method: out.method } : {}) } : out);
}

// ---------------------------------------------------------------- retries

const STATUSES = Array.from({ length: 500 }, (_, i) => i + 100);

/** Whether a response condition holds for a status; undefined for a shape the proxy would drop. */
function statusHolds(cond: unknown, status: number): boolean | undefined {
  if (!isObject(cond)) return undefined;
  const parts: boolean[] = [];
  if (cond.status !== undefined) {
    if (!isObject(cond.status)) return undefined;
    const min = typeof cond.status.min === 'number' ? cond.status.min : 100;
    const max = typeof cond.status.max === 'number' ? cond.status.max : 599;
    parts.push(status >= min && status <= max);
  }
  for (const key of ['all', 'any'] as const) {
    if (cond[key] === undefined) continue;
    if (!Array.isArray(cond[key])) return undefined;
    const subs = (cond[key] as unknown[]).map((c) => statusHolds(c, status));
    if (subs.some((s) => s === undefined)) return undefined;
    parts.push(key === 'all' ? subs.every(Boolean) : subs.some(Boolean));
  }
  if (cond.not !== undefined) {
    const inner = statusHolds(cond.not, status);
    if (inner === undefined) return undefined;
    parts.push(!inner);
  }
  return parts.length ? parts.every(Boolean) : undefined;
}

/** `500-504,429`: the statuses as ascending ranges, single statuses as themselves. */
function statusList(statuses: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < statuses.length; ) {
    let j = i;
    while (j + 1 < statuses.length && statuses[j + 1] === statuses[j]! + 1) j++;
    const [lo, hi] = [statuses[i]!, statuses[j]!];
    out.push(lo === 500 && hi === 599 ? '5xx' : lo === hi ? `${lo}` : `${lo}-${hi}`);
    i = j + 1;
  }
  return out.join(',');
}

/**
 * The statuses a retryable route retries: those whose first matching response class says
 * `isFailure`, and the 5xx that no class matches (linkerd2-proxy `linkerd/app/core/src/classify.rs`).
 */
function failureStatuses(route: Record<string, unknown>, path: JsonPath): number[] | Failure {
  const classes = Array.isArray(route.responseClasses) ? route.responseClasses : [];
  const out: number[] = [];
  for (const status of STATUSES) {
    let failure: boolean | undefined;
    for (let i = 0; i < classes.length && failure === undefined; i++) {
      const c = classes[i];
      const holds = isObject(c) ? statusHolds(c.condition, status) : undefined;
      if (holds === undefined) return fail('a response class has a condition the proxy cannot read', [...path, 'responseClasses', i]);
      if (holds) failure = isObject(c) && c.isFailure === true;
    }
    if (failure ?? status >= 500) out.push(status);
  }
  return out;
}

/** The `retry.linkerd.io/limit` closest to a budget: the ratio of retries to requests, rounded up, 1 to 3. */
function limitFor(budget: unknown): number {
  const ratio = isObject(budget) && typeof budget.retryRatio === 'number' ? budget.retryRatio : 0.2;
  return Math.min(3, Math.max(1, Math.ceil(ratio)));
}

// ---------------------------------------------------------------- routes

function convertRoute(route: unknown, index: number, budget: unknown): ConvertedRoute | Failure {
  const path: JsonPath = ['spec', 'routes', index];
  if (!isObject(route)) return fail(`route ${index + 1} is not an object`, path);
  const name = typeof route.name === 'string' ? route.name : `#${index + 1}`;
  const named = (f: Failure): Failure => ({ ...f, reason: `route "${name}": ${f.reason}` });
  const match = matchOf(route.condition, [...path, 'condition']);
  if (isFailure(match)) return named(match);
  const behaviour: Behaviour = {};
  if (route.timeout !== undefined) {
    const d = typeof route.timeout === 'string' ? policyDurationOf(route.timeout) : { ok: false as const, why: 'is not a string' };
    if (!d.ok) return named(fail(`timeout ${String(route.timeout)} ${d.why}, so it has no policy duration equal to it`, [...path, 'timeout']));
    if (d.ms > 0) behaviour.timeout = { text: d.text, ms: d.ms };
  }
  if (route.isRetryable === true) {
    const statuses = failureStatuses(route, path);
    if (isFailure(statuses)) return named(statuses);
    if (statuses.length) behaviour.retry = { conditions: statusList(statuses), limit: limitFor(budget) };
  }
  return { index, name, match, behaviour };
}

function behaviourKey(b: Behaviour): string {
  return `${b.timeout?.ms ?? '-'}|${b.retry ? `${b.retry.conditions}/${b.retry.limit}` : '-'}`;
}

function describeBehaviour(b: Behaviour): string {
  const parts = [b.timeout ? `timeout ${b.timeout.text}` : 'no timeout', b.retry ? `retries on ${b.retry.conditions}` : 'no retries'];
  return parts.join(' and ');
}

// ---------------------------------------------------------------- evaluation

/** A segment no route names: stands for "any other segment" in a sample request. */
const OTHER = '\u0000';
const OTHER_METHOD = '\u0000';

function profileMatches(m: Match, method: string, path: string): boolean {
  if (m.method !== undefined && m.method !== method) return false;
  if (!m.path) return true;
  if (m.path.kind === 'exact') return path === m.path.value;
  return m.path.value === '/' || path === m.path.value || path.startsWith(`${m.path.value}/`);
}

/** The proxy's match summary of an HTTPRoute match (path length, then method), or undefined for no match. */
function gatewaySummary(m: Match, method: string, path: string): [number, number] | undefined {
  if (m.method !== undefined && m.method !== method) return undefined;
  const has = m.method !== undefined ? 1 : 0;
  if (!m.path || (m.path.kind === 'prefix' && m.path.value === '/')) return [1, has];
  if (m.path.kind === 'exact') return path === m.path.value ? [path.length, has] : undefined;
  const prefix = m.path.value.replace(/\/+$/, '');
  const rest = path.replace(/\/+$/, '');
  if (!rest.startsWith(prefix)) return undefined;
  const suffix = rest.slice(prefix.length);
  return suffix === '' || suffix.startsWith('/') ? [prefix.length, has] : undefined;
}

function better(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

interface Rule {
  /** The profile routes it stands for; empty for the catch-all. */
  routes: ConvertedRoute[];
  matches: Match[];
  behaviour: Behaviour;
}

interface Group {
  annotations: Behaviour;
  rules: Rule[];
}

function show(method: string, path: string): string {
  const p = path.split(OTHER).join('<any>');
  return method === OTHER_METHOD ? `a request to ${p} with another method` : `a ${method} request to ${p}`;
}

/** The first sample request that the HTTPRoutes would handle differently from the profile, as a reason. */
function firstDifference(routes: ConvertedRoute[], groups: Group[]): string | undefined {
  const methods = [...new Set(routes.flatMap((r) => (r.match.method ? [r.match.method] : []))), OTHER_METHOD];
  const literals = [...new Set(routes.flatMap((r) => (r.match.path && r.match.path.value !== '/' ? [r.match.path.value] : [])))];
  const paths = ['/', `/${OTHER}`, ...literals.flatMap((l) => [l, `${l}/`, `${l}/${OTHER}`])];
  for (const path of paths) {
    for (const method of methods) {
      const first = routes.find((r) => profileMatches(r.match, method, path));
      const wanted = first?.behaviour ?? {};
      // The best rule of each HTTPRoute (ties: the earlier rule), then the best of those.
      const winners: { rule: Rule; summary: [number, number] }[] = [];
      for (const g of groups) {
        let best: { rule: Rule; summary: [number, number] } | undefined;
        for (const rule of g.rules) {
          const summaries = rule.matches.map((m) => gatewaySummary(m, method, path)).filter((s): s is [number, number] => s !== undefined);
          if (!summaries.length) continue;
          const summary = summaries.reduce((a, b) => (better(a, b) >= 0 ? a : b));
          if (!best || better(summary, best.summary) > 0) best = { rule, summary };
        }
        if (best) winners.push(best);
      }
      const top = winners.reduce((a, b) => (better(a.summary, b.summary) >= 0 ? a : b));
      const tied = winners.filter((w) => better(w.summary, top.summary) === 0);
      const profileSide = first ? `route "${first.name}"` : 'no route (the default: no timeout, no retries)';
      for (const w of tied) {
        if (behaviourKey(w.rule.behaviour) === behaviourKey(wanted)) continue;
        const ruleSide = w.rule.routes.length ? `the rule of route "${w.rule.routes[0]!.name}"` : 'the catch-all rule';
        const why = tied.length > 1 ? 'ties with rules of another HTTPRoute, and which wins depends on creation time' : 'is the most specific match there';
        return `${show(method, path)} takes ${profileSide} in the profile (${describeBehaviour(wanted)}), but ${ruleSide} in the HTTPRoutes, which ${why} (${describeBehaviour(w.rule.behaviour)})`;
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- manifests

function matchManifest(m: Match): Manifest {
  const out: Manifest = {};
  out.path = m.path ? { type: m.path.kind === 'exact' ? 'Exact' : 'PathPrefix', value: m.path.value } : { type: 'PathPrefix', value: '/' };
  if (m.method) out.method = m.method;
  return out;
}

/** Rules for one HTTPRoute: one per profile route, or one per behaviour when that is too many. */
function rulesOf(routes: ConvertedRoute[], catchAll: boolean): Rule[] | undefined {
  const one = routes.map((r) => ({ routes: [r], matches: [r.match], behaviour: r.behaviour }));
  const all = catchAll ? [...one, { routes: [], matches: [{}], behaviour: {} }] : one;
  if (all.length <= MAX_RULES) return all;
  const merged = new Map<string, Rule>();
  for (const r of all) {
    const key = behaviourKey(r.behaviour);
    const m = merged.get(key);
    if (m) {
      m.routes.push(...r.routes);
      m.matches.push(...r.matches);
    } else merged.set(key, { routes: [...r.routes], matches: [...r.matches], behaviour: r.behaviour });
  }
  const rules = [...merged.values()];
  return rules.length <= MAX_RULES && rules.every((r) => r.matches.length <= MAX_MATCHES) ? rules : undefined;
}

interface Backend {
  name: string;
  namespace: string;
  port: number;
  weight: number;
}

/** A Kubernetes quantity in thousandths (what the destination controller's `MilliValue` gives), for the weights written here. */
function millisOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(m|k)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'm' ? n : m[2] === 'k' ? n * 1e6 : n * 1000);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** `dstOverrides` as weighted backendRefs of the route's namespace, or why not. */
function backendsOf(
  spec: Record<string, unknown>,
  routeNamespace: string,
  clusterDomain: string,
  servicePorts: number[] | undefined,
): Backend[] | Failure | undefined {
  if (!Array.isArray(spec.dstOverrides) || spec.dstOverrides.length === 0) return undefined;
  const out: Backend[] = [];
  const suffix = `.svc.${clusterDomain}`;
  for (let i = 0; i < spec.dstOverrides.length; i++) {
    const d = spec.dstOverrides[i];
    const at: JsonPath = ['spec', 'dstOverrides', i];
    if (!isObject(d) || typeof d.authority !== 'string') return fail(`dstOverrides[${i}] has no authority`, at);
    const m = /^([^:]+?)\.?(?::(\d+))?$/.exec(d.authority.trim());
    const host = m?.[1];
    if (!m || !host?.endsWith(suffix)) return fail(`dstOverrides[${i}].authority ${d.authority} is not <service>.<namespace>${suffix}[:<port>], so it names no Service a backendRef can`, [...at, 'authority']);
    const labels = host.slice(0, -suffix.length).split('.');
    if (labels.length !== 2) return fail(`dstOverrides[${i}].authority ${d.authority} is not <service>.<namespace>${suffix}[:<port>]`, [...at, 'authority']);
    const [name, namespace] = labels as [string, string];
    if (namespace !== routeNamespace) {
      return fail(`dstOverrides[${i}].authority ${d.authority} is in namespace ${namespace}, and a backendRef to another namespace needs a ReferenceGrant`, [...at, 'authority']);
    }
    let port = m[2] === undefined ? undefined : Number(m[2]);
    if (port === undefined) {
      // Without a port the request's own port is used (linkerd2 `profile_translator.go`, `toDstOverrides`); a backendRef needs one.
      if (servicePorts?.length !== 1) {
        return fail(`dstOverrides[${i}].authority ${d.authority} has no port, so each request keeps its own, and a backendRef names one port (exact only for a Service in the input with a single port)`, [...at, 'authority']);
      }
      port = servicePorts[0]!;
    }
    const weight = millisOf(d.weight);
    if (weight === undefined) return fail(`dstOverrides[${i}].weight ${String(d.weight)} is not a quantity the conversion reads (an integer, a decimal, or with suffix m or k)`, [...at, 'weight']);
    out.push({ name, namespace, port, weight });
  }
  if (out.every((b) => b.weight === 0)) return fail('every dstOverrides weight is zero', ['spec', 'dstOverrides']);
  const divisor = out.reduce((g, b) => gcd(g, b.weight), 0);
  for (const b of out) b.weight /= divisor;
  // Gateway API backendRef weights are at most 1,000,000.
  if (out.some((b) => b.weight > 1_000_000)) return fail('the dstOverrides weights have no equal ratio of backendRef weights (at most 1000000)', ['spec', 'dstOverrides']);
  return out;
}

function servicePortsOf(service: Resource | undefined): number[] | undefined {
  const spec = service?.value.spec;
  if (!isObject(spec) || !Array.isArray(spec.ports)) return undefined;
  return spec.ports.flatMap((p) => (isObject(p) && typeof p.port === 'number' ? [p.port] : []));
}

function metadataOf(profile: Resource, name: string, namespace: string, annotations: Record<string, string>): Manifest {
  const meta = isObject(profile.value.metadata) ? profile.value.metadata : {};
  const out: Manifest = { name, namespace };
  if (isObject(meta.labels) && Object.keys(meta.labels).length) out.labels = meta.labels;
  const kept: Record<string, unknown> = {};
  if (isObject(meta.annotations)) {
    for (const [k, v] of Object.entries(meta.annotations)) {
      // Client-side apply bookkeeping, and the SMI adaptor's opt-out, mean nothing on the route.
      if (k === 'kubectl.kubernetes.io/last-applied-configuration' || k.startsWith('smi.linkerd.io/')) continue;
      if (k.startsWith('retry.linkerd.io/') || k.startsWith('timeout.linkerd.io/')) continue;
      kept[k] = v;
    }
  }
  Object.assign(kept, annotations);
  if (Object.keys(kept).length) out.annotations = kept;
  return out;
}

// ---------------------------------------------------------------- entry point

/**
 * The first of a Service's routes in one of `namespaces` (any, when undefined). Remembered
 * per route list and namespaces, as copies of one profile ask alike.
 */
function firstAttached(routes: readonly OutboundRoute[], namespaces: readonly string[] | undefined): OutboundRoute | undefined {
  if (!namespaces) return routes[0];
  let byNamespaces = firstAttachedOf.get(routes);
  if (!byNamespaces) firstAttachedOf.set(routes, (byNamespaces = new Map()));
  const key = namespaces.join('\0');
  if (!byNamespaces.has(key)) byNamespaces.set(key, routes.find((r) => r.route.namespace !== undefined && namespaces.includes(r.route.namespace)));
  return byNamespaces.get(key);
}

const firstAttachedOf = new WeakMap<readonly OutboundRoute[], Map<string, OutboundRoute | undefined>>();

/**
 * The HTTPRoutes that replace a ServiceProfile's routes and dstOverrides for `target`
 * (≥ 2.16, where the retry and timeout annotations exist), or the reason there are none.
 */
export function migrateServiceProfile(profile: Resource, tree: ManifestTree, target: LinkerdTarget, clusterDomain: string): ProfileMigration {
  const spec = isObject(profile.value.spec) ? profile.value.spec : {};
  const owner = profileService(profile, clusterDomain);
  if (!owner) return { ok: false, reason: `metadata.name is not <service>.<namespace>.svc.${clusterDomain}, so the Service the HTTPRoute attaches to is unknown`, path: ['metadata', 'name'] };
  if (!atLeast(target, '2.16')) return { ok: false, reason: `Linkerd ${target.release} has no retry and timeout annotations (2.16 brings them)`, path: [] };
  const { service, namespace: serviceNamespace } = owner;
  const namespace = profile.namespace ?? serviceNamespace;
  const consumer = namespace !== serviceNamespace;
  const notes: string[] = [];
  let safe = true;

  if (consumer) {
    // A client-namespace profile wins over the Service's own for clients of its namespace
    // (linkerd2 `controller/api/destination/server.go`); once it is gone they fall back to that one.
    const own = tree.find('ServiceProfile', serviceNamespace, profileName(service, serviceNamespace, clusterDomain), 'linkerd.io');
    if (own && overridingField(own) !== undefined) {
      return { ok: false, reason: `clients in ${namespace} would fall back to ServiceProfile ${own.name} in ${serviceNamespace}, which would shadow the new HTTPRoute; migrate that one first`, path: [] };
    }
    safe = false;
    notes.push(
      `an HTTPRoute in ${namespace} is a consumer route: like this profile it applies only to clients in ${namespace}, but it is used together with the Service's own HTTPRoutes (the most specific rule wins) instead of replacing them`,
    );
  }

  const other = firstAttached(routesOfParent(tree, target, clusterDomain, 'Service', serviceNamespace, service), consumer ? [namespace, serviceNamespace] : undefined);
  if (other) {
    return { ok: false, reason: `${other.describe} already attaches to Service ${serviceNamespace}/${service} and the profile hides it; merge the profile's routes into it by hand`, path: [] };
  }

  const serviceResource = tree.find('Service', serviceNamespace, service, '');
  if (!serviceResource) {
    safe = false;
    notes.push(`Service ${serviceNamespace}/${service} is not in the input, so whether it has retry, timeout or balancer annotations that the profile hides now is unknown`);
  } else {
    const hidden = clientPolicyAnnotations(serviceResource, target);
    if (hidden.length) {
      safe = false;
      notes.push(`the Service's ${hidden.join(', ')}, which the profile hides now, will apply`);
    }
  }

  // Routes.
  const rawRoutes = Array.isArray(spec.routes) ? spec.routes : [];
  const routes: ConvertedRoute[] = [];
  for (let i = 0; i < rawRoutes.length; i++) {
    const r = convertRoute(rawRoutes[i], i, spec.retryBudget);
    if (isFailure(r)) return { ok: false, ...r };
    routes.push(r);
  }

  // Backends.
  const backends = backendsOf(spec, namespace, clusterDomain, servicePortsOf(serviceResource));
  if (isFailure(backends)) return { ok: false, ...backends };

  // Grouping: retries (and, where rules cannot carry a timeout, timeouts) are per HTTPRoute.
  const probe = { kind: 'HTTPRoute', group: GATEWAY_GROUP, version: atLeast(target, '2.18') ? 'v1' : 'v1beta1' } as Resource;
  const ruleTimeouts = ruleTimeoutsRead(probe, target).read;
  const groupKey = (b: Behaviour) => `${ruleTimeouts ? '-' : (b.timeout?.ms ?? '-')}|${b.retry ? `${b.retry.conditions}/${b.retry.limit}` : '-'}`;
  const byKey = new Map<string, ConvertedRoute[]>();
  byKey.set(groupKey({}), []);
  for (const r of routes) {
    const key = groupKey(r.behaviour);
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(r);
  }
  const groups: Group[] = [];
  for (const [key, members] of byKey) {
    const isDefault = key === groupKey({});
    const sample = members[0]?.behaviour ?? {};
    const annotations: Behaviour = {};
    if (!ruleTimeouts && sample.timeout) annotations.timeout = sample.timeout;
    if (sample.retry) annotations.retry = sample.retry;
    const rules = rulesOf(members, isDefault);
    if (!rules) return { ok: false, reason: `the routes need more than ${MAX_RULES} HTTPRoute rules of one kind (or ${MAX_MATCHES} matches in one rule)`, path: ['spec', 'routes'] };
    groups.push({ annotations, rules });
  }

  const difference = firstDifference(routes, groups);
  if (difference) return { ok: false, reason: difference, path: ['spec', 'routes'] };

  // Names: the Service's, then -2, -3 … for the other groups; an HTTPRoute of that name must not exist.
  const names = groups.map((_, i) => (i === 0 ? service : `${service}-${i + 1}`));
  for (const name of names) {
    if (tree.find('HTTPRoute', namespace, name, GATEWAY_GROUP)) return { ok: false, reason: `an HTTPRoute named ${name} already exists in namespace ${namespace}`, path: [] };
  }

  const apiVersion = `${GATEWAY_GROUP}/${probe.version}`;
  const manifests = groups.map((g, i): Manifest => {
    const annotations: Record<string, string> = {};
    if (g.annotations.retry) {
      annotations[RETRY_HTTP_KEY] = g.annotations.retry.conditions;
      annotations[RETRY_LIMIT_KEY] = String(g.annotations.retry.limit);
    }
    if (g.annotations.timeout) annotations[REQUEST_TIMEOUT_KEY] = g.annotations.timeout.text;
    const parentRef: Manifest = { group: 'core', kind: 'Service', name: service };
    if (consumer) parentRef.namespace = serviceNamespace;
    const rules = g.rules.map((rule): Manifest => {
      const out: Manifest = { matches: rule.matches.map(matchManifest) };
      if (backends) out.backendRefs = backends.map((b) => ({ name: b.name, port: b.port, weight: b.weight }));
      if (ruleTimeouts && rule.behaviour.timeout) out.timeouts = { request: rule.behaviour.timeout.text };
      return out;
    });
    return { apiVersion, kind: 'HTTPRoute', metadata: metadataOf(profile, names[i]!, namespace, annotations), spec: { parentRefs: [parentRef], rules } };
  });

  // What differs.
  if (routes.some((r) => r.behaviour.timeout)) {
    safe = false;
    notes.push(
      'a profile timeout ends when the response headers arrive, an HTTPRoute request timeout when the whole response has been received',
    );
  }
  if (routes.some((r) => r.behaviour.retry)) {
    safe = false;
    notes.push(
      `a retry budget (${isObject(spec.retryBudget) ? 'spec.retryBudget' : 'the default 20% of requests, at least 10 per second'}) cannot be carried over exactly: it caps retries across all requests, retry.linkerd.io/limit caps them per request (written as ${limitFor(spec.retryBudget)})`,
    );
  }
  const dropped = rawRoutes.flatMap((r, i) => (isObject(r) && r.isRetryable === true && !routes[i]!.behaviour.retry ? [`"${routes[i]!.name}"`] : []));
  if (dropped.length) notes.push(`route ${dropped.join(', ')} is retryable but its response classes mark no status as a failure, so it gets no retry`);
  if (backends) {
    safe = false;
    // Profile backends are built with `failure_accrual: None` (linkerd2-proxy `linkerd/app/outbound/src/http/logical/profile.rs`).
    notes.push('the profile balances its dstOverrides backends without failure accrual, HTTPRoute backendRefs with the balancer.linkerd.io settings of each backend Service');
  }
  const keepProfile = spec.opaquePorts !== undefined && (!Array.isArray(spec.opaquePorts) || spec.opaquePorts.length > 0);
  if (keepProfile) notes.push('spec.opaquePorts has no HTTPRoute replacement, so the profile stays with it alone (mark the ports with config.linkerd.io/opaque-ports on the Service instead)');
  return { ok: true, manifests, keepProfile, safe, notes };
}

import { isObject } from '../../model/k8s.js';
import type { Resource } from '../../model/resource.js';
import type { ManifestTree } from '../../model/tree.js';
import { GATEWAY_GROUP, POLICY_GROUP } from '../admission/coverage.js';
import { refersTo } from '../admission/refs.js';
import { type LinkerdTarget, atLeast } from '../releases.js';
import { appliedOn } from './applied.js';
import { nearestCopy } from './copies.js';

/**
 * The inbound routes of a Server, and which of a request's routes the proxy picks.
 *
 * A route attaches to a Server through a `parentRefs` entry of kind Server (group
 * policy.linkerd.io; a policy.linkerd.io route's refs default to its own group). A Server
 * parent in another namespace, or with a `port` or `sectionName`, makes the policy controller
 * drop the whole route (linkerd2 `policy-controller/k8s/index/src/inbound/routes.rs`,
 * `InvalidParentRef`). From 2.16 an HTTPRoute is not accepted by a Server that a GRPCRoute
 * also attaches to (`policy-controller/k8s/status/src/index.rs`, `route_conflicted`; #12782, GEP-1426).
 */

export type RouteKind = 'HTTPRoute' | 'GRPCRoute';

export interface HttpMatch {
  /** `Exact`, `PathPrefix` or `RegularExpression`; absent matches every path (a prefix of `/`). */
  path?: { type: string; value: string };
  method?: string;
  headers: string[];
  queryParams: string[];
}

export interface GrpcMatch {
  service?: string;
  method?: string;
  headers: string[];
}

export interface RouteRule {
  index: number;
  /** Empty: the rule matches every request. */
  http: HttpMatch[];
  grpc: GrpcMatch[];
}

export interface InboundRoute {
  resource: Resource;
  kind: RouteKind;
  group: string;
  name: string;
  hostnames: string[];
  rules: RouteRule[];
}

export interface IgnoredRoute {
  resource: Resource;
  why: string;
}

const ROUTE_KINDS: readonly { kind: RouteKind; group: string }[] = [
  { kind: 'HTTPRoute', group: POLICY_GROUP },
  { kind: 'HTTPRoute', group: GATEWAY_GROUP },
  { kind: 'GRPCRoute', group: GATEWAY_GROUP },
];

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The Server names a route's parents attach it to; `invalid` when the policy controller
 * drops the route, with the Servers it names.
 */
export function serverParents(route: Resource): { servers: string[]; invalid?: string } {
  const spec = isObject(route.value.spec) ? route.value.spec : {};
  const defaults = { group: route.group === POLICY_GROUP ? POLICY_GROUP : GATEWAY_GROUP, kind: 'Gateway' };
  const servers: string[] = [];
  let invalid: string | undefined;
  for (const ref of Array.isArray(spec.parentRefs) ? spec.parentRefs : []) {
    if (!isObject(ref) || !refersTo(ref, 'Server', POLICY_GROUP, defaults) || !str(ref.name)) continue;
    servers.push(ref.name as string);
    if (invalid) continue;
    if (ref.namespace !== undefined && ref.namespace !== route.namespace) invalid = `its parentRef to Server ${String(ref.name)} names another namespace`;
    else if (ref.port !== undefined) invalid = `its parentRef to Server ${String(ref.name)} sets port`;
    else if (ref.sectionName !== undefined) invalid = `its parentRef to Server ${String(ref.name)} sets sectionName`;
  }
  return invalid ? { servers, invalid } : { servers };
}

function headerNames(list: unknown): string[] {
  return Array.isArray(list) ? list.flatMap((h) => (isObject(h) && typeof h.name === 'string' ? [h.name] : [])) : [];
}

function httpMatch(m: Record<string, unknown>): HttpMatch {
  const path = isObject(m.path) ? { type: str(m.path.type) ?? 'PathPrefix', value: str(m.path.value) ?? '/' } : undefined;
  return {
    ...(path ? { path } : {}),
    ...(typeof m.method === 'string' ? { method: m.method } : {}),
    headers: headerNames(m.headers),
    queryParams: headerNames(m.queryParams),
  };
}

function grpcMatch(m: Record<string, unknown>): GrpcMatch {
  const method = isObject(m.method) ? m.method : {};
  return {
    ...(typeof method.service === 'string' ? { service: method.service } : {}),
    ...(typeof method.method === 'string' ? { method: method.method } : {}),
    headers: headerNames(m.headers),
  };
}

function inboundRoute(resource: Resource, kind: RouteKind): InboundRoute {
  const spec = isObject(resource.value.spec) ? resource.value.spec : {};
  const rules = (Array.isArray(spec.rules) ? spec.rules : []).map((rule, index): RouteRule => {
    const matches = isObject(rule) && Array.isArray(rule.matches) ? rule.matches.filter(isObject) : [];
    return kind === 'HTTPRoute' ? { index, http: matches.map(httpMatch), grpc: [] } : { index, http: [], grpc: matches.map(grpcMatch) };
  });
  const hostnames = Array.isArray(spec.hostnames) ? spec.hostnames.filter((h): h is string => typeof h === 'string') : [];
  return { resource, kind, group: resource.group, name: resource.name ?? '', hostnames, rules };
}

export interface ServerRoutes {
  http: InboundRoute[];
  grpc: InboundRoute[];
  ignored: IgnoredRoute[];
}

/** The routes the target's policy controller attaches to Server `server`, in the order the proxy breaks ties in. */
export function serverRoutes(tree: ManifestTree, server: Resource, target: LinkerdTarget): ServerRoutes {
  const out: ServerRoutes = { http: [], grpc: [], ignored: [] };
  const name = server.name;
  if (!name) return out;
  for (const { kind, group } of ROUTE_KINDS) {
    for (const route of tree.inNamespace(kind, server.namespace, group)) {
      if (!nearestCopy(tree, server, route)) continue;
      const parents = serverParents(route);
      if (!parents.servers.includes(name)) continue;
      if (parents.invalid) {
        out.ignored.push({ resource: route, why: `Linkerd drops it: ${parents.invalid}` });
        continue;
      }
      const applied = appliedOn(route, target);
      if (!applied.applied) {
        out.ignored.push({ resource: route, why: applied.why });
        continue;
      }
      (kind === 'GRPCRoute' ? out.grpc : out.http).push(inboundRoute(route, kind));
    }
  }
  if (atLeast(target, '2.16') && out.grpc.length > 0) {
    for (const r of out.http) out.ignored.push({ resource: r.resource, why: `not accepted: GRPCRoute ${out.grpc[0]!.name} also attaches to Server ${name}, and a GRPCRoute wins` });
    out.http = [];
  }
  // linkerd2 `policy-controller/grpc/src/inbound/http.rs`, `to_route_list`: oldest first, then by
  // reference: name, group, kind (`policy-controller/core/src/routes.rs`, `Ord for GroupKindName`).
  const order = (a: InboundRoute, b: InboundRoute) =>
    byteOrder(created(a.resource), created(b.resource)) || byteOrder(a.name, b.name) || byteOrder(a.group, b.group) || byteOrder(a.kind, b.kind);
  out.http.sort(order);
  out.grpc.sort(order);
  return out;
}

/** Rust's `str` order: by UTF-16 code unit here, which agrees with bytes for the names Kubernetes allows. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `metadata.creationTimestamp` as a sort key. The API server sets it on create, so a manifest
 * carries one only as an export of a live object, which exists already and is older than any
 * object still to be applied: one with a timestamp sorts first.
 */
export function created(resource: Resource): string {
  const meta = isObject(resource.value.metadata) ? resource.value.metadata : {};
  return typeof meta.creationTimestamp === 'string' ? `0${meta.creationTimestamp}` : '1';
}

/** A request as a question names it: a path and a method, both optional. */
export interface RequestSpec {
  path?: string;
  method?: string;
}

/**
 * How well one match fits a request (linkerd2-proxy `linkerd/http/route/src/http/match.rs`,
 * `RequestMatch`: the length of the path matched, then headers, query parameters, method), or
 * undefined when it does not. A match that needs headers or query parameters is taken not to
 * fit: a question names none. Without a path or method in the question, any one fits.
 */
function httpScore(m: HttpMatch, req: RequestSpec): number[] | undefined {
  if (m.headers.length || m.queryParams.length) return undefined;
  let method = 0;
  if (m.method !== undefined) {
    if (req.method !== undefined && req.method.toUpperCase() !== m.method.toUpperCase()) return undefined;
    method = 1;
  }
  let length = 1;
  if (m.path && req.path !== undefined) {
    const path = req.path.split('?')[0]!;
    const { type, value } = m.path;
    if (type === 'Exact') {
      if (value !== path) return undefined;
      length = value.length;
    } else if (type === 'RegularExpression') {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${value})$`);
      } catch {
        return undefined;
      }
      if (!re.test(path)) return undefined;
      length = path.length;
    } else if (value !== '/') {
      // `linkerd/http/route/src/http/match/path.rs`: a prefix matches whole path segments.
      const prefix = value.replace(/\/+$/, '');
      const rest = path.replace(/\/+$/, '');
      if (!rest.startsWith(prefix)) return undefined;
      const suffix = rest.slice(prefix.length);
      if (suffix !== '' && !suffix.startsWith('/')) return undefined;
      length = prefix.length;
    }
  }
  return [length, 0, 0, method];
}

/** `linkerd/http/route/src/grpc/match.rs`: the lengths of the service and method matched, then headers. */
function grpcScore(m: GrpcMatch, req: RequestSpec): number[] | undefined {
  if (m.headers.length) return undefined;
  if (req.method !== undefined && req.method.toUpperCase() !== 'POST') return undefined;
  if (req.path === undefined) return [m.service?.length ?? 0, m.method?.length ?? 0, 0];
  const [empty, service, method] = req.path.split('/');
  if (empty !== '' || service === undefined || method === undefined) return undefined;
  if (m.service !== undefined && m.service !== service) return undefined;
  if (m.method !== undefined && m.method !== method) return undefined;
  return [m.service?.length ?? 0, m.method?.length ?? 0, 0];
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/** A route's best fit for the request: the rule and its score, or undefined when no rule fits. */
export function routeFit(route: InboundRoute, req: RequestSpec): { rule: number; score: number[] } | undefined {
  let best: { rule: number; score: number[] } | undefined;
  const rules = route.rules.length ? route.rules : [{ index: 0, http: [], grpc: [] }];
  for (const rule of rules) {
    const matches = route.kind === 'HTTPRoute' ? rule.http : rule.grpc;
    const scores = matches.length
      ? matches.flatMap((m) => {
          const s = route.kind === 'HTTPRoute' ? httpScore(m as HttpMatch, req) : grpcScore(m as GrpcMatch, req);
          return s ? [s] : [];
        })
      : [route.kind === 'HTTPRoute' ? [1, 0, 0, 0] : [0, 0, 0]];
    for (const score of scores) if (!best || better(score, best.score)) best = { rule: rule.index, score };
  }
  return best;
}

/** True when some match of the route needs headers or query parameters, which a question cannot give. */
export function hasConditionalMatches(route: InboundRoute): boolean {
  return route.rules.some((r) => [...r.http, ...r.grpc].some((m) => m.headers.length > 0 || ('queryParams' in m && m.queryParams.length > 0)));
}

/** `GET /authors.json`, `/authors/*`, `POST emojivoto.v1.VotingService/VoteDog`, `every request`. */
export function describeMatches(route: InboundRoute): string[] {
  const out: string[] = [];
  for (const rule of route.rules.length ? route.rules : [{ index: 0, http: [], grpc: [] }]) {
    const matches = route.kind === 'HTTPRoute' ? rule.http : rule.grpc;
    if (matches.length === 0) {
      out.push('every request');
      continue;
    }
    for (const m of matches) {
      const parts: string[] = [];
      if ('queryParams' in m) {
        if (m.method) parts.push(m.method);
        const p = m.path;
        if (!p) parts.push('/*');
        else if (p.type === 'Exact') parts.push(p.value);
        else if (p.type === 'RegularExpression') parts.push(`~${p.value}`);
        else parts.push(p.value === '/' ? '/*' : `${p.value.replace(/\/+$/, '')}/*`);
        if (m.queryParams.length) parts.push(`?${m.queryParams.join('&')}`);
      } else {
        parts.push(`${m.service ?? '*'}/${m.method ?? '*'}`);
      }
      if (m.headers.length) parts.push(`[headers ${m.headers.join(', ')}]`);
      out.push(parts.join(' '));
    }
  }
  return [...new Set(out)];
}

/**
 * The outbound configuration a client proxy gets for each rule of each route attached to a
 * Service (or EgressNetwork): which request timeout, retry and balancer settings apply, and
 * which field of which object each comes from, release by release. Rules that judge
 * timeouts and retries read this one model, so they agree on who wins.
 *
 * Who wins (linkerd2 `policy-controller/grpc/src/outbound/http.rs`, `convert_outbound_route`
 * and `default_outbound_service_route`; `policy-controller/k8s/index/src/outbound/index/http.rs`
 * and `grpc.rs`, `convert_gateway_rule`, `convert_linkerd_rule`, `parse_http_retry`,
 * `parse_grpc_retry`; `policy-controller/k8s/index/src/outbound/index.rs`, `parse_timeouts`):
 * - a ServiceProfile with routes or dstOverrides for the Service makes the proxy ignore
 *   every route and annotation below (linkerd2-proxy `linkerd/service-profiles/src/lib.rs`,
 *   `has_routes_or_targets`; `linkerd/app/outbound/src/http/logical/profile.rs`);
 * - a rule's timeouts are the route's `timeout.linkerd.io/*` annotations, with
 *   `timeout.linkerd.io/request` falling back to the rule's `timeouts.request`; when that
 *   yields any timeout it replaces the parent's timeouts as a whole, else the parent's apply;
 * - a route with any retry setting (`retry.linkerd.io/http` on HTTPRoutes, `/grpc` on
 *   GRPCRoutes, `/limit`, `/timeout`; zero `limit`/`timeout` are unset) uses its own retry
 *   wholesale, else the parent's;
 * - the annotations are read from 2.16 (edge-24.7.x); the Gateway API HTTPRoute's
 *   `timeouts.request` only from 2.20 (linkerd2 #14750), the policy.linkerd.io v1beta3 one
 *   from its introduction; either is parsed with the policy duration parser and silently
 *   dropped when that fails; GRPCRoute has no `timeouts`.
 */
import { isObject } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type ManifestTree, nameKey, perTree } from '../model/tree.js';
import { GATEWAY_GROUP, POLICY_GROUP } from './admission/coverage.js';
import { placesFor, readByTarget } from './annotation-sites.js';
import { keyInfo } from './annotations.js';
import { parseGoDuration } from './admission/durations.js';
import { badGrpcRetryEntry, badHttpRetryEntry, parseIntegerIn, parsePolicyDuration } from './annotation-values.js';
import { referencesIn } from './reference-catalog.js';
import { type LinkerdTarget, type Release, atLeast } from './releases.js';

export const REQUEST_TIMEOUT_KEY = 'timeout.linkerd.io/request';
export const RETRY_TIMEOUT_KEY = 'retry.linkerd.io/timeout';
export const RETRY_LIMIT_KEY = 'retry.linkerd.io/limit';
const TIMEOUT_KEYS = [REQUEST_TIMEOUT_KEY, 'timeout.linkerd.io/response', 'timeout.linkerd.io/idle'] as const;
const ACCRUAL_KEY = 'balancer.linkerd.io/failure-accrual';

/** Route kinds that carry outbound HTTP configuration. */
export type OutboundRouteKind = 'HTTPRoute' | 'GRPCRoute';

/** Where a setting was read: the object, the field, and how a message names it. */
export interface SettingSource {
  resource: Resource;
  path: JsonPath;
  /** `rule 2 of HTTPRoute cart`, `HTTPRoute cart`, `Service cart`. */
  describe: string;
}

export interface RequestTimeout {
  text: string;
  ms: number;
  from: 'rule' | 'route' | 'parent';
  source: SettingSource;
}

/** A `timeouts.request` the target does not read, and why, as a message says it. */
export interface IgnoredTimeout {
  path: JsonPath;
  value: string;
  why: string;
}

export interface RetrySettings {
  from: 'route' | 'parent';
  resource: Resource;
  describe: string;
  /** The retry keys set (with non-zero values where zero means unset): limit, timeout, then the conditions key. */
  keys: string[];
  /** `retry.linkerd.io/timeout`, the per-try timeout, when set and non-zero. */
  perTryTimeout?: string;
  /** `retry.linkerd.io/limit`, when set and non-zero (the controller's default is 1). */
  limit?: number;
  /** The status or gRPC code list (`retry.linkerd.io/http` or `/grpc`), when set. */
  conditions?: string;
}

/** What one parent's annotations say (read from 2.16; invalid values count as unset, as the controller logs and goes on). */
export interface ParentSettings {
  kind: 'Service' | 'EgressNetwork';
  name: string;
  namespace: string | undefined;
  /** The parent object, when the input holds it. */
  resource: Resource | undefined;
  describe: string;
  /** Any `timeout.linkerd.io/*` value the parent sets, by key. */
  timeouts: Partial<Record<(typeof TIMEOUT_KEYS)[number], { text: string; ms: number }>>;
  /** A `timeout.linkerd.io/request` the controller cannot parse, which it ignores. */
  badRequestTimeout?: string;
  httpRetry?: RetrySettings;
  grpcRetry?: RetrySettings;
  /** `balancer.linkerd.io/failure-accrual`, when set to a mode the target knows. */
  failureAccrual?: string;
  /** The ServiceProfile that shadows all of the above and every route (Services only). */
  profile?: Resource;
}

export interface RuleSettings {
  /** 0-based index into `spec.rules`. */
  index: number;
  path: JsonPath;
  /** The request timeout the proxy enforces; undefined when none does. A zero one is an explicit opt-out. */
  timeout?: RequestTimeout;
  /** The rule's own `timeouts.request`, when the target ignores it. */
  ignored?: IgnoredTimeout;
  /** When the route's own timeouts replace the parent's and the parent's request timeout is lost: the route key that did it. */
  replacedBy?: string;
  retry?: RetrySettings;
}

export interface OutboundRoute {
  route: Resource;
  kind: OutboundRouteKind;
  describe: string;
  /** Path of the parentRef that attaches it. */
  parentPath: JsonPath;
  parent: ParentSettings;
  rules: RuleSettings[];
}

type Annotations = Record<string, string>;

function annotationsOf(resource: Resource): Annotations {
  const metadata = resource.value.metadata;
  const raw = isObject(metadata) && isObject(metadata.annotations) ? metadata.annotations : {};
  const out: Annotations = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function describeResource(resource: Resource): string {
  return `${resource.kind ?? '?'} ${resource.name ?? '(unnamed)'}`;
}

/** The name the destination controller looks a Service's profile up by. */
export function profileName(service: string, namespace: string, clusterDomain: string): string {
  return `${service}.${namespace}.svc.${clusterDomain}`;
}

/**
 * The Service a ServiceProfile is for, read from its name `<service>.<namespace>.svc.<clusterDomain>`
 * (the name the destination controller looks it up by); undefined for any other name.
 */
export function profileService(profile: Resource, clusterDomain: string): { service: string; namespace: string } | undefined {
  const suffix = `.svc.${clusterDomain}`;
  if (!profile.name?.endsWith(suffix)) return undefined;
  const labels = profile.name.slice(0, -suffix.length).split('.');
  if (labels.length !== 2 || !labels[0] || !labels[1]) return undefined;
  return { service: labels[0], namespace: labels[1] };
}

const POLICY_UNITS_DESC: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/**
 * A ServiceProfile route `timeout` (a Go duration) as the policy controller's duration syntax
 * (`<integer><ms|s|m|h|d>`), in the largest unit that keeps it exact: `1m30s` is `90s`, `1.5s`
 * is `1500ms`. `ms: 0` for a zero timeout, which the destination controller sends as none
 * (linkerd2 `controller/api/destination/profile_translator.go`, `toDuration`). Not possible for
 * what Go does not parse, negative durations, or fractions of a millisecond.
 */
export function policyDurationOf(goText: string): { ok: true; text: string; ms: number } | { ok: false; why: string } {
  const ns = parseGoDuration(goText.trim());
  if (ns === undefined) return { ok: false, why: 'is not a Go duration' };
  if (ns < 0) return { ok: false, why: 'is negative' };
  // Decimal fractions (`1.1s`) come out of the float sum a hair off a whole nanosecond.
  const whole = Math.round(ns);
  const ms = whole / 1e6;
  if (!Number.isInteger(ms)) return { ok: false, why: 'is not a whole number of milliseconds, which is the finest unit of the policy duration syntax' };
  if (ms === 0) return { ok: true, text: '0s', ms: 0 };
  const [unit, size] = POLICY_UNITS_DESC.find(([, size]) => ms % size === 0)!;
  return { ok: true, text: `${ms / size}${unit}`, ms };
}

function nonEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/**
 * The field that makes a ServiceProfile take over from client policy: non-empty `routes`,
 * else non-empty `dstOverrides` (linkerd2-proxy `has_routes_or_targets`); undefined for one
 * that only sets a retry budget.
 */
export function overridingField(profile: Resource): 'routes' | 'dstOverrides' | undefined {
  const spec = profile.value.spec;
  if (!isObject(spec)) return undefined;
  return nonEmptyList(spec.routes) ? 'routes' : nonEmptyList(spec.dstOverrides) ? 'dstOverrides' : undefined;
}

/**
 * The ServiceProfile for the Service that takes over from client policy: one named after its
 * FQDN, in any namespace (the Service's or a client's), with routes or dstOverrides.
 */
export function shadowingProfile(tree: ManifestTree, service: string, namespace: string, clusterDomain: string): Resource | undefined {
  const name = profileName(service, namespace, clusterDomain);
  // Every route of the Service, and every copy of it, asks the same: the profiles are searched once.
  return shadowingOf(tree, name, () =>
    tree.namedAnywhere('ServiceProfile', name).find((p) => p.group === 'linkerd.io' && overridingField(p) !== undefined),
  );
}

const shadowingOf = perTree<Resource | undefined>();

function readTimeouts(a: Annotations): { timeouts: ParentSettings['timeouts']; badRequest?: string } {
  const timeouts: ParentSettings['timeouts'] = {};
  let badRequest: string | undefined;
  for (const key of TIMEOUT_KEYS) {
    const text = a[key];
    if (text === undefined) continue;
    const d = parsePolicyDuration(text);
    if (d.ok) timeouts[key] = { text, ms: d.ms };
    else if (key === REQUEST_TIMEOUT_KEY) badRequest = text;
  }
  return badRequest === undefined ? { timeouts } : { timeouts, badRequest };
}

/** `parse_http_retry` / `parse_grpc_retry`: the retry a set of annotations configures, or undefined (also when a value does not parse). */
function readRetry(a: Annotations, protocol: 'http' | 'grpc'): Omit<RetrySettings, 'from' | 'resource' | 'describe'> | undefined {
  const keys: string[] = [];
  const out: Partial<RetrySettings> = {};
  const limit = a[RETRY_LIMIT_KEY];
  if (limit !== undefined) {
    const n = parseIntegerIn(limit, 0, 65535);
    if (n === undefined) return undefined;
    if (n !== 0) {
      keys.push(RETRY_LIMIT_KEY);
      out.limit = n;
    }
  }
  const timeout = a[RETRY_TIMEOUT_KEY];
  if (timeout !== undefined) {
    const d = parsePolicyDuration(timeout);
    if (!d.ok) return undefined;
    if (d.ms !== 0) {
      keys.push(RETRY_TIMEOUT_KEY);
      out.perTryTimeout = timeout;
    }
  }
  const condKey = `retry.linkerd.io/${protocol}`;
  const cond = a[condKey];
  if (cond !== undefined) {
    const bad = protocol === 'http' ? badHttpRetryEntry(cond) : badGrpcRetryEntry(cond);
    if (bad !== undefined) return undefined;
    keys.push(condKey);
    out.conditions = cond;
  }
  if (keys.length === 0) return undefined;
  return { ...out, keys };
}

function withSource(r: ReturnType<typeof readRetry>, from: RetrySettings['from'], resource: Resource, describe: string): RetrySettings | undefined {
  return r && { ...r, from, resource, describe };
}

const ACCRUAL_MODES = (target: LinkerdTarget) => (atLeast(target, '2.20') ? ['consecutive', 'unified'] : ['consecutive']);

/** What a Service or EgressNetwork parent contributes. */
export function parentSettings(
  tree: ManifestTree,
  kind: ParentSettings['kind'],
  name: string,
  namespace: string | undefined,
  target: LinkerdTarget,
  clusterDomain: string,
): ParentSettings {
  const resource = tree.find(kind, namespace, name, kind === 'Service' ? '' : POLICY_GROUP);
  return settingsOf(tree, kind, name, namespace, resource, target, clusterDomain);
}

/** What this Service or EgressNetwork object contributes (undefined for other kinds, or an EgressNetwork before 2.17). */
export function ownParentSettings(tree: ManifestTree, resource: Resource, target: LinkerdTarget, clusterDomain: string): ParentSettings | undefined {
  const kind = resource.kind === 'Service' && resource.group === '' ? 'Service' : resource.kind === 'EgressNetwork' && resource.group === POLICY_GROUP ? 'EgressNetwork' : undefined;
  if (!kind || (kind === 'EgressNetwork' && !atLeast(target, '2.17'))) return undefined;
  return settingsOf(tree, kind, resource.name ?? '', resource.namespace, resource, target, clusterDomain);
}

function settingsOf(
  tree: ManifestTree,
  kind: ParentSettings['kind'],
  name: string,
  namespace: string | undefined,
  resource: Resource | undefined,
  target: LinkerdTarget,
  clusterDomain: string,
): ParentSettings {
  const describe = `${kind} ${name}`;
  const out: ParentSettings = { kind, name, namespace, resource, describe, timeouts: {} };
  if (kind === 'Service' && namespace !== undefined) {
    const profile = shadowingProfile(tree, name, namespace, clusterDomain);
    if (profile) out.profile = profile;
  }
  if (!resource) return out;
  const a = annotationsOf(resource);
  const mode = a[ACCRUAL_KEY];
  if (mode !== undefined && atLeast(target, '2.13') && ACCRUAL_MODES(target).includes(mode)) out.failureAccrual = mode;
  if (!atLeast(target, '2.16')) return out;
  const { timeouts, badRequest } = readTimeouts(a);
  out.timeouts = timeouts;
  if (badRequest !== undefined) out.badRequestTimeout = badRequest;
  const http = withSource(readRetry(a, 'http'), 'parent', resource, describe);
  const grpc = withSource(readRetry(a, 'grpc'), 'parent', resource, describe);
  if (http) out.httpRetry = http;
  if (grpc) out.grpcRetry = grpc;
  return out;
}

/** Whether the target reads `rules[].timeouts.request` on this route, and if not, why (for messages). */
export function ruleTimeoutsRead(route: Resource, target: LinkerdTarget): { read: true } | { read: false; why: string } {
  if (route.kind === 'GRPCRoute') return { read: false, why: 'GRPCRoutes do not have, so it is dropped' };
  if (route.group === POLICY_GROUP) {
    return route.version === 'v1beta3' ? { read: true } : { read: false, why: `policy.linkerd.io/${route.version} HTTPRoutes do not have (only v1beta3 does), so it is dropped` };
  }
  if (atLeast(target, '2.20')) return { read: true };
  return { read: false, why: `Linkerd ${target.release} ignores on Gateway API HTTPRoutes (it reads it from 2.20)` };
}

/** True when some source of a request timeout exists for this route on the target: its rules' field or the annotations. */
export function canCarryTimeout(route: Resource, target: LinkerdTarget): boolean {
  return atLeast(target, '2.16') || ruleTimeoutsRead(route, target).read;
}

function ruleTimeoutText(rule: unknown): { text: string; path: JsonPath } | undefined {
  if (!isObject(rule) || !isObject(rule.timeouts)) return undefined;
  const request = rule.timeouts.request;
  return typeof request === 'string' ? { text: request, path: ['timeouts', 'request'] } : undefined;
}

/**
 * The route kinds the policy controller turns into outbound client policy, from the release
 * that first read them with a Service parent: policy.linkerd.io HTTPRoute 2.13, Gateway API
 * HTTPRoute 2.14, GRPCRoute 2.16 (linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`).
 */
const OUTBOUND_ROUTE_KINDS: readonly { kind: OutboundRouteKind; group: string; since: Release }[] = [
  { kind: 'HTTPRoute', group: POLICY_GROUP, since: '2.13' },
  { kind: 'HTTPRoute', group: GATEWAY_GROUP, since: '2.14' },
  { kind: 'GRPCRoute', group: GATEWAY_GROUP, since: '2.16' },
];

function outboundKind(route: Resource, target: LinkerdTarget): OutboundRouteKind | undefined {
  const known = OUTBOUND_ROUTE_KINDS.find((k) => k.kind === route.kind && k.group === route.group);
  return known && atLeast(target, known.since) ? known.kind : undefined;
}

/**
 * Every (route, Service or EgressNetwork parent) pair in the input, with each rule's
 * effective settings. Routes attached only to Servers (inbound) or Gateways are not here:
 * Linkerd's outbound index reads neither their timeouts nor their retries.
 */
export function outboundRoutes(tree: ManifestTree, target: LinkerdTarget, clusterDomain: string): readonly OutboundRoute[] {
  // Several rules read the model of one run's tree: build it once per target.
  return outboundCache(tree, `${target.input}\0${clusterDomain}`, () => buildOutboundRoutes(tree, target, clusterDomain));
}

const outboundCache = perTree<readonly OutboundRoute[]>();

/**
 * The routes of `outboundRoutes` attached to one Service or EgressNetwork, in input order:
 * the same array for every caller asking for that parent, as copies of one object ask alike.
 */
export function routesOfParent(
  tree: ManifestTree,
  target: LinkerdTarget,
  clusterDomain: string,
  kind: ParentSettings['kind'],
  namespace: string | undefined,
  name: string,
): readonly OutboundRoute[] {
  const routes = outboundRoutes(tree, target, clusterDomain);
  let byParent = byParentOf.get(routes);
  if (!byParent) {
    byParent = new Map();
    for (const r of routes) {
      const key = `${r.parent.kind}\0${nameKey(r.parent.namespace, r.parent.name)}`;
      const list = byParent.get(key);
      if (list) list.push(r);
      else byParent.set(key, [r]);
    }
    byParentOf.set(routes, byParent);
  }
  return byParent.get(`${kind}\0${nameKey(namespace, name)}`) ?? NO_ROUTES;
}

const byParentOf = new WeakMap<readonly OutboundRoute[], Map<string, OutboundRoute[]>>();
const NO_ROUTES: readonly OutboundRoute[] = [];

/** The distinct `describe` of these routes (`HTTPRoute cart`), in order; one list per array of `routesOfParent`. */
export function routeNames(routes: readonly OutboundRoute[]): readonly string[] {
  let names = namesOf.get(routes);
  if (!names) namesOf.set(routes, (names = [...new Set(routes.map((r) => r.describe))]));
  return names;
}

const namesOf = new WeakMap<readonly OutboundRoute[], readonly string[]>();

function buildOutboundRoutes(tree: ManifestTree, target: LinkerdTarget, clusterDomain: string): OutboundRoute[] {
  const out: OutboundRoute[] = [];
  const routes = [...tree.ofKind('HTTPRoute'), ...tree.ofKind('GRPCRoute')];
  for (const route of routes) {
    const kind = outboundKind(route, target);
    if (!kind) continue;
    for (const ref of referencesIn(route)) {
      if (ref.site.role !== 'parent' || !ref.target || ref.name === undefined) continue;
      const parentKind = ref.target.kind;
      if (parentKind !== 'Service' && parentKind !== 'EgressNetwork') continue;
      // EgressNetwork parents exist from 2.17.
      if (parentKind === 'EgressNetwork' && !atLeast(target, '2.17')) continue;
      const parent = parentSettings(tree, parentKind, ref.name, ref.namespace, target, clusterDomain);
      out.push({ route, kind, describe: describeResource(route), parentPath: ref.path, parent, rules: ruleSettings(route, kind, parent, target) });
    }
  }
  return out;
}

function ruleSettings(route: Resource, kind: OutboundRouteKind, parent: ParentSettings, target: LinkerdTarget): RuleSettings[] {
  const spec = route.value.spec;
  const rules = isObject(spec) && Array.isArray(spec.rules) ? spec.rules : [];
  const annotations = atLeast(target, '2.16') ? annotationsOf(route) : {};
  const { timeouts: routeTimeouts } = readTimeouts(annotations);
  const routeDescribe = describeResource(route);
  const routeRetry = withSource(readRetry(annotations, kind === 'GRPCRoute' ? 'grpc' : 'http'), 'route', route, routeDescribe);
  const parentRetry = kind === 'GRPCRoute' ? parent.grpcRetry : parent.httpRetry;
  const read = ruleTimeoutsRead(route, target);
  // A route without rules still gets one default rule from the controller; judge it as rule 1.
  const count = Math.max(rules.length, 1);
  const out: RuleSettings[] = [];
  for (let index = 0; index < count; index++) {
    const path: JsonPath = rules.length ? ['spec', 'rules', index] : ['spec'];
    const settings: RuleSettings = { index, path };
    const describe = `rule ${index + 1} of ${routeDescribe}`;
    const own = ruleTimeoutText(rules[index]);
    let ruleTimeout: RequestTimeout | undefined;
    if (own) {
      const d = parsePolicyDuration(own.text);
      const ownPath = [...path, ...own.path];
      if (!read.read) settings.ignored = { path: ownPath, value: own.text, why: read.why };
      else if (!d.ok) settings.ignored = { path: ownPath, value: own.text, why: 'is not a duration the policy controller parses (<integer><ms|s|m|h|d>), so Linkerd drops it' };
      else ruleTimeout = { text: own.text, ms: d.ms, from: 'rule', source: { resource: route, path: ownPath, describe } };
    }
    const annotated = routeTimeouts[REQUEST_TIMEOUT_KEY];
    const request: RequestTimeout | undefined = annotated
      ? { ...annotated, from: 'route', source: { resource: route, path: ['metadata', 'annotations', REQUEST_TIMEOUT_KEY], describe: routeDescribe } }
      : ruleTimeout;
    const routeYields = Boolean(request) || Object.keys(routeTimeouts).length > 0;
    if (routeYields) {
      if (request) settings.timeout = request;
      const parentRequest = parent.timeouts[REQUEST_TIMEOUT_KEY];
      if (!request && parentRequest) settings.replacedBy = Object.keys(routeTimeouts)[0];
    } else {
      const p = parent.timeouts[REQUEST_TIMEOUT_KEY];
      if (p && parent.resource) {
        settings.timeout = { ...p, from: 'parent', source: { resource: parent.resource, path: ['metadata', 'annotations', REQUEST_TIMEOUT_KEY], describe: parent.describe } };
      }
    }
    const retry = routeRetry ?? parentRetry;
    if (retry) settings.retry = retry;
    out.push(settings);
  }
  return out;
}

/** Annotation families a ServiceProfile with routes or targets makes the client ignore on its Service. */
const CLIENT_POLICY_PREFIXES = ['retry.linkerd.io/', 'timeout.linkerd.io/', 'balancer.linkerd.io/', 'balancer.alpha.linkerd.io/'];

/** The retry, timeout and balancer annotation keys of a Service that the target reads there, in document order. */
export function clientPolicyAnnotations(service: Resource, target: LinkerdTarget): string[] {
  return Object.keys(annotationsOf(service)).filter((key) => {
    if (!CLIENT_POLICY_PREFIXES.some((p) => key.startsWith(p))) return false;
    const info = keyInfo(key);
    return info !== undefined && readByTarget(info, target) && placesFor(info, target).includes('service');
  });
}

/** The Services and EgressNetworks some outbound route attaches to, as `kind/namespace/name`. */
export function parentsWithRoutes(routes: readonly OutboundRoute[]): Set<string> {
  return new Set(routes.map((r) => `${r.parent.kind}/${r.parent.namespace ?? ''}/${r.parent.name}`));
}

/** The retry and request timeout of a parent's synthetic default route (used when no route attaches to it). */
export function defaultRouteSettings(parent: ParentSettings): { timeout?: RequestTimeout; retry?: RetrySettings } {
  const out: { timeout?: RequestTimeout; retry?: RetrySettings } = {};
  const p = parent.timeouts[REQUEST_TIMEOUT_KEY];
  if (p && parent.resource) out.timeout = { ...p, from: 'parent', source: { resource: parent.resource, path: ['metadata', 'annotations', REQUEST_TIMEOUT_KEY], describe: parent.describe } };
  if (parent.httpRetry) out.retry = parent.httpRetry;
  return out;
}

// The Gateway API CRDs' own validation rules (x-kubernetes-validations in gateway-api
// `config/crd/experimental/` v1.1.1, the CRDs linkerd2 bundles from 2.18 as
// `charts/linkerd-crds/templates/gateway.networking.k8s.io_*.yaml`), evaluated on the
// written object after the schema defaults they rely on. test/gateway-cel-agreement.test.ts
// holds this translation (with routes.ts) against the CRDs' rules themselves, evaluated with
// the CEL engine, rule by rule for every Gateway API release Linkerd 2.18+ supports; it stays
// hand-written because the CEL evaluation is seven to twelve times slower per route and would load
// the engine and compile the rules for every input with a route (scripts/gateway-cel-bench.mjs).
import { isObject } from '../../model/k8s.js';
import { type JsonPath, formatPath } from '../../model/path.js';
import { parseGoDuration } from './durations.js';
import { has, objectsIn, q } from './problem.js';
import { type RouteContext, checkServiceBackendPort } from './routes.js';

/** Filter fields and the `type` each belongs to. */
const HTTP_FILTER_FIELDS: Record<string, string> = {
  requestHeaderModifier: 'RequestHeaderModifier',
  responseHeaderModifier: 'ResponseHeaderModifier',
  requestMirror: 'RequestMirror',
  requestRedirect: 'RequestRedirect',
  urlRewrite: 'URLRewrite',
  extensionRef: 'ExtensionRef',
};
const GRPC_FILTER_FIELDS: Record<string, string> = {
  requestHeaderModifier: 'RequestHeaderModifier',
  responseHeaderModifier: 'ResponseHeaderModifier',
  requestMirror: 'RequestMirror',
  extensionRef: 'ExtensionRef',
};
const HTTP_UNIQUE_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'];
const GRPC_UNIQUE_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier'];

/** One `filters` list, at rule level or inside a backendRef. */
export function checkFilterList(ctx: RouteContext, filters: unknown, at: JsonPath): void {
  const http = ctx.kind === 'HTTPRoute';
  const fields = http ? HTTP_FILTER_FIELDS : GRPC_FILTER_FIELDS;
  const list = objectsIn(filters);
  const seen = new Set<string>();
  for (const [filter, f] of list) {
    const fpath = [...at, f];
    const type = filter.type;
    if (typeof type !== 'string') continue;
    if ((http ? HTTP_UNIQUE_TYPES : GRPC_UNIQUE_TYPES).includes(type)) {
      if (seen.has(type)) {
        ctx.out.add('invalidFilter', [...fpath, 'type'], `${formatPath(fpath)} repeats a ${type} filter; a filter list may hold only one of each type`);
      }
      seen.add(type);
    }
    for (const [field, fieldType] of Object.entries(fields)) {
      if (has(filter, field) && !isObject(filter[field])) continue;
      if (has(filter, field) && type !== fieldType) {
        ctx.out.add(
          'invalidFilter',
          [...fpath, field],
          `${formatPath(fpath)} sets ${field} but its type is ${q(type)}; ${field} belongs only to a ${fieldType} filter`,
        );
      } else if (!has(filter, field) && type === fieldType) {
        ctx.out.add('invalidFilter', [...fpath, 'type'], `${formatPath(fpath)} has type ${fieldType} but no ${field}; set ${field}`);
      }
    }
    if (http) {
      for (const field of ['requestRedirect', 'urlRewrite']) {
        const holder = filter[field];
        if (isObject(holder) && isObject(holder.path)) checkPathModifier(ctx, holder.path, [...fpath, field, 'path']);
      }
    }
    const mirror = filter.requestMirror;
    if (isObject(mirror) && isObject(mirror.backendRef)) {
      checkServiceBackendPort(ctx, mirror.backendRef, [...fpath, 'requestMirror', 'backendRef'], false);
    }
  }
  if (http) {
    const redirect = list.find(([f]) => f.type === 'RequestRedirect');
    const rewrite = list.find(([f]) => f.type === 'URLRewrite');
    if (redirect && rewrite) {
      ctx.out.add(
        'invalidFilter',
        [...at, Math.max(redirect[1], rewrite[1]), 'type'],
        `${formatPath(at)} holds both a RequestRedirect and a URLRewrite filter; use one or the other`,
      );
    }
  }
}

/** `type` names the field that must be set, and a set field needs its `type` (four rules). */
function checkPathModifier(ctx: RouteContext, path: Record<string, unknown>, at: JsonPath): void {
  const where = formatPath(at);
  for (const [type, field] of [['ReplaceFullPath', 'replaceFullPath'], ['ReplacePrefixMatch', 'replacePrefixMatch']] as const) {
    if (path.type === type && !has(path, field)) {
      ctx.out.add('invalidFilter', [...at, 'type'], `${where} has type ${type} but no ${field}; set ${field}`);
    } else if (path.type !== type && has(path, field)) {
      ctx.out.add('invalidFilter', [...at, field], `${where} sets ${field} but its type is ${q(path.type)}; ${field} needs type ${type}`);
    }
  }
}

/** The rule-level rules of HTTPRoute: redirects versus backends, prefix rewrites versus matches, timeouts. */
export function checkHttpRuleCel(ctx: RouteContext, rule: Record<string, unknown>, at: JsonPath): void {
  const filters = objectsIn(rule.filters);
  if (Array.isArray(rule.backendRefs) && rule.backendRefs.length > 0) {
    for (const [filter, f] of filters) {
      if (isObject(filter.requestRedirect)) {
        ctx.out.add(
          'invalidFilter',
          [...at, 'filters', f],
          `${formatPath([...at, 'filters', f])} is a RequestRedirect in a rule with backendRefs; a rule either redirects or forwards`,
        );
      }
    }
  }
  const prefixRewrites = (list: [Record<string, unknown>, number][], field: string) =>
    list.filter(([f]) => {
      const holder = f[field];
      return isObject(holder) && isObject(holder.path) && holder.path.type === 'ReplacePrefixMatch' && has(holder.path, 'replacePrefixMatch');
    }).length === 1;
  const matches = Array.isArray(rule.matches) ? rule.matches : [{ path: { type: 'PathPrefix', value: '/' } }];
  const first = matches[0];
  // A match without `path` gets the default prefix match on "/".
  const firstPath = isObject(first) ? (first.path ?? {}) : undefined;
  const onePrefixMatch = matches.length === 1 && isObject(firstPath) && (firstPath.type ?? 'PathPrefix') === 'PathPrefix';
  if (!onePrefixMatch) {
    const backendsWith = (field: string) =>
      objectsIn(rule.backendRefs).filter(([b]) => prefixRewrites(objectsIn(b.filters), field)).length === 1;
    const cases: [boolean, string][] = [
      [prefixRewrites(filters, 'requestRedirect'), 'a RequestRedirect filter'],
      [prefixRewrites(filters, 'urlRewrite'), 'a URLRewrite filter'],
      [backendsWith('requestRedirect'), 'a backendRef RequestRedirect filter'],
      [backendsWith('urlRewrite'), 'a backendRef URLRewrite filter'],
    ];
    for (const [hit, what] of cases) {
      if (!hit) continue;
      ctx.out.add(
        'invalidFilter',
        Array.isArray(rule.matches) ? [...at, 'matches'] : at,
        `${formatPath(at)} uses ${what} with path.replacePrefixMatch, which needs exactly one match, of type PathPrefix`,
      );
    }
  }
  const timeouts = rule.timeouts;
  if (isObject(timeouts) && typeof timeouts.request === 'string' && typeof timeouts.backendRequest === 'string') {
    const request = parseGoDuration(timeouts.request);
    const backend = parseGoDuration(timeouts.backendRequest);
    if (request !== undefined && backend !== undefined && request !== 0 && backend > request) {
      const path = [...at, 'timeouts', 'backendRequest'];
      ctx.out.add(
        'invalidTimeout',
        path,
        `${formatPath(path)} is ${q(timeouts.backendRequest)}, longer than request ${q(timeouts.request)}; ` +
          'backendRequest must not exceed request unless request is "0s"',
      );
    }
  }
}

export function checkSessionPersistence(ctx: RouteContext, rule: Record<string, unknown>, at: JsonPath): void {
  const sp = rule.sessionPersistence;
  if (!isObject(sp) || !isObject(sp.cookieConfig)) return;
  if (sp.cookieConfig.lifetimeType === 'Permanent' && !has(sp, 'absoluteTimeout')) {
    const path = [...at, 'sessionPersistence'];
    ctx.out.add('invalidValue', path, `${formatPath(path)} has a Permanent cookie but no absoluteTimeout; set absoluteTimeout`);
  }
}

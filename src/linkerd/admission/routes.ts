import { isObject } from '../../model/k8s.js';
import { type JsonPath, formatPath } from '../../model/path.js';
import { type CheckContext, from } from './context.js';
import { GATEWAY_GROUP, POLICY_GROUP } from './coverage.js';
import { parseGoDuration } from './durations.js';
import { headerNameProblem, headerValueProblem } from './headers.js';
import { has, linkerdSays, objectsIn, q, stringAt } from './problem.js';
import { refersTo } from './refs.js';
import { rustRegexProblem } from './regex.js';

/** Which admission layers apply to a route in the targeted release. */
export interface RouteLayers {
  /** The policy webhook sees this kind (`webhookSince` in `coverage.ts`). */
  webhook: boolean;
  /** The Gateway CRD validation rules apply (`CEL_SINCE` in `coverage.ts`). */
  cel: boolean;
}

export interface RouteContext extends CheckContext {
  layers: RouteLayers;
  kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute';
  /** True for a `policy.linkerd.io` HTTPRoute. */
  linkerdGroup: boolean;
}

/** The API group a parentRef without `group` gets from the schema default. */
function parentGroupDefault(ctx: RouteContext): string {
  return ctx.linkerdGroup ? POLICY_GROUP : GATEWAY_GROUP;
}

export function checkParentRefs(ctx: RouteContext): void {
  const { spec, out } = ctx;
  for (const [ref, i] of objectsIn(spec.parentRefs)) {
    const path = ['spec', 'parentRefs', i];
    if (ctx.layers.webhook && ctx.linkerdGroup && ctx.target.release === '2.12') {
      const explicitOther =
        (typeof ref.kind === 'string' && ref.kind.toLowerCase() !== 'server') ||
        (typeof ref.group === 'string' && ref.group.toLowerCase() !== POLICY_GROUP);
      if (explicitOther) {
        out.add(
          'invalidReference',
          [...path, typeof ref.kind === 'string' ? 'kind' : 'group'],
          `parentRefs[${i}] is not a Server; in Linkerd 2.12 a policy.linkerd.io HTTPRoute may only have Server parents` +
            linkerdSays('policy.linkerd.io HTTPRoutes must target only Server resources'),
        );
      }
    }
    if (ctx.layers.webhook && from(ctx, '2.17') && !has(ref, 'port')) {
      if (refersTo(ref, 'EgressNetwork', POLICY_GROUP, { group: parentGroupDefault(ctx) })) {
        out.add(
          'invalidReference',
          path,
          `parentRefs[${i}] refers to an EgressNetwork without a port; set the port the route applies to` +
            linkerdSays('cannot target an EgressNetwork without specifying a port'),
        );
      }
    }
  }
  if (ctx.layers.cel) checkParentRefUniqueness(ctx);
}

interface ParentKey {
  same: string;
  section: string | undefined;
  port: number | undefined;
}

/** The two CEL rules on `spec.parentRefs` about several references to one parent. */
function checkParentRefUniqueness(ctx: RouteContext): void {
  const refs = objectsIn(ctx.spec.parentRefs);
  const keys: ParentKey[] = refs.map(([ref]) => {
    const ns = stringAt(ref, 'namespace');
    const section = stringAt(ref, 'sectionName');
    const port = typeof ref.port === 'number' && ref.port !== 0 ? ref.port : undefined;
    return {
      same: JSON.stringify([ref.group ?? GATEWAY_GROUP, ref.kind ?? 'Gateway', ref.name, ns === '' ? undefined : ns]),
      section: section === '' ? undefined : section,
      port,
    };
  });
  refs.forEach(([, i], a) => {
    for (let b = 0; b < a; b++) {
      const ka = keys[a]!;
      const kb = keys[b]!;
      if (ka.same !== kb.same) continue;
      const path = ['spec', 'parentRefs', i];
      if ((ka.section === undefined) !== (kb.section === undefined) || (ka.port === undefined) !== (kb.port === undefined)) {
        ctx.out.add(
          'invalidReference',
          path,
          `parentRefs[${i}] and parentRefs[${refs[b]![1]}] refer to the same parent, but only one of them sets sectionName or port; ` +
            'when a route names one parent more than once, every reference must set the same of these fields' +
            linkerdSays('sectionName or port must be specified when parentRefs includes 2 or more references to the same parent'),
        );
        return;
      }
      if (ka.section === kb.section && ka.port === kb.port) {
        ctx.out.add(
          'invalidReference',
          path,
          `parentRefs[${i}] repeats parentRefs[${refs[b]![1]}] (same parent, sectionName and port); references to one parent must differ in sectionName or port` +
            linkerdSays('sectionName or port must be unique when parentRefs includes 2 or more references to the same parent'),
        );
        return;
      }
    }
  });
}

export function checkSingleRule(ctx: RouteContext): void {
  if (!ctx.layers.webhook || !from(ctx, '2.17')) return;
  const rules = ctx.spec.rules;
  if (Array.isArray(rules) && rules.length > 1) {
    const name = ctx.kind === 'TLSRoute' ? 'TlsRoute' : 'TcpRoute';
    ctx.out.add(
      'invalidValue',
      ['spec', 'rules', 1],
      `spec.rules has ${rules.length} entries; Linkerd accepts a ${ctx.kind} with exactly one rule` +
        linkerdSays(`${name} supports a single rule only`),
    );
  }
}

/** The release from which the webhook checks each part of an HTTP route's rules. */
function httpWebhookFrom(ctx: RouteContext): '2.12' | '2.15' {
  return ctx.linkerdGroup ? '2.12' : '2.15';
}

export function checkHttpMatches(ctx: RouteContext, rule: Record<string, unknown>, base: JsonPath): void {
  const webhook = ctx.layers.webhook && from(ctx, httpWebhookFrom(ctx));
  for (const [match, m] of objectsIn(rule.matches)) {
    const mpath = [...base, 'matches', m];
    if (isObject(match.path)) checkPathMatch(ctx, match.path, [...mpath, 'path'], webhook);
    if (!webhook) continue;
    checkHeaderMatches(ctx, match.headers, [...mpath, 'headers']);
    // policy.linkerd.io routes compile query regexes only from 2.13.
    if (!ctx.linkerdGroup || from(ctx, '2.13')) {
      for (const [param, p] of objectsIn(match.queryParams)) {
        if (param.type === 'RegularExpression' && typeof param.value === 'string') {
          regexAt(ctx, param.value, [...mpath, 'queryParams', p, 'value']);
        }
      }
    }
  }
}

function regexAt(ctx: RouteContext, pattern: string, path: JsonPath): void {
  const why = rustRegexProblem(pattern);
  if (why) {
    ctx.out.add('invalidMatch', path, `${formatPath(path)} is ${q(pattern)}, which Linkerd's regex engine (RE2-like syntax) cannot compile: ${why}`);
  }
}

function checkHeaderMatches(ctx: RouteContext, headers: unknown, base: JsonPath): void {
  for (const [header, h] of objectsIn(headers)) {
    const path = [...base, h, 'value'];
    if (typeof header.value !== 'string') continue;
    if (header.type === 'RegularExpression') regexAt(ctx, header.value, path);
    else headerValueAt(ctx, header.value, path);
  }
}

function headerValueAt(ctx: RouteContext, value: string, path: JsonPath): void {
  const why = headerValueProblem(value);
  if (why) ctx.out.add('invalidMatch', path, `${formatPath(path)} is ${q(value)}: ${why}` + linkerdSays('failed to parse header value'));
}

function article(type: string): string {
  return type === 'Exact' ? 'an Exact' : `a ${type}`;
}

const CEL_PATH_FORBIDDEN = ['//', '/./', '/../', '%2f', '%2F', '#'];
const CEL_PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** Exact and PathPrefix paths: absolute for the webhook; also clean for the Gateway CRD rules. */
function checkPathMatch(ctx: RouteContext, path: Record<string, unknown>, at: JsonPath, webhook: boolean): void {
  const type = path.type ?? 'PathPrefix';
  const value = path.value ?? '/';
  if (typeof value !== 'string') return;
  const valuePath = [...at, 'value'];
  const where = formatPath(valuePath);
  if (type === 'RegularExpression') {
    if (webhook) regexAt(ctx, value, valuePath);
    return;
  }
  if (type !== 'Exact' && type !== 'PathPrefix') return;
  if (!value.startsWith('/')) {
    if (webhook || ctx.layers.cel) {
      ctx.out.add(
        'invalidMatch',
        valuePath,
        `${where} is ${q(value)}; ${article(type)} path must start with "/"` +
          linkerdSays('HttpPathMatch paths must be absolute (begin with `/`)'),
      );
    }
    return;
  }
  if (!ctx.layers.cel) return;
  for (const bad of CEL_PATH_FORBIDDEN) {
    if (value.includes(bad)) ctx.out.add('invalidMatch', valuePath, `${where} is ${q(value)}; ${article(type)} path must not contain ${q(bad)}`);
  }
  for (const bad of ['/..', '/.']) {
    if (value.endsWith(bad)) {
      ctx.out.add('invalidMatch', valuePath, `${where} is ${q(value)}; ${article(type)} path must not end with ${q(bad)}`);
      break;
    }
  }
  if (!CEL_PATH_CHARS.test(value)) {
    ctx.out.add(
      'invalidMatch',
      valuePath,
      `${where} is ${q(value)}; ${article(type)} path may hold only letters, digits, "-/._~!$&'()*+,;=:@" and %-escapes with two hex digits`,
    );
  }
}

/** Header names and values in rule-level header modifiers (the webhook's check). */
export function checkHeaderModifiers(ctx: RouteContext, filter: Record<string, unknown>, at: JsonPath): void {
  for (const key of ['requestHeaderModifier', 'responseHeaderModifier']) {
    const mod = filter[key];
    if (!isObject(mod)) continue;
    for (const op of ['add', 'set']) {
      for (const [header, h] of objectsIn(mod[op])) {
        if (typeof header.value === 'string') headerValueAt(ctx, header.value, [...at, key, op, h, 'value']);
      }
    }
    if (Array.isArray(mod.remove)) {
      mod.remove.forEach((name, r) => {
        if (typeof name !== 'string') return;
        const why = headerNameProblem(name);
        const path = [...at, key, 'remove', r];
        if (why) ctx.out.add('invalidMatch', path, `${formatPath(path)} is ${q(name)}: ${why}` + linkerdSays('invalid HTTP header name'));
      });
    }
  }
}

/** Rule-level RequestRedirect paths as the webhook reads them. */
export function checkRedirectPath(ctx: RouteContext, filter: Record<string, unknown>, at: JsonPath): void {
  const redirect = filter.requestRedirect;
  if (!isObject(redirect) || !isObject(redirect.path)) return;
  const path = redirect.path;
  const base = [...at, 'requestRedirect', 'path'];
  for (const key of ['replaceFullPath', 'replacePrefixMatch']) {
    const value = path[key];
    if (typeof value === 'string' && !value.startsWith('/')) {
      ctx.out.add(
        'invalidFilter',
        [...base, key],
        `${formatPath([...base, key])} is ${q(value)}; a redirect path must start with "/"` +
          linkerdSays('RequestRedirect filters may only contain absolute paths'),
      );
    }
  }
  // Where the Gateway CRD rules apply they already say which field is missing.
  if (ctx.layers.cel) return;
  const full = has(path, 'replaceFullPath');
  const prefix = has(path, 'replacePrefixMatch');
  if (from(ctx, '2.18')) {
    if (!full && !prefix) {
      ctx.out.add(
        'invalidFilter',
        base,
        `${formatPath(base)} sets neither replaceFullPath nor replacePrefixMatch; set the one its type names` +
          linkerdSays('RequestRedirect filter must contain either replace_full_path or replace_prefix_match'),
      );
    }
  } else if ((path.type === 'ReplaceFullPath' && !full) || (path.type === 'ReplacePrefixMatch' && !prefix)) {
    const field = path.type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
    ctx.out.add('invalidFilter', base, `${formatPath(base)} has type ${q(path.type)} but no ${field}; Linkerd ${ctx.target.release} cannot read it`);
  }
}

/**
 * Service backendRefs need a port: the webhook (2.17+) and the Gateway CRD rule (2.18+),
 * reported once. A port that is written passes both as far as they are reached: the CRD rule
 * is `has(self.port)`, and the webhook, which also refuses `Some(0)` (linkerd2
 * `policy-controller/src/admission.rs`, `validate_http_backend_if_service`), runs only
 * after the schema, whose minimum of 1 refuses a port of 0 first.
 */
export function checkServiceBackendPort(ctx: RouteContext, ref: Record<string, unknown>, at: JsonPath, ruleLevel: boolean): void {
  if (has(ref, 'port')) return;
  const kind = ref.kind ?? 'Service';
  const group = ref.group ?? '';
  const celHit = ctx.layers.cel && group === '' && kind === 'Service';
  const webhookHit =
    ctx.layers.webhook &&
    ruleLevel &&
    from(ctx, '2.17') &&
    (ctx.kind === 'HTTPRoute' || ctx.kind === 'GRPCRoute') &&
    !ctx.linkerdGroup &&
    refersTo(ref, 'Service', '', { kind: 'Service' });
  if (!celHit && !webhookHit) return;
  ctx.out.add(
    'invalidReference',
    at,
    `${formatPath(at)} refers to a Service without a port; a Service backend must name its port` +
      linkerdSays(celHit ? 'Must have port for Service reference' : 'cannot reference a Service without a port'),
  );
}

/** `timeouts` of a policy.linkerd.io v1beta3 route: the webhook's check, with no exception for `0s` (`validate_timeouts` in linkerd2 `policy-controller/runtime/src/admission.rs`). */
export function checkLinkerdTimeouts(ctx: RouteContext, rule: Record<string, unknown>, base: JsonPath): void {
  const timeouts = rule.timeouts;
  if (!isObject(timeouts)) return;
  const at = [...base, 'timeouts'];
  const read = (key: string): number | undefined =>
    typeof timeouts[key] === 'string' ? parseGoDuration(timeouts[key]) : undefined;
  const request = read('request');
  const backend = read('backendRequest');
  for (const [key, value] of [['request', request], ['backendRequest', backend]] as const) {
    if (value !== undefined && value < 0) {
      ctx.out.add(
        'invalidTimeout',
        [...at, key],
        `${formatPath([...at, key])} is ${q(timeouts[key])}; a timeout must not be negative` +
          linkerdSays(`${key} timeout must not be negative`),
      );
    }
  }
  if (request !== undefined && backend !== undefined && request >= 0 && backend > request) {
    ctx.out.add(
      'invalidTimeout',
      [...at, 'backendRequest'],
      `${formatPath([...at, 'backendRequest'])} is ${q(timeouts.backendRequest)}, longer than request ${q(timeouts.request)}; ` +
        'backendRequest must not exceed request (a request of "0s" gets no exception on policy.linkerd.io routes)' +
        linkerdSays(`backendRequest timeout (${String(timeouts.backendRequest)}) must not be greater than request timeout (${String(timeouts.request)})`),
    );
  }
}

export function checkGrpcMatches(ctx: RouteContext, rule: Record<string, unknown>, base: JsonPath): void {
  for (const [match, m] of objectsIn(rule.matches)) {
    const mpath = [...base, 'matches', m];
    if (ctx.layers.webhook) checkHeaderMatches(ctx, match.headers, [...mpath, 'headers']);
    const method = match.method;
    if (!isObject(method)) continue;
    const mp = [...mpath, 'method'];
    const type = method.type ?? 'Exact';
    if (type === 'RegularExpression' && ctx.layers.webhook && from(ctx, '2.18')) {
      ctx.out.add(
        'invalidMatch',
        [...mp, 'type'],
        `${formatPath([...mp, 'type'])} is "RegularExpression"; Linkerd matches gRPC methods only by Exact name` +
          linkerdSays('unsupported GRPCRoute method match type'),
      );
    }
    if (!ctx.layers.cel) continue;
    if (!has(method, 'service') && !has(method, 'method')) {
      ctx.out.add('invalidMatch', mp, `${formatPath(mp)} sets neither service nor method; set one or both`);
    }
    if (type !== 'Exact') continue;
    const service = method.service;
    if (typeof service === 'string' && !/^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i.test(service)) {
      ctx.out.add(
        'invalidMatch',
        [...mp, 'service'],
        `${formatPath([...mp, 'service'])} is ${q(service)}; an Exact service must be dot-separated identifiers (letters, digits, "_")`,
      );
    }
    const name = method.method;
    if (typeof name === 'string' && !/^[A-Za-z_][A-Za-z_0-9]*$/.test(name)) {
      ctx.out.add(
        'invalidMatch',
        [...mp, 'method'],
        `${formatPath([...mp, 'method'])} is ${q(name)}; an Exact method must be one identifier (letters, digits, "_")`,
      );
    }
  }
}

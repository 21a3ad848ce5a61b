// Routes that break each validation rule of the Gateway API v1.1.1 route CRDs at least once
// (and some that pass them narrowly), so the agreement test exercises every rule, not only
// those the fixtures and the corpus happen to break. One route per case, named by `case`.
import { stringify } from 'yaml';
import { decode } from '../../src/load/read.js';
import { parseSource } from '../../src/load/parse.js';
import type { Route } from './agreement.js';

type Obj = Record<string, unknown>;

const PARENT = { name: 'web', kind: 'Service', group: 'core', port: 80 };

function route(kind: string, apiVersion: string, name: string, spec: Obj): Obj {
  return { apiVersion: `gateway.networking.k8s.io/${apiVersion}`, kind, metadata: { name, namespace: 'shop' }, spec: { parentRefs: [PARENT], ...spec } };
}

/** A value for each filter field, and the type that owns it. */
const HTTP_FILTERS: Record<string, [string, unknown]> = {
  requestHeaderModifier: ['RequestHeaderModifier', { set: [{ name: 'x-a', value: 'b' }] }],
  responseHeaderModifier: ['ResponseHeaderModifier', { add: [{ name: 'x-a', value: 'b' }] }],
  requestMirror: ['RequestMirror', { backendRef: { name: 'mirror', port: 80 } }],
  requestRedirect: ['RequestRedirect', { statusCode: 302 }],
  urlRewrite: ['URLRewrite', { hostname: 'other.example.com' }],
  extensionRef: ['ExtensionRef', { group: 'example.com', kind: 'Filter', name: 'f' }],
};
const GRPC_FIELDS = ['requestHeaderModifier', 'responseHeaderModifier', 'requestMirror', 'extensionRef'];

/** Filter lists that break the per-filter and per-list rules, for one route kind. */
function filterLists(http: boolean): [string, Obj[]][] {
  const fields = http ? Object.keys(HTTP_FILTERS) : GRPC_FIELDS;
  const out: [string, Obj[]][] = [];
  for (const field of fields) {
    const [type, value] = HTTP_FILTERS[field]!;
    out.push([`${type} without ${field}`, [{ type }]]);
    const other = fields.find((f) => f !== field)!;
    const [otherType, otherValue] = HTTP_FILTERS[other]!;
    out.push([`${field} on a ${otherType} filter`, [{ type: otherType, [other]: otherValue, [field]: value }]]);
  }
  const unique = http ? ['requestHeaderModifier', 'responseHeaderModifier', 'requestRedirect', 'urlRewrite'] : ['requestHeaderModifier', 'responseHeaderModifier'];
  for (const field of unique) {
    const [type, value] = HTTP_FILTERS[field]!;
    out.push([`two ${type} filters`, [{ type, [field]: value }, { type, [field]: value }]]);
  }
  if (http) {
    out.push(['a RequestRedirect and a URLRewrite', [{ type: 'RequestRedirect', requestRedirect: { statusCode: 302 } }, { type: 'URLRewrite', urlRewrite: { hostname: 'a.example.com' } }]]);
    for (const field of ['requestRedirect', 'urlRewrite']) {
      const type = HTTP_FILTERS[field]![0];
      const paths: [string, Obj][] = [
        ['ReplaceFullPath without replaceFullPath', { type: 'ReplaceFullPath' }],
        ['ReplacePrefixMatch without replacePrefixMatch', { type: 'ReplacePrefixMatch' }],
        ['replaceFullPath on ReplacePrefixMatch', { type: 'ReplacePrefixMatch', replacePrefixMatch: '/a', replaceFullPath: '/b' }],
        ['replacePrefixMatch on ReplaceFullPath', { type: 'ReplaceFullPath', replaceFullPath: '/b', replacePrefixMatch: '/a' }],
      ];
      for (const [what, path] of paths) out.push([`${field} path: ${what}`, [{ type, [field]: { path } }]]);
    }
  }
  out.push(['a mirror of a Service without port', [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'mirror' } } }]]);
  out.push(['a mirror of a Service on port 0', [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'mirror', port: 0 } } }]]);
  out.push(['a mirror of another kind without port', [{ type: 'RequestMirror', requestMirror: { backendRef: { group: 'example.com', kind: 'Backend', name: 'mirror' } } }]]);
  return out;
}

function cases(): [string, Obj][] {
  const out: [string, Obj][] = [];
  for (const [kind, version, http] of [['HTTPRoute', 'v1', true], ['GRPCRoute', 'v1', false]] as const) {
    for (const [what, filters] of filterLists(http)) {
      // At rule level without backends, so that a redirect breaks only the rule under test.
      out.push([`${kind} rule filters: ${what}`, route(kind, version, 'rule-filters', { rules: [{ filters }] })]);
      out.push([`${kind} backendRef filters: ${what}`, route(kind, version, 'backend-filters', { rules: [{ backendRefs: [{ name: 'web', port: 80, filters }] }] })]);
    }
    out.push([`${kind} backendRef to a Service without port`, route(kind, version, 'no-port', { rules: [{ backendRefs: [{ name: 'web' }] }] })]);
    out.push([`${kind} backendRef to core Service without port`, route(kind, version, 'no-port-core', { rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'web' }] }] })]);
    out.push([`${kind} backendRef to another kind without port`, route(kind, version, 'no-port-other', { rules: [{ backendRefs: [{ group: 'example.com', kind: 'Backend', name: 'web' }] }] })]);
    out.push([
      `${kind} Permanent cookie without absoluteTimeout`,
      route(kind, version, 'cookie', { rules: [{ sessionPersistence: { type: 'Cookie', sessionName: 's', cookieConfig: { lifetimeType: 'Permanent' } } }] }),
    ]);
    out.push([
      `${kind} Permanent cookie with absoluteTimeout`,
      route(kind, version, 'cookie-ok', { rules: [{ sessionPersistence: { sessionName: 's', absoluteTimeout: '1h', cookieConfig: { lifetimeType: 'Permanent' } } }] }),
    ]);
  }
  const redirect = { type: 'RequestRedirect', requestRedirect: { statusCode: 302 } };
  out.push(['HTTPRoute redirect beside backendRefs', route('HTTPRoute', 'v1', 'redirect-backends', { rules: [{ filters: [redirect], backendRefs: [{ name: 'web', port: 80 }] }] })]);
  const prefix = (field: string) => ({ type: field === 'requestRedirect' ? 'RequestRedirect' : 'URLRewrite', [field]: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } });
  const twoMatches = [{ path: { type: 'PathPrefix', value: '/a' } }, { path: { type: 'PathPrefix', value: '/b' } }];
  for (const field of ['requestRedirect', 'urlRewrite']) {
    out.push([`HTTPRoute ${field} prefix rewrite with two matches`, route('HTTPRoute', 'v1', 'prefix-two', { rules: [{ matches: twoMatches, filters: [prefix(field)] }] })]);
    out.push([`HTTPRoute ${field} prefix rewrite with an Exact match`, route('HTTPRoute', 'v1', 'prefix-exact', { rules: [{ matches: [{ path: { type: 'Exact', value: '/a' } }], filters: [prefix(field)] }] })]);
    out.push([`HTTPRoute ${field} prefix rewrite with the default match`, route('HTTPRoute', 'v1', 'prefix-default', { rules: [{ filters: [prefix(field)] }] })]);
    out.push([`HTTPRoute ${field} prefix rewrite with a match without path`, route('HTTPRoute', 'v1', 'prefix-no-path', { rules: [{ matches: [{ method: 'GET' }], filters: [prefix(field)] }] })]);
    out.push([
      `HTTPRoute backendRef ${field} prefix rewrite with two matches`,
      route('HTTPRoute', 'v1', 'backend-prefix-two', { rules: [{ matches: twoMatches, backendRefs: [{ name: 'web', port: 80, filters: [prefix(field)] }] }] }),
    ]);
  }
  // `exists_one`: with two prefix rewrites the rules hold, whatever the matches (the filter
  // uniqueness rules refuse two at rule level).
  for (const field of ['requestRedirect', 'urlRewrite']) {
    out.push([`HTTPRoute two ${field} prefix rewrites with two matches`, route('HTTPRoute', 'v1', 'prefix-twice', { rules: [{ matches: twoMatches, filters: [prefix(field), prefix(field)] }] })]);
    out.push([
      `HTTPRoute two backendRefs with ${field} prefix rewrites and two matches`,
      route('HTTPRoute', 'v1', 'backend-prefix-twice', {
        rules: [{ matches: twoMatches, backendRefs: [{ name: 'a', port: 80, filters: [prefix(field)] }, { name: 'b', port: 80, filters: [prefix(field)] }] }],
      }),
    ]);
  }
  const paths = ['a', '/a//b', '/a/./b', '/a/../b', '/a%2fb', '/a%2Fb', '/a#b', '/a/..', '/a/.', '/a b', '/a%zz', '/ok/path', '/%41'];
  for (const type of ['Exact', 'PathPrefix', undefined]) {
    for (const value of paths) {
      out.push([`HTTPRoute ${type ?? 'default'} path ${JSON.stringify(value)}`, route('HTTPRoute', 'v1', 'path', { rules: [{ matches: [{ path: { ...(type ? { type } : {}), value } }] }] })]);
    }
  }
  // The type enum, which one rule restates (and the JSON Schema reports).
  out.push(['HTTPRoute Prefix path', route('HTTPRoute', 'v1', 'prefix-type', { rules: [{ matches: [{ path: { type: 'Prefix', value: '/a' } }] }] })]);
  out.push(['HTTPRoute RegularExpression path "a"', route('HTTPRoute', 'v1', 'regex-path', { rules: [{ matches: [{ path: { type: 'RegularExpression', value: 'a' } }] }] })]);
  for (const [request, backendRequest] of [['1s', '2s'], ['0s', '2s'], ['2s', '1s'], ['1m', '61s'], ['1h', '1h']]) {
    out.push([`HTTPRoute timeouts ${request} / ${backendRequest}`, route('HTTPRoute', 'v1', 'timeouts', { rules: [{ timeouts: { request, backendRequest } }] })]);
  }
  const methods: Obj[] = [
    {},
    { type: 'Exact' },
    { type: 'RegularExpression' },
    { service: 'pkg.Svc-1' },
    { service: '.pkg.Svc_1', method: 'Get' },
    { method: 'Get/All' },
    { type: 'RegularExpression', service: 'pkg.*', method: 'Get.*' },
  ];
  for (const method of methods) out.push([`GRPCRoute method ${JSON.stringify(method)}`, route('GRPCRoute', 'v1', 'method', { rules: [{ matches: [{ method }] }] })]);
  const parents: [string, Obj[]][] = [
    ['the same parent twice', [{ name: 'gw' }, { name: 'gw' }]],
    ['one parent with and without sectionName', [{ name: 'gw' }, { name: 'gw', sectionName: 'http' }]],
    ['one parent with and without port', [{ name: 'gw' }, { name: 'gw', port: 80 }]],
    ['one parent with two sectionNames', [{ name: 'gw', sectionName: 'a' }, { name: 'gw', sectionName: 'b' }]],
    ['one parent with the same sectionName', [{ name: 'gw', sectionName: 'a' }, { name: 'gw', sectionName: 'a' }]],
    ['one parent in "" and no namespace', [{ name: 'gw', namespace: '' }, { name: 'gw' }]],
    ['one name in two namespaces', [{ name: 'gw', namespace: 'a' }, { name: 'gw', namespace: 'b' }]],
    ['one name as two kinds', [{ name: 'web', kind: 'Service', group: 'core', port: 80 }, { name: 'web', port: 80 }]],
  ];
  for (const [kind, version] of [['HTTPRoute', 'v1'], ['GRPCRoute', 'v1'], ['TCPRoute', 'v1alpha2'], ['TLSRoute', 'v1alpha2']]) {
    for (const [what, parentRefs] of parents) out.push([`${kind} parentRefs: ${what}`, route(kind!, version!, 'parents', { parentRefs })]);
  }
  for (const kind of ['TCPRoute', 'TLSRoute']) {
    out.push([`${kind} backendRef without port`, route(kind, 'v1alpha2', 'no-port', { rules: [{ backendRefs: [{ name: 'web' }] }] })]);
    // `has(self.port)` holds for port 0, which the schema's minimum refuses instead.
    out.push([`${kind} backendRef on port 0`, route(kind, 'v1alpha2', 'port-zero', { rules: [{ backendRefs: [{ name: 'web', port: 0 }] }] })]);
  }
  return out;
}

/** The cases as routes, parsed as the linter parses a file. */
export function caseRoutes(): Route[] {
  const list = cases();
  const text = list.map(([, obj]) => stringify(obj)).join('---\n');
  const read = decode('/cases.yaml', 'cases.yaml', Buffer.from(text));
  if (!read.ok) throw new Error('cases do not decode');
  const resources = parseSource(read.file).resources;
  if (resources.length !== list.length) throw new Error(`${list.length} cases parsed as ${resources.length} resources`);
  return resources.map((resource, i) => ({ id: `case "${list[i]![0]}"`, resource }));
}

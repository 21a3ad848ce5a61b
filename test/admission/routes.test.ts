import { describe, expect, it } from 'vitest';
import { admit, paths } from './helpers.js';

const linkerdRoute = (rules: string, version = 'v1beta3', parents = '[{name: web, kind: Server, group: policy.linkerd.io}]') => `
apiVersion: policy.linkerd.io/${version}
kind: HTTPRoute
metadata: {name: r, namespace: app}
spec:
  parentRefs: ${parents}
  rules:
${rules}
`;

const gatewayRoute = (rules: string, parents = '[{name: web, kind: Service, group: core, port: 80}]', kind = 'HTTPRoute', version = 'v1') => `
apiVersion: gateway.networking.k8s.io/${version}
kind: ${kind}
metadata: {name: r, namespace: app}
spec:
  parentRefs: ${parents}
  rules:
${rules}
`;

describe('timeouts on policy.linkerd.io HTTPRoute (webhook, 2.14+)', () => {
  it('refuses backendRequest longer than request, with no exception for 0s', () => {
    expect(admit(linkerdRoute('  - timeouts: {request: 10s, backendRequest: 20s}'))).toEqual([
      'spec.rules[0].timeouts.backendRequest: spec.rules[0].timeouts.backendRequest is "20s", longer than request "10s"; backendRequest ' +
        'must not exceed request (a request of "0s" gets no exception on policy.linkerd.io routes) ' +
        '(Linkerd says: "backendRequest timeout (20s) must not be greater than request timeout (10s)")',
    ]);
    expect(paths(linkerdRoute('  - timeouts: {request: 0s, backendRequest: 1s}'))).toEqual(['spec.rules[0].timeouts.backendRequest']);
  });
  it('accepts equal or shorter backendRequest, compound Go durations, and either alone', () => {
    expect(admit(linkerdRoute('  - timeouts: {request: 1m30s, backendRequest: 90s}\n  - timeouts: {request: 1s, backendRequest: 500ms}\n  - timeouts: {backendRequest: 5s}'))).toEqual([]);
  });
  it('refuses negative timeouts', () => {
    expect(admit(linkerdRoute('  - timeouts: {request: -1s}'))).toEqual([
      'spec.rules[0].timeouts.request: spec.rules[0].timeouts.request is "-1s"; a timeout must not be negative ' +
        '(Linkerd says: "request timeout must not be negative")',
    ]);
  });
  it('only applies to v1beta3 and from 2.14', () => {
    expect(admit(linkerdRoute('  - timeouts: {request: 10s, backendRequest: 20s}'), '2.13')).toEqual([]);
    expect(admit(linkerdRoute('  - timeouts: {request: 10s, backendRequest: 20s}', 'v1beta2'))).toEqual([]);
  });
  it('leaves unparseable durations to the schema', () => {
    expect(admit(linkerdRoute('  - timeouts: {request: soon, backendRequest: 20s}'))).toEqual([]);
  });
});

describe('timeouts on Gateway HTTPRoute (CRD rule, 2.18+)', () => {
  it('refuses backendRequest longer than request unless request is 0s', () => {
    expect(admit(gatewayRoute('  - timeouts: {request: 10s, backendRequest: 20s}\n    backendRefs: [{name: web, port: 80}]'))).toEqual([
      'spec.rules[0].timeouts.backendRequest: spec.rules[0].timeouts.backendRequest is "20s", longer than request "10s"; backendRequest ' +
        'must not exceed request unless request is "0s"',
    ]);
    expect(admit(gatewayRoute('  - timeouts: {request: 0s, backendRequest: 20s}'))).toEqual([]);
  });
  it('is not checked by 2.17, whose bundled CRDs have no rules', () => {
    expect(admit(gatewayRoute('  - timeouts: {request: 10s, backendRequest: 20s}'), '2.17')).toEqual([]);
  });
});

describe('path matches', () => {
  it('refuses Exact and PathPrefix paths not starting with "/" (type omitted too)', () => {
    const rules = `  - matches:
    - path: {type: Exact, value: api}
    - path: {value: v1/}
    - path: {type: RegularExpression, value: "api.*"}
    - path: {type: PathPrefix}`;
    expect(admit(linkerdRoute(rules))).toEqual([
      'spec.rules[0].matches[0].path.value: spec.rules[0].matches[0].path.value is "api"; an Exact path must start with "/" ' +
        '(Linkerd says: "HttpPathMatch paths must be absolute (begin with `/`)")',
      'spec.rules[0].matches[1].path.value: spec.rules[0].matches[1].path.value is "v1/"; a PathPrefix path must start with "/" ' +
        '(Linkerd says: "HttpPathMatch paths must be absolute (begin with `/`)")',
    ]);
    expect(paths(linkerdRoute(rules), '2.12')).toHaveLength(2);
    expect(paths(linkerdRoute(rules), '2.11')).toEqual([]);
    expect(paths(gatewayRoute(rules), '2.15')).toHaveLength(2);
    expect(paths(gatewayRoute(rules), '2.14')).toEqual([]);
  });
  it('reports a relative path once where both the webhook and the CRD rule refuse it', () => {
    expect(paths(gatewayRoute('  - matches: [{path: {type: Exact, value: api}}]'))).toEqual(['spec.rules[0].matches[0].path.value']);
  });
  it('applies the CRD rules on path characters and segments from 2.18 on Gateway routes only', () => {
    const rules = `  - matches:
    - path: {type: PathPrefix, value: "/a//b"}
    - path: {type: Exact, value: "/a/.."}
    - path: {type: Exact, value: "/a b"}
    - path: {type: Exact, value: "/a%2Fb"}
    - path: {type: Exact, value: "/caf%C3%A9/~x@y:z"}
    - path: {type: RegularExpression, value: "/a//b"}`;
    expect(admit(gatewayRoute(rules))).toEqual([
      'spec.rules[0].matches[0].path.value: spec.rules[0].matches[0].path.value is "/a//b"; a PathPrefix path must not contain "//"',
      'spec.rules[0].matches[1].path.value: spec.rules[0].matches[1].path.value is "/a/.."; an Exact path must not end with "/.."',
      'spec.rules[0].matches[2].path.value: spec.rules[0].matches[2].path.value is "/a b"; an Exact path may hold only letters, digits, ' +
        '"-/._~!$&\'()*+,;=:@" and %-escapes with two hex digits',
      'spec.rules[0].matches[3].path.value: spec.rules[0].matches[3].path.value is "/a%2Fb"; an Exact path must not contain "%2F"',
    ]);
    expect(admit(gatewayRoute(rules), '2.17')).toEqual([]);
    expect(admit(linkerdRoute(rules))).toEqual([]);
  });
});

describe('regular expressions', () => {
  it('refuses look-around and back-references in paths, headers and query parameters', () => {
    const rules = `  - matches:
    - path: {type: RegularExpression, value: "/(?!admin).*"}
      headers: [{name: x-user, type: RegularExpression, value: "(a)\\\\1"}]
      queryParams: [{name: q, type: RegularExpression, value: "(?<=x)y"}]
    - path: {type: RegularExpression, value: "/(?i)api/(?P<v>v[0-9]+)/[a-z[:digit:]]+\\\\.json"}`;
    expect(admit(linkerdRoute(rules))).toEqual([
      'spec.rules[0].matches[0].path.value: spec.rules[0].matches[0].path.value is "/(?!admin).*", which Linkerd\'s regex engine ' +
        '(RE2-like syntax) cannot compile: look-ahead "(?!" is not supported',
      'spec.rules[0].matches[0].headers[0].value: spec.rules[0].matches[0].headers[0].value is "(a)\\\\1", which Linkerd\'s regex engine ' +
        '(RE2-like syntax) cannot compile: back-reference "\\1" is not supported',
      'spec.rules[0].matches[0].queryParams[0].value: spec.rules[0].matches[0].queryParams[0].value is "(?<=x)y", which Linkerd\'s regex ' +
        'engine (RE2-like syntax) cannot compile: look-behind "(?<=" is not supported',
    ]);
  });
  it('compiles policy.linkerd.io query regexes only from 2.13', () => {
    const rules = '  - matches: [{queryParams: [{name: q, type: RegularExpression, value: "(?=x)"}]}]';
    expect(paths(linkerdRoute(rules), '2.13')).toEqual(['spec.rules[0].matches[0].queryParams[0].value']);
    expect(paths(linkerdRoute(rules), '2.12')).toEqual([]);
  });
  it('refuses unbalanced groups and classes, and GRPCRoute header regexes from 2.16', () => {
    const rules = '  - matches: [{headers: [{name: a, type: RegularExpression, value: "(ab"}, {name: b, type: RegularExpression, value: "[ab"}]}]';
    expect(admit(gatewayRoute(rules, undefined, 'GRPCRoute'))).toEqual([
      expect.stringMatching(/headers\[0\]\.value: .*unclosed group "\("$/),
      expect.stringMatching(/headers\[1\]\.value: .*unclosed character class "\["$/),
    ]);
    expect(admit(gatewayRoute(rules, undefined, 'GRPCRoute', 'v1alpha2'), '2.15')).toEqual([]);
  });
});

describe('headers', () => {
  it('refuses control characters in values and bad names in remove lists', () => {
    const rules = `  - matches: [{headers: [{name: x-a, value: "a\\u0001b"}, {name: x-b, value: "tab\\tok"}]}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: x-c, value: "line\\nbreak"}]
        remove: [x-ok, "bad header", ""]`;
    expect(admit(linkerdRoute(rules))).toEqual([
      'spec.rules[0].matches[0].headers[0].value: spec.rules[0].matches[0].headers[0].value is "a\\u0001b": a header value must not ' +
        'hold control character U+0001 (Linkerd says: "failed to parse header value")',
      'spec.rules[0].filters[0].requestHeaderModifier.set[0].value: spec.rules[0].filters[0].requestHeaderModifier.set[0].value is ' +
        '"line\\nbreak": a header value must not hold control character U+000A (Linkerd says: "failed to parse header value")',
      'spec.rules[0].filters[0].requestHeaderModifier.remove[1]: spec.rules[0].filters[0].requestHeaderModifier.remove[1] is ' +
        '"bad header": a header name may hold only letters, digits and !#$%&\'*+-.^_`|~ (Linkerd says: "invalid HTTP header name")',
      'spec.rules[0].filters[0].requestHeaderModifier.remove[2]: spec.rules[0].filters[0].requestHeaderModifier.remove[2] is ' +
        '"": a header name must not be empty (Linkerd says: "invalid HTTP header name")',
    ]);
  });
  it('checks GRPCRoute header modifiers from 2.16', () => {
    const rules = `  - filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {remove: ["a:b"]}}]
    backendRefs: [{name: web, port: 80}]`;
    expect(paths(gatewayRoute(rules, undefined, 'GRPCRoute'))).toEqual(['spec.rules[0].filters[0].responseHeaderModifier.remove[0]']);
    expect(paths(gatewayRoute(rules, undefined, 'GRPCRoute', 'v1alpha2'), '2.15')).toEqual([]);
  });
});

describe('RequestRedirect', () => {
  it('refuses relative redirect paths', () => {
    const rules = '  - filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: "new"}}}]';
    expect(admit(linkerdRoute(rules))).toEqual([
      'spec.rules[0].filters[0].requestRedirect.path.replaceFullPath: spec.rules[0].filters[0].requestRedirect.path.replaceFullPath is ' +
        '"new"; a redirect path must start with "/" (Linkerd says: "RequestRedirect filters may only contain absolute paths")',
    ]);
  });
  it('refuses a path modifier that sets neither field (2.18+ message) or not the field its type names (up to 2.17)', () => {
    const neither = '  - filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath}}}]';
    expect(admit(linkerdRoute(neither))).toEqual([
      'spec.rules[0].filters[0].requestRedirect.path: spec.rules[0].filters[0].requestRedirect.path sets neither replaceFullPath nor ' +
        'replacePrefixMatch; set the one its type names (Linkerd says: "RequestRedirect filter must contain either replace_full_path or replace_prefix_match")',
    ]);
    const mismatch = '  - filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replacePrefixMatch: /x}}}]';
    expect(admit(linkerdRoute(mismatch), '2.17')).toEqual([
      'spec.rules[0].filters[0].requestRedirect.path: spec.rules[0].filters[0].requestRedirect.path has type "ReplaceFullPath" but no ' +
        'replaceFullPath; Linkerd 2.17 cannot read it',
    ]);
    expect(admit(linkerdRoute(mismatch))).toEqual([]);
  });
  it('lets the Gateway CRD rules name the missing field from 2.18, once', () => {
    const neither = '  - filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath}}}]';
    expect(admit(gatewayRoute(neither))).toEqual([
      'spec.rules[0].filters[0].requestRedirect.path.type: spec.rules[0].filters[0].requestRedirect.path has type ReplaceFullPath but ' +
        'no replaceFullPath; set replaceFullPath',
    ]);
  });
});

describe('backendRefs and parentRefs', () => {
  it('refuses Service backends without a port on Gateway HTTP and gRPC routes from 2.17', () => {
    const rules = '  - backendRefs: [{name: a}, {name: b, group: core, kind: Service}, {name: c, port: 80}, {name: d, kind: Pod, group: example.com}]';
    expect(admit(gatewayRoute(rules), '2.17')).toEqual([
      'spec.rules[0].backendRefs[0]: spec.rules[0].backendRefs[0] refers to a Service without a port; a Service backend must name its port ' +
        '(Linkerd says: "cannot reference a Service without a port")',
      expect.stringMatching(/^spec\.rules\[0\]\.backendRefs\[1\]: .*cannot reference a Service without a port/),
    ]);
    expect(admit(gatewayRoute(rules), '2.16')).toEqual([]);
    expect(paths(gatewayRoute(rules, undefined, 'GRPCRoute'), '2.17')).toEqual(['spec.rules[0].backendRefs[0]', 'spec.rules[0].backendRefs[1]']);
  });
  it('reports the CRD rule message from 2.18, once per backend', () => {
    expect(admit(gatewayRoute('  - backendRefs: [{name: a}]'))).toEqual([
      'spec.rules[0].backendRefs[0]: spec.rules[0].backendRefs[0] refers to a Service without a port; a Service backend must name its port ' +
        '(Linkerd says: "Must have port for Service reference")',
    ]);
  });
  it('does not check policy.linkerd.io route backends', () => {
    expect(admit(linkerdRoute('  - backendRefs: [{name: a}]'))).toEqual([]);
  });
  it('checks TCPRoute and TLSRoute backends only with the CRD rule (2.18+)', () => {
    const tcp = gatewayRoute('  - backendRefs: [{name: a}]', undefined, 'TCPRoute', 'v1alpha2');
    expect(paths(tcp)).toEqual(['spec.rules[0].backendRefs[0]']);
    expect(paths(tcp, '2.17')).toEqual([]);
  });
  it('refuses an EgressNetwork parent without a port from 2.17', () => {
    const parents = '[{group: policy.linkerd.io, kind: EgressNetwork, name: internet}, {group: policy.linkerd.io, kind: EgressNetwork, name: other, port: 443}]';
    const tls = gatewayRoute('  - backendRefs: [{group: policy.linkerd.io, kind: EgressNetwork, name: internet, port: 443}]', parents, 'TLSRoute', 'v1alpha2');
    expect(admit(tls)).toEqual([
      'spec.parentRefs[0]: parentRefs[0] refers to an EgressNetwork without a port; set the port the route applies to ' +
        '(Linkerd says: "cannot target an EgressNetwork without specifying a port")',
    ]);
    expect(admit(tls, '2.16')).toEqual([]);
  });
  it('defaults the parent group as the API server does', () => {
    expect(paths(linkerdRoute('  - {}', 'v1beta3', '[{kind: EgressNetwork, name: internet}]'))).toEqual(['spec.parentRefs[0]']);
    expect(paths(gatewayRoute('  - {}', '[{kind: EgressNetwork, name: internet}]'))).toEqual([]);
  });
  it('refuses non-Server parents of a policy.linkerd.io route only in 2.12', () => {
    const route = linkerdRoute('  - {}', 'v1beta1', '[{group: core, kind: Service, name: web}]');
    expect(paths(route, '2.12')).toEqual(['spec.parentRefs[0].kind']);
    expect(paths(route, '2.13')).toEqual([]);
  });
  it('applies the CRD rules on repeated parents from 2.18', () => {
    const parents = `
  - {kind: Service, group: core, name: web, port: 80}
  - {kind: Service, group: core, name: web, port: 8080}
  - {kind: Service, group: core, name: web}
  - {kind: Service, group: core, name: web, port: 80}
  - {kind: Service, group: core, name: api}
  - {kind: Service, group: core, name: api, namespace: other}`;
    const route = gatewayRoute('  - backendRefs: [{name: web, port: 80}]', parents);
    expect(admit(route)).toEqual([
      'spec.parentRefs[2]: parentRefs[2] and parentRefs[0] refer to the same parent, but only one of them sets sectionName or port; when ' +
        'a route names one parent more than once, every reference must set the same of these fields (Linkerd says: "sectionName or port must ' +
        'be specified when parentRefs includes 2 or more references to the same parent")',
      'spec.parentRefs[3]: parentRefs[3] repeats parentRefs[0] (same parent, sectionName and port); references to one parent must differ in ' +
        'sectionName or port (Linkerd says: "sectionName or port must be unique when parentRefs includes 2 or more references to the same parent")',
    ]);
    expect(admit(route, '2.17')).toEqual([]);
  });
});

describe('TLSRoute and TCPRoute', () => {
  it('refuse more than one rule from 2.17', () => {
    const route = gatewayRoute('  - backendRefs: [{name: a, port: 1}]\n  - backendRefs: [{name: b, port: 1}]', undefined, 'TCPRoute', 'v1alpha2');
    expect(admit(route)).toEqual([
      'spec.rules[1]: spec.rules has 2 entries; Linkerd accepts a TCPRoute with exactly one rule (Linkerd says: "TcpRoute supports a single rule only")',
    ]);
    expect(admit(route, '2.16')).toEqual([]);
    expect(admit(route.replace('TCPRoute', 'TLSRoute'))).toEqual([expect.stringContaining('TlsRoute supports a single rule only')]);
  });
});

describe('GRPCRoute method matches', () => {
  it('refuses RegularExpression method matches from 2.18', () => {
    const rules = '  - matches: [{method: {type: RegularExpression, service: "foo.*"}}]\n    backendRefs: [{name: a, port: 1}]';
    expect(admit(gatewayRoute(rules, undefined, 'GRPCRoute'))).toEqual([
      'spec.rules[0].matches[0].method.type: spec.rules[0].matches[0].method.type is "RegularExpression"; Linkerd matches gRPC methods ' +
        'only by Exact name (Linkerd says: "unsupported GRPCRoute method match type")',
    ]);
    expect(admit(gatewayRoute(rules, undefined, 'GRPCRoute', 'v1alpha2'), '2.17')).toEqual([]);
  });
  it('applies the CRD rules on Exact service and method names', () => {
    const rules = '  - matches: [{method: {}}, {method: {service: "pkg.Svc-1"}}, {method: {method: "Get/All"}}, {method: {service: ".pkg.Svc", method: Get_2}}]';
    expect(admit(gatewayRoute(rules, undefined, 'GRPCRoute'))).toEqual([
      'spec.rules[0].matches[0].method: spec.rules[0].matches[0].method sets neither service nor method; set one or both',
      'spec.rules[0].matches[1].method.service: spec.rules[0].matches[1].method.service is "pkg.Svc-1"; an Exact service must be ' +
        'dot-separated identifiers (letters, digits, "_")',
      'spec.rules[0].matches[2].method.method: spec.rules[0].matches[2].method.method is "Get/All"; an Exact method must be one identifier ' +
        '(letters, digits, "_")',
    ]);
  });
});

describe('Gateway HTTPRoute filter rules (CRD, 2.18+)', () => {
  it('refuses a redirect in a rule that also forwards', () => {
    const rules = `  - filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]
    backendRefs: [{name: web, port: 80}]`;
    expect(admit(gatewayRoute(rules))).toEqual([
      'spec.rules[0].filters[0]: spec.rules[0].filters[0] is a RequestRedirect in a rule with backendRefs; a rule either redirects or forwards',
    ]);
    expect(admit(gatewayRoute(rules), '2.17')).toEqual([]);
  });
  it('refuses repeated filter types, redirect plus rewrite, and fields that do not match the type', () => {
    const rules = `  - filters:
    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: b}]}}
    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: c, value: d}]}}
    - {type: URLRewrite, urlRewrite: {hostname: x}}
    - {type: RequestRedirect, requestRedirect: {scheme: https}, urlRewrite: {hostname: y}}
    - {type: RequestMirror}`;
    expect(admit(gatewayRoute(rules))).toEqual([
      'spec.rules[0].filters[1].type: spec.rules[0].filters[1] repeats a RequestHeaderModifier filter; a filter list may hold only one of each type',
      'spec.rules[0].filters[3].urlRewrite: spec.rules[0].filters[3] sets urlRewrite but its type is "RequestRedirect"; urlRewrite belongs ' +
        'only to a URLRewrite filter',
      'spec.rules[0].filters[4].type: spec.rules[0].filters[4] has type RequestMirror but no requestMirror; set requestMirror',
      'spec.rules[0].filters[3].type: spec.rules[0].filters holds both a RequestRedirect and a URLRewrite filter; use one or the other',
    ]);
  });
  it('refuses a prefix rewrite without exactly one PathPrefix match, and accepts the defaulted match', () => {
    const rewrite = '{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}';
    const bad = `  - matches: [{path: {type: Exact, value: /v1}}]\n    filters: [${rewrite}]\n    backendRefs: [{name: web, port: 80}]`;
    expect(admit(gatewayRoute(bad))).toEqual([
      'spec.rules[0].matches: spec.rules[0] uses a URLRewrite filter with path.replacePrefixMatch, which needs exactly one match, of type PathPrefix',
    ]);
    const defaulted = `  - filters: [${rewrite}]\n    backendRefs: [{name: web, port: 80}]`;
    expect(admit(gatewayRoute(defaulted))).toEqual([]);
    const noPath = `  - matches: [{headers: [{name: a, value: b}]}]\n    filters: [${rewrite}]\n    backendRefs: [{name: web, port: 80}]`;
    expect(admit(gatewayRoute(noPath))).toEqual([]);
  });
  it('checks backendRef filters and mirror backends', () => {
    const rules = `  - backendRefs:
    - name: web
      port: 80
      filters:
      - {type: RequestMirror, requestMirror: {backendRef: {name: shadow}}}
      - {type: ResponseHeaderModifier, requestHeaderModifier: {set: [{name: a, value: b}]}}`;
    expect(paths(gatewayRoute(rules))).toEqual([
      'spec.rules[0].backendRefs[0].filters[0].requestMirror.backendRef',
      'spec.rules[0].backendRefs[0].filters[1].requestHeaderModifier',
      'spec.rules[0].backendRefs[0].filters[1].type',
    ]);
  });
  it('refuses a Permanent session cookie without absoluteTimeout', () => {
    const rules = '  - sessionPersistence: {cookieConfig: {lifetimeType: Permanent}}\n    backendRefs: [{name: web, port: 80}]';
    expect(paths(gatewayRoute(rules))).toEqual(['spec.rules[0].sessionPersistence']);
  });
});

describe('documented examples pass', () => {
  it('a Gateway HTTPRoute with header match, redirect-free rules and timeouts', () => {
    const rules = `  - matches:
    - path: {value: /api}
      headers: [{name: x-canary, value: "true"}]
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier: {add: [{name: l5d-extra, value: "1"}], remove: [x-debug]}
    backendRefs: [{name: web-canary, port: 80, weight: 10}, {name: web, port: 80, weight: 90}]
    timeouts: {request: 10s}`;
    for (const v of ['2.15', '2.16', '2.17', '2.18', '2.19', '2.20']) expect(admit(gatewayRoute(rules), v)).toEqual([]);
  });
});

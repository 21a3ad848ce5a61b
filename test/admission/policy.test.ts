import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../src/linkerd/admission/networks.js';
import { admit, paths } from './helpers.js';

const server = (accessPolicy: string) => `
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: app}
spec:
  podSelector: {matchLabels: {app: web}}
  port: http
  accessPolicy: ${accessPolicy}
`;

describe('Server', () => {
  it('refuses an unknown accessPolicy from 2.16', () => {
    expect(admit(server('allow-all'))).toEqual([
      'spec.accessPolicy: spec.accessPolicy is "allow-all"; expected one of all-unauthenticated, all-authenticated, ' +
        'cluster-unauthenticated, cluster-authenticated, deny, audit (Linkerd says: "Invalid \'accessPolicy\' field")',
    ]);
  });
  it('accepts every documented accessPolicy', () => {
    for (const p of ['all-unauthenticated', 'all-authenticated', 'cluster-unauthenticated', 'cluster-authenticated', 'deny', 'audit']) {
      expect(admit(server(p))).toEqual([]);
    }
  });
  it('leaves accessPolicy to the schema before 2.16', () => {
    expect(admit(server('allow-all'), '2.15')).toEqual([]);
  });
});

const serverAuthorization = (client: string) => `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: web, namespace: app}
spec:
  server: {name: web}
  client:
${client}
`;

describe('ServerAuthorization', () => {
  it('refuses unauthenticated together with meshTLS', () => {
    expect(admit(serverAuthorization('    unauthenticated: true\n    meshTLS: {identities: ["*"]}'))).toEqual([
      'spec.client.unauthenticated: spec.client.unauthenticated is true while spec.client.meshTLS is set; use one or the other ' +
        '(Linkerd says: "`unauthenticated` must be false if `mesh_tls` is specified")',
    ]);
  });
  it('accepts unauthenticated: false with meshTLS', () => {
    expect(admit(serverAuthorization('    unauthenticated: false\n    meshTLS: {identities: ["*"]}'))).toEqual([]);
  });
  it('refuses unauthenticatedTLS with identities or serviceAccounts', () => {
    expect(paths(serverAuthorization('    meshTLS:\n      unauthenticatedTLS: true\n      serviceAccounts: [{name: web}]'))).toEqual([
      'spec.client.meshTLS.unauthenticatedTLS',
    ]);
    expect(paths(serverAuthorization('    meshTLS:\n      unauthenticatedTLS: true\n      identities: []'))).toEqual([]);
  });
  it('checks except entries against their cidr, bare IPs included', () => {
    const yaml = serverAuthorization(`    networks:
    - cidr: 10.0.0.0/16
      except: [10.0.1.0/24, 10.0.5.7, 192.168.0.0/24, 10.0.0.0/8]
    - cidr: 10.1.2.3
      except: [10.1.2.3]
    - cidr: fd00::/16
      except: ["fd00:1::/32", "10.0.0.0/24"]
    - cidr: not-an-address
      except: [10.0.0.0/8]`);
    expect(admit(yaml)).toEqual([
      'spec.client.networks[0].except[2]: exception "192.168.0.0/24" is not inside cidr "10.0.0.0/16"; an exception must be a part of ' +
        'its network (Linkerd says: "cidr \'10.0.0.0/16\' does not include exception \'192.168.0.0/24\'")',
      'spec.client.networks[0].except[3]: exception "10.0.0.0/8" covers all of cidr "10.0.0.0/16", so the network allows nothing; ' +
        'narrow the exception or remove the network (Linkerd says: "cidr \'10.0.0.0/16\' is completely negated by exception \'10.0.0.0/8\'")',
      expect.stringMatching(/^spec\.client\.networks\[1\]\.except\[0\]: exception "10\.1\.2\.3" covers all of cidr "10\.1\.2\.3"/),
      expect.stringMatching(/^spec\.client\.networks\[2\]\.except\[1\]: exception "10\.0\.0\.0\/24" is not inside cidr "fd00::\/16"/),
      'spec.client.networks[3].cidr: spec.client.networks[3].cidr is "not-an-address", not an IP address or CIDR block; expected a ' +
        'block such as "10.0.0.0/8" or "fd00::/8", or a single address such as "10.1.2.3" ' +
        '(Linkerd says: "data did not match any variant of untagged enum Cidr")',
    ]);
  });
  it('refuses cidr and except values that are not addresses, without judging their containment, from 2.11', () => {
    const yaml = serverAuthorization(`    networks:
    - cidr: 10.0.0.0/33
      except: [bogus, 11.0.0.0/8]
    - cidr: 10.0.0.0/8
      except: [bogus, "fd00::/129", 11.0.0.0/8]`);
    const expected = [
      'spec.client.networks[0].cidr: spec.client.networks[0].cidr is "10.0.0.0/33": an IPv4 prefix length must be 0 to 32 ' +
        '(Linkerd says: "data did not match any variant of untagged enum Cidr")',
      expect.stringMatching(/^spec\.client\.networks\[0\]\.except\[0\]: spec\.client\.networks\[0\]\.except\[0\] is "bogus", not an IP address/),
      expect.stringMatching(/^spec\.client\.networks\[1\]\.except\[0\]: .* is "bogus", not an IP address/),
      'spec.client.networks[1].except[1]: spec.client.networks[1].except[1] is "fd00::/129": an IPv6 prefix length must be 0 to 128 ' +
        '(Linkerd says: "data did not match any variant of untagged enum Cidr")',
      expect.stringMatching(/^spec\.client\.networks\[1\]\.except\[2\]: exception "11\.0\.0\.0\/8" is not inside cidr "10\.0\.0\.0\/8"/),
    ];
    expect(admit(yaml)).toEqual(expected);
    expect(admit(yaml, '2.11')).toEqual(expected);
    expect(admit(yaml, '2.10')).toEqual([]);
  });
  it('is checked from 2.11', () => {
    expect(paths(serverAuthorization('    unauthenticated: true\n    meshTLS: {identities: ["*"]}'), '2.11')).toHaveLength(1);
    expect(paths(serverAuthorization('    unauthenticated: true\n    meshTLS: {identities: ["*"]}'), '2.10')).toEqual([]);
  });
});

const networkAuthentication = (networks: string) => `
apiVersion: policy.linkerd.io/v1alpha1
kind: NetworkAuthentication
metadata: {name: cluster, namespace: app}
spec:
  networks: ${networks}
`;

describe('NetworkAuthentication', () => {
  it('refuses an empty network list from 2.12', () => {
    expect(admit(networkAuthentication('[]'))).toEqual([
      'spec.networks: networks is empty; list at least one network (Linkerd says: "at least one network must be specified")',
    ]);
    expect(admit(networkAuthentication('[]'), '2.11')).toEqual([]);
  });
  it('checks except entries, and accepts IPv6 and bare addresses', () => {
    expect(paths(networkAuthentication('[{cidr: "::/0", except: ["::1", "fd00::/8"]}, {cidr: 0.0.0.0/0, except: [0.0.0.0/0]}]'))).toEqual([
      'spec.networks[1].except[0]',
    ]);
  });
  it('refuses values that are not addresses from 2.12, when its webhook sees NetworkAuthentications', () => {
    const yaml = networkAuthentication('[{cidr: 10.0.0.0/8, except: [10.1.0.0/16, bogus]}, {cidr: "10.0.0.0/8/8"}]');
    expect(paths(yaml)).toEqual(['spec.networks[0].except[1]', 'spec.networks[1].cidr']);
    expect(paths(yaml, '2.12')).toEqual(['spec.networks[0].except[1]', 'spec.networks[1].cidr']);
    expect(paths(yaml, '2.11')).toEqual([]);
  });
  it('says how to write a zero-padded bare address, which Linkerd refuses', () => {
    expect(admit(networkAuthentication('[{cidr: 10.0.0.0/8, except: [010.0.0.1]}]'))).toEqual([
      'spec.networks[0].except[0]: spec.networks[0].except[0] is "010.0.0.1": a bare IPv4 address must not zero-pad its octets; ' +
        'write "10.0.0.1" (Linkerd says: "data did not match any variant of untagged enum Cidr")',
    ]);
  });
});

const egress = (networks: string) => `
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: {name: internet, namespace: egress}
spec:
  trafficPolicy: Allow
${networks}
`;

describe('EgressNetwork', () => {
  it('refuses networks: [] from 2.17, and accepts no networks at all', () => {
    expect(paths(egress('  networks: []'))).toEqual(['spec.networks']);
    expect(paths(egress(''))).toEqual([]);
  });
  it('checks except entries', () => {
    expect(paths(egress('  networks: [{cidr: 0.0.0.0/0, except: [10.0.0.0/8, 10.0.0.0/8x]}, {cidr: 10.0.0.0/8, except: [11.0.0.0/8]}]'))).toEqual([
      'spec.networks[0].except[1]',
      'spec.networks[1].except[0]',
    ]);
  });
  it('is not checked before the webhook saw EgressNetworks (2.17)', () => {
    expect(paths(egress('  networks: []'), '2.16')).toEqual([]);
    expect(paths(egress('  networks: [{cidr: bogus}]'), '2.16')).toEqual([]);
    expect(paths(egress('  networks: [{cidr: bogus}]'), '2.17')).toEqual(['spec.networks[0].cidr']);
  });
});

const meshTLS = (spec: string) => `
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: clients, namespace: app}
spec:
${spec}
`;

describe('MeshTLSAuthentication', () => {
  it('refuses identities that are neither DNS-like nor SPIFFE IDs from 2.15', () => {
    const yaml = meshTLS(`  identities:
  - "*"
  - "*.app.serviceaccount.identity.linkerd.cluster.local"
  - web.app.serviceaccount.identity.linkerd.cluster.local
  - spiffe://cluster.local/ns/app/sa/web
  - spiffe://root.linkerd.cluster.local
  - Web.App
  - spiffe://cluster.local/ns//sa
  - spiffe://cluster.local/ns/../sa
  - spiffe:///ns
  - spiffe://td/path/`);
    expect(admit(yaml)).toEqual([
      'spec.identities[5]: identity "Web.App" is invalid: it is neither a DNS-like name (lower-case labels, optional "*." prefix) ' +
        'nor a SPIFFE ID ("spiffe://<trust-domain>/<path>") (Linkerd says: "id Web.App is invalid")',
      expect.stringMatching(/^spec\.identities\[6\]: .*empty segments/),
      expect.stringMatching(/^spec\.identities\[7\]: .*"\.\." segment/),
      expect.stringMatching(/^spec\.identities\[8\]: .*trust domain must be non-empty/),
      expect.stringMatching(/^spec\.identities\[9\]: .*end with "\/"/),
    ]);
    expect(admit(yaml, '2.14')).toEqual([]);
  });
  it('refuses identityRefs that are not ServiceAccounts or Namespaces', () => {
    const yaml = meshTLS(`  identityRefs:
  - {kind: ServiceAccount, name: web}
  - {kind: Namespace, name: app}
  - {kind: serviceaccount, group: core, name: web2}
  - {kind: Deployment, group: apps, name: web}
  - {kind: Namespace, name: other, namespace: app}
  - {kind: ServiceAccount, group: policy.linkerd.io, name: web}`);
    expect(admit(yaml)).toEqual([
      'spec.identityRefs[3].kind: identityRefs entry refers to "Deployment.apps"; expected kind ServiceAccount or Namespace (core group) ' +
        '(Linkerd says: "invalid identity target kind")',
      'spec.identityRefs[4].namespace: an identityRefs entry of kind Namespace must not set namespace: Namespaces are cluster-scoped ' +
        '(Linkerd says: "Namespace identity_ref is cluster-scoped and cannot have a namespace")',
      expect.stringMatching(/^spec\.identityRefs\[5\]\.kind: .*"ServiceAccount\.policy\.linkerd\.io"/),
    ]);
    expect(admit(yaml, '2.11')).toEqual([]);
  });
});

const authorizationPolicy = (targetRef: string, refs: string, namespace = 'app') => `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web, namespace: ${namespace}}
spec:
  targetRef: ${targetRef}
  requiredAuthenticationRefs: ${refs}
`;

describe('AuthorizationPolicy', () => {
  const serverRef = '{group: policy.linkerd.io, kind: Server, name: web}';
  it('accepts the documented targets', () => {
    for (const t of [
      serverRef,
      '{group: policy.linkerd.io, kind: HTTPRoute, name: r}',
      '{kind: Namespace, name: app}',
      '{group: gateway.networking.k8s.io, kind: GRPCRoute, name: r}',
      '{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}',
    ]) {
      expect(admit(authorizationPolicy(t, '[]'))).toEqual([]);
    }
  });
  it('refuses other target kinds, and a Server without its group', () => {
    expect(admit(authorizationPolicy('{kind: Server, name: web}', '[]'))).toEqual([
      'spec.targetRef.kind: spec.targetRef refers to "Server with no group (so the core group)", which Linkerd 2.20 does not accept as an authorization target; ' +
        'expected Server (policy.linkerd.io), HTTPRoute (policy.linkerd.io), Namespace (core), GRPCRoute (gateway.networking.k8s.io), ' +
        'HTTPRoute (gateway.networking.k8s.io) (Linkerd says: "unsupported authorization target type")',
    ]);
    expect(paths(authorizationPolicy('{group: apps, kind: Deployment, name: web}', '[]'))).toEqual(['spec.targetRef.kind']);
  });
  it('accepts Gateway route targets only from the releases that do', () => {
    const gatewayHttp = authorizationPolicy('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}', '[]');
    expect(admit(gatewayHttp, '2.18')).toEqual([
      expect.stringMatching(/does not accept as an authorization target; .* \(accepted from Linkerd 2\.19\) \(Linkerd says: "invalid targetRef kind"\)$/),
    ]);
    expect(admit(gatewayHttp, '2.19')).toEqual([]);
    const grpc = authorizationPolicy('{group: gateway.networking.k8s.io, kind: GRPCRoute, name: r}', '[]');
    expect(paths(grpc, '2.15')).toEqual(['spec.targetRef.kind']);
    expect(paths(grpc, '2.16')).toEqual([]);
    expect(paths(grpc, '2.11')).toEqual([]);
  });
  it('refuses a Namespace target other than its own', () => {
    expect(admit(authorizationPolicy('{kind: Namespace, name: other}', '[]'))).toEqual([
      'spec.targetRef.name: spec.targetRef names Namespace "other" but the policy lives in "app"; a policy may only target its own ' +
        'namespace (Linkerd says: "cannot target another namespace")',
    ]);
  });
  it('cannot know the namespace of a policy that sets none', () => {
    const yaml = authorizationPolicy('{kind: Namespace, name: other}', '[]').replace(', namespace: app', '');
    expect(admit(yaml)).toEqual([]);
  });
  it('allows one MeshTLS or ServiceAccount ref plus one NetworkAuthentication', () => {
    expect(admit(authorizationPolicy(serverRef, `
  - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: a}
  - {group: policy.linkerd.io, kind: NetworkAuthentication, name: b}`))).toEqual([]);
    expect(admit(authorizationPolicy(serverRef, `
  - {kind: ServiceAccount, name: web}
  - {group: policy.linkerd.io, kind: NetworkAuthentication, name: b}`))).toEqual([]);
  });
  it('refuses two of a kind, MeshTLS with ServiceAccount, and other kinds', () => {
    const yaml = authorizationPolicy(serverRef, `
  - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: a}
  - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: b}
  - {kind: ServiceAccount, name: web}
  - {kind: ServiceAccount, name: web2}
  - {group: policy.linkerd.io, kind: NetworkAuthentication, name: c}
  - {group: policy.linkerd.io, kind: NetworkAuthentication, name: d}
  - {kind: MeshTLSAuthentication, name: e}
  - {group: policy.linkerd.io, kind: Server, name: f}`);
    expect(admit(yaml)).toEqual([
      'spec.requiredAuthenticationRefs[1].kind: more than one MeshTLSAuthentication in requiredAuthenticationRefs; at most one is allowed ' +
        '(Linkerd says: "only a single MeshTLSAuthentication may be set")',
      'spec.requiredAuthenticationRefs[2].kind: a MeshTLSAuthentication and a ServiceAccount in requiredAuthenticationRefs; use only one ' +
        'of them (Linkerd says: "a MeshTLSAuthentication and ServiceAccount may not be set together")',
      'spec.requiredAuthenticationRefs[3].kind: more than one ServiceAccount in requiredAuthenticationRefs; at most one is allowed ' +
        '(Linkerd says: "only a single ServiceAccount may be set")',
      'spec.requiredAuthenticationRefs[5].kind: more than one NetworkAuthentication in requiredAuthenticationRefs; at most one is allowed ' +
        '(Linkerd says: "only a single NetworkAuthentication may be set")',
      'spec.requiredAuthenticationRefs[6].kind: requiredAuthenticationRefs entry refers to "MeshTLSAuthentication with no group (so the core group)"; expected ' +
        'MeshTLSAuthentication or NetworkAuthentication (policy.linkerd.io) or ServiceAccount (core) (Linkerd says: "unsupported authentication kind(s)")',
      expect.stringMatching(/^spec\.requiredAuthenticationRefs\[7\]\.kind: requiredAuthenticationRefs entry refers to "Server\.policy\.linkerd\.io"/),
    ]);
  });
  it('is not checked before AuthorizationPolicy existed (2.12)', () => {
    expect(admit(authorizationPolicy('{kind: Deployment, name: x}', '[{kind: Pod, name: y}]'), '2.11')).toEqual([]);
  });
});

const rateLimit = (spec: string) => `
apiVersion: policy.linkerd.io/v1alpha1
kind: HTTPLocalRateLimitPolicy
metadata: {name: web, namespace: app}
spec:
${spec}
`;

describe('HTTPLocalRateLimitPolicy', () => {
  const ok = `  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  total: {requestsPerSecond: 100}
  identity: {requestsPerSecond: 20}
  overrides:
  - requestsPerSecond: 50
    clientRefs: [{kind: ServiceAccount, name: batch, namespace: jobs}]`;
  it('accepts a well-formed policy', () => {
    expect(admit(rateLimit(ok))).toEqual([]);
  });
  it('refuses a target that is not a Server', () => {
    expect(admit(rateLimit('  targetRef: {kind: Service, name: web}'))).toEqual([
      'spec.targetRef.kind: spec.targetRef refers to "Service"; an HTTPLocalRateLimitPolicy may only target a Server (group policy.linkerd.io) ' +
        '(Linkerd says: "invalid targetRef kind")',
    ]);
  });
  it('refuses zero rates, rates above the total, and clients that are not ServiceAccounts', () => {
    const yaml = rateLimit(`  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  total: {requestsPerSecond: 10}
  identity: {requestsPerSecond: 20}
  overrides:
  - requestsPerSecond: 0
    clientRefs: [{kind: Deployment, name: batch}]
  - requestsPerSecond: 11
    clientRefs: [{kind: ServiceAccount, name: batch}]`);
    expect(admit(yaml)).toEqual([
      'spec.identity.requestsPerSecond: identity.requestsPerSecond is 20, above total.requestsPerSecond 10; it must not exceed the total ' +
        '(Linkerd says: "identity.requestsPerSecond must be less than or equal to total.requestsPerSecond")',
      'spec.overrides[0].requestsPerSecond: overrides[0].requestsPerSecond is 0; it must be greater than 0 ' +
        '(Linkerd says: "overrides[0].requestsPerSecond must be greater than 0")',
      'spec.overrides[0].clientRefs[0].kind: overrides[0].clientRefs[0] refers to "Deployment"; client references must be ServiceAccounts ' +
        '(Linkerd says: "overrides.clientRefs must target a ServiceAccount")',
      expect.stringMatching(/^spec\.overrides\[1\]\.requestsPerSecond: overrides\[1\]\.requestsPerSecond is 11, above/),
    ]);
    expect(paths(rateLimit('  targetRef: {group: policy.linkerd.io, kind: Server, name: web}\n  total: {requestsPerSecond: 0}'))).toEqual([
      'spec.total.requestsPerSecond',
    ]);
  });
  it('compares with the total only when it is set', () => {
    expect(admit(rateLimit('  targetRef: {group: policy.linkerd.io, kind: Server, name: web}\n  identity: {requestsPerSecond: 500}'))).toEqual([]);
  });
  it('is not checked before 2.17', () => {
    expect(admit(rateLimit('  targetRef: {kind: Service, name: web}'), '2.16')).toEqual([]);
  });
});

describe('malformed input', () => {
  it('yields nothing for missing or mistyped parts, and never throws', () => {
    for (const spec of ['', 'spec: 3', 'spec: {targetRef: 5, requiredAuthenticationRefs: {a: 1}}', 'spec: {requiredAuthenticationRefs: [null, 3, [1]]}']) {
      expect(admit(`apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: x}\n${spec}\n`)).toEqual([]);
    }
    expect(admit('apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata: {name: x}\nspec: {client: {networks: [{cidr: 1, except: 2}, {cidr: 10.0.0.0/8, except: [null, 7]}]}}\n')).toEqual([]);
  });
  it('leaves references without a string kind or group to the schema', () => {
    expect(admit(authorizationPolicy('{name: web}', '[{name: a}, {kind: 5, name: b}, {kind: ServiceAccount, group: 7, name: c}]'))).toEqual([]);
    expect(admit(rateLimit('  targetRef: {kind: [Server], name: web}\n  overrides: [{requestsPerSecond: 1, clientRefs: [{name: x}]}]'))).toEqual([]);
  });
  it('survives routes of the wrong shape', () => {
    const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: web
  rules:
  - matches: 5
    filters: [{type: 3, requestRedirect: x}, 7, {type: RequestRedirect, requestRedirect: {path: 9}}]
    backendRefs: [null, {name: a, port: "80"}]
    timeouts: {request: [1], backendRequest: 2}
  - 8
`;
    expect(() => admit(route)).not.toThrow();
    expect(admit(route)).toEqual([
      'spec.rules[0].filters[2]: spec.rules[0].filters[2] is a RequestRedirect in a rule with backendRefs; a rule either redirects or forwards',
    ]);
  });
  it('ignores kinds and groups it does not know', () => {
    expect(admit('apiVersion: example.com/v1\nkind: Server\nmetadata: {name: x}\nspec: {accessPolicy: nope}\n')).toEqual([]);
  });
});

describe('parseBlock reads cidr values as Linkerd does', () => {
  const range = (text: string) => {
    const b = parseBlock(text);
    return b && `v${b.family} ${b.first.toString(16)}-${b.last.toString(16)}`;
  };
  it('reads IPv4 and IPv6 blocks and bare addresses', () => {
    expect(range('10.0.0.0/8')).toBe('v4 a000000-affffff');
    expect(range('10.1.2.3/8')).toBe('v4 a000000-affffff');
    expect(range('0.0.0.0/0')).toBe('v4 0-ffffffff');
    expect(range('10.1.2.3')).toBe('v4 a010203-a010203');
    expect(range('255.255.255.255/32')).toBe('v4 ffffffff-ffffffff');
    expect(range('::/0')).toBe(`v6 0-${'f'.repeat(32)}`);
    expect(range('::1')).toBe('v6 1-1');
    expect(range('fd00::/8')).toBe(`v6 fd${'0'.repeat(30)}-fd${'f'.repeat(30)}`);
    expect(range('FD00:0:0:0:0:0:0:1/128')).toBe(`v6 fd${'0'.repeat(29)}1-fd${'0'.repeat(29)}1`);
    expect(range('::ffff:10.0.0.1')).toBe('v6 ffff0a000001-ffff0a000001');
    expect(range('1:2:3:4:5:6:7::')).toBe('v6 10002000300040005000600070000-10002000300040005000600070000');
  });
  it('takes prefix lengths of 0 to 32 (at most 2 digits) for IPv4 and 0 to 128 (at most 3) for IPv6, as ipnet does', () => {
    expect(range('10.0.0.0/08')).toBe('v4 a000000-affffff');
    expect(range('fd00::/008')).toBe(`v6 fd${'0'.repeat(30)}-fd${'f'.repeat(30)}`);
    for (const bad of ['10.0.0.0/33', '10.0.0.0/032', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/+8', '::/129', '::/0128', '10.0.0.0/8/8']) {
      expect(parseBlock(bad), bad).toBeUndefined();
    }
  });
  it('accepts zero-padded octets and an empty "::" in blocks (ipnet) but not in bare addresses (Rust std)', () => {
    expect(range('010.0.0.0/8')).toBe('v4 a000000-affffff');
    expect(range('::1:2:3:4:5:6:7:8/128')).toBe('v6 10002000300040005000600070008-10002000300040005000600070008');
    expect(parseBlock('010.0.0.1')).toBeUndefined();
    expect(parseBlock('::1:2:3:4:5:6:7:8')).toBeUndefined();
    expect(parseBlock('::ffff:010.0.0.1')).toBeUndefined();
  });
  it('refuses what neither parser reads', () => {
    for (const bad of [
      '', 'bogus', '10.0.0', '10.0.0.0.0', '256.0.0.0', '1.2.3.4 ', ' 1.2.3.4', '0001.0.0.0/8', '1.2.3.-4', '1::2::3', ':::', '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7', '12345::', 'fe80::1%eth0', '1.2.3.4::', '1.2.3.4::/64', '1:2:3:4:5:6:7:8::', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', 'g::1',
    ]) {
      expect(parseBlock(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

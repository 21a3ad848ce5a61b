import { describe, expect, it } from 'vitest';
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
    ]);
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
      'spec.networks[1].except[0]',
    ]);
  });
  it('is not checked before the webhook saw EgressNetworks (2.17)', () => {
    expect(paths(egress('  networks: []'), '2.16')).toEqual([]);
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

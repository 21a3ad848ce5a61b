// The policy model behind `linkerd-lint access`: which Server or default policy governs each
// port, which routes and authorizations apply, and who they admit, release by release.
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../src/linkerd/admission/networks.js';
import { type Caller, ruleAdmits } from '../src/linkerd/access/clients.js';
import { decidePort } from '../src/linkerd/access/decide.js';
import { identityMatches, parseIdentityMatch } from '../src/linkerd/access/identities.js';
import { type AccessModel, type PortAccess, type WorkloadAccess, buildAccessModel } from '../src/linkerd/access/model.js';
import { parseLinkerdVersion, type LinkerdTarget } from '../src/linkerd/releases.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree } from '../src/model/tree.js';

const DOMAIN = { controlPlaneNamespace: 'linkerd', trustDomain: 'cluster.local' };

function model(text: string, version = '2.20', cluster: 'all-unauthenticated' | 'deny' | 'audit' = 'all-unauthenticated'): AccessModel {
  const tree = new ManifestTree(parseSource(new SourceFile('/t/a.yaml', 'a.yaml', text, 'yaml')).resources);
  const target = parseLinkerdVersion(version) as LinkerdTarget;
  return buildAccessModel(tree, { target, clusterDefault: { value: cluster, from: 'install' }, domain: DOMAIN });
}

function workload(m: AccessModel, name: string): WorkloadAccess {
  const w = m.workloads.find((x) => x.workload.resource.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
}

function port(m: AccessModel, name: string, number: number): PortAccess {
  const p = workload(m, name).ports.find((x) => x.port === number);
  if (!p) throw new Error(`no port ${number} on ${name}`);
  return p;
}

function sa(namespace: string, name: string): Caller {
  return { identity: `${name}.${namespace}.serviceaccount.identity.linkerd.cluster.local`, address: undefined };
}

const NS = `apiVersion: v1
kind: Namespace
metadata: {name: shop, annotations: {linkerd.io/inject: enabled}}
`;

const WEB = `${NS}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      containers:
        - name: app
          ports:
            - {containerPort: 8080, name: http}
            - {containerPort: 9090, name: admin}
            - {containerPort: 5353, name: dns, protocol: UDP}
          readinessProbe: {httpGet: {path: /ready, port: http}}
          livenessProbe: {httpGet: {path: /live?verbose=1, port: 8080}}
`;

const server = (name: string, port: string | number, extra = '', version = 'v1beta3') => `---
apiVersion: policy.linkerd.io/${version}
kind: Server
metadata: {name: ${name}, namespace: shop${extra}}
spec:
  podSelector: {matchLabels: {app: web}}
  port: ${port}
`;

describe('ports and Servers', () => {
  it('lists the TCP container ports, each with the default policy when no Server selects it', () => {
    const m = model(WEB);
    const w = workload(m, 'web');
    expect(w.meshed).toBe('yes');
    expect(w.ports.map((p) => [p.port, p.names, p.server, p.default?.value, p.default?.from])).toEqual([
      [8080, ['http'], undefined, 'all-unauthenticated', 'cluster'],
      [9090, ['admin'], undefined, 'all-unauthenticated', 'cluster'],
    ]);
  });

  it('gives a Server the port it names by name or number', () => {
    const m = model(`${WEB}${server('web-http', 'http')}${server('web-admin', 9090)}`);
    expect(port(m, 'web', 8080).server?.resource.name).toBe('web-http');
    expect(port(m, 'web', 9090).server?.resource.name).toBe('web-admin');
  });

  it('lets the oldest of two Servers on one port win, then the first by name (2.18 on)', () => {
    const byName = model(`${WEB}${server('b-http', 'http')}${server('a-http', 8080)}`);
    expect(port(byName, 'web', 8080).server).toMatchObject({ precedence: 'oldest-then-name' });
    expect(port(byName, 'web', 8080).server?.resource.name).toBe('a-http');
    expect(port(byName, 'web', 8080).server?.shadows.map((s) => s.name)).toEqual(['b-http']);
    const byAge = model(`${WEB}${server('b-http', 'http', ', creationTimestamp: "2024-01-01T00:00:00Z"')}${server('a-http', 8080, ', creationTimestamp: "2024-06-01T00:00:00Z"')}`);
    expect(port(byAge, 'web', 8080).server?.resource.name).toBe('b-http');
  });

  it('says which of two Servers applies is undefined before 2.18', () => {
    const m = model(`${WEB}${server('b-http', 'http', '', 'v1beta2')}${server('a-http', 8080, '', 'v1beta2')}`, '2.17');
    expect(port(m, 'web', 8080).server).toMatchObject({ precedence: 'undefined' });
  });

  it('leaves out a Server its release does not serve', () => {
    const m = model(`${WEB}${server('web-http', 'http')}`, '2.15');
    expect(port(m, 'web', 8080).server).toBeUndefined();
    expect(m.servers[0]!.applied).toEqual({ applied: false, why: 'Linkerd 2.15 does not serve policy.linkerd.io/v1beta3' });
  });

  it('reports no ports of a pod without a proxy', () => {
    const m = model(WEB.replace('linkerd.io/inject: enabled', 'linkerd.io/inject: disabled'));
    expect(workload(m, 'web')).toMatchObject({ meshed: 'no', ports: [] });
  });

  it('marks a port in skip-inbound-ports as bypassing the proxy', () => {
    const m = model(WEB.replace('labels: {app: web}', 'labels: {app: web}\n      annotations: {config.linkerd.io/skip-inbound-ports: "9090"}'));
    expect(port(m, 'web', 9090).skipped).toBe(true);
    expect(port(m, 'web', 8080).skipped).toBe(false);
  });
});

describe('default policy', () => {
  const annotated = (nsPolicy?: string, podPolicy?: string) => {
    let text = WEB;
    if (nsPolicy) text = text.replace('linkerd.io/inject: enabled}', `linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: ${nsPolicy}}`);
    if (podPolicy) text = text.replace('labels: {app: web}', `labels: {app: web}\n      annotations: {config.linkerd.io/default-inbound-policy: ${podPolicy}}`);
    return text;
  };

  it('takes the pod annotation first, then the namespace one, then the cluster default', () => {
    expect(port(model(annotated('deny', 'all-authenticated')), 'web', 8080).default).toMatchObject({ value: 'all-authenticated', from: 'pod' });
    expect(port(model(annotated('deny')), 'web', 8080).default).toMatchObject({ value: 'deny', from: 'namespace' });
    expect(port(model(annotated(), '2.20', 'deny'), 'web', 8080).default).toMatchObject({ value: 'deny', from: 'cluster', clusterFrom: 'install' });
  });

  it('falls back to the cluster default when the pod annotation is not a policy', () => {
    expect(port(model(annotated('deny', 'nobody')), 'web', 8080).default).toMatchObject({ value: 'all-unauthenticated', from: 'cluster' });
  });

  it('admits only probes under deny, and any meshed client under all-authenticated', () => {
    const deny = port(model(annotated('deny')), 'web', 8080);
    expect(deny.serverAuthorizations).toEqual([]);
    expect(deny.routes.map((r) => [r.builtin, r.probePaths])).toEqual([
      ['default', undefined],
      ['probe', ['/live', '/ready']],
    ]);
    const w = workload(model(annotated('deny')), 'web');
    expect(decidePort(w, deny, sa('shop', 'any'), {}).verdict).toBe('denied');
    expect(decidePort(w, deny, sa('shop', 'any'), { path: '/ready' }).verdict).toBe('allowed');
    expect(decidePort(w, deny, sa('shop', 'any'), { path: '/ready', method: 'POST' }).verdict).toBe('denied');
    const authn = model(annotated('all-authenticated'));
    const p = port(authn, 'web', 8080);
    expect(decidePort(workload(authn, 'web'), p, sa('other', 'x'), {}).verdict).toBe('allowed');
    expect(decidePort(workload(authn, 'web'), p, { identity: undefined, address: undefined }, {}).verdict).toBe('denied');
  });

  it('requires an identity on the ports of proxy-require-identity-inbound-ports', () => {
    const m = model(WEB.replace('labels: {app: web}', 'labels: {app: web}\n      annotations: {config.linkerd.io/proxy-require-identity-inbound-ports: "8080"}'));
    expect(port(m, 'web', 8080).serverAuthorizations[0]!.rule.authentication).toEqual({ kind: 'identities', matches: [{ kind: 'suffix', parts: [] }] });
    expect(port(m, 'web', 9090).serverAuthorizations[0]!.rule.authentication).toEqual({ kind: 'none' });
  });
});

describe('Server authorizations and routes', () => {
  const meshTLS = (name: string, ids: string) => `---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: ${name}, namespace: shop}
spec: ${ids}
`;
  const policy = (name: string, target: string, refs: string) => `---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: shop}
spec:
  targetRef: ${target}
  requiredAuthenticationRefs: ${refs}
`;
  const route = (name: string, matches: string, kind = 'HTTPRoute', group = 'policy.linkerd.io', version = 'v1beta3') => `---
apiVersion: ${group}/${version}
kind: ${kind}
metadata: {name: ${name}, namespace: shop}
spec:
  parentRefs: [{name: web-http, kind: Server, group: policy.linkerd.io}]
  rules: [{matches: ${matches}}]
`;

  it('admits what an AuthorizationPolicy on the Server admits, on every request', () => {
    const m = model(
      `${WEB}${server('web-http', 'http')}${meshTLS('front', '{identityRefs: [{kind: ServiceAccount, name: front}, {kind: Namespace, name: ops}]}')}${policy(
        'web',
        '{group: policy.linkerd.io, kind: Server, name: web-http}',
        '[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: front}]',
      )}`,
    );
    const p = port(m, 'web', 8080);
    const w = workload(m, 'web');
    expect(p.serverAuthorizations.map((a) => a.source.kind)).toEqual(['AuthorizationPolicy']);
    expect(decidePort(w, p, sa('shop', 'front'), {}).verdict).toBe('allowed');
    expect(decidePort(w, p, sa('ops', 'anyone'), {}).verdict).toBe('allowed');
    expect(decidePort(w, p, sa('shop', 'web'), {}).verdict).toBe('denied');
    // Probes still pass while no route attaches.
    expect(decidePort(w, p, sa('shop', 'web'), { path: '/live' }).verdict).toBe('allowed');
  });

  it('applies a Namespace-targeted policy to every Server, and an accessPolicy on top', () => {
    const m = model(
      `${WEB}${server('web-http', 'http')}${server('web-admin', 'admin', '').replace('port: admin', 'port: admin\n  accessPolicy: audit')}${policy('all', '{kind: Namespace, name: shop}', '[{kind: ServiceAccount, name: front}]')}`,
    );
    expect(port(m, 'web', 8080).serverAuthorizations.map((a) => a.source.kind)).toEqual(['AuthorizationPolicy']);
    const admin = port(m, 'web', 9090);
    expect(admin.serverAuthorizations.map((a) => [a.source.kind, a.audit])).toEqual([
      ['AuthorizationPolicy', false],
      ['accessPolicy', true],
    ]);
    expect(decidePort(workload(m, 'web'), admin, { identity: undefined, address: undefined }, {}).verdict).toBe('allowed');
  });

  it('ignores a policy whose MeshTLSAuthentication the input does not hold, and says why', () => {
    const m = model(`${WEB}${server('web-http', 'http')}${policy('web', '{group: policy.linkerd.io, kind: Server, name: web-http}', '[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: gone}]')}`);
    const p = port(m, 'web', 8080);
    expect(p.serverAuthorizations).toEqual([]);
    expect(p.ignored.map((i) => [i.resource.name, i.why])).toEqual([
      ['web', 'MeshTLSAuthentication gone is not in the input (Linkerd ignores the policy unless the cluster holds it)'],
    ]);
    expect(m.servers[0]!.admitsNobody).toBe(true);
  });

  it('matches a request to the best route and refuses one no route matches', () => {
    const m = model(
      `${WEB}${server('web-http', 'http')}${route('read', '[{path: {value: /books}, method: GET}]')}${route('books-one', '[{path: {type: Exact, value: /books/1}}]')}${policy(
        'read',
        '{group: policy.linkerd.io, kind: HTTPRoute, name: read}',
        '[{kind: ServiceAccount, name: front}]',
      )}`,
    );
    const p = port(m, 'web', 8080);
    const w = workload(m, 'web');
    expect(p.routes.map((r) => r.route?.name ?? r.builtin)).toEqual(['books-one', 'read']);
    const front = sa('shop', 'front');
    expect(decidePort(w, p, front, { path: '/books/2', method: 'GET' }).verdict).toBe('allowed');
    // The exact route is the longer match, and nothing authorizes it.
    expect(decidePort(w, p, front, { path: '/books/1', method: 'GET' }).verdict).toBe('denied');
    // A prefix matches whole path segments only.
    expect(decidePort(w, p, front, { path: '/booksellers', method: 'GET' })).toMatchObject({ verdict: 'denied', shortcut: 'noRoute' });
    // With routes, Linkerd no longer authorizes probes itself.
    expect(decidePort(w, p, front, { path: '/live', method: 'GET' })).toMatchObject({ verdict: 'denied', shortcut: 'noRoute' });
    expect(decidePort(w, p, front, {})).toMatchObject({ verdict: 'allowed', partial: true });
  });

  it('reads Gateway API HTTPRoutes from 2.14 and GRPCRoutes from 2.16, and a GRPCRoute displaces HTTPRoutes', () => {
    const text = `${WEB}${server('web-http', 'http', '', 'v1beta1')}${route('gw', '[{path: {value: /}}]', 'HTTPRoute', 'gateway.networking.k8s.io', 'v1beta1')}`;
    expect(port(model(text, '2.13'), 'web', 8080).routes.map((r) => r.route?.name ?? r.builtin)).toEqual(['default', 'probe']);
    expect(port(model(text, '2.14'), 'web', 8080).routes.map((r) => r.route?.name ?? r.builtin)).toEqual(['gw']);
    const both = `${text.replace('policy.linkerd.io/v1beta1', 'policy.linkerd.io/v1beta3').replace('\n  port: http\n', '\n  port: http\n  proxyProtocol: gRPC\n')}${route('rpc', '[{method: {service: shop.Web}}]', 'GRPCRoute', 'gateway.networking.k8s.io', 'v1')}`;
    const p = port(model(both), 'web', 8080);
    expect(p.protocol).toBe('gRPC');
    expect(p.routes.map((r) => r.route?.name)).toEqual(['rpc']);
    expect(p.ignored.map((i) => i.resource.name)).toEqual(['gw']);
  });

  it('orders routes by name before group, as the proxy breaks ties', () => {
    const m = model(`${WEB}${server('web-http', 'http')}${route('b', '[{path: {value: /}}]', 'HTTPRoute', 'gateway.networking.k8s.io', 'v1')}${route('a', '[{path: {value: /}}]')}`);
    const p = port(m, 'web', 8080);
    expect(p.routes.map((r) => `${r.route!.group}/${r.route!.name}`)).toEqual(['policy.linkerd.io/a', 'gateway.networking.k8s.io/b']);
    // Two routes matching a request equally well: the first in that order decides.
    expect(decidePort(workload(m, 'web'), p, sa('shop', 'x'), { path: '/x' }).routes[0]!.route!.route!.name).toBe('a');
  });

  it('applies a policy on a Gateway API HTTPRoute from 2.19, whose admission refused it before', () => {
    const text = `${WEB}${server('web-http', 'http')}${route('gw', '[{path: {value: /}}]', 'HTTPRoute', 'gateway.networking.k8s.io', 'v1')}${policy(
      'gw',
      '{group: gateway.networking.k8s.io, kind: HTTPRoute, name: gw}',
      '[{kind: ServiceAccount, name: front}]',
    )}`;
    const old = port(model(text, '2.18'), 'web', 8080).routes[0]!;
    expect(old.authorizations).toEqual([]);
    expect(old.ignored.map((i) => i.why)).toEqual([
      'admission refuses it: spec.targetRef refers to "HTTPRoute.gateway.networking.k8s.io", which Linkerd 2.18 does not accept as an authorization target; expected Server (policy.linkerd.io), HTTPRoute (policy.linkerd.io), Namespace (core), GRPCRoute (gateway.networking.k8s.io) (accepted from Linkerd 2.19) (Linkerd says: "invalid targetRef kind")',
    ]);
    expect(port(model(text, '2.19'), 'web', 8080).routes[0]!.authorizations.map((a) => a.source.kind)).toEqual(['AuthorizationPolicy']);
  });

  it('drops a route whose Server parentRef sets a port', () => {
    const m = model(`${WEB}${server('web-http', 'http')}${route('r', '[{path: {value: /}}]').replace('group: policy.linkerd.io}]', 'group: policy.linkerd.io, port: 8080}]')}`);
    const p = port(m, 'web', 8080);
    expect(p.routes.map((r) => r.builtin)).toEqual(['default', 'probe']);
    expect(p.ignored.map((i) => i.why)).toEqual(['Linkerd drops it: its parentRef to Server web-http sets port']);
  });

  it('has no routes on an opaque Server: only its authorizations decide', () => {
    const m = model(`${WEB}${server('web-http', 'http').replace('\n  port: http\n', '\n  port: http\n  proxyProtocol: opaque\n')}`);
    const p = port(m, 'web', 8080);
    expect([p.protocol, p.routes]).toEqual(['opaque', []]);
    expect(decidePort(workload(m, 'web'), p, sa('shop', 'x'), { path: '/live' }).verdict).toBe('denied');
  });
});

describe('resources that set no namespace', () => {
  it('take a service account named without a namespace from the namespace they are applied in', () => {
    const text = `${WEB}${server('web-http', 'http')}---
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: web}
spec:
  server: {name: web-http}
  client: {meshTLS: {serviceAccounts: [{name: front}]}}
`.replace(/, namespace: shop/g, '');
    const m = model(text);
    const p = port(m, 'web', 8080);
    expect(p.ignored).toEqual([]);
    expect(decidePort(workload(m, 'web'), p, sa('(unset)', 'front'), {}).verdict).toBe('allowed');
    expect(decidePort(workload(m, 'web'), p, sa('shop', 'front'), {}).verdict).toBe('denied');
  });
});

describe('copies of one object', () => {
  it('counts, for each Server, only the copy of a policy nearest it', () => {
    const policy = `---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
  requiredAuthenticationRefs: [{kind: ServiceAccount, name: front}]
`;
    const files = ['/t/one/a.yaml', '/t/two/a.yaml'].map((path) =>
      parseSource(new SourceFile(path, path.slice(3), `${WEB}${server('web-http', 'http')}${policy}`, 'yaml')),
    );
    const tree = new ManifestTree(files.flatMap((f) => f.resources));
    const m = buildAccessModel(tree, { target: parseLinkerdVersion('2.20') as LinkerdTarget, clusterDefault: { value: 'deny', from: 'install' }, domain: DOMAIN });
    const ports = m.workloads.map((w) => w.ports.find((p) => p.port === 8080)!);
    expect(ports.map((p) => [p.server!.resource.file.path, p.serverAuthorizations.map((a) => ('resource' in a.source ? a.source.resource.file.path : ''))])).toEqual([
      ['/t/one/a.yaml', ['/t/one/a.yaml']],
      ['/t/two/a.yaml', ['/t/two/a.yaml']],
    ]);
  });
});

describe('clients', () => {
  it('matches identities exactly, by suffix, and * as every identity', () => {
    expect(identityMatches(parseIdentityMatch('*'), 'a.b.serviceaccount.identity.linkerd.cluster.local')).toBe(true);
    expect(identityMatches(parseIdentityMatch('*.b.serviceaccount.identity.linkerd.cluster.local'), 'a.b.serviceaccount.identity.linkerd.cluster.local')).toBe(true);
    expect(identityMatches(parseIdentityMatch('*.b.serviceaccount.identity.linkerd.cluster.local'), 'a.bb.serviceaccount.identity.linkerd.cluster.local')).toBe(false);
    expect(identityMatches(parseIdentityMatch('a.b'), 'a.b')).toBe(true);
  });

  it('checks networks with their exceptions against a known address, and a pod address against the cluster networks', () => {
    const entries = [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], index: 0, block: parseBlock('10.0.0.0/8') }];
    const rule = { authentication: { kind: 'none' as const }, networks: { kind: 'listed' as const, entries } };
    const from = (ip: string | undefined): Caller => ({ identity: undefined, address: ip === undefined ? undefined : parseBlock(ip) });
    expect(ruleAdmits(rule, from('10.2.3.4')).admits).toBe('yes');
    expect(ruleAdmits(rule, from('10.1.3.4'))).toEqual({ admits: 'no', why: "the client's address is not in 10.0.0.0/8 except 10.1.0.0/16" });
    expect(ruleAdmits(rule, from(undefined))).toEqual({ admits: 'depends', on: "the client's address being in 10.0.0.0/8 except 10.1.0.0/16" });
    const everything = { ...rule, networks: { kind: 'listed' as const, entries: [{ cidr: '0.0.0.0/0', except: [], index: 0, block: parseBlock('0.0.0.0/0') }, { cidr: '::/0', except: [], index: 1, block: parseBlock('::/0') }] } };
    expect(ruleAdmits(everything, from(undefined)).admits).toBe('yes');
  });

  it('admits an unmeshed client only without authentication', () => {
    const none = { authentication: { kind: 'none' as const }, networks: { kind: 'all' as const } };
    const tls = { authentication: { kind: 'tls' as const }, networks: { kind: 'all' as const } };
    const unmeshed = { identity: undefined, address: undefined };
    expect(ruleAdmits(none, unmeshed).admits).toBe('yes');
    expect(ruleAdmits(tls, unmeshed)).toEqual({ admits: 'no', why: 'the client has no proxy, so it does not connect over mesh TLS' });
  });
});

describe('releases', () => {
  it('has no policy before 2.11 and no probe authorization before 2.12', () => {
    const old = port(model(WEB, '2.10'), 'web', 8080);
    expect(old.default).toMatchObject({ value: 'all-unauthenticated' });
    const m = model(WEB.replace('linkerd.io/inject: enabled}', 'linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: deny}'), '2.11');
    expect(port(m, 'web', 8080).routes.map((r) => r.builtin)).toEqual(['default']);
  });
});

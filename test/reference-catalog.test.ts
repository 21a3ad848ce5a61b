// The reference catalog: where references are, what the schema defaults make of them,
// what exists without a manifest, and the trees the closed world is judged in.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../src/load/parse.js';
import {
  type ImplicitFacts,
  REFERENCE_SITES,
  existsImplicitly,
  mirrorSuffixes,
  referencesIn,
  scopedTrees,
} from '../src/linkerd/reference-catalog.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree } from '../src/model/tree.js';
import { ROOT } from './helpers.js';

function resources(text: string, name = 'test.yaml'): Resource[] {
  return parseSource(new SourceFile(join(ROOT, name), name, text, 'yaml')).resources;
}

/** Each reference as `path kind.group ns/name`, for compact expectations. */
function refs(text: string): string[] {
  return resources(text).flatMap((r) =>
    referencesIn(r).map((f) => `${f.path.join('.')} ${f.target ? `${f.target.kind}.${f.target.group || 'core'}` : `(${f.kind ?? '?'}.${f.group || 'core'})`} ${f.namespace ?? '-'}/${f.name ?? JSON.stringify(f.selector)}`),
  );
}

describe('referencesIn', () => {
  it('applies the route parentRef defaults: the route group and kind Gateway', () => {
    const text = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: faces}
spec:
  parentRefs:
    - {name: smiley, kind: Service, group: core, port: 80}
    - {name: smiley, kind: Service}
    - {name: ingress, namespace: edge}
    - {name: smiley-http, kind: Server, group: policy.linkerd.io}
  rules:
    - backendRefs:
        - {name: smiley, port: 80}
        - {name: all-egress, kind: EgressNetwork, group: policy.linkerd.io}
`;
    expect(refs(text)).toEqual([
      'spec.parentRefs.0 Service.core faces/smiley',
      'spec.parentRefs.1 (Service.gateway.networking.k8s.io) faces/smiley',
      'spec.parentRefs.2 (Gateway.gateway.networking.k8s.io) edge/ingress',
      'spec.parentRefs.3 Server.policy.linkerd.io faces/smiley-http',
      'spec.rules.0.backendRefs.0 Service.core faces/smiley',
      'spec.rules.0.backendRefs.1 EgressNetwork.policy.linkerd.io faces/all-egress',
    ]);
  });

  it('defaults a policy.linkerd.io parentRef to its own group, and reduced backendRefs to namespace default', () => {
    const route = (version: string) => `
apiVersion: policy.linkerd.io/${version}
kind: HTTPRoute
metadata: {name: r, namespace: faces}
spec:
  parentRefs: [{name: smiley-http, kind: Server}]
  rules: [{backendRefs: [{name: smiley, port: 80}]}]
`;
    expect(refs(route('v1beta1'))).toEqual(['spec.parentRefs.0 Server.policy.linkerd.io faces/smiley-http', 'spec.rules.0.backendRefs.0 Service.core default/smiley']);
    expect(refs(route('v1beta3'))).toEqual(['spec.parentRefs.0 Server.policy.linkerd.io faces/smiley-http', 'spec.rules.0.backendRefs.0 Service.core faces/smiley']);
  });

  it('reads Server parents on TCPRoute as no target: Linkerd has no inbound TCP routes', () => {
    const text = `
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: r, namespace: db}
spec:
  parentRefs: [{name: mysql, kind: Server, group: policy.linkerd.io}]
`;
    expect(refs(text)).toEqual(['spec.parentRefs.0 (Server.policy.linkerd.io) db/mysql']);
  });

  it('matches groups and kinds case-insensitively and treats an omitted targetRef group as core', () => {
    const text = `
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: p, namespace: app}
spec:
  targetRef: {kind: server, name: web}
  requiredAuthenticationRefs:
    - {kind: meshtlsauthentication, group: policy.linkerd.io, name: m}
    - {kind: ServiceAccount, name: sa, namespace: other}
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: q, namespace: app}
spec:
  targetRef: {kind: Namespace, name: app}
  requiredAuthenticationRefs: []
`;
    expect(refs(text)).toEqual([
      'spec.targetRef (server.core) app/web',
      'spec.requiredAuthenticationRefs.0 MeshTLSAuthentication.policy.linkerd.io app/m',
      'spec.requiredAuthenticationRefs.1 ServiceAccount.core other/sa',
      'spec.targetRef Namespace.core -/app',
    ]);
  });

  it('reads ServerAuthorization servers by name or selector, and TrafficSplit Services by name', () => {
    const text = `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: a, namespace: app}
spec:
  server: {selector: {matchLabels: {tier: web}}}
  client: {meshTLS: {serviceAccounts: [{name: web}, {name: prom, namespace: linkerd-viz}]}}
---
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: s, namespace: app}
spec:
  service: web
  backends: [{service: web, weight: 1}, {service: web-v2, weight: 1}]
`;
    expect(refs(text)).toEqual([
      'spec.server Server.policy.linkerd.io app/{"matchLabels":{"tier":"web"}}',
      'spec.client.meshTLS.serviceAccounts.0 ServiceAccount.core app/web',
      'spec.client.meshTLS.serviceAccounts.1 ServiceAccount.core linkerd-viz/prom',
      'spec.service Service.core app/web',
      'spec.backends.0.service Service.core app/web',
      'spec.backends.1.service Service.core app/web-v2',
    ]);
  });

  it('skips entries too malformed to name anything', () => {
    const text = `
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: m, namespace: app}
spec:
  identityRefs: [web, {kind: ServiceAccount}, {kind: ServiceAccount, name: ""}, {kind: ServiceAccount, name: ok}]
`;
    expect(refs(text)).toEqual(['spec.identityRefs.3 ServiceAccount.core app/ok']);
  });

  it('lists each referring kind with at least one site', () => {
    expect([...new Set(REFERENCE_SITES.map((s) => `${s.kind}.${s.group}`))].sort()).toEqual([
      'AuthorizationPolicy.policy.linkerd.io',
      'GRPCRoute.gateway.networking.k8s.io',
      'HTTPLocalRateLimitPolicy.policy.linkerd.io',
      'HTTPRoute.gateway.networking.k8s.io',
      'HTTPRoute.policy.linkerd.io',
      'MeshTLSAuthentication.policy.linkerd.io',
      'ServerAuthorization.policy.linkerd.io',
      'TCPRoute.gateway.networking.k8s.io',
      'TLSRoute.gateway.networking.k8s.io',
      'TrafficSplit.split.smi-spec.io',
    ]);
  });
});

describe('existsImplicitly', () => {
  const facts = (over: Partial<ImplicitFacts> = {}): ImplicitFacts => ({
    serviceAccountsInUse: new Set(['app/runner']),
    namespacesInUse: new Set(['app']),
    mirrorSuffixes: undefined,
    services: new Set(['app/web', 'app/books', 'app/books-clone']),
    ...over,
  });
  const sa = { kind: 'ServiceAccount', group: '' };
  const ns = { kind: 'Namespace', group: '', clusterScoped: true };
  const svc = { kind: 'Service', group: '' };

  it('knows the default ServiceAccount and those pod templates run as', () => {
    expect(existsImplicitly(sa, 'anywhere', 'default', facts())).toBe(true);
    expect(existsImplicitly(sa, 'app', 'runner', facts())).toBe(true);
    expect(existsImplicitly(sa, 'other', 'runner', facts())).toBe(false);
  });

  it('knows the built-in namespaces, Linkerd\'s, and those resources live in', () => {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'linkerd', 'linkerd-viz', 'app']) {
      expect(existsImplicitly(ns, undefined, name, facts()), name).toBe(true);
    }
    expect(existsImplicitly(ns, undefined, 'monitoring', facts())).toBe(false);
    expect(existsImplicitly(ns, undefined, 'linkerdx', facts())).toBe(false);
  });

  it('takes <service>-<suffix> for a mirrored Service when the input holds no Link, unless the input uses the suffix itself', () => {
    expect(existsImplicitly(svc, 'app', 'web-west', facts())).toBe(true);
    expect(existsImplicitly(svc, 'app', 'web-federated', facts())).toBe(true);
    expect(existsImplicitly(svc, 'other', 'web-west', facts())).toBe(false);
    expect(existsImplicitly(svc, 'app', 'webapp-west', facts())).toBe(false);
    expect(existsImplicitly(svc, 'app', 'web-clone', facts())).toBe(false);
  });

  it('uses the Links\' cluster names when the input holds Links', () => {
    const withLinks = facts({ mirrorSuffixes: ['-federated', '-west'] });
    expect(existsImplicitly(svc, 'any', 'web-west', withLinks)).toBe(true);
    expect(existsImplicitly(svc, 'any', 'web-federated', withLinks)).toBe(true);
    expect(existsImplicitly(svc, 'app', 'web-east', withLinks)).toBe(false);
    expect(existsImplicitly(svc, 'app', '-west', withLinks)).toBe(false);
  });
});

describe('mirrorSuffixes', () => {
  it('is undefined without Links, and names each Link\'s target cluster (or the Link) otherwise', () => {
    expect(mirrorSuffixes(new ManifestTree([]))).toBeUndefined();
    const links = resources(`
apiVersion: multicluster.linkerd.io/v1alpha3
kind: Link
metadata: {name: link-a, namespace: linkerd-multicluster}
spec: {targetClusterName: east}
---
apiVersion: multicluster.linkerd.io/v1alpha3
kind: Link
metadata: {name: west, namespace: linkerd-multicluster}
spec: {}
`);
    expect(mirrorSuffixes(new ManifestTree(links))).toEqual(['-federated', '-east', '-west']);
  });
});

describe('scopedTrees', () => {
  const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: app}\n`;
  const a = resources(svc('a1') + '---\n' + svc('a2'), 'one/a.yaml');
  const b = resources(svc('b'), 'one/b.yaml');
  const c = resources(svc('c'), 'two/c.yaml');
  const ctxSvc = resources(svc('ctx'), 'cluster/ctx.yaml');
  const tree = new ManifestTree([...a, ...b, ...c], ctxSvc);
  const names = (t: ManifestTree) => t.ofKind('Service').map((r) => r.name);

  it('holds a file, a directory or the whole input, always with the context', () => {
    expect(names(scopedTrees(tree, 'file')(a[0]!))).toEqual(['a1', 'a2', 'ctx']);
    expect(names(scopedTrees(tree, 'directory')(a[0]!))).toEqual(['a1', 'a2', 'b', 'ctx']);
    expect(names(scopedTrees(tree, 'directory')(c[0]!))).toEqual(['c', 'ctx']);
    expect(names(scopedTrees(tree, 'tree')(c[0]!))).toEqual(['a1', 'a2', 'b', 'c', 'ctx']);
  });

  it('keeps context resources marked as context', () => {
    const local = scopedTrees(tree, 'directory')(a[0]!);
    expect(local.resources.filter((r) => local.isContext(r)).map((r) => r.name)).toEqual(['ctx']);
  });
});

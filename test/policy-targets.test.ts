// What an authorization attaches to and whom it admits, and which routes serve kubelet probes.
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../src/linkerd/admission/networks.js';
import {
  policiesRequiring,
  policyAccess,
  policyAttachment,
  resolveNearest,
  serverAuthorizationAccess,
  serverAuthorizationServers,
  wholeFamily,
} from '../src/linkerd/policy-targets.js';
import { probeOnlyPaths, probePathsOf, probeRoutePaths } from '../src/linkerd/probes.js';
import { workloadModel } from '../src/linkerd/workloads.js';
import { parseSource } from '../src/load/parse.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree } from '../src/model/tree.js';
import { NETAUTHN, POLICY } from './policy-manifests.js';

function parsed(path: string, text: string) {
  return parseSource(new SourceFile(path, path.slice(1), text, 'yaml'));
}

function treeOf(files: Record<string, string>): ManifestTree {
  return new ManifestTree(Object.entries(files).flatMap(([path, text]) => parsed(path, text).resources));
}

function named(tree: ManifestTree, kind: string, name: string, path?: string): Resource {
  const r = tree.ofKind(kind).find((x) => x.name === name && (path === undefined || x.file.path === path));
  if (!r) throw new Error(`no ${kind} ${name}`);
  return r;
}


describe('wholeFamily', () => {
  it('is the family only for a block that covers all of it', () => {
    expect(wholeFamily(parseBlock('0.0.0.0/0'))).toBe(4);
    expect(wholeFamily(parseBlock('10.1.2.3/0'))).toBe(4);
    expect(wholeFamily(parseBlock('::/0'))).toBe(6);
    expect(wholeFamily(parseBlock('0:0:0:0:0:0:0:0/0'))).toBe(6);
    expect(wholeFamily(parseBlock('0.0.0.0/1'))).toBeUndefined();
    expect(wholeFamily(parseBlock('0.0.0.0'))).toBeUndefined();
    expect(wholeFamily(parseBlock('::'))).toBeUndefined();
    expect(wholeFamily(parseBlock('::ffff:0.0.0.0/96'))).toBeUndefined();
    expect(wholeFamily(parseBlock('0.0.0.0/33'))).toBeUndefined();
  });
});

describe('resolveNearest', () => {
  it('prefers the copy in the same file, then the nearest directory, then the first', () => {
    const tree = treeOf({
      '/a/x/policy.yaml': POLICY('p', '[{group: policy.linkerd.io, kind: NetworkAuthentication, name: net}]'),
      '/b/net.yaml': NETAUTHN('net', '10.0.0.0/8'),
      '/a/y/net.yaml': NETAUTHN('net', '10.1.0.0/16'),
      '/a/x/sub/net.yaml': NETAUTHN('net', '10.2.0.0/16'),
    });
    const policy = named(tree, 'AuthorizationPolicy', 'p');
    expect(resolveNearest(tree, policy, 'NetworkAuthentication', 'policy.linkerd.io', 'shop', 'net')?.file.path).toBe('/a/x/sub/net.yaml');
    const same = treeOf({
      '/a/net.yaml': NETAUTHN('net', '10.0.0.0/8'),
      '/a/p.yaml': `${POLICY('p', '[]')}---\n${NETAUTHN('net', '10.3.0.0/16')}`,
    });
    expect(resolveNearest(same, named(same, 'AuthorizationPolicy', 'p'), 'NetworkAuthentication', 'policy.linkerd.io', 'shop', 'net')?.file.path).toBe('/a/p.yaml');
    expect(resolveNearest(same, named(same, 'AuthorizationPolicy', 'p'), 'NetworkAuthentication', 'policy.linkerd.io', 'other', 'net')).toBeUndefined();
  });

  it('decides which policies use a NetworkAuthentication when copies of it exist', () => {
    const tree = treeOf({
      '/one/all.yaml': `${NETAUTHN('net', '0.0.0.0/0')}---\n${POLICY('p1', '[{group: policy.linkerd.io, kind: NetworkAuthentication, name: net}]')}`,
      '/two/all.yaml': `${NETAUTHN('net', '0.0.0.0/0')}---\n${POLICY('p2', '[{group: policy.linkerd.io, kind: NetworkAuthentication, name: net}]')}`,
    });
    expect(policiesRequiring(tree, named(tree, 'NetworkAuthentication', 'net', '/one/all.yaml')).map((a) => a.policy.name)).toEqual(['p1']);
    expect(policiesRequiring(tree, named(tree, 'NetworkAuthentication', 'net', '/two/all.yaml')).map((a) => a.policy.name)).toEqual(['p2']);
  });
});

describe('policyAccess', () => {
  const access = (refs: string, extra = '') => {
    const tree = treeOf({ '/p.yaml': `${POLICY('p', refs)}${extra}` });
    return policyAccess(policyAttachment(tree, named(tree, 'AuthorizationPolicy', 'p')));
  };

  it('reads empty refs as every client from every network (policy_client_authz)', () => {
    expect(access('[]')).toEqual({ authentication: 'none', networks: { kind: 'all' } });
  });

  it('lists the networks of a NetworkAuthentication it finds, and names one it does not', () => {
    const found = access('[{group: policy.linkerd.io, kind: NetworkAuthentication, name: net}]', `---\n${NETAUTHN('net', '10.0.0.0/8')}`);
    expect(found?.authentication).toBe('none');
    expect(found?.networks.kind === 'listed' && found.networks.entries.map((e) => e.cidr)).toEqual(['10.0.0.0/8']);
    const missing = access('[{group: policy.linkerd.io, kind: NetworkAuthentication, name: net, namespace: infra}]');
    expect(missing?.networks.kind === 'unresolved' && missing.networks.authentication).toMatchObject({ name: 'net', namespace: 'infra' });
  });

  it('counts a ServiceAccount or a MeshTLSAuthentication as an identity', () => {
    expect(access('[{kind: ServiceAccount, name: web}]')?.authentication).toBe('identity');
    expect(access('[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: m}]')?.authentication).toBe('identity');
  });

  it('gives nothing for what Linkerd refuses', () => {
    expect(access('[{kind: Secret, name: s}]')).toBeUndefined();
    expect(access('[{group: policy.linkerd.io, kind: NetworkAuthentication, name: a}, {group: policy.linkerd.io, kind: NetworkAuthentication, name: b}]')).toBeUndefined();
    // An ungrouped NetworkAuthentication is the core group: not one Linkerd accepts.
    expect(access('[{kind: NetworkAuthentication, name: a}]')).toBeUndefined();
  });
});

describe('ServerAuthorization', () => {
  const SAZ = (client: string, server = '{name: web}') => `apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: s, namespace: shop}
spec:
  server: ${server}
  client: ${client}
`;
  const of = (text: string) => {
    const tree = treeOf({ '/s.yaml': text });
    return serverAuthorizationAccess(named(tree, 'ServerAuthorization', 's'));
  };

  it('reads no networks as the cluster networks, and tells the kinds of authentication apart', () => {
    expect(of(SAZ('{unauthenticated: true}'))).toEqual({ authentication: 'none', networks: { kind: 'cluster' } });
    expect(of(SAZ('{meshTLS: {unauthenticatedTLS: true}, networks: [{cidr: "::/0"}]}'))?.authentication).toBe('tlsWithoutIdentity');
    expect(of(SAZ('{meshTLS: {identities: ["*"]}}'))?.authentication).toBe('identity');
    expect(of(SAZ('{unauthenticated: true, meshTLS: {identities: ["*"]}}'))).toBeUndefined();
    expect(of(SAZ('{networks: [{cidr: 10.0.0.0/8}]}'))).toBeUndefined();
  });

  it('finds its Servers by name or by label selector', () => {
    const tree = treeOf({
      '/s.yaml': `${SAZ('{unauthenticated: true}', '{selector: {matchLabels: {tier: edge}}}')}---
apiVersion: policy.linkerd.io/v1beta1
kind: Server
metadata: {name: edge, namespace: shop, labels: {tier: edge}}
spec: {podSelector: {}, port: 80}
---
apiVersion: policy.linkerd.io/v1beta1
kind: Server
metadata: {name: inner, namespace: shop, labels: {tier: inner}}
spec: {podSelector: {}, port: 81}
`,
    });
    const found = serverAuthorizationServers(tree, named(tree, 'ServerAuthorization', 's'));
    expect(found.bySelector).toBe(true);
    expect(found.servers.map((s) => s.name)).toEqual(['edge']);
  });
});

describe('probe routes', () => {
  const ROUTE = (matches: string, group = 'gateway.networking.k8s.io/v1') => `apiVersion: ${group}
kind: HTTPRoute
metadata: {name: r, namespace: shop}
spec:
  parentRefs: [{name: web, kind: Server, group: policy.linkerd.io}]
  rules: [{matches: ${matches}}]
`;
  const paths = new Set(['/healthz', '/ready']);
  const only = (text: string) => probeOnlyPaths(named(treeOf({ '/r.yaml': text }), 'HTTPRoute', 'r'), paths);

  it('accepts only Exact and PathPrefix matches on probe paths', () => {
    expect(only(ROUTE('[{path: {type: Exact, value: /healthz}}, {path: {value: /ready/}}]'))).toEqual(['/healthz', '/ready']);
    expect(only(ROUTE('[{path: {type: Exact, value: /healthz}}, {path: {value: /api}}]'))).toBeUndefined();
    expect(only(ROUTE('[{path: {type: RegularExpression, value: /healthz}}]'))).toBeUndefined();
    expect(only(ROUTE('[{method: GET}]'))).toBeUndefined();
    expect(only(ROUTE('[]'))).toBeUndefined();
  });

  it('never takes / for a probe path, whatever the list says', () => {
    const route = named(treeOf({ '/r.yaml': ROUTE('[{path: {value: /}}]') }), 'HTTPRoute', 'r');
    expect(probeOnlyPaths(route, new Set(['/']))).toBeUndefined();
  });

  const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9990}]
          livenessProbe: {httpGet: {path: /alive, port: http}}
          readinessProbe: {httpGet: {path: "/ready-now?deep=1", port: 9990}}
          startupProbe: {httpGet: {path: /, port: 8080}}
`;

  it('reads the probe paths the kubelet requests on a Server port', () => {
    const w = workloadModel(treeOf({ '/d.yaml': DEPLOYMENT })).workloads[0]!;
    expect(probePathsOf(w, 'http')).toEqual(['/alive']);
    expect(probePathsOf(w, 8080)).toEqual(['/alive']);
    expect(probePathsOf(w, 'admin')).toEqual(['/ready-now']);
    // A port the template does not name (the proxy's): every probe counts.
    expect(probePathsOf(w, 'linkerd-admin')).toEqual(['/alive', '/ready-now']);
  });

  it('finds the probe pattern through the policy, its route, the Server and its pods', () => {
    const tree = treeOf({
      '/d.yaml': `${DEPLOYMENT}---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, port: http}
---
${ROUTE('[{path: {value: /alive}}]')}---
${POLICY('p', '[]', '{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}')}`,
    });
    const attachment = policyAttachment(tree, named(tree, 'AuthorizationPolicy', 'p'));
    expect(probeRoutePaths(tree, attachment, [])).toEqual(['/alive']);
  });
});

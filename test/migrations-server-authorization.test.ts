// ServerAuthorization → AuthorizationPolicy with MeshTLSAuthentication and NetworkAuthentication.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { builtinRules } from '../rules/index.js';
import { lintParsed } from '../src/engine/lint.js';
import { type LinkerdTarget, defaultTarget, parseLinkerdVersion } from '../src/linkerd/releases.js';
import {
  type ServerAuthorizationMigration,
  defaultClusterNetworks,
  migrateServerAuthorization,
} from '../src/linkerd/migrations/server-authorization.js';
import { policyAccess, policyAttachment, serverAuthorizationAccess } from '../src/linkerd/policy-targets.js';
import { parseSource } from '../src/load/parse.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree } from '../src/model/tree.js';
import { FIXTURES, caseConfig, fixtureConfig } from './helpers.js';

function target(version: string): LinkerdTarget {
  const t = parseLinkerdVersion(version);
  if ('error' in t) throw new Error(t.error);
  return t;
}

function resourcesOf(text: string, path = '/t/test.yaml'): Resource[] {
  return parseSource(new SourceFile(path, path.slice(1), text, 'yaml')).resources;
}

/** Migrates the (first) ServerAuthorization of `text`, with the rest of `text` as the tree. */
function migrate(text: string, options = {}, t: LinkerdTarget = defaultTarget()): ServerAuthorizationMigration {
  const resources = resourcesOf(text);
  const saz = resources.find((r) => r.kind === 'ServerAuthorization');
  if (!saz) throw new Error('no ServerAuthorization');
  return migrateServerAuthorization(saz, new ManifestTree(resources), t, options);
}

function ok(m: ServerAuthorizationMigration) {
  if (!m.ok) throw new Error(`no migration: ${m.reason}`);
  return m;
}

const SAZ = (client: string, server = 'name: web-http', meta = '') => `
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata:
  name: web
  namespace: emojivoto
${meta}spec:
  server:
    ${server}
  client:
${client}
`;

describe('defaultClusterNetworks', () => {
  it('adds fd00::/8 from 2.16 (linkerd2 #12291, edge-24.3.4)', () => {
    const v4 = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'];
    expect(defaultClusterNetworks(target('2.12'))).toEqual(v4);
    expect(defaultClusterNetworks(target('2.15'))).toEqual(v4);
    expect(defaultClusterNetworks(target('2.16'))).toEqual([...v4, 'fd00::/8']);
    expect(defaultClusterNetworks(target('2.20'))).toEqual([...v4, 'fd00::/8']);
  });
});

describe('migrateServerAuthorization', () => {
  it('has nothing to write before 2.12', () => {
    const m = migrate(SAZ('    unauthenticated: true'), {}, target('2.11'));
    expect(m).toEqual({ ok: false, reason: 'Linkerd 2.11 has no AuthorizationPolicy; it arrives with 2.12', path: ['kind'] });
  });

  it('writes the cluster networks it is given, and is then safe', () => {
    const m = ok(migrate(SAZ('    meshTLS:\n      serviceAccounts: [{name: vote-bot}]'), { clusterNetworks: ['10.0.0.0/8'] }));
    expect(m.safe).toBe(true);
    expect(m.notes).toEqual([]);
    expect(m.clusterNetworksAssumed).toBe(false);
    expect(m.manifests).toEqual([
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'MeshTLSAuthentication',
        metadata: { name: 'web', namespace: 'emojivoto' },
        spec: { identityRefs: [{ kind: 'ServiceAccount', name: 'vote-bot' }] },
      },
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'NetworkAuthentication',
        metadata: { name: 'web', namespace: 'emojivoto' },
        spec: { networks: [{ cidr: '10.0.0.0/8' }] },
      },
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'web', namespace: 'emojivoto' },
        spec: {
          targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'web-http' },
          requiredAuthenticationRefs: [
            { name: 'web', kind: 'MeshTLSAuthentication', group: 'policy.linkerd.io' },
            { name: 'web', kind: 'NetworkAuthentication', group: 'policy.linkerd.io' },
          ],
        },
      },
    ]);
  });

  it('writes the release default for missing networks (an empty list too), as an unsafe migration', () => {
    for (const networks of ['', '    networks: []\n']) {
      const m = ok(migrate(SAZ(`${networks}    unauthenticated: true`), {}, target('2.14')));
      expect(m.safe).toBe(false);
      expect(m.clusterNetworksAssumed).toBe(true);
      expect(m.notes).toEqual([
        "client.networks is not set, so the ServerAuthorization admits the install's clusterNetworks, written as the default " +
          'of Linkerd 2.14 (10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16)',
      ]);
      expect(m.manifests.map((x) => x.kind)).toEqual(['NetworkAuthentication', 'AuthorizationPolicy']);
    }
  });

  it('refuses a clusterNetworks option entry that is not a network', () => {
    const m = migrate(SAZ('    unauthenticated: true'), { clusterNetworks: ['10.0.0.0/8', '10.0.0.0/99'] });
    expect(m).toEqual({ ok: false, reason: 'the clusterNetworks option lists "10.0.0.0/99", which is not a network', path: ['spec', 'client'] });
  });

  it('splits identities and serviceAccounts into two policies with the same networks', () => {
    const m = ok(
      migrate(SAZ('    networks: [{cidr: 10.0.0.0/8}]\n    meshTLS:\n      identities: [a.b]\n      serviceAccounts: [{name: c, namespace: d}]')),
    );
    expect(m.safe).toBe(true);
    expect(m.manifests.map((x) => `${x.kind} ${(x.metadata as { name: string }).name}`)).toEqual([
      'MeshTLSAuthentication web',
      'MeshTLSAuthentication web-service-accounts',
      'NetworkAuthentication web',
      'AuthorizationPolicy web',
      'AuthorizationPolicy web-service-accounts',
    ]);
    expect(m.manifests[1]!.spec).toEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'c', namespace: 'd' }] });
    expect((m.manifests[4]!.spec as { requiredAuthenticationRefs: unknown }).requiredAuthenticationRefs).toEqual([
      { name: 'web-service-accounts', kind: 'MeshTLSAuthentication', group: 'policy.linkerd.io' },
      { name: 'web', kind: 'NetworkAuthentication', group: 'policy.linkerd.io' },
    ]);
  });

  it('keeps labels and annotations but not last-applied-configuration or server-written metadata', () => {
    const meta =
      '  labels: {app: web}\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: "{}"\n    note: kept\n' +
      '  uid: x\n  resourceVersion: "1"\n';
    const m = ok(migrate(SAZ('    networks: [{cidr: 10.0.0.0/8}]\n    unauthenticated: true', 'name: web-http', meta)));
    expect(m.safe).toBe(true);
    expect(m.manifests[0]!.metadata).toEqual({ name: 'web', namespace: 'emojivoto', labels: { app: 'web' }, annotations: { note: 'kept' } });
  });

  it('says which metadata it does not carry over', () => {
    const meta = '  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: u}]\n';
    const m = ok(migrate(SAZ('    networks: [{cidr: 10.0.0.0/8}]\n    unauthenticated: true', 'name: web-http', meta)));
    expect(m.safe).toBe(false);
    expect(m.notes).toEqual(['metadata.ownerReferences is not carried over']);
  });

  it('targets the Namespace for an empty selector, which needs the namespace written', () => {
    for (const selector of ['selector: {}', 'selector: {matchLabels: {}, matchExpressions: []}']) {
      const m = ok(migrate(SAZ('    networks: [{cidr: 10.0.0.0/8}]\n    unauthenticated: true', selector)));
      expect(m.safe).toBe(true);
      expect((m.manifests[1]!.spec as { targetRef: unknown }).targetRef).toEqual({ kind: 'Namespace', name: 'emojivoto' });
    }
    const text = SAZ('    unauthenticated: true', 'selector: {}').replace('  namespace: emojivoto\n', '');
    expect(migrate(text)).toEqual({
      ok: false,
      reason: 'the empty server.selector selects every Server of the namespace, and metadata.namespace is not set to name it',
      path: ['spec', 'server', 'selector'],
    });
  });

  it('expands a selector to the Servers of the input it matches, as an unsafe migration', () => {
    const servers = ['a', 'b', 'c']
      .map((n) => `---\napiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: ${n}, namespace: ${n === 'c' ? 'other' : 'emojivoto'}, labels: {api: grpc}}\nspec: {podSelector: {}, port: 80}\n`)
      .join('');
    const m = ok(migrate(SAZ('    networks: [{cidr: 10.0.0.0/8}]\n    unauthenticated: true', 'selector: {matchLabels: {api: grpc}}') + servers));
    expect(m.safe).toBe(false);
    expect(m.notes).toEqual([
      'server.selector becomes a policy for each Server it matches in the input (a, b): a Server outside the input, or labelled to match later, is no longer authorized',
    ]);
    expect(m.manifests.filter((x) => x.kind === 'AuthorizationPolicy').map((x) => (x.metadata as { name: string }).name)).toEqual(['web-a', 'web-b']);
  });

  it('gives the blocking field when Linkerd could not read the ServerAuthorization the same way', () => {
    const fails: [string, string, string, (string | number)[]][] = [
      ['    meshTLS:\n      unauthenticatedTLS: true', 'name: s', 'client.meshTLS.unauthenticatedTLS admits TLS clients without an identity, which no AuthorizationPolicy can express', ['spec', 'client', 'meshTLS', 'unauthenticatedTLS']],
      ['    networks: [{except: [10.0.0.1]}]\n    unauthenticated: true', 'name: s', 'client.networks[0] is not a network with a cidr', ['spec', 'client', 'networks', 0]],
      ['    meshTLS:\n      serviceAccounts: [{namespace: x}]', 'name: s', 'client.meshTLS.serviceAccounts[0] does not name a ServiceAccount', ['spec', 'client', 'meshTLS', 'serviceAccounts', 0]],
      ['    meshTLS: {}', 'name: s', 'client.meshTLS lists no identities or serviceAccounts, so Linkerd ignores it', ['spec', 'client', 'meshTLS']],
      ['    unauthenticated: false', 'name: s', 'client sets neither meshTLS nor unauthenticated: true, so Linkerd ignores it', ['spec', 'client']],
      ['    unauthenticated: true', 'name: s\n    selector: {}', 'spec.server sets both name and selector, which Linkerd refuses', ['spec', 'server', 'selector']],
      ['    unauthenticated: true', 'selector: {matchLabels: {a: b}}', 'server.selector matches no Server in the input, and an AuthorizationPolicy must name its Server', ['spec', 'server', 'selector']],
    ];
    for (const [client, server, reason, path] of fails) expect(migrate(SAZ(client, server))).toEqual({ ok: false, reason, path });
  });

  it('does not take a name the namespace already uses for that kind, or another ServerAuthorization\'s', () => {
    const client = '    networks: [{cidr: 10.0.0.0/8}]\n    meshTLS:\n      identities: [a.b]\n      serviceAccounts: [{name: c}]';
    const other = (kind: string, name: string, namespace = 'emojivoto') =>
      `---\napiVersion: policy.linkerd.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: {}\n`;
    expect(migrate(SAZ(client) + other('NetworkAuthentication', 'web'))).toEqual({
      ok: false,
      reason: 'NetworkAuthentication web already exists in namespace emojivoto',
      path: ['metadata', 'name'],
    });
    expect(migrate(SAZ(client) + other('ServerAuthorization', 'web-service-accounts'))).toEqual({
      ok: false,
      reason: 'the name web-service-accounts for the AuthorizationPolicy is the name of another ServerAuthorization in namespace emojivoto',
      path: ['metadata', 'name'],
    });
    expect(ok(migrate(SAZ(client) + other('NetworkAuthentication', 'web', 'elsewhere'))).safe).toBe(true);
  });

  it('refuses names longer than Kubernetes allows', () => {
    const long = 'a'.repeat(250);
    const text = SAZ('    networks: [{cidr: 10.0.0.0/8}]\n    meshTLS:\n      identities: [a.b]\n      serviceAccounts: [{name: c}]').replace('name: web\n', `name: ${long}\n`);
    expect(migrate(text)).toEqual({
      ok: false,
      reason: `the name ${long}-service-accounts for the AuthorizationPolicy is longer than 253 characters`,
      path: ['metadata', 'name'],
    });
  });

  it('admits exactly the clients the ServerAuthorization admits, by the policy model', () => {
    const cases = [
      '    networks: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}, {cidr: "::/0"}]\n    unauthenticated: true',
      '    networks: [{cidr: 192.168.0.0/16}]\n    meshTLS:\n      identities: ["*"]',
      '    networks: [{cidr: 192.168.0.0/16}]\n    meshTLS:\n      identities: [a.b]\n      serviceAccounts: [{name: c}]',
    ];
    for (const client of cases) {
      const text = SAZ(client);
      const saz = resourcesOf(text)[0]!;
      const before = serverAuthorizationAccess(saz)!;
      const m = ok(migrate(text));
      const migrated = resourcesOf(m.manifests.map((x) => stringify(x)).join('---\n'), '/t/out.yaml');
      const tree = new ManifestTree(migrated);
      for (const policy of tree.ofKind('AuthorizationPolicy')) {
        const after = policyAccess(policyAttachment(tree, policy))!;
        expect(after.authentication).toBe(before.authentication);
        const entries = (a: typeof after) => (a.networks.kind === 'listed' ? a.networks.entries.map((e) => [e.cidr, e.except]) : a.networks.kind);
        expect(entries(after)).toEqual(entries(before));
      }
    }
  });
});

/** Findings per rule id and severity, of the security rules or of the others at error, as the recommended rules lint `text`. */
function verdicts(path: string, text: string, config: ReturnType<typeof fixtureConfig>): { security: Record<string, number>; errors: Record<string, number> } {
  const parsed = parseSource(new SourceFile(path, path, text, 'yaml'));
  const out = { security: {} as Record<string, number>, errors: {} as Record<string, number> };
  for (const f of lintParsed([parsed], { config, rules: builtinRules }).results.flatMap((r) => r.findings)) {
    const security = builtinRules[f.ruleId]?.meta.category === 'security';
    if (!security && f.severity !== 'error') continue;
    const bucket = security ? out.security : out.errors;
    const key = `${f.ruleId} ${f.severity}`;
    bucket[key] = (bucket[key] ?? 0) + 1;
  }
  return out;
}

describe('no-server-authorization fixed fixtures', () => {
  const dir = join(FIXTURES, 'no-server-authorization');
  for (const name of readdirSync(join(dir, 'fixed'))) {
    it(`${name} keeps the security findings and adds no error`, () => {
      const file = join(dir, 'invalid', name);
      const config = fixtureConfig('no-server-authorization', caseConfig(file));
      const before = verdicts(file, readFileSync(file, 'utf8'), config);
      const after = verdicts(file, readFileSync(join(dir, 'fixed', name), 'utf8'), config);
      expect(after).toEqual(before);
    });
  }
});

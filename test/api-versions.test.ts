// The version table, release by release, as the CRDs at each linkerd2 release tag and each gateway-api release serve it.
import { describe, expect, it } from 'vitest';
import { definitions, resourceSchemas } from '../scripts/resource-schemas.js';
import { apiVersionStatus, crdAt, servingSource } from '../src/linkerd/api-versions.js';
import { gatewayApiNotice, gatewayLimitIsStable, stableGatewayLimits } from '../src/linkerd/gateway-api.js';
import type { GatewayApiSetting } from '../src/linkerd/releases.js';
import { type LinkerdTarget, parseLinkerdVersion } from '../src/linkerd/releases.js';
import { cli, tree } from './cli-helpers.js';

function target(version: string, gatewayApi?: GatewayApiSetting): LinkerdTarget {
  const t = parseLinkerdVersion(version);
  if ('error' in t) throw new Error(t.error);
  return gatewayApi ? { ...t, gatewayApi } : t;
}

function verdict(apiVersion: string, kind: string, version: string, gatewayApi?: GatewayApiSetting): string {
  const slash = apiVersion.lastIndexOf('/');
  const status = apiVersionStatus(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind, target(version, gatewayApi));
  if (status.state === 'served') return status.replacedBy ? `${status.replacedBy.why} → ${status.replacedBy.version}` : 'served';
  return status.state;
}

describe('version table', () => {
  it.each([
    ['policy.linkerd.io/v1beta1', 'Server', '2.10', 'kind-absent'],
    ['policy.linkerd.io/v1beta1', 'Server', '2.11', 'served'],
    ['policy.linkerd.io/v1alpha1', 'Server', '2.11', 'served'],
    ['policy.linkerd.io/v1alpha1', 'Server', '2.12', 'deprecated → v1beta1'],
    ['policy.linkerd.io/v1beta1', 'Server', '2.15', 'deprecated → v1beta2'],
    ['policy.linkerd.io/v1beta3', 'Server', '2.15', 'unserved'],
    ['policy.linkerd.io/v1beta3', 'Server', '2.16', 'served'],
    ['policy.linkerd.io/v1beta2', 'Server', '2.20', 'served'],
    ['policy.linkerd.io/v1alpha1', 'ServerAuthorization', '2.11', 'served'],
    ['policy.linkerd.io/v1alpha1', 'ServerAuthorization', '2.12', 'deprecated → v1beta1'],
    ['policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', '2.11', 'kind-absent'],
    ['policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', '2.12', 'served'],
    ['policy.linkerd.io/v1alpha1', 'HTTPRoute', '2.12', 'served'],
    ['policy.linkerd.io/v1alpha1', 'HTTPRoute', '2.13', 'superseded → v1beta2'],
    ['policy.linkerd.io/v1beta3', 'HTTPRoute', '2.13', 'unserved'],
    ['policy.linkerd.io/v1beta2', 'HTTPRoute', '2.14', 'superseded → v1beta3'],
    ['policy.linkerd.io/v1alpha1', 'HTTPLocalRateLimitPolicy', '2.16', 'kind-absent'],
    ['policy.linkerd.io/v1alpha1', 'EgressNetwork', '2.17', 'served'],
    ['workload.linkerd.io/v1beta1', 'ExternalWorkload', '2.14', 'kind-absent'],
    ['workload.linkerd.io/v1alpha1', 'ExternalWorkload', '2.15', 'superseded → v1beta1'],
    ['multicluster.linkerd.io/v1alpha2', 'Link', '2.16', 'unserved'],
    ['multicluster.linkerd.io/v1alpha1', 'Link', '2.17', 'superseded → v1alpha2'],
    ['multicluster.linkerd.io/v1alpha2', 'Link', '2.18', 'superseded → v1alpha3'],
    ['linkerd.io/v1alpha1', 'ServiceProfile', '2.10', 'superseded → v1alpha2'],
    ['split.smi-spec.io/v1alpha2', 'TrafficSplit', '2.10', 'served'],
    ['split.smi-spec.io/v1alpha1', 'TrafficSplit', '2.20', 'served'],
    ['split.smi-spec.io/v1', 'TrafficSplit', '2.20', 'unserved'],
    ['policy.linkerd.io/v1alpha1', 'ServiceProfile', '2.20', 'unknown-kind'],
    ['apps/v1', 'Deployment', '2.20', 'not-linkerd'],
  ])('%s %s on %s: %s', (apiVersion, kind, version, expected) => {
    expect(verdict(apiVersion, kind, version)).toBe(expected);
  });

  it('maps edge releases to the release they belong to', () => {
    expect(verdict('policy.linkerd.io/v1beta3', 'Server', 'edge-24.8.2')).toBe('served');
    expect(verdict('policy.linkerd.io/v1beta3', 'Server', 'edge-24.2.4')).toBe('unserved');
    expect(verdict('multicluster.linkerd.io/v1alpha3', 'Link', 'edge-26.8.3')).toBe('served');
  });
});

describe('Gateway API routes', () => {
  it.each<[string, string, string, GatewayApiSetting | undefined, string]>([
    // Linkerd's bundle, release by release.
    ['gateway.networking.k8s.io/v1beta1', 'HTTPRoute', '2.14', 'linkerd', 'served'],
    ['gateway.networking.k8s.io/v1alpha2', 'HTTPRoute', '2.15', 'linkerd', 'unserved'],
    ['gateway.networking.k8s.io/v1alpha2', 'HTTPRoute', '2.16', 'linkerd', 'deprecated → v1beta1'],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', '2.17', 'linkerd', 'unserved'],
    ['gateway.networking.k8s.io/v1beta1', 'HTTPRoute', '2.18', 'linkerd', 'superseded → v1'],
    ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', '2.15', 'linkerd', 'kind-absent'],
    ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', '2.16', 'linkerd', 'served'],
    ['gateway.networking.k8s.io/v1', 'GRPCRoute', '2.17', 'linkerd', 'unserved'],
    ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', '2.18', 'linkerd', 'deprecated → v1'],
    ['gateway.networking.k8s.io/v1alpha2', 'TCPRoute', '2.16', 'linkerd', 'kind-absent'],
    ['gateway.networking.k8s.io/v1alpha2', 'TLSRoute', '2.17', 'linkerd', 'served'],
    // An upstream install.
    ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', '2.19', { version: 'v1.1.1', channel: 'experimental' }, 'deprecated → v1'],
    ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', '2.19', { version: 'v1.2.1', channel: 'experimental' }, 'unserved'],
    ['gateway.networking.k8s.io/v1alpha2', 'TCPRoute', '2.20', { version: 'v1.5.1', channel: 'standard' }, 'kind-absent'],
    ['gateway.networking.k8s.io/v1alpha2', 'TLSRoute', '2.20', { version: 'v1.5.1', channel: 'standard' }, 'unserved'],
    ['gateway.networking.k8s.io/v1alpha2', 'TLSRoute', '2.20', { version: 'v1.5.1', channel: 'experimental' }, 'deprecated → v1'],
    // auto: whatever some supported install serves.
    ['gateway.networking.k8s.io/v1', 'GRPCRoute', '2.16', undefined, 'served'],
    ['gateway.networking.k8s.io/v1alpha2', 'GRPCRoute', '2.20', undefined, 'deprecated → v1'],
    ['gateway.networking.k8s.io/v1alpha2', 'HTTPRoute', '2.20', undefined, 'unserved'],
    ['gateway.networking.k8s.io/v1', 'TLSRoute', '2.18', undefined, 'unserved'],
    ['gateway.networking.k8s.io/v1', 'TLSRoute', '2.20', undefined, 'served'],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', '2.13', undefined, 'not-linkerd'],
    ['gateway.networking.k8s.io/v1', 'Gateway', '2.20', undefined, 'not-linkerd'],
  ])('%s %s on %s with %j: %s', (apiVersion, kind, version, gatewayApi, expected) => {
    expect(verdict(apiVersion, kind, version, gatewayApi)).toBe(expected);
  });
});

// What each upstream release serves, as its CRDs (config/crd/{standard,experimental}/ at the tag) say.
describe('upstream Gateway API releases', () => {
  const std = (version: string): GatewayApiSetting => ({ version, channel: 'standard' });
  const exp = (version: string): GatewayApiSetting => ({ version, channel: 'experimental' });
  it.each<[string, string, GatewayApiSetting, string]>([
    // v0.1–v0.3 put their routes in networking.x-k8s.io.
    ['v1alpha2', 'HTTPRoute', std('v0.3.0'), 'kind-absent'],
    // v0.4 had one CRD set, TCPRoute and TLSRoute included, whichever channel is named.
    ['v1alpha2', 'TCPRoute', std('v0.4.3'), 'served'],
    ['v1alpha2', 'GRPCRoute', exp('v0.5.1'), 'kind-absent'],
    ['v1alpha2', 'HTTPRoute', std('v0.7.1'), 'deprecated → v1beta1'],
    ['v1', 'HTTPRoute', exp('v0.7.1'), 'unserved'],
    ['v1alpha2', 'HTTPRoute', std('v0.8.1'), 'unserved'],
    ['v1alpha2', 'HTTPRoute', exp('v1.0.0'), 'unserved'],
    ['v1', 'TCPRoute', std('v1.6.1'), 'served'],
    ['v1alpha2', 'TCPRoute', std('v1.6.1'), 'unserved'],
    ['v1', 'TCPRoute', exp('v1.6.0'), 'served'],
    ['v1alpha2', 'TCPRoute', exp('v1.6.1'), 'deprecated → v1'],
    // A patch release the table does not list serves what its minor does.
    ['v1', 'TCPRoute', std('v1.6.7'), 'served'],
    // Newer than the table: nothing is known of it.
    ['v1', 'HTTPRoute', std('v1.9.0'), 'unknown-gateway-release'],
    ['v1alpha2', 'TCPRoute', std('v1.7'), 'unknown-gateway-release'],
    ['v1', 'GRPCRoute', exp('v2.0.0'), 'unknown-gateway-release'],
  ])('%s %s with %j: %s', (version, kind, gatewayApi, expected) => {
    expect(verdict(`gateway.networking.k8s.io/${version}`, kind, '2.20', gatewayApi)).toBe(expected);
  });

  it('knows the storage version of each release', () => {
    const storage = (kind: string, gatewayApi: GatewayApiSetting) => crdAt('gateway.networking.k8s.io', kind, target('2.20', gatewayApi))?.storage;
    expect(storage('HTTPRoute', std('v0.5.1'))).toBe('v1alpha2');
    expect(storage('HTTPRoute', std('v1.0.0'))).toBe('v1beta1');
    expect(storage('HTTPRoute', std('v1.1.0'))).toBe('v1');
    expect(storage('TLSRoute', exp('v1.4.1'))).toBe('v1alpha3');
    expect(storage('TCPRoute', exp('v1.6.1'))).toBe('v1');
  });

  it('names the install in messages, without a channel before v0.5', () => {
    const era = { owner: 'gateway-api' as const };
    expect(servingSource(era, target('2.20', std('v0.4.3')))).toBe('Gateway API v0.4.3');
    expect(servingSource(era, target('2.20', exp('v0.5.0')))).toBe('Gateway API v0.5.0 (experimental channel)');
  });

  it('says when the named release is newer than the table, and only then', () => {
    expect(gatewayApiNotice(target('2.20', std('v1.9.0')))).toBe(
      'gatewayAPI: Gateway API v1.9.0 is newer than the releases this linter knows (up to v1.6.1), so HTTPRoute, GRPCRoute, ' +
        'TCPRoute and TLSRoute resources are not checked; name a release it knows to check them against that one',
    );
    expect(gatewayApiNotice(target('2.20', std('v1.6.2')))).toBeUndefined();
    expect(gatewayApiNotice(target('2.20', 'auto'))).toBeUndefined();
  });

  it('prints that notice and checks no route under such a release', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'gatewayAPI:\n  version: v1.9.0\n  channel: standard\n',
      'route.yaml': [
        'apiVersion: gateway.networking.k8s.io/v1alpha2',
        'kind: HTTPRoute',
        'metadata: { name: web, namespace: emojivoto }',
        'spec:',
        '  rules:',
        '    - matches:',
        '        - method: NOTREAL',
        '',
      ].join('\n'),
    });
    expect(cli(['route.yaml'], { cwd: dir })).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'linkerd-lint: gatewayAPI: Gateway API v1.9.0 is newer than the releases this linter knows (up to v1.6.1), so HTTPRoute, ' +
        'GRPCRoute, TCPRoute and TLSRoute resources are not checked; name a release it knows to check them against that one\n',
    });
  });
});

// Our route shapes are Gateway API v1.1.1's; the limits that every release keeps are checked whatever the install.
describe('stable Gateway API limits', () => {
  type Node = Record<string, any>;
  const resolve = (node: Node | undefined): Node | undefined => {
    let n = node;
    while (n && typeof n.$ref === 'string' && n.$ref !== '#') n = definitions[/([^/]+)\.json$/.exec(n.$ref)![1]!] as Node;
    return n;
  };
  const at = (root: Node, shape: string): Node | undefined => {
    let node = resolve(root);
    for (const seg of shape.replace(/\[\]/g, '.[]').split('.')) node = resolve(seg === '[]' ? node?.items : node?.properties?.[seg]);
    return node;
  };

  it('names only fields our schemas limit that way, in every version of the kind', () => {
    for (const [kind, limits] of Object.entries(stableGatewayLimits())) {
      const keys = Object.keys(resourceSchemas).filter((k) => k.startsWith('gateway.networking.k8s.io/') && k.endsWith(`/${kind}`));
      expect(keys.length, kind).toBeGreaterThan(0);
      for (const key of keys) {
        for (const keyword of ['enum', 'maxItems'] as const) {
          for (const shape of limits[keyword]) expect(at(resourceSchemas[key] as Node, shape)?.[keyword], `${key} ${shape} ${keyword}`).toBeDefined();
        }
      }
    }
  });

  it('holds the HTTP method and match types, not the filter types that releases add to', () => {
    expect(gatewayLimitIsStable('HTTPRoute', 'enum', ['spec', 'rules', 0, 'matches', 2, 'method'])).toBe(true);
    expect(gatewayLimitIsStable('HTTPRoute', 'enum', ['spec', 'rules', 1, 'backendRefs', 0, 'filters', 0, 'requestRedirect', 'scheme'])).toBe(true);
    expect(gatewayLimitIsStable('HTTPRoute', 'enum', ['spec', 'rules', 0, 'filters', 0, 'type'])).toBe(false);
    expect(gatewayLimitIsStable('HTTPRoute', 'maxItems', ['spec', 'rules', 0, 'matches'])).toBe(false);
    expect(gatewayLimitIsStable('GRPCRoute', 'enum', ['spec', 'rules', 0, 'filters', 0, 'type'])).toBe(true);
    expect(gatewayLimitIsStable('HTTPRoute', 'additionalProperties', ['spec', 'rules', 0, 'name'])).toBe(false);
  });
});

describe('gatewayAPI setting', () => {
  it('reaches the target from the config file', async () => {
    const { resolveConfig } = await import('../src/engine/config.js');
    const { builtinRules } = await import('../rules/index.js');
    const config = resolveConfig({ linkerdVersion: '2.19', gatewayAPI: { version: 'v1.2.1', channel: 'standard' } }, builtinRules, '/');
    expect(config.target).toMatchObject({ release: '2.19', gatewayApi: { version: 'v1.2.1', channel: 'standard' } });
    expect(resolveConfig({ gatewayAPI: 'linkerd' }, builtinRules, '/').target.gatewayApi).toBe('linkerd');
  });

  it('refuses values it does not know, naming the key', async () => {
    const { ConfigError, resolveConfig } = await import('../src/engine/config.js');
    const { builtinRules } = await import('../rules/index.js');
    expect(() => resolveConfig({ gatewayAPI: 'upstream' }, builtinRules, '/')).toThrow(ConfigError);
    expect(() => resolveConfig({ gatewayAPI: { version: 'v1.2.1', channel: 'beta' } }, builtinRules, '/')).toThrow(/gatewayAPI/);
  });

  it('takes every release from v0.1 on, and versions newer than it knows', async () => {
    const { resolveConfig } = await import('../src/engine/config.js');
    const { builtinRules } = await import('../rules/index.js');
    for (const version of ['v0.1.0', 'v0.8.1', '1.6', 'v1.6.1', 'v1.9.0', 'v2.0.0']) {
      expect(resolveConfig({ gatewayAPI: { version, channel: 'standard' } }, builtinRules, '/').target.gatewayApi).toEqual({ version, channel: 'standard' });
    }
  });

  it('refuses a version that names no release, at gatewayAPI.version', async () => {
    const { ConfigError, resolveConfig } = await import('../src/engine/config.js');
    const { builtinRules } = await import('../rules/index.js');
    const problems = (version: string) => {
      try {
        resolveConfig({ gatewayAPI: { version, channel: 'standard' } }, builtinRules, '/');
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
      return [];
    };
    expect(problems('v0.9.0')).toEqual([
      {
        path: ['gatewayAPI', 'version'],
        message: 'gatewayAPI.version: "v0.9.0" is not a Gateway API release; releases are v0.1 … v0.8, v1.0 … v1.6 (or a newer one)',
        layer: 0,
      },
    ]);
    expect(problems('v0.15.25')).toHaveLength(1);
    expect(problems('v1.x')).toHaveLength(1);
  });
});

// The version table, release by release, as the CRDs at each linkerd2 release tag and each gateway-api release serve it.
import { describe, expect, it } from 'vitest';
import { apiVersionStatus } from '../src/linkerd/api-versions.js';
import type { GatewayApiSetting } from '../src/linkerd/releases.js';
import { type LinkerdTarget, parseLinkerdVersion } from '../src/linkerd/releases.js';

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
});

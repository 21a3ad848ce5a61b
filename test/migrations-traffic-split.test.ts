// TrafficSplit → HTTPRoute: weights as the proxies get them, the route version each release
// reads, and when the route would not do what the split does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { fixParsed } from '../src/engine/lint.js';
import { YamlFixer } from '../src/fix/fixer.js';
import type { GatewayApiSetting, LinkerdTarget } from '../src/linkerd/releases.js';
import { parseLinkerdVersion } from '../src/linkerd/releases.js';
import { migrateTrafficSplit, quantityMillis, reduceWeights } from '../src/linkerd/migrations/traffic-split.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree } from '../src/model/tree.js';
import { ROOT, fixtureConfig } from './helpers.js';

function target(v: string, gatewayApi?: GatewayApiSetting): LinkerdTarget {
  const t = parseLinkerdVersion(v);
  if ('error' in t) throw new Error(t.error);
  return gatewayApi ? { ...t, gatewayApi } : t;
}

function parse(text: string, name = 'e.yaml', language: 'yaml' | 'json' = 'yaml') {
  return parseSource(new SourceFile(join(ROOT, name), name, text, language));
}

const SERVICES = ['web-apex', 'web-svc', 'web-svc-2']
  .map((name) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: emojivoto\nspec:\n  ports:\n  - port: 80\n`)
  .join('---\n');

function split(backends: string, extra = ''): string {
  return `apiVersion: split.smi-spec.io/v1alpha1\nkind: TrafficSplit\nmetadata:\n  name: web-ts\n  namespace: emojivoto\nspec:\n  service: web-apex\n${extra}  backends:\n${backends}`;
}

const CANARY = split('  - service: web-svc\n    weight: 900m\n  - service: web-svc-2\n    weight: 100m\n');

function migrate(text: string, t = target('2.20')) {
  const resources = parse(text).resources;
  const ts = resources.find((r) => r.kind === 'TrafficSplit')!;
  return migrateTrafficSplit(ts, new ManifestTree(resources), t, 'cluster.local');
}

describe('quantityMillis', () => {
  it('reads integers, milli, SI, binary and exponent quantities exactly, rounding up as MilliValue does', () => {
    expect(quantityMillis('1')).toBe(1000n);
    expect(quantityMillis('500m')).toBe(500n);
    expect(quantityMillis('0.5')).toBe(500n);
    expect(quantityMillis('1k')).toBe(1_000_000n);
    expect(quantityMillis('1Ki')).toBe(1_024_000n);
    expect(quantityMillis('2e3')).toBe(2_000_000n);
    expect(quantityMillis('1u')).toBe(1n);
    expect(quantityMillis('0')).toBe(0n);
    expect(quantityMillis('-1')).toBe(-1000n);
    expect(quantityMillis('ten')).toBeUndefined();
    expect(quantityMillis('')).toBeUndefined();
    expect(quantityMillis('5mi')).toBeUndefined();
  });
});

describe('reduceWeights', () => {
  it('divides by the greatest common divisor and keeps zeros', () => {
    expect(reduceWeights([9000n, 1000n])).toEqual([9n, 1n]);
    expect(reduceWeights([5000n, 0n])).toEqual([1n, 0n]);
    expect(reduceWeights([0n, 0n])).toEqual([0n, 0n]);
    expect(reduceWeights([7n])).toEqual([1n]);
  });
});

describe('migrateTrafficSplit', () => {
  it('writes the HTTPRoute in conventional key order with the reduced weights and the apex port', () => {
    const m = migrate(`${SERVICES}---\n${CANARY}`);
    expect(m).toMatchObject({ ok: true, safe: false });
    if (!m.ok) return;
    expect(m.manifests).toEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web-ts', namespace: 'emojivoto' },
        spec: {
          parentRefs: [{ name: 'web-apex', namespace: 'emojivoto', kind: 'Service', group: 'core', port: 80 }],
          rules: [
            {
              backendRefs: [
                { name: 'web-svc', namespace: 'emojivoto', port: 80, weight: 9 },
                { name: 'web-svc-2', namespace: 'emojivoto', port: 80, weight: 1 },
              ],
            },
          ],
        },
      },
    ]);
    expect(Object.keys(m.manifests[0]!)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(m.notes).toEqual([
      'the input holds no ServiceProfile for Service web-apex, and one with routes in the cluster would make clients ignore the HTTPRoute',
    ]);
  });

  it('is safe when the input holds the apex profile without routes and nothing else changes', () => {
    const profile = 'apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata:\n  name: web-apex.emojivoto.svc.cluster.local\n  namespace: emojivoto\nspec: {}\n';
    expect(migrate(`${SERVICES}---\n${profile}---\n${CANARY}`)).toMatchObject({ ok: true, safe: true, notes: [] });
  });

  it('writes the route version each release reads', () => {
    const version = (v: string, g?: GatewayApiSetting) => {
      const m = migrate(`${SERVICES}---\n${CANARY}`, target(v, g));
      return m.ok ? m.manifests[0]!.apiVersion : m.reason;
    };
    expect(version('2.12')).toMatch(/^Linkerd 2\.12 has no route with weighted backends/);
    expect(version('2.13')).toBe('policy.linkerd.io/v1beta2');
    expect(version('2.14')).toBe('gateway.networking.k8s.io/v1beta1');
    expect(version('2.17')).toBe('gateway.networking.k8s.io/v1beta1');
    expect(version('2.18')).toBe('gateway.networking.k8s.io/v1');
    expect(version('edge-26.8.3')).toBe('gateway.networking.k8s.io/v1');
    expect(version('2.18', { version: 'v0.8.1', channel: 'standard' })).toBe(
      'Linkerd 2.18 reads Gateway API HTTPRoute v1, which the Gateway API CRDs of the gatewayAPI setting do not serve',
    );
  });

  it('gives no fix for a ratio that needs a weight above the Gateway API maximum', () => {
    const m = migrate(`${SERVICES}---\n${split('  - service: web-svc\n    weight: 400k\n  - service: web-svc-2\n    weight: 1m\n')}`);
    expect(m).toEqual({ ok: false, reason: 'the ratio of the weights needs a backendRef weight above 1000000, the Gateway API maximum' });
  });

  it('gives no fix for weights the schema or traffic-split-weights reports', () => {
    expect(migrate(`${SERVICES}---\n${split('  - service: web-svc\n    weight: -1\n')}`)).toEqual({
      ok: false,
      reason: 'spec.backends[0].weight wraps around in Linkerd (traffic-split-weights reports it)',
    });
    expect(migrate(`${SERVICES}---\n${split('  - service: web-svc\n    weight: 0.5\n')}`)).toEqual({
      ok: false,
      reason: 'spec.backends[0].weight is not a v1alpha1 weight (the schema rule reports it)',
    });
  });

  it('gives no fix when a backend Service is missing or repeated, or another split has the same apex', () => {
    expect(migrate(`${SERVICES}---\n${split('  - service: web-svc-3\n    weight: 1\n')}`)).toEqual({
      ok: false,
      reason: 'the input does not hold the backend Service web-svc-3 in namespace emojivoto',
    });
    expect(migrate(`${SERVICES}---\n${split('  - service: web-svc\n    weight: 1\n  - service: web-svc\n    weight: 1\n')}`)).toEqual({
      ok: false,
      reason: 'spec.backends[1].service names Service web-svc a second time',
    });
    const second = CANARY.replace('name: web-ts', 'name: web-ts-2');
    expect(migrate(`${SERVICES}---\n${CANARY}---\n${second}`)).toEqual({
      ok: false,
      reason: 'TrafficSplit web-ts-2 splits Service web-apex too, and the adaptor lets the last one synced win: keep one',
    });
  });

  it('gives no fix when an HTTPRoute of the same name exists, or for a version the extension does not serve', () => {
    const route =
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web-ts\n  namespace: emojivoto\nspec:\n  parentRefs:\n  - {name: web-svc, kind: Service, group: core, port: 80}\n';
    expect(migrate(`${SERVICES}---\n${route}---\n${CANARY}`)).toEqual({ ok: false, reason: 'the input already holds an HTTPRoute web-ts in namespace emojivoto' });
    expect(migrate(`${SERVICES}---\n${CANARY.replace('v1alpha1', 'v1alpha3')}`)).toEqual({
      ok: false,
      reason: 'the linkerd-smi extension does not serve split.smi-spec.io/v1alpha3, so no split runs to keep: write the HTTPRoute by hand',
    });
  });

  it('judges each split of one tree against its own apex: copies agree, other names and namespaces do not', () => {
    const inNamespace = (text: string, ns: string) => text.replaceAll('namespace: emojivoto', `namespace: ${ns}`);
    const profile = (ns: string, spec: string) =>
      `apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata:\n  name: web-apex.${ns}.svc.cluster.local\n  namespace: ${ns}\nspec:\n${spec}`;
    const second = CANARY.replace('name: web-ts', 'name: web-ts-2');
    const text = [
      SERVICES,
      inNamespace(SERVICES, 'staging'),
      inNamespace(SERVICES, 'prod').replace('  - port: 80\n', '  - port: 80\n  - port: 81\n'),
      profile('emojivoto', '  retryBudget: {retryRatio: 0.2}\n'),
      profile('staging', '  dstOverrides: [{authority: web-svc.staging.svc.cluster.local, weight: 1}]\n'),
      CANARY,
      CANARY,
      second,
      inNamespace(CANARY, 'staging'),
      inNamespace(CANARY, 'prod'),
    ].join('---\n');
    const resources = parse(text).resources;
    const tree = new ManifestTree(resources);
    const reasons = resources
      .filter((r) => r.kind === 'TrafficSplit')
      .map((ts) => {
        const m = migrateTrafficSplit(ts, tree, target('2.20'), 'cluster.local');
        return `${ts.namespace}/${ts.name}: ${m.ok ? m.describe : m.reason}`;
      });
    expect(reasons).toEqual([
      'emojivoto/web-ts: TrafficSplit web-ts-2 splits Service web-apex too, and the adaptor lets the last one synced win: keep one',
      'emojivoto/web-ts: TrafficSplit web-ts-2 splits Service web-apex too, and the adaptor lets the last one synced win: keep one',
      'emojivoto/web-ts-2: TrafficSplit web-ts splits Service web-apex too, and the adaptor lets the last one synced win: keep one',
      'staging/web-ts: ServiceProfile web-apex.staging.svc.cluster.local sets spec.dstOverrides, which would keep overriding the HTTPRoute once the split is gone: remove them',
      "prod/web-ts: Service web-apex has 2 ports (80 and 81): the split applies to each, but an HTTPRoute's backendRefs carry one port, so write one HTTPRoute per HTTP port (parentRefs[].port) by hand",
    ]);
    const alone = new ManifestTree(resources.filter((r) => r !== resources.find((x) => x.name === 'web-ts-2')));
    const copies = resources.filter((r) => r.kind === 'TrafficSplit' && r.namespace === 'emojivoto' && r.name === 'web-ts');
    for (const copy of copies) expect(migrateTrafficSplit(copy, alone, target('2.20'), 'cluster.local')).toMatchObject({ ok: true, safe: true });
  });

  it('drops retry and timeout annotations, which would start configuring the route', () => {
    const m = migrate(`${SERVICES}---\n${CANARY.replace('  namespace: emojivoto\nspec', '  namespace: emojivoto\n  annotations:\n    retry.linkerd.io/http: 5xx\n    team: web\nspec')}`);
    expect(m.ok && m.manifests[0]!.metadata).toEqual({ name: 'web-ts', namespace: 'emojivoto', annotations: { team: 'web' } });
  });
});

describe('no-traffic-split fix in a JSON file', () => {
  it('writes the HTTPRoute as JSON, with the apex Service from another file', () => {
    const services = parse(SERVICES, 'services.yaml');
    const json = JSON.stringify(
      {
        apiVersion: 'split.smi-spec.io/v1alpha2',
        kind: 'TrafficSplit',
        metadata: { name: 'web-ts', namespace: 'emojivoto' },
        spec: { service: 'web-apex', backends: [{ service: 'web-svc', weight: 50 }, { service: 'web-svc-2', weight: 50 }] },
      },
      null,
      2,
    );
    const file = parse(`${json}\n`, 'split.json', 'json');
    const result = fixParsed([services, file], {
      config: fixtureConfig('no-traffic-split'),
      rules: builtinRules,
      fixer: new YamlFixer(),
      unsafe: true,
      onlyRules: new Set(['no-traffic-split']),
    });
    expect(result.rejected).toEqual([]);
    expect(result.changed.get(file.file)).toBe(
      `${JSON.stringify(
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'web-ts', namespace: 'emojivoto' },
          spec: {
            parentRefs: [{ name: 'web-apex', namespace: 'emojivoto', kind: 'Service', group: 'core', port: 80 }],
            rules: [
              {
                backendRefs: [
                  { name: 'web-svc', namespace: 'emojivoto', port: 80, weight: 1 },
                  { name: 'web-svc-2', namespace: 'emojivoto', port: 80, weight: 1 },
                ],
              },
            ],
          },
        },
        null,
        2,
      )}\n`,
    );
  });
});

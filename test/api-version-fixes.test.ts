// The deprecated-api-version fix, checked against the fixed/ goldens with a minimal fixer
// that can only set scalars (the rule needs nothing else).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintParsed } from '../src/engine/lint.js';
import type { Fixer, TextEdit } from '../src/engine/rule.js';
import { bumpKeepsMeaning, fieldsTheBumpEnables } from '../src/linkerd/api-migration.js';
import { LINKERD_API_GROUPS, LINKERD_KINDS, apiVersionStatus } from '../src/linkerd/api-versions.js';
import { type GatewayApiSetting, RELEASES, minorOf } from '../src/linkerd/releases.js';
import { validateResource } from '../src/linkerd/resource-schemas.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import { bundledSchemas } from '../src/load/validators.js';
import type { Resource } from '../src/model/resource.js';
import { FIXTURES, ROOT, caseConfig, fixtureConfig } from './helpers.js';

const RULE = 'deprecated-api-version';
const DIR = join(FIXTURES, RULE);

const scalarFixer: Fixer = {
  setScalar(resource, path, value) {
    const { range, exact } = resource.locate(path);
    if (!exact) throw new Error('setScalar on a missing node');
    const old = resource.file.text.slice(range.start.offset, range.end.offset);
    const quote = old.startsWith('"') || old.startsWith("'") ? old[0] : '';
    return [{ range: [range.start.offset, range.end.offset], text: `${quote}${String(value)}${quote}` }];
  },
  insertKey: () => unsupported(),
  removeKey: () => unsupported(),
  removeKeys: () => unsupported(),
  renameKey: () => unsupported(),
  moveKey: () => unsupported(),
  replaceResource: () => unsupported(),
  insertDocumentAfter: () => unsupported(),
  replaceDocument: () => unsupported(),
  insertManifestsAfter: () => unsupported(),
};

function unsupported(): never {
  throw new Error(`${RULE} only sets scalars`);
}

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range[0] - a.range[0])) out = out.slice(0, e.range[0]) + e.text + out.slice(e.range[1]);
  return out;
}

describe(`${RULE} fixes`, () => {
  const cases = readdirSync(join(DIR, 'invalid')).filter((f) => f.endsWith('.yaml') && !f.endsWith('.config.yaml'));
  for (const name of cases) {
    it(`invalid/${name} is fixed exactly as fixed/${name} says`, () => {
      const file = join(DIR, 'invalid', name);
      const read = decode(file, file.slice(ROOT.length + 1), readFileSync(file));
      if (!read.ok) throw new Error('unreadable fixture');
      const { results } = lintParsed([parseSource(read.file)], { config: fixtureConfig(RULE, caseConfig(file)), rules: builtinRules, fixer: scalarFixer });
      const edits = results.flatMap((r) => r.findings).filter((f) => f.ruleId === RULE).flatMap((f) => f.fix?.edits ?? []);
      const fixed = join(DIR, 'fixed', name);
      expect(edits.length > 0, `fixed/${name} exists exactly when a fix is offered`).toBe(existsSync(fixed));
      if (edits.length > 0) expect(applyEdits(read.file.text, edits)).toBe(readFileSync(fixed, 'utf8'));
    });
  }

  it('leaves out the documents whose meaning would change', () => {
    const file = join(DIR, 'invalid', 'superseded.yaml');
    const read = decode(file, 'superseded.yaml', readFileSync(file));
    if (!read.ok) throw new Error('unreadable fixture');
    const { results } = lintParsed([parseSource(read.file)], { config: fixtureConfig(RULE), rules: builtinRules, fixer: scalarFixer });
    const unfixed = results.flatMap((r) => r.findings).filter((f) => f.ruleId === RULE && !f.fix).map((f) => f.range.start.line);
    // The v1beta1 HTTPRoute whose backendRef has no namespace, and the ExternalWorkload that spells meshTls.
    expect(unfixed).toEqual([43, 60]);
  });
});

/** The one resource of a document given as data (JSON is YAML). */
function resourceOf(value: Record<string, unknown>): Resource {
  const read = decode(join(ROOT, 'case.yaml'), 'case.yaml', Buffer.from(JSON.stringify(value)));
  if (!read.ok) throw new Error('not text');
  const [resource] = parseSource(read.file).resources;
  if (!resource) throw new Error('no resource');
  return resource;
}

const meta = { name: 'x', namespace: 'app' };
const podSelector = { matchLabels: { app: 'web' } };
const server = (version: string) => ({ apiVersion: `policy.linkerd.io/${version}`, kind: 'Server', metadata: meta, spec: { podSelector, port: 'http' } });
const route = (version: string) => ({
  apiVersion: `policy.linkerd.io/${version}`,
  kind: 'HTTPRoute',
  metadata: meta,
  spec: { parentRefs: [{ name: 'web', kind: 'Service', group: 'core', port: 80 }], rules: [{ backendRefs: [{ name: 'web', namespace: 'app', port: 80 }] }] },
});
const link = (version: string) => ({
  apiVersion: `multicluster.linkerd.io/${version}`,
  kind: 'Link',
  metadata: meta,
  spec: { targetClusterName: 'west', gatewayAddress: '203.0.113.7', gatewayPort: '4143' },
});
const identity = { identity: 'spiffe://root.linkerd.cluster.local/vm', serverName: 'vm.cluster.local' };
const workload = (spec: Record<string, unknown>) => ({ apiVersion: 'workload.linkerd.io/v1alpha1', kind: 'ExternalWorkload', metadata: meta, spec });

/**
 * Every move the linter offers whose newer version knows a field the older one prunes
 * (diffed from the CRDs of linkerd2 charts/linkerd-crds and the multicluster chart, every
 * release): `doc` is valid under both versions, `field` is set on it at `path`.
 */
const PRUNED: { move: string; doc: Record<string, unknown>; to: string; path: (string | number)[]; field: unknown }[] = [
  { move: 'Server v1alpha1 → v1beta2', doc: server('v1alpha1'), to: 'v1beta2', path: ['spec', 'externalWorkloadSelector'], field: podSelector },
  { move: 'Server v1beta1 → v1beta2', doc: server('v1beta1'), to: 'v1beta2', path: ['spec', 'externalWorkloadSelector'], field: podSelector },
  { move: 'Server v1alpha1 → v1beta3', doc: server('v1alpha1'), to: 'v1beta3', path: ['spec', 'accessPolicy'], field: 'all-unauthenticated' },
  { move: 'Server v1beta1 → v1beta3', doc: server('v1beta1'), to: 'v1beta3', path: ['spec', 'accessPolicy'], field: 'all-unauthenticated' },
  { move: 'HTTPRoute v1alpha1 → v1beta2', doc: route('v1alpha1'), to: 'v1beta2', path: ['spec', 'rules', 0, 'backendRefs', 0, 'weight'], field: 0 },
  { move: 'HTTPRoute v1beta1 → v1beta2', doc: route('v1beta1'), to: 'v1beta2', path: ['spec', 'rules', 0, 'backendRefs', 0, 'kind'], field: 'Service' },
  { move: 'HTTPRoute v1alpha1 → v1beta3', doc: route('v1alpha1'), to: 'v1beta3', path: ['spec', 'rules', 0, 'timeouts'], field: { request: '1s' } },
  { move: 'HTTPRoute v1beta1 → v1beta3', doc: route('v1beta1'), to: 'v1beta3', path: ['spec', 'rules', 0, 'backendRefs', 0, 'weight'], field: 10 },
  { move: 'HTTPRoute v1beta2 → v1beta3', doc: route('v1beta2'), to: 'v1beta3', path: ['spec', 'rules', 0, 'timeouts'], field: { request: '1s' } },
  { move: 'Link v1alpha1 → v1alpha2', doc: link('v1alpha1'), to: 'v1alpha2', path: ['spec', 'federatedServiceSelector'], field: { matchLabels: { 'mirror.linkerd.io/federated': 'member' } } },
  { move: 'Link v1alpha1 → v1alpha3', doc: link('v1alpha1'), to: 'v1alpha3', path: ['spec', 'excludedAnnotations'], field: ['team.example.com/owner'] },
  { move: 'Link v1alpha2 → v1alpha3', doc: link('v1alpha2'), to: 'v1alpha3', path: ['spec', 'excludedLabels'], field: ['team.example.com/owner'] },
];

function withField(doc: Record<string, unknown>, path: (string | number)[], field: unknown): Record<string, unknown> {
  const copy = structuredClone(doc);
  let node: Record<string | number, unknown> = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = field;
  return copy;
}

describe('a move that would bring a pruned field to life', () => {
  for (const { move, doc, to, path, field } of PRUNED) {
    it(`${move} is safe without ${path.join('.')} and withheld with it`, () => {
      expect(bumpKeepsMeaning(resourceOf(doc), to, bundledSchemas)).toBe(true);
      expect(fieldsTheBumpEnables(resourceOf(doc), to, bundledSchemas)).toEqual([]);
      const pruned = resourceOf(withField(doc, path, field));
      expect(bumpKeepsMeaning(pruned, to, bundledSchemas)).toBe(false);
      expect(fieldsTheBumpEnables(pruned, to, bundledSchemas)).toEqual([path]);
    });
  }

  it('withholds an ExternalWorkload v1alpha1 that spells meshTLS, which v1alpha1 prunes', () => {
    const resource = resourceOf(workload({ meshTLS: identity }));
    expect(bumpKeepsMeaning(resource, 'v1beta1', bundledSchemas)).toBe(false);
    expect(fieldsTheBumpEnables(resource, 'v1beta1', bundledSchemas)).toEqual([['spec', 'meshTLS']]);
  });

  it('names no field that both versions prune, nor any when the newer version has no schema', () => {
    const both = resourceOf(withField(server('v1beta1'), ['spec', 'accessPolicys'], 'deny'));
    expect(fieldsTheBumpEnables(both, 'v1beta3', bundledSchemas)).toEqual([]);
    const tls = resourceOf({
      apiVersion: 'gateway.networking.k8s.io/v1alpha2',
      kind: 'TLSRoute',
      metadata: meta,
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'tls', port: 443 }] }], extra: true },
    });
    expect(validateResource(bundledSchemas, 'gateway.networking.k8s.io', 'v1alpha2', 'TLSRoute', tls.value)?.map((p) => p.keyword)).toContain('additionalProperties');
    expect(fieldsTheBumpEnables(tls, 'v1', bundledSchemas)).toEqual([]);
  });

  it('keeps the v1beta1 Server with accessPolicy unfixed and says what v1beta3 would apply', () => {
    const text = [
      'apiVersion: policy.linkerd.io/v1beta1',
      'kind: Server',
      'metadata: {name: web-admin, namespace: emojivoto}',
      'spec:',
      '  podSelector: {matchLabels: {app: web}}',
      '  port: admin-http',
      '  accessPolicy: all-unauthenticated',
      '',
    ].join('\n');
    const read = decode(join(ROOT, 'server.yaml'), 'server.yaml', Buffer.from(text));
    if (!read.ok) throw new Error('not text');
    const { results } = lintParsed([parseSource(read.file)], { config: fixtureConfig(RULE), rules: builtinRules, fixer: scalarFixer });
    const findings = results.flatMap((r) => r.findings).filter((f) => f.ruleId === RULE);
    expect(findings.map((f) => [f.range.start.line, f.message, Boolean(f.fix)])).toEqual([
      [
        1,
        '"policy.linkerd.io/v1beta1" is deprecated for Server in Linkerd 2.20; use policy.linkerd.io/v1beta3, but review first what v1beta1 prunes and v1beta3 applies: spec.accessPolicy',
        false,
      ],
    ]);
  });
});

describe('the moves the linter can offer', () => {
  // Each was checked against the CRDs for fields the older version prunes: those with some are
  // in PRUNED above; the Gateway API versions of one install share one schema; the TLSRoute
  // moves have no schema of v1 here, so no fix is offered.
  const REVIEWED = [
    'gateway.networking.k8s.io GRPCRoute v1alpha2 → v1',
    'gateway.networking.k8s.io HTTPRoute v1alpha2 → v1beta1',
    'gateway.networking.k8s.io HTTPRoute v1beta1 → v1',
    'gateway.networking.k8s.io TLSRoute v1alpha2 → v1',
    'gateway.networking.k8s.io TLSRoute v1alpha3 → v1',
    'linkerd.io ServiceProfile v1alpha1 → v1alpha2',
    'multicluster.linkerd.io Link v1alpha1 → v1alpha2',
    'multicluster.linkerd.io Link v1alpha1 → v1alpha3',
    'multicluster.linkerd.io Link v1alpha2 → v1alpha3',
    'policy.linkerd.io HTTPRoute v1alpha1 → v1beta2',
    'policy.linkerd.io HTTPRoute v1alpha1 → v1beta3',
    'policy.linkerd.io HTTPRoute v1beta1 → v1beta2',
    'policy.linkerd.io HTTPRoute v1beta1 → v1beta3',
    'policy.linkerd.io HTTPRoute v1beta2 → v1beta3',
    'policy.linkerd.io Server v1alpha1 → v1beta1',
    'policy.linkerd.io Server v1alpha1 → v1beta2',
    'policy.linkerd.io Server v1alpha1 → v1beta3',
    'policy.linkerd.io Server v1beta1 → v1beta2',
    'policy.linkerd.io Server v1beta1 → v1beta3',
    'policy.linkerd.io ServerAuthorization v1alpha1 → v1beta1',
    'workload.linkerd.io ExternalWorkload v1alpha1 → v1beta1',
  ];

  it('are exactly the reviewed ones (a new one needs the same check)', () => {
    const upstream = ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.5.0'];
    const settings: GatewayApiSetting[] = ['auto', 'linkerd', ...upstream.flatMap((version) => (['standard', 'experimental'] as const).map((channel) => ({ version, channel })))];
    const versions = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1beta1', 'v1beta2', 'v1beta3', 'v1'];
    const moves = new Set<string>();
    for (const release of RELEASES) {
      for (const gatewayApi of settings) {
        const target = { release, minor: minorOf(release), input: release, gatewayApi };
        for (const group of LINKERD_API_GROUPS) {
          for (const kind of LINKERD_KINDS) {
            for (const version of versions) {
              const status = apiVersionStatus(group, version, kind, target);
              if (status.state === 'served' && status.replacedBy) moves.add(`${group} ${kind} ${version} → ${status.replacedBy.version}`);
            }
          }
        }
      }
    }
    expect([...moves].sort()).toEqual(REVIEWED);
  });
});

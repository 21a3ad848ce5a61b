// The resource schemas: in sync with their source, and, where the reference CRDs exist
// (../shared), in agreement with them on fields, required fields and enum values.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { definitions, resourceSchemas, schemaFiles } from '../scripts/resource-schemas.js';
import { apiVersionStatus, crdAt } from '../src/linkerd/api-versions.js';
import { parseLinkerdVersion, type LinkerdTarget } from '../src/linkerd/releases.js';
import { ROOT, sharedPath } from './helpers.js';

type Schema = Record<string, any>;

describe('schemas/linkerd', () => {
  it('holds exactly what scripts/resource-schemas.ts composes (run `npm run schemas` to update)', () => {
    const expected = schemaFiles();
    const base = join(ROOT, 'schemas', 'linkerd');
    const actual: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else actual[path.slice(ROOT.length + 1)] = readFileSync(path, 'utf8');
      }
    };
    walk(base);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [path, text] of Object.entries(expected)) expect(actual[path], path).toBe(text);
  });
});

// ---- comparison with the CRDs ----

const CRD_DIR = sharedPath('reference', 'linkerd-crds') ?? '';
const haveCrds = CRD_DIR !== '';

function loadCrds(): Schema[] {
  const files = [
    ...readdirSync(join(CRD_DIR, 'rendered')).map((f) => join(CRD_DIR, 'rendered', f)),
    join(CRD_DIR, 'split.smi-spec.io_trafficsplits.yaml'),
  ];
  return files.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as Schema)).filter((d) => d?.kind === 'CustomResourceDefinition');
}

function deref(node: Schema | undefined, current: { root: Schema }): Schema | undefined {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    if (n.$ref === '#') n = current.root;
    else {
      const name = /([^/]+)\.json$/.exec(n.$ref)![1]!;
      current.root = definitions[name] as Schema;
      n = current.root;
    }
  }
  return n;
}

/** Fields where we check what admission accepts although the CRD leaves the value open (`ProxyProtocol` in linkerd2 `policy-controller/k8s/api/src/policy/server.rs`, `DefaultPolicy::from_str` in `policy-controller/k8s/index/src/defaults.rs`). */
const WEBHOOK_ENUMS = new Set(['spec.proxyProtocol', 'spec.accessPolicy']);

interface Difference {
  path: string;
  problem: string;
}

/** Walks a CRD schema and ours side by side and lists where they disagree. */
function compare(crd: Schema, ours: Schema, path: string, current: { root: Schema }, out: Difference[], depth = 0): void {
  const o = deref(ours, current);
  if (!o || depth > 12) return;
  if (crd['x-kubernetes-preserve-unknown-fields']) return;
  // `required` on a list node (ServiceProfile dstOverrides) constrains nothing.
  if ((crd.required && crd.type !== 'array') || o.required) {
    const a = [...(crd.type === 'array' ? [] : (crd.required ?? []))].sort();
    const b = [...(o.required ?? [])].sort();
    // At the top level we also require apiVersion, kind and metadata.
    const ok = path === '' ? a.every((k: string) => b.includes(k)) : JSON.stringify(a) === JSON.stringify(b);
    if (!ok) out.push({ path, problem: `required ${JSON.stringify(a)} vs ours ${JSON.stringify(b)}` });
  }
  const requiredSets = (s: Schema) => JSON.stringify(((s.oneOf ?? []) as Schema[]).map((b) => b.required).sort());
  if (requiredSets(crd) !== requiredSets(o)) out.push({ path, problem: `oneOf ${requiredSets(crd)} vs ours ${requiredSets(o)}` });
  if (crd.enum || o.enum) {
    if (!crd.enum && !WEBHOOK_ENUMS.has(path)) out.push({ path, problem: 'enum that the CRD does not have' });
    if (crd.enum && JSON.stringify([...crd.enum].sort()) !== JSON.stringify([...(o.enum ?? [])].sort())) {
      out.push({ path, problem: `enum ${JSON.stringify(crd.enum)} vs ours ${JSON.stringify(o.enum)}` });
    }
  }
  if (crd.properties) {
    const ourProps = (o.properties ?? {}) as Schema;
    for (const [key, sub] of Object.entries(crd.properties as Schema)) {
      const child = path ? `${path}.${key}` : key;
      if (path === '' && (key === 'status' || key === 'metadata' || key === 'apiVersion' || key === 'kind')) continue;
      if (!(key in ourProps)) {
        out.push({ path: child, problem: 'field missing from our schema' });
        continue;
      }
      compare(sub as Schema, ourProps[key], child, { root: current.root }, out, depth + 1);
    }
    for (const key of Object.keys(ourProps)) {
      if (!(key in (crd.properties as Schema)) && !(path === '' && ['apiVersion', 'kind', 'metadata', 'status'].includes(key))) {
        out.push({ path: path ? `${path}.${key}` : key, problem: 'field the CRD does not have' });
      }
    }
  }
  if (crd.items) compare(crd.items as Schema, o.items as Schema, `${path}[]`, { root: current.root }, out, depth + 1);
}

describe.skipIf(!haveCrds)('schemas against the upstream CRDs', () => {
  const crds = haveCrds ? loadCrds() : [];
  const versions = crds.flatMap((crd) =>
    (crd.spec.versions as Schema[]).map((v) => ({ group: crd.spec.group as string, kind: crd.spec.names.kind as string, version: v })),
  );

  it('covers every kind and version the CRDs define', () => {
    expect(versions.length).toBeGreaterThan(25);
    for (const { group, kind, version } of versions) expect(resourceSchemas[`${group}/${version.name}/${kind}`], `${group}/${version.name}/${kind}`).toBeDefined();
  });

  for (const { group, kind, version } of versions) {
    const key = `${group}/${version.name}/${kind}`;
    it(`${key}: same fields, required fields and enum values`, () => {
      const ours = resourceSchemas[key] as Schema;
      const out: Difference[] = [];
      compare(version.schema.openAPIV3Schema as Schema, ours, '', { root: ours }, out);
      expect(out).toEqual([]);
    });
  }

  it('tells versions apart (the comparison is not blind)', () => {
    const v1beta3 = versions.find((v) => v.kind === 'Server' && v.version.name === 'v1beta3')!;
    const ours = resourceSchemas['policy.linkerd.io/v1beta2/Server'] as Schema;
    const out: Difference[] = [];
    compare(v1beta3.version.schema.openAPIV3Schema as Schema, ours, '', { root: ours }, out);
    expect(out).toEqual([{ path: 'spec.accessPolicy', problem: 'field missing from our schema' }]);
  });

  it('serves at 2.20 what the CRDs serve, with the same storage version and deprecations', () => {
    const bundled: LinkerdTarget = { ...(parseLinkerdVersion('2.20') as LinkerdTarget), gatewayApi: 'linkerd' };
    for (const crd of crds) {
      const { group } = crd.spec;
      const kind = crd.spec.names.kind as string;
      const era = crdAt(group, kind, bundled)!;
      const served = (crd.spec.versions as Schema[]).filter((v) => v.served).map((v) => v.name as string);
      expect([...era.served].sort(), kind).toEqual(served.sort());
      expect(era.storage, kind).toBe((crd.spec.versions as Schema[]).find((v) => v.storage)!.name);
      for (const v of crd.spec.versions as Schema[]) {
        const status = apiVersionStatus(group, v.name, kind, bundled);
        if (v.deprecated) expect(status.state === 'served' && status.replacedBy?.why, `${kind} ${v.name}`).toBe('deprecated');
      }
    }
  });
});

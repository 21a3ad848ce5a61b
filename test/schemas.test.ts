// The resource schemas: in sync with their source, and, where the reference CRDs exist
// (../shared), in agreement with them on fields, required fields, enum values and list types.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { addListTypeKeywords } from '../scripts/build-schemas.mjs';
import { definitions, resourceSchemas, schemaFiles } from '../scripts/resource-schemas.js';
import { apiVersionStatus, crdAt } from '../src/linkerd/api-versions.js';
import { parseLinkerdVersion, type LinkerdTarget } from '../src/linkerd/releases.js';
import { validateResource } from '../src/linkerd/resource-schemas.js';
import type { ResourceSchemas } from '../src/model/schema.js';
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
  // The list types the API server enforces (uniqueness in `set` and `map` lists), with the
  // keys of a map and the defaults of those keys, which count for items that leave them out.
  const listType = (s: Schema) => JSON.stringify([s['x-kubernetes-list-type'] ?? null, s['x-kubernetes-list-map-keys'] ?? null]);
  if (listType(crd) !== listType(o)) out.push({ path, problem: `list type ${listType(crd)} vs ours ${listType(o)}` });
  for (const key of (crd['x-kubernetes-list-map-keys'] ?? []) as string[]) {
    const ourItem = deref(o.items as Schema | undefined, { root: current.root });
    const theirs = crd.items?.properties?.[key]?.default;
    const ours = ourItem?.properties?.[key]?.default;
    if (JSON.stringify(theirs) !== JSON.stringify(ours)) out.push({ path, problem: `default of map key ${key}: ${JSON.stringify(theirs)} vs ours ${JSON.stringify(ours)}` });
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
    it(`${key}: same fields, required fields, enum values and list types`, () => {
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

  it('tells list types apart (the comparison is not blind to them)', () => {
    const header = { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } };
    const set = { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' };
    const map = { type: 'array', items: header, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] };
    const differences = (crd: Schema, ours: Schema) => {
      const out: Difference[] = [];
      compare(crd, ours, 'spec.list', { root: ours }, out);
      return out.map((d) => d.problem);
    };
    expect(differences(set, { type: 'array', items: { type: 'string' } })).toEqual(['list type ["set",null] vs ours [null,null]']);
    expect(differences({ type: 'array', items: { type: 'string' } }, set)).toEqual(['list type [null,null] vs ours ["set",null]']);
    expect(differences(map, { ...map, 'x-kubernetes-list-map-keys': ['value'] })).toEqual(['list type ["map",["name"]] vs ours ["map",["value"]]']);
    const defaulted = { ...map, items: { ...header, properties: { ...header.properties, name: { type: 'string', default: 'x' } } } };
    expect(differences(defaulted, map)).toEqual(['default of map key name: "x" vs ours undefined']);
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

// ---- the list-type check the build compiles into the validators ----

describe('x-kubernetes-list-type', () => {
  const compile = (schema: Schema, refs: Schema[] = []) => {
    const ajv = new Ajv({ allErrors: true, messages: false, strict: true });
    addListTypeKeywords(ajv);
    for (const ref of refs) ajv.addSchema(ref);
    return ajv.compile(schema);
  };
  /** The list-type errors of `data` (the other keywords are not under test here). */
  const validate = (schema: Schema, data: unknown, refs: Schema[] = []) => {
    const fn = compile(schema, refs);
    fn(data);
    return (fn.errors ?? []).filter((e) => e.keyword === 'x-kubernetes-list-type').map((e) => [e.instancePath, e.keyword, e.params]);
  };
  const dup = (at: string, first: number) => [at, 'x-kubernetes-list-type', { duplicateOf: first }];

  it('set: every later copy of a scalar, at that copy; values of another type differ', () => {
    const set = { type: 'array', 'x-kubernetes-list-type': 'set' };
    expect(validate(set, ['a', 'b', 'a', 'a', 'b', 1, '1', true, 'true'])).toEqual([dup('/2', 0), dup('/3', 0), dup('/4', 1)]);
    expect(validate(set, ['a'])).toEqual([]);
  });

  it('map: the tuple of the keys, a missing key counting with its default', () => {
    const map = {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      items: { type: 'object', properties: { port: {}, protocol: { type: 'string', default: 'TCP' }, name: { type: 'string' } } },
    };
    const data = [{ port: 80 }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'TCP', name: 'other' }, { port: 81 }, { port: '80' }];
    expect(validate(map, data)).toEqual([dup('/2', 0)]);
    // Items it cannot key are left to the `required` and `type` errors they get.
    expect(validate({ ...map, 'x-kubernetes-list-map-keys': ['name'] }, [{ port: 1 }, { port: 2 }, 'x', 'x', { name: {} }, { name: {} }])).toEqual([]);
  });

  it('map: the defaults of an item schema behind a $ref', () => {
    const item = { $id: 'https://example.com/item.json', type: 'object', properties: { name: { type: 'string', default: 'http' } } };
    const list = { $id: 'https://example.com/list.json', type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { $ref: 'item.json' } };
    expect(validate(list, [{}, { name: 'http' }], [item])).toEqual([dup('/1', 0)]);
  });

  it('atomic lists are not checked; a map without keys is refused at build time', () => {
    expect(validate({ type: 'array', 'x-kubernetes-list-type': 'atomic' }, ['a', 'a'])).toEqual([]);
    expect(() => validate({ type: 'array', 'x-kubernetes-list-type': 'map' }, [])).toThrow(/without list-map keys/);
  });

  it('is put into words at the later copy, with the keys and the defaults that made it one', () => {
    const ports = {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
      items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } },
    };
    const schema = { type: 'object', properties: { spec: { type: 'object', properties: { ports, names: { type: 'array', 'x-kubernetes-list-type': 'set' } } } } };
    const fn = compile(schema);
    const schemas: ResourceSchemas = { validator: () => fn, documents: () => ({ definitions: {}, resources: { 'example.com/v1/Thing': schema } }) };
    const spec = { ports: [{ port: 80, protocol: 'TCP' }, { port: 80 }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'UDP' }], names: ['a', 'a'] };
    expect(validateResource(schemas, 'example.com', 'v1', 'Thing', { spec })).toEqual([
      {
        path: ['spec', 'ports', 1],
        keyword: 'x-kubernetes-list-type',
        message: 'spec.ports[1] duplicates ports[0] (port 80, protocol "TCP" by default); expected each combination of port and protocol once in a list of type map',
      },
      {
        path: ['spec', 'ports', 3],
        keyword: 'x-kubernetes-list-type',
        message: 'spec.ports[3] duplicates ports[2] (port 80, protocol "UDP"); expected each combination of port and protocol once in a list of type map',
      },
      { path: ['spec', 'names', 1], keyword: 'x-kubernetes-list-type', message: 'spec.names[1] duplicates names[0] ("a"); expected each value once in a list of type set' },
    ]);
  });
});

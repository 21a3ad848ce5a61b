// Worker threads parse files and post them back as data (src/load/parallel.ts): the
// resources rebuilt from that data must be those the main thread would have parsed, value
// for value and range for range, syntax trees for fixes included.
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseInThreads } from '../src/load/parallel.js';
import { type PackedFile, packParsed, parseSource, unpackParsed } from '../src/load/parse.js';
import type { ParsedFile } from '../src/model/parsed.js';
import type { JsonPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';
import { FIXTURES } from './helpers.js';

function pathsOf(value: unknown, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(at);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...at, i], out));
    out.push([...at, value.length]);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
    out.push([...at, 'missing']);
  }
  return out;
}

/** Everything a rule, a report or a fix reads of a resource. */
function view(r: Resource, withText: boolean) {
  const { docIndex, docPath, apiVersion, kind, group, version, name, namespace, value, headRange } = r;
  const located = pathsOf(value).flatMap((p) => [r.locate(p, 'value'), r.locate(p, 'key')]);
  const syntax = r.syntax ? { doc: r.syntax.doc.range, root: r.syntax.root.range, ...(withText ? { text: String(r.syntax.doc) } : {}) } : undefined;
  return { docIndex, docPath, apiVersion, kind, group, version, name, namespace, value, headRange, located, syntax };
}

function viewOf(parsed: ParsedFile, withText = true) {
  return { resources: parsed.resources.map((r) => view(r, withText)), problems: parsed.problems, comments: parsed.comments, template: parsed.template };
}

function fileOf(name: string, text: string): SourceFile {
  return new SourceFile(`/x/${name}`, name, text, name.endsWith('.json') ? 'json' : 'yaml');
}

/** Parses `text` as a worker would and rebuilds it here, through a structured clone as postMessage makes. */
function throughThread(name: string, text: string): { direct: ParsedFile; packed: PackedFile | undefined; rebuilt?: ParsedFile } {
  const direct = parseSource(fileOf(name, text));
  const packed = packParsed(parseSource(fileOf(name, text)));
  if (!packed) return { direct, packed };
  const transfer = packed.positions.map((p) => p.nodes.buffer as ArrayBuffer);
  const rebuilt = unpackParsed(fileOf(name, text), structuredClone(packed, { transfer }));
  return { direct, packed, rebuilt };
}

const CASES: Record<string, string> = {
  'multi.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: a # c\n  namespace: n\nspec:\n  ports:\n    - port: 80\n---\n# linkerd-lint-disable-next-line schema\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  k: "v"\n',
  'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - kind: ConfigMap\n    metadata:\n      name: one\n  - not an object\n  - kind: Secret\n    metadata:\n      name: two\n',
  'aliases.yaml': 'kind: ConfigMap\nmetadata:\n  name: x\n  labels: &l\n    a: b\n  annotations: *l\n',
  'directive.yaml': '%YAML 1.2\n---\nkind: ConfigMap\nmetadata:\n  name: d\n---\nkind: Secret\nmetadata:\n  name: e\n',
  'errors.yaml': 'kind: ConfigMap\nmetadata:\n  name: x\n  name: y\n---\nkind: [\n',
  'template.yaml': 'kind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n',
  'pod.json': '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}}\n',
};

function fixtureFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) fixtureFiles(path, out);
    else if (/\.(ya?ml|json)$/.test(entry) && !entry.endsWith('.config.yaml')) out.push(path);
  }
  return out;
}

describe('parsing in a worker thread', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`rebuilds what parsing here gives for ${name}`, () => {
      const { direct, packed, rebuilt } = throughThread(name, text);
      expect(packed).toBeDefined();
      expect(viewOf(rebuilt!)).toEqual(viewOf(direct));
    });
  }

  it('rebuilds what parsing here gives for every rule fixture', () => {
    const files = fixtureFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(500);
    let packed = 0;
    for (const path of files) {
      const name = path.slice(FIXTURES.length + 1);
      const result = throughThread(name, readFileSync(path, 'utf8'));
      if (!result.rebuilt) continue;
      packed++;
      expect(viewOf(result.rebuilt, false), name).toEqual(viewOf(result.direct, false));
    }
    expect(packed).toBeGreaterThan(files.length * 0.9);
  });

  it('leaves a file whose quotes were repaired to the main thread, whose line index it needs', () => {
    const text = "kind: ConfigMap\nmetadata:\n  name: repaired\n  labels:\n    note: 'a long note\n    continued here'\n";
    expect(parseSource(fileOf('r.yaml', text)).resources).toHaveLength(1);
    expect(throughThread('r.yaml', text).packed).toBeUndefined();
  });

  it('leaves a fix run, which keeps the syntax trees, to the main thread', () => {
    expect(packParsed(parseSource(fileOf('m.yaml', CASES['multi.yaml']!), { keepTrees: true }))).toBeUndefined();
  });
});

describe('a parsing thread that fails', () => {
  const files = Object.entries(CASES).map(([name, text]) => fileOf(name, text));
  const expected = files.map((f) => viewOf(parseSource(f)));

  it('loses nothing when it cannot start: its files are parsed in the main thread', async () => {
    const missing = pathToFileURL(join(tmpdir(), 'no-such-parse-worker.mjs'));
    expect((await parseInThreads(files, 2, missing)).map((p) => viewOf(p))).toEqual(expected);
  });

  it('loses nothing when it stops before sending its files back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkerd-lint-worker-'));
    writeFileSync(join(dir, 'quits.mjs'), 'process.exit(3);\n');
    expect((await parseInThreads(files, 3, pathToFileURL(join(dir, 'quits.mjs')))).map((p) => viewOf(p))).toEqual(expected);
  });
});

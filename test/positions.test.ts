// A lint run lets each document's syntax tree go once it is parsed and locates findings
// from the positions it read off the tree (src/load/positions.ts): those must give exactly
// the ranges the tree gives, for every path there is and for paths that are not there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource, parseWhole } from '../src/load/parse.js';
import type { JsonPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';
import { FIXTURES } from './helpers.js';

/** Every path in a value, and for each a path under it that is not there (a key, an index past the end). */
function pathsOf(value: unknown, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(at);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...at, i], out));
    out.push([...at, value.length], [...at, -1], [...at, 'name']);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
    out.push([...at, 'missing', 'deeper'], [...at, 0]);
  } else out.push([...at, 'under'], [...at, 0]);
  return out;
}

function span(r: Resource, path: JsonPath, target: 'value' | 'key'): string {
  const { range, exact } = r.locate(path, target);
  return `${range.start.line}:${range.start.column}-${range.end.line}:${range.end.column}${exact ? '' : ' (parent)'}`;
}

/** Where the compact positions and the kept tree disagree; also checks that the two reads found the same resources. */
function differences(text: string, name: string, whole = false): string[] {
  const file = () => new SourceFile(`/x/${name}`, name, text, name.endsWith('.json') ? 'json' : 'yaml');
  const read = whole ? parseWhole : parseSource;
  const compact = read(file());
  const tree = read(file(), { keepTrees: true });
  expect(compact.resources.map((r) => [r.docIndex, r.docPath])).toEqual(tree.resources.map((r) => [r.docIndex, r.docPath]));
  const out: string[] = [];
  compact.resources.forEach((r, i) => {
    const t = tree.resources[i]!;
    for (const path of pathsOf(r.value)) {
      for (const target of ['value', 'key'] as const) {
        const a = span(r, path, target);
        const b = span(t, path, target);
        if (a !== b) out.push(`${name}#${i} ${target} of ${JSON.stringify(path)}: ${a}, tree ${b}`);
      }
    }
  });
  return out;
}

const CASES: Record<string, string> = {
  'block.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: block   # trailing comment
  annotations:
    a: "quoted"
    b: 'single'
    empty:
    c: |
      literal
      text
data:
  list:
    - one
    - two: 2   # a comment after the first entry of an item
      three: [3, 4]
    -
    - - nested # and after a nested item
    - {flow: item}  # and after a flow item
`,
  'flow.yaml': `{apiVersion: v1, kind: Service, metadata: {name: flow, labels: {app: x}}, spec: {ports: [{port: 80, name: http}, {port: 81}], empty: {}, none: []}}
`,
  'multi.yaml': `# first
apiVersion: v1
kind: Namespace
metadata: {name: one}
---
---
apiVersion: v1
kind: Namespace
metadata:
  name: two
  labels:
    ? explicit
    : key
--- !!map
apiVersion: v1
kind: Secret
metadata: {name: three}
stringData:
  1: number key
  true: boolean key
  null: null key
`,
  'list.yaml': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: first
    spec: {ports: [{port: 80}]}
  - {apiVersion: v1, kind: Service, metadata: {name: second}}
  - not an object
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: third
    data:
      k: v
`,
  'aliases.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: &name aliased
  labels: &labels
    app: web
    tier: front
  annotations:
    copy: *name
    &key anchored-key: value
data:
  labels: *labels
  from-key: *key
  *name : by alias key
  nested:
    ports: &ports [{port: 80}, {port: 81}]
    again: *ports
`,
  'pod.json': `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "json", "annotations": {"linkerd.io/inject": "enabled"}},
  "spec": {
    "containers": [
      {"name": "app", "image": "x", "ports": [{"containerPort": 80}]},
      {"name": "empty", "args": []}
    ]
  }
}
`,
  'list.json': `{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}}]}
`,
  'crlf.yaml': 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\ndata:\r\n  k: v # c\r\n  m:\r\n    - x\r\n',
  'directive.yaml': `%YAML 1.2
---
apiVersion: v1
kind: ConfigMap
metadata: {name: directive}
data:
  k: v
`,
};

describe('compact positions', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`locate what the tree locates in ${name}`, () => {
      expect(parseSource(new SourceFile(`/x/${name}`, name, text, name.endsWith('.json') ? 'json' : 'yaml')).resources.length).toBeGreaterThan(0);
      expect(differences(text, name)).toEqual([]);
    });
  }

  it('locate what the tree locates when the file is read whole', () => {
    for (const [name, text] of Object.entries(CASES)) expect(differences(text, name, true)).toEqual([]);
  });

  it('locate what the tree locates in a text whose under-indented quotes are repaired', () => {
    const text = "kind: ConfigMap\nmetadata:\n  name: repaired\n  labels:\n    note: 'a long note\n    continued here'\n    after: x\n";
    expect(differences(text, 'repaired.yaml')).toEqual([]);
    expect(parseSource(new SourceFile('/x/r.yaml', 'r.yaml', text, 'yaml')).resources[0]!.syntax).toBeUndefined();
  });

  it('locate what the tree locates in fixtures of several shapes', () => {
    const files = [
      'annotation-placement/invalid/already-in-template.yaml',
      'deprecated-api-version/invalid/example.yaml',
      'no-server-authorization/invalid/json-file.json',
      'no-server-authorization/invalid/example.yaml',
    ];
    for (const f of files) expect(differences(readFileSync(join(FIXTURES, f), 'utf8'), f)).toEqual([]);
  });

  it('give a fix the tree, read again, with the ranges of the first read', () => {
    const text = CASES['multi.yaml']!;
    const file = new SourceFile('/x/multi.yaml', 'multi.yaml', text, 'yaml');
    const compact = parseSource(file).resources;
    const tree = parseSource(new SourceFile('/x/multi.yaml', 'multi.yaml', text, 'yaml'), { keepTrees: true }).resources;
    expect(compact.map((r) => r.syntax?.root.range)).toEqual(tree.map((r) => r.syntax?.root.range));
    expect(compact.map((r) => r.syntax?.doc.range)).toEqual(tree.map((r) => r.syntax?.doc.range));
  });
});

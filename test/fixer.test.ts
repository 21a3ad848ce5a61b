import { describe, expect, it } from 'vitest';
import type { TextEdit } from '../src/engine/rule.js';
import { applyEdits, applyFixes } from '../src/fix/edits.js';
import { YamlFixer } from '../src/fix/fixer.js';
import { parseSource } from '../src/load/parse.js';
import type { JsonPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';

const fixer = new YamlFixer();

function resources(text: string, name = 'f.yaml'): Resource[] {
  const parsed = parseSource(new SourceFile(`/${name}`, name, text, name.endsWith('.json') ? 'json' : 'yaml'));
  expect(parsed.problems).toEqual([]);
  return parsed.resources;
}

/** Applies `op` to the `index`th resource and returns the new text, which must parse cleanly. */
function edit(text: string, op: (r: Resource) => TextEdit[], opts: { index?: number; name?: string } = {}): string {
  const r = resources(text, opts.name)[opts.index ?? 0]!;
  const out = applyEdits(text, op(r));
  const reparsed = parseSource(new SourceFile('/g', 'g', out, opts.name?.endsWith('.json') ? 'json' : 'yaml'));
  expect(reparsed.problems, `result does not parse:\n${out}`).toEqual([]);
  return out;
}

const ann = (key: string): JsonPath => ['metadata', 'annotations', key];

describe('setScalar', () => {
  const ns = (value: string) => `kind: Namespace\nmetadata:\n  name: kube-system\n  annotations:\n    linkerd.io/inject: ${value} # keep me\n`;

  it('keeps plain, single- and double-quoted styles and the comment after the value', () => {
    expect(edit(ns('enabled'), (r) => fixer.setScalar(r, ann('linkerd.io/inject'), 'disabled'))).toBe(ns('disabled'));
    expect(edit(ns("'enabled'"), (r) => fixer.setScalar(r, ann('linkerd.io/inject'), 'disabled'))).toBe(ns("'disabled'"));
    expect(edit(ns('"enabled"'), (r) => fixer.setScalar(r, ann('linkerd.io/inject'), 'disabled'))).toBe(ns('"disabled"'));
  });

  it('quotes a plain value that would otherwise change type', () => {
    expect(edit(ns('enabled'), (r) => fixer.setScalar(r, ann('linkerd.io/inject'), 'true'))).toBe(ns('"true"'));
    expect(edit(ns('enabled'), (r) => fixer.setScalar(r, ann('linkerd.io/inject'), 'a: b'))).toBe(ns('"a: b"'));
  });

  it('writes numbers and booleans as plain scalars', () => {
    const text = 'kind: A\nspec:\n  ratio: 0.9\n';
    expect(edit(text, (r) => fixer.setScalar(r, ['spec', 'ratio'], 0.2))).toBe('kind: A\nspec:\n  ratio: 0.2\n');
  });

  it('writes JSON strings in JSON syntax', () => {
    const text = '{"kind": "Namespace", "metadata": {"name": "x", "annotations": {"linkerd.io/inject": "enabled"}}}\n';
    expect(edit(text, (r) => fixer.setScalar(r, ann('linkerd.io/inject'), 'disabled'), { name: 'a.json' })).toBe(
      text.replace('"enabled"', '"disabled"'),
    );
  });

  it('quotes in flow mappings what a flow mapping cannot hold plain', () => {
    const text = 'kind: A\nmetadata: {annotations: {a: x}}\n';
    expect(edit(text, (r) => fixer.setScalar(r, ann('a'), 'p,q'))).toBe('kind: A\nmetadata: {annotations: {a: "p,q"}}\n');
  });

  it('returns no edit for a missing path or a value already set', () => {
    const r = resources(ns('disabled'))[0]!;
    expect(fixer.setScalar(r, ann('nope'), 'x')).toEqual([]);
    expect(fixer.setScalar(r, ann('linkerd.io/inject'), 'disabled')).toEqual([]);
  });
});

describe('renameKey', () => {
  it('renames keeping the quote style', () => {
    const text = 'kind: Pod\nmetadata:\n  annotations:\n    "config.linkerd.io/proxy-cpu-limt": "1"\n    b: c\n';
    expect(edit(text, (r) => fixer.renameKey(r, ann('config.linkerd.io/proxy-cpu-limt'), 'config.linkerd.io/proxy-cpu-limit'))).toBe(
      text.replace('proxy-cpu-limt', 'proxy-cpu-limit'),
    );
  });

  it('refuses to create a duplicate key', () => {
    const r = resources('kind: A\nmetadata:\n  annotations:\n    a: 1\n    b: 2\n')[0]!;
    expect(fixer.renameKey(r, ann('a'), 'b')).toEqual([]);
  });
});

describe('insertKey', () => {
  it('appends to a block mapping at its indentation, after comments on the last line', () => {
    const text = 'kind: Service\nmetadata:\n    name: web\n    annotations:\n        a: "1" # one\nspec: {}\n';
    expect(edit(text, (r) => fixer.insertKey(r, ['metadata', 'annotations'], 'timeout.linkerd.io/request', '10s'))).toBe(
      'kind: Service\nmetadata:\n    name: web\n    annotations:\n        a: "1" # one\n        timeout.linkerd.io/request: 10s\nspec: {}\n',
    );
  });

  it('creates missing mappings with the indentation step of the file', () => {
    const text = 'kind: Deployment\nspec:\n    template:\n        spec:\n            containers: []\n';
    expect(edit(text, (r) => fixer.insertKey(r, ['spec', 'template', 'metadata', 'annotations'], 'linkerd.io/inject', 'disabled'))).toBe(
      'kind: Deployment\nspec:\n    template:\n        spec:\n            containers: []\n        metadata:\n            annotations:\n                linkerd.io/inject: disabled\n',
    );
  });

  it('fills a key that has no value', () => {
    const text = 'kind: Pod\nmetadata:\n  annotations:\n  name: web\n';
    expect(edit(text, (r) => fixer.insertKey(r, ['metadata', 'annotations'], 'a', 'b'))).toBe(
      'kind: Pod\nmetadata:\n  annotations:\n    a: b\n  name: web\n',
    );
    const withNull = 'kind: Pod\nmetadata:\n  annotations: null\n  name: web\n';
    expect(edit(withNull, (r) => fixer.insertKey(r, ['metadata', 'annotations'], 'a', 'b'))).toBe(
      'kind: Pod\nmetadata:\n  annotations:\n    a: b\n  name: web\n',
    );
  });

  it('adds to one-line and multi-line flow mappings and to empty ones', () => {
    expect(edit('kind: A\nmetadata: {annotations: {a: b}}\n', (r) => fixer.insertKey(r, ['metadata', 'annotations'], 'c', 'd'))).toBe(
      'kind: A\nmetadata: {annotations: {a: b, c: d}}\n',
    );
    expect(edit('kind: A\nmetadata: {annotations: {}}\n', (r) => fixer.insertKey(r, ['metadata', 'annotations'], 'c', 'd'))).toBe(
      'kind: A\nmetadata: {annotations: { c: d }}\n',
    );
    const json = '{\n  "kind": "A",\n  "metadata": {\n    "name": "x"\n  }\n}\n';
    expect(edit(json, (r) => fixer.insertKey(r, ['metadata', 'annotations'], 'a', 'true'), { name: 'a.json' })).toBe(
      '{\n  "kind": "A",\n  "metadata": {\n    "name": "x",\n    "annotations": {"a": "true"}\n  }\n}\n',
    );
  });

  it('keeps CRLF line endings and a file without a final newline', () => {
    const text = 'kind: A\r\nmetadata:\r\n  name: x\r\n';
    expect(edit(text, (r) => fixer.insertKey(r, ['metadata'], 'namespace', 'y'))).toBe('kind: A\r\nmetadata:\r\n  name: x\r\n  namespace: y\r\n');
    expect(edit('kind: A\nmetadata:\n  name: x', (r) => fixer.insertKey(r, ['metadata'], 'namespace', 'y'))).toBe(
      'kind: A\nmetadata:\n  name: x\n  namespace: y',
    );
  });

  it('inserts in the right document of a multi-document file', () => {
    const text = 'kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n---\nkind: C\n';
    expect(edit(text, (r) => fixer.insertKey(r, ['metadata'], 'namespace', 'n'), { index: 1 })).toBe(
      'kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n  namespace: n\n---\nkind: C\n',
    );
  });
});

describe('removeKey', () => {
  it('removes the entry with the comment lines above it', () => {
    const text = 'kind: A\nmetadata:\n  annotations:\n    a: "1"\n    # why b\n    # more\n    b: "2"\n    c: "3"\n';
    expect(edit(text, (r) => fixer.removeKey(r, ann('b')))).toBe('kind: A\nmetadata:\n  annotations:\n    a: "1"\n    c: "3"\n');
  });

  it('leaves {} when the last entry goes, so the field keeps its type, with the comment on its key', () => {
    const text = 'kind: A\nspec:\n  selector: # all of them\n    a: "1" # gone with a\n  name: x\n';
    expect(edit(text, (r) => fixer.removeKey(r, ['spec', 'selector', 'a']))).toBe('kind: A\nspec:\n  selector: {} # all of them\n  name: x\n');
    const seq = 'kind: A\nspec:\n  items:\n    - a\n  name: x\n';
    expect(edit(seq, (r) => fixer.removeKey(r, ['spec', 'items', 0]))).toBe('kind: A\nspec:\n  items: []\n  name: x\n');
  });

  it('removes emptied annotations, labels and metadata with their keys, never the resource root', () => {
    const text = 'kind: A\nmetadata:\n  annotations:\n    a: "1"\n  name: x\n';
    expect(edit(text, (r) => fixer.removeKey(r, ann('a')))).toBe('kind: A\nmetadata:\n  name: x\n');
    const nested = 'kind: A\nspec:\n  template:\n    metadata:\n      labels:\n        a: b\n    spec: {}\n';
    expect(edit(nested, (r) => fixer.removeKey(r, ['spec', 'template', 'metadata', 'labels', 'a']))).toBe('kind: A\nspec:\n  template:\n    spec: {}\n');
    expect(edit('kind: A\nmetadata:\n  annotations:\n    a: b\n', (r) => fixer.removeKey(r, ann('a')))).toBe('kind: A\n');
    const flow = 'kind: A\nmetadata: {name: x, annotations: {a: b}}\n';
    expect(edit(flow, (r) => fixer.removeKey(r, ann('a')))).toBe('kind: A\nmetadata: {name: x}\n');
  });

  it('leaves no line of white space in JSON', () => {
    const json = '{\n  "kind": "A",\n  "spec": {\n    "selector": {\n      "a": "1"\n    }\n  },\n  "metadata": {\n    "annotations": {\n      "a": "1"\n    },\n    "name": "x"\n  }\n}\n';
    expect(edit(json, (r) => fixer.removeKey(r, ['spec', 'selector', 'a']), { name: 'a.json' })).toBe(
      json.replace('{\n      "a": "1"\n    }\n  },', '{}\n  },'),
    );
    expect(edit(json, (r) => fixer.removeKey(r, ann('a')), { name: 'a.json' })).toBe(json.replace('"annotations": {\n      "a": "1"\n    },\n    ', ''));
  });

  it('removes from flow mappings with the right comma', () => {
    const text = 'kind: A\nmetadata: {annotations: {a: 1, b: 2, c: 3}}\n';
    expect(edit(text, (r) => fixer.removeKey(r, ann('a')))).toBe('kind: A\nmetadata: {annotations: {b: 2, c: 3}}\n');
    expect(edit(text, (r) => fixer.removeKey(r, ann('c')))).toBe('kind: A\nmetadata: {annotations: {a: 1, b: 2}}\n');
  });

  it('removes the first key of a sequence item without losing the dash', () => {
    const text = 'kind: A\nspec:\n  routes:\n    - isRetryable: true\n      name: r\n';
    expect(edit(text, (r) => fixer.removeKey(r, ['spec', 'routes', 0, 'isRetryable']))).toBe('kind: A\nspec:\n  routes:\n    - name: r\n');
  });
});

describe('removeKeys', () => {
  it('empties a mapping once when the fix removes every entry of it', () => {
    const text = 'kind: A\nmetadata:\n  name: x\n  annotations:\n    a: "1"\n    # why b\n    b: "2"\nspec:\n  selector:\n    a: "1"\n    b: "2"\n';
    expect(edit(text, (r) => fixer.removeKeys(r, [ann('a'), ann('b')]))).toBe('kind: A\nmetadata:\n  name: x\nspec:\n  selector:\n    a: "1"\n    b: "2"\n');
    expect(edit(text, (r) => fixer.removeKeys(r, [['spec', 'selector', 'a'], ['spec', 'selector', 'b']]))).toBe(
      'kind: A\nmetadata:\n  name: x\n  annotations:\n    a: "1"\n    # why b\n    b: "2"\nspec:\n  selector: {}\n',
    );
    expect(edit(text, (r) => fixer.removeKeys(r, [ann('b')]))).toBe('kind: A\nmetadata:\n  name: x\n  annotations:\n    a: "1"\nspec:\n  selector:\n    a: "1"\n    b: "2"\n');
    const flow = 'kind: A\nspec: {selector: {a: 1, b: 2}, x: 1}\n';
    expect(edit(flow, (r) => fixer.removeKeys(r, [['spec', 'selector', 'a'], ['spec', 'selector', 'b']]))).toBe('kind: A\nspec: {selector: {}, x: 1}\n');
  });
});

describe('moveKey', () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    # inject the proxy
    linkerd.io/inject: "enabled"
    owner: team-a
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers: []
`;

  it('moves an entry with its comment and quoting into a mapping it creates', () => {
    expect(edit(deployment, (r) => fixer.moveKey(r, ann('linkerd.io/inject'), ['spec', 'template', 'metadata', 'annotations']))).toBe(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    owner: team-a
spec:
  template:
    metadata:
      labels:
        app: web
      annotations:
        # inject the proxy
        linkerd.io/inject: "enabled"
    spec:
      containers: []
`);
  });

  it('moves the comment at the end of the line with the entry', () => {
    const text = deployment.replace('    # inject the proxy\n    linkerd.io/inject: "enabled"\n', "    linkerd.io/inject: 'enabled' # trailing\n");
    expect(edit(text, (r) => fixer.moveKey(r, ann('linkerd.io/inject'), ['spec', 'template', 'metadata', 'annotations']))).toBe(
      text
        .replace("    linkerd.io/inject: 'enabled' # trailing\n", '')
        .replace('        app: web\n', "        app: web\n      annotations:\n        linkerd.io/inject: 'enabled' # trailing\n"),
    );
  });

  it('removes the annotations and metadata it empties, but not the mapping it moves into', () => {
    const text = 'kind: A\nspec:\n  template:\n    metadata:\n      annotations:\n        a: b # why\n    spec: {}\n';
    expect(edit(text, (r) => fixer.moveKey(r, ['spec', 'template', 'metadata', 'annotations', 'a'], ['metadata', 'annotations']))).toBe(
      'kind: A\nspec:\n  template:\n    spec: {}\nmetadata:\n  annotations:\n    a: b # why\n',
    );
    const intoSibling = 'kind: A\nmetadata:\n  annotations:\n    a: b\n';
    expect(edit(intoSibling, (r) => fixer.moveKey(r, ann('a'), ['metadata', 'labels']))).toBe('kind: A\nmetadata:\n  labels:\n    a: b\n');
  });

  it('only removes when the target already says the same, and refuses when it disagrees', () => {
    const same = deployment.replace('        app: web\n', '        app: web\n      annotations:\n        linkerd.io/inject: enabled\n');
    expect(edit(same, (r) => fixer.moveKey(r, ann('linkerd.io/inject'), ['spec', 'template', 'metadata', 'annotations']))).toBe(
      same.replace('    # inject the proxy\n    linkerd.io/inject: "enabled"\n', ''),
    );
    const other = same.replace('linkerd.io/inject: enabled', 'linkerd.io/inject: disabled');
    expect(fixer.moveKey(resources(other)[0]!, ann('linkerd.io/inject'), ['spec', 'template', 'metadata', 'annotations'])).toEqual([]);
  });
});

describe('documents', () => {
  it('replaces a resource and inserts a document after it', () => {
    const text = '# header\nkind: A\nmetadata:\n  name: a # old\n---\nkind: B\n';
    expect(edit(text, (r) => fixer.replaceResource(r, 'kind: C\nmetadata:\n  name: c\n'))).toBe(
      '# header\nkind: C\nmetadata:\n  name: c\n---\nkind: B\n',
    );
    expect(edit(text, (r) => fixer.insertDocumentAfter(r, 'kind: N\n'))).toBe('# header\nkind: A\nmetadata:\n  name: a # old\n---\nkind: N\n---\nkind: B\n');
    expect(edit('kind: A', (r) => fixer.insertDocumentAfter(r, 'kind: N\n'))).toBe('kind: A\n---\nkind: N\n');
  });
});

describe('applyFixes', () => {
  it('applies non-overlapping fixes whole and defers the ones that overlap', () => {
    const fixes = [
      { kind: 'safe' as const, edits: [{ range: [0, 3] as const, text: 'AAA' }] },
      { kind: 'safe' as const, edits: [{ range: [2, 5] as const, text: 'B' }, { range: [8, 9] as const, text: 'C' }] },
      { kind: 'safe' as const, edits: [{ range: [6, 6] as const, text: '+' }] },
    ];
    const r = applyFixes('0123456789', fixes);
    expect(r.text).toBe('AAA345+6789');
    expect(r.deferred).toEqual([fixes[1]]);
  });

  it('defers a second insertion at the same offset: it was computed without the first', () => {
    const fixes = [
      { kind: 'safe' as const, edits: [{ range: [2, 2] as const, text: 'x' }] },
      { kind: 'safe' as const, edits: [{ range: [2, 2] as const, text: 'y' }] },
      { kind: 'safe' as const, edits: [{ range: [3, 3] as const, text: 'z' }] },
    ];
    const r = applyFixes('0123', fixes);
    expect(r.text).toBe('01x2z3');
    expect(r.deferred).toEqual([fixes[1]]);
  });

  it('defers an insertion at either edge of a replaced span', () => {
    const replace = { kind: 'safe' as const, edits: [{ range: [2, 6] as const, text: 'R' }] };
    const atEnd = { kind: 'safe' as const, edits: [{ range: [6, 6] as const, text: 'e' }] };
    const atStart = { kind: 'safe' as const, edits: [{ range: [2, 2] as const, text: 's' }] };
    expect(applyFixes('0123456789', [replace, atEnd])).toMatchObject({ text: '01R6789', deferred: [atEnd] });
    expect(applyFixes('0123456789', [atStart, replace])).toMatchObject({ text: '01s23456789', deferred: [replace] });
    const adjacent = { kind: 'safe' as const, edits: [{ range: [6, 8] as const, text: 'A' }] };
    expect(applyFixes('0123456789', [replace, adjacent])).toMatchObject({ text: '01RA89', deferred: [] });
  });
});

describe('replaceDocument', () => {
  const split = [
    '# before the document',
    'apiVersion: split.smi-spec.io/v1alpha2',
    'kind: TrafficSplit',
    'metadata:',
    '  name: web # the apex',
    'spec:',
    '  # the canary takes a tenth',
    '  service: web',
    '  backends:',
    "    - {service: web-v2, weight: 100} # '#' in a flow mapping",
    '    - service: "web#1"',
    '      weight: 900',
    '---',
    'kind: Other',
    '',
  ].join('\n');
  const route = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', annotations: {} },
    spec: { parentRefs: [{ name: 'web', kind: 'Service', group: 'core', port: 80 }], rules: [{ backendRefs: [{ name: 'web-v2', port: 80, weight: 1 }] }] },
  };

  it('writes block YAML, lifts the inner comments above it and keeps the rest byte for byte', () => {
    const out = edit(split, (r) => fixer.replaceDocument(r, [route, { apiVersion: 'v1', kind: 'List', items: [] }]));
    expect(out).toBe(
      [
        '# before the document',
        '# the apex',
        '# the canary takes a tenth',
        "# '#' in a flow mapping",
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata:',
        '  name: web',
        '  annotations: {}',
        'spec:',
        '  parentRefs:',
        '    - name: web',
        '      kind: Service',
        '      group: core',
        '      port: 80',
        '  rules:',
        '    - backendRefs:',
        '        - name: web-v2',
        '          port: 80',
        '          weight: 1',
        '---',
        'apiVersion: v1',
        'kind: List',
        'items: []',
        '---',
        'kind: Other',
        '',
      ].join('\n'),
    );
  });

  it('keeps CRLF line endings', () => {
    const crlf = split.replace(/\n/g, '\r\n');
    const out = edit(crlf, (r) => fixer.replaceDocument(r, [route]));
    expect(out.split('\r\n').length).toBe(out.split('\n').length);
    expect(out.endsWith('---\r\nkind: Other\r\n')).toBe(true);
  });

  it('writes JSON for a JSON file, and nothing when a JSON file would need two documents', () => {
    const json = '{"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": {"name": "web"}}\n';
    expect(edit(json, (r) => fixer.replaceDocument(r, [{ kind: 'A', metadata: { name: 'a' } }]), { name: 'a.json' })).toBe(
      '{\n  "kind": "A",\n  "metadata": {\n    "name": "a"\n  }\n}\n',
    );
    expect(fixer.replaceDocument(resources(json, 'a.json')[0]!, [{ kind: 'A' }, { kind: 'B' }])).toEqual([]);
  });

  it('does not replace an item of a List', () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: a}\n';
    expect(fixer.replaceDocument(resources(list)[0]!, [{ kind: 'A' }])).toEqual([]);
  });

  it('adds manifests after a document, before the next one', () => {
    const out = edit(split, (r) => fixer.insertManifestsAfter(r, [{ apiVersion: 'v1', kind: 'A', metadata: { name: 'a' } }, { kind: 'B' }]));
    expect(out).toBe(split.replace('---\nkind: Other', '---\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\nkind: B\n---\nkind: Other'));
  });
});

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { discover } from '../src/load/discover.js';
import { parseSource } from '../src/load/parse.js';
import { MAX_FILE_BYTES, readSource } from '../src/load/read.js';
import type { JsonPath } from '../src/model/path.js';
import { LineIndex, type Range } from '../src/model/range.js';
import { SourceFile } from '../src/model/source.js';
import { tree } from './cli-helpers.js';

function parse(text: string, name = 'f.yaml') {
  return parseSource(new SourceFile(`/${name}`, name, text, name.endsWith('.json') ? 'json' : 'yaml'));
}

const span = (r: Range) => `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;

describe('locate', () => {
  const text = `apiVersion: apps/v1
kind: Deployment   # the kind line
metadata:
  name: web
  annotations: {"a.b/c": "x", d: 1}
spec:
  template:
    spec:
      containers:
        - name: web
          ports:
            - containerPort: 8080
        - image: busybox
`;
  const [r] = parse(text).resources;
  const at = (path: JsonPath, target?: 'key' | 'value') => {
    const l = r!.locate(path, target);
    return `${span(l.range)}${l.exact ? '' : ' (parent)'}`;
  };

  it('points at scalar values, and at keys with target key', () => {
    expect(at(['metadata', 'name'])).toBe('4:9-4:12');
    expect(at(['metadata', 'name'], 'key')).toBe('4:3-4:7');
    expect(at(['metadata', 'annotations', 'a.b/c'])).toBe('5:26-5:29');
    expect(at(['metadata', 'annotations', 'a.b/c'], 'key')).toBe('5:17-5:24');
  });

  it('points at the key of a collection value and at the first line of a sequence item', () => {
    expect(at(['spec', 'template'])).toBe('7:3-7:11');
    expect(at(['spec', 'template', 'spec', 'containers', 0])).toBe('10:11-10:20');
    expect(at(['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'])).toBe('12:30-12:34');
  });

  it('falls back to the nearest existing parent for a missing key', () => {
    expect(at(['spec', 'template', 'metadata', 'annotations'])).toBe('7:3-7:11 (parent)');
    expect(at(['spec', 'template', 'spec', 'containers', 5])).toBe('9:7-9:17 (parent)');
  });

  it('points at the kind line for the whole resource or a missing top-level key', () => {
    expect(span(r!.headRange)).toBe('2:1-2:17');
    expect(at([])).toBe('2:1-2:17');
    expect(at(['status'])).toBe('2:1-2:17 (parent)');
  });
});

describe('parseSource', () => {
  it('leaves a JSON file with comments that names no apiVersion or kind alone (tsconfig.json), but not a broken manifest', () => {
    const tsconfig = '// generated\n{\n  "compilerOptions": {},\n  "include": ["**/*.ts"], // sources\n}\n';
    expect(parse(tsconfig, 'tsconfig.json').problems).toEqual([]);
    // The same text as YAML, or a JSON manifest with the same mistakes, is still reported.
    expect(parse(tsconfig, 'tsconfig.yaml').problems.length).toBeGreaterThan(0);
    expect(parse('// note\n{"kind": "Namespace", "metadata": {"name": "x"}}\n', 'ns.json').problems.length).toBeGreaterThan(0);
  });

  it('unwraps List items with their own paths and positions', () => {
    const { resources } = parse('apiVersion: v1\nkind: List\nitems:\n  - kind: Service\n    metadata: {name: a, namespace: n}\n');
    expect(resources.map((r) => [r.kind, r.name, r.namespace, r.docPath, span(r.headRange)])).toEqual([
      ['Service', 'a', 'n', ['items', 0], '4:5-4:18'],
    ]);
  });

  it('splits apiVersion into group and version', () => {
    const { resources } = parse('apiVersion: policy.linkerd.io/v1beta3\nkind: Server\n---\napiVersion: v1\nkind: Service\n');
    expect(resources.map((r) => [r.group, r.version])).toEqual([
      ['policy.linkerd.io', 'v1beta3'],
      ['', 'v1'],
    ]);
  });

  it('skips documents that are not objects with a kind', () => {
    expect(parse('---\n- a\n- b\n---\njust text\n---\nreplicas: 3\n---\n').resources).toEqual([]);
  });

  it('reads JSON with tabs and reports JSON errors at their position', () => {
    expect(parse('{\n\t"kind": "Namespace",\n\t"metadata": {"name": "x"}\n}\n', 'a.json').resources[0]!.name).toBe('x');
    const broken = parse('{"kind": "Namespace",\n "metadata": {"name": "x"\n}\n', 'b.json');
    expect(broken.problems.map((p) => `${span(p.range)} ${p.message}`)).toEqual(['3:1-3:2 Flow map must end with a }']);
  });

  it('accepts quoted strings continued at their key indentation, as Kubernetes does, keeping line numbers', () => {
    const text = `kind: Namespace
metadata:
  name: kube-system
  labels:
    note: 'a long note
    continued here'
  annotations:
    linkerd.io/inject: enabled
`;
    const parsed = parse(text);
    expect(parsed.problems).toEqual([]);
    const r = parsed.resources[0]!;
    expect(r.value).toEqual({
      kind: 'Namespace',
      metadata: { name: 'kube-system', labels: { note: 'a long note continued here' }, annotations: { 'linkerd.io/inject': 'enabled' } },
    });
    expect(span(r.locate(['metadata', 'annotations', 'linkerd.io/inject']).range)).toBe('8:24-8:31');
    expect(r.syntax).toBeUndefined();
  });

  it('still reports a quote that never closes', () => {
    expect(parse("kind: A\nnote: 'never closed\n").problems.map((p) => p.code)).toContain('MISSING_CHAR');
  });
});

describe('templates', () => {
  const template = (text: string) => parse(text).template?.directive;

  it('finds Helm directives outside strings and ignores Go templates used as data', () => {
    expect(template('kind: A\nmetadata:\n  name: {{ .Release.Name }}\n')).toBe('{{ .Release.Name }}');
    expect(template('{{/* a comment */}}\nkind: A\n')).toBe('{{/* a comment */}}');
    expect(template('kind: A\nx: "{{ .Values.a }}"\ny: |\n  {{ range . }}\n')).toBeUndefined();
    expect(template('kind: A\nmsg: value is {{ $value }}\n')).toBeUndefined();
    expect(template('# {{ .Values.a }}\nkind: A\n')).toBeUndefined();
  });

  it('treats any directive in a file that does not parse as a template', () => {
    expect(template('kind: A\nspec:\n{{ toYaml .spec | indent 2 }}\n')).toBe('{{ toYaml .spec | indent 2 }}');
  });
});

describe('discover', () => {
  const files = {
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.gitignore': 'rendered/\n*.gen.yaml\n',
    'rendered/a.yaml': '',
    'rendered/b.gen.yaml': '',
    'vendor/c.yaml': '',
    'vendor/d.json': '',
    'apps/e.yaml': '',
    'apps/f.skip.yaml': '',
  };
  const run = (dir: string, args: string[], errorOnUnmatchedPattern = true) =>
    discover(args, { cwd: dir, ignoredBy: (path) => resolveConfig({ ignore: ['vendor/**', '**/*.skip.yaml'] }, builtinRules, dir).ignoredBy(path), errorOnUnmatchedPattern }).then((d) => ({
      files: d.files.map((f) => f.slice(dir.length + 1)),
      ignored: d.ignored.map((i) => ({ ...i, path: i.path.slice(dir.length + 1) })),
    }));

  it('lints named files and directories that .gitignore excludes, leaving out what .gitignore excludes inside them', async () => {
    const dir = tree(files);
    expect(await run(dir, ['rendered', 'rendered/b.gen.yaml'])).toEqual({ files: ['rendered/a.yaml', 'rendered/b.gen.yaml'], ignored: [] });
  });

  it('returns named files the config ignores, and named directories whose every manifest it ignores, with the globs that matched', async () => {
    const dir = tree(files);
    expect(await run(dir, ['apps/f.skip.yaml', 'vendor/c.yaml', 'vendor', 'apps'])).toEqual({
      files: ['apps/e.yaml'],
      ignored: [
        { path: 'apps/f.skip.yaml', kind: 'file', globs: ['**/*.skip.yaml'] },
        { path: 'vendor', kind: 'directory', globs: ['vendor/**'] },
        { path: 'vendor/c.yaml', kind: 'file', globs: ['vendor/**'] },
      ],
    });
  });

  it('leaves out files a glob matches that .gitignore or the config ignores, as discovered files', async () => {
    const dir = tree(files);
    expect(await run(dir, ['apps/*.yaml', '**/*.gen.yaml'], false)).toEqual({ files: ['apps/e.yaml'], ignored: [] });
    await expect(run(dir, ['vendor/*'])).rejects.toThrow('every file matching the pattern "vendor/*" is ignored by the config\'s "ignore" globs');
    await expect(run(dir, ['rendered/*.yaml'])).rejects.toThrow('no files match the pattern "rendered/*.yaml" (files that .gitignore excludes do not count)');
  });

  it('a named directory with no manifest left once .gitignore is applied is an error', async () => {
    const dir = tree({ ...files, 'rendered/.gitignore': '*.yaml\n' });
    await expect(run(dir, ['rendered'])).rejects.toThrow(
      'no manifests to lint in "rendered" (no *.yaml, *.yml, *.json or TypeScript file that .gitignore does not exclude)',
    );
    expect(await run(dir, ['rendered'], false)).toEqual({ files: [], ignored: [] });
  });
});

describe('deep nesting', () => {
  const problems = (text: string, name = 'f.yaml') => parse(text, name).problems.map((p) => `${span(p.range)} ${p.code} ${p.message}`);
  const tooDeep = 'too-deep document is nested more than 256 levels deep; not linted';
  const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
  const blockMaps = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:\n`).join('');

  it('reports a flow sequence nested 20,000 deep at its 257th level and reads the other documents', () => {
    const parsed = parse(`${namespace('before')}---\na: ${'['.repeat(20000)}${']'.repeat(20000)}\n---\n${namespace('after')}`);
    expect(parsed.problems.map((p) => `${span(p.range)} ${p.code} ${p.message}`)).toEqual([`5:259-5:260 ${tooDeep}`]);
    expect(parsed.resources.map((r) => [r.name, r.docIndex, r.syntax !== undefined])).toEqual([
      ['before', 0, true],
      ['after', 2, true],
    ]);
  });

  it('reports 5,000 nested block mappings, and 2,000 that end in a dedent, before the parser recurses', () => {
    expect(problems(`${blockMaps(5000)}${' '.repeat(5000)}v: 1\n`)).toEqual([`257:257-257:258 ${tooDeep}`]);
    const dedent = parse(`${blockMaps(2000)}${' '.repeat(2000)}v: 1\nz: 2\n---\n${namespace('after')}`);
    expect(dedent.problems.map((p) => `${span(p.range)} ${p.code} ${p.message}`)).toEqual([`257:257-257:258 ${tooDeep}`]);
    expect(dedent.resources.map((r) => r.name)).toEqual(['after']);
  });

  it('reports deep JSON arrays and objects', () => {
    expect(problems(`${'['.repeat(10000)}${']'.repeat(10000)}`, 'a.json')).toEqual([`1:257-1:258 ${tooDeep}`]);
    expect(problems(`${'{"a":'.repeat(300)}1${'}'.repeat(300)}`, 'b.json')).toEqual([`1:1281-1:1282 ${tooDeep}`]);
  });

  it('reads a document nested exactly 256 levels deep', () => {
    const parsed = parse(`${namespace('deep')}spec:\n  ${'- '.repeat(255)}x\n`);
    expect(parsed.problems).toEqual([]);
    let value: unknown = parsed.resources[0]!.value.spec;
    let depth = 1;
    while (Array.isArray(value)) [value, depth] = [value[0], depth + 1];
    expect([value, depth]).toEqual(['x', 256]);
  });

  it('finds the end of a deep document past scalars that look like document markers', () => {
    const text = `a: ${'['.repeat(300)}x, ---, '--- y', plain ---${']'.repeat(300)}\n---\n${namespace('after')}`;
    expect(problems(text)).toEqual([`1:259-1:260 ${tooDeep}`]);
    expect(parse(text).resources.map((r) => r.name)).toEqual(['after']);
  });

  it('reports aliases that nest the value past the limit or inside themselves', () => {
    const chain = Array.from({ length: 3 }, (_, i) => `a${i}: &a${i} ${'['.repeat(200)}${i ? `*a${i - 1}` : ''}${']'.repeat(200)}\n`).join('');
    expect(problems(chain)).toEqual(['2:209-2:212 too-deep alias "*a0" nests the document more than 256 levels deep; not linted']);
    expect(problems('kind: ConfigMap\ndata: &d {x: [*d]}\n')).toEqual([
      '2:15-2:17 alias-cycle alias "*d" is inside the node it refers to, so that node would contain itself; not linted',
    ]);
    expect(problems('kind: ConfigMap\nbase: &b {a: 1}\ndata: {x: *b, y: [*b]}\n')).toEqual([]);
  });
});

describe('readSource', () => {
  it('refuses a FIFO without blocking, and a file over the limit with a finding', () => {
    const dir = tree({ 'big.yaml': '' });
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const pipe = readSource(fifo, 'pipe.yaml');
    expect(pipe.ok).toBe(false);
    if (!pipe.ok) expect(pipe.failed.problems.map((p) => [p.code, p.message])).toEqual([['unreadable', 'not a regular file (a FIFO, socket or device); skipped']]);
    writeFileSync(join(dir, 'big.yaml'), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    const big = readSource(join(dir, 'big.yaml'), 'big.yaml');
    expect(!big.ok && big.failed.problems[0]?.code).toBe('too-large');
  });

  it('reads a 20 MiB file, which the limit of 32 MiB allows', () => {
    const dir = tree({});
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n';
    writeFileSync(join(dir, 'large.yaml'), doc.repeat(Math.ceil((20 * 1024 * 1024) / doc.length)));
    const read = readSource(join(dir, 'large.yaml'), 'large.yaml');
    expect(read.ok && read.file.text.length).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('reads a file whole, BOM removed', () => {
    const dir = tree({ 'a.yaml': '\uFEFFkind: A\n' });
    const read = readSource(join(dir, 'a.yaml'), 'a.yaml');
    expect(read.ok && [read.file.text, read.file.bom]).toEqual(['kind: A\n', true]);
  });
});

describe('LineIndex', () => {
  it('never places a position between the \\r and \\n of a line break', () => {
    const lines = new LineIndex('a: "x\r\nb: 1\n');
    expect(lines.position(6)).toEqual({ line: 1, column: 6, offset: 5 });
    expect(lines.position(5)).toEqual({ line: 1, column: 6, offset: 5 });
    expect(lines.position(7)).toEqual({ line: 2, column: 1, offset: 7 });
  });

  it('keeps an unclosed quote before a CRLF inside its line', () => {
    const parsed = parse('kind: A\nspec:\n  port: "4143\r\n  x: 1\n');
    for (const p of parsed.problems) expect(p.range.end.column).toBeLessThanOrEqual('  port: "4143'.length + 1);
    expect(parsed.problems.length).toBeGreaterThan(0);
  });
});

describe('lenient quote repair', () => {
  it('reports positions in the original text, not in the re-indented one', () => {
    const text = 'kind: Service\nmetadata:\n  annotations: {a: "x\nb: "2"}\nspec: {}\n';
    const parsed = parse(text);
    const lines = text.split('\n');
    expect(parsed.problems.length).toBeGreaterThan(0);
    for (const p of parsed.problems) {
      for (const at of [p.range.start, p.range.end]) {
        expect(at.column).toBeLessThanOrEqual(lines[at.line - 1]!.length + 1);
        expect(text.slice(0, at.offset).split('\n').length).toBe(at.line);
      }
    }
  });

  it('maps a resource location on a re-indented line back to its original column', () => {
    const text = "kind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    note: 'one\n  two'\n    other: x\n";
    const parsed = parse(text);
    expect(parsed.problems).toEqual([]);
    const at = parsed.resources[0]!.locate(['metadata', 'annotations', 'other']).range.start;
    expect([at.line, at.column, at.offset]).toEqual([7, 12, text.indexOf('x\n', text.indexOf('other'))]);
  });
});

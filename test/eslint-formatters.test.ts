import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { KUBE_SYSTEM_INJECTED, cli, tree } from './cli-helpers.js';
import type { eslintResults } from '../src/report/json.js';
import { ruleDocsUrl } from '../src/version.js';

// Formatters written for ESLint, fed our JSON as ESLint would feed them its results.
const require = createRequire(import.meta.url);
type EslintFormatter = (results: unknown[], data?: unknown) => string;
const rdjson = require('eslint-formatter-rdjson') as EslintFormatter;
const codeframe = require('eslint-formatter-codeframe') as EslintFormatter;
const friendly = require('eslint-formatter-friendly') as EslintFormatter;

const injected = `apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
  annotations:
    linkerd.io/inject: "enabled" # mesh everything
`;
const message = '"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed';
// Standard input under a name that is not on disk: a formatter must take the text from `source`.
const args = ['-', '--stdin-filename', 'not-on-disk/ns.yaml', '--no-config-lookup'];
const filePath = join(ROOT, 'not-on-disk/ns.yaml');
const noColor = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function lintJson(format: string): { stdout: string; code: number | null } {
  const r = cli([...args, '-f', format], { input: injected });
  expect(r.stderr).toBe('');
  return r;
}

describe('ESLint result shape', () => {
  it('a result with messages carries the file text as source, with ESLint\'s keys in ESLint\'s order', () => {
    const [result] = JSON.parse(lintJson('json').stdout) as Record<string, unknown>[];
    expect(Object.keys(result!)).toEqual([
      'filePath', 'messages', 'suppressedMessages', 'errorCount', 'fatalErrorCount', 'warningCount', 'infoCount',
      'fixableErrorCount', 'fixableWarningCount', 'source', 'usedDeprecatedRules',
    ]);
    expect(result!.source).toBe(injected);
  });

  it('json-with-metadata wraps the results with cwd and the meta of each rule reported', () => {
    const out = JSON.parse(lintJson('json-with-metadata').stdout) as { results: unknown[]; metadata: Record<string, unknown> };
    expect(out.results).toEqual(JSON.parse(lintJson('json').stdout));
    expect(out.metadata.cwd).toBe(ROOT);
    const meta = (out.metadata.rulesMeta as Record<string, Record<string, unknown>>)['no-inject-system-namespace'];
    expect(Object.keys(out.metadata.rulesMeta as object)).toEqual(['no-inject-system-namespace']);
    expect(meta).toMatchObject({
      type: 'problem',
      docs: { description: expect.any(String), recommended: true, url: ruleDocsUrl('no-inject-system-namespace') },
      fixable: 'code',
      schema: [expect.objectContaining({ type: 'object', additionalProperties: false })],
      messages: expect.objectContaining({ namespace: expect.any(String) }),
      category: 'security',
      defaultSeverity: 'error',
    });
  });
});

describe('ESLint formatters read our JSON', () => {
  it('eslint-formatter-rdjson: diagnostics with the docs URL; a safe fix becomes a suggested change, an unsafe one does not', () => {
    const { results, metadata } = JSON.parse(lintJson('json-with-metadata').stdout) as { results: unknown[]; metadata: unknown };
    const rd = JSON.parse(rdjson(results, metadata)) as { diagnostics: Record<string, unknown>[] };
    expect(rd.diagnostics).toHaveLength(1);
    expect(rd.diagnostics[0]).toMatchObject({
      message,
      location: { path: filePath, range: { start: { line: 6, column: 24 }, end: { line: 6, column: 33 } } },
      severity: 'ERROR',
      code: { value: 'no-inject-system-namespace', url: ruleDocsUrl('no-inject-system-namespace') },
    });
    // The unsafe fix is an ESLint suggestion, which rdjson leaves out: a reviewer is not offered a behaviour change as a fix.
    expect(rd.diagnostics[0]).not.toHaveProperty('suggestions');
    const deprecated = cli(['-', '--stdin-filename', 'server.yaml', '--no-config-lookup', '-f', 'json-with-metadata'], { input: SERVER });
    const safe = JSON.parse(deprecated.stdout) as { results: unknown[]; metadata: unknown };
    const [diagnostic] = (JSON.parse(rdjson(safe.results, safe.metadata)) as { diagnostics: Record<string, unknown>[] }).diagnostics;
    expect(diagnostic).toMatchObject({ code: { value: 'deprecated-api-version' }, suggestions: [{ range: { start: { line: 1, column: 13 } } }] });
  });

  it('eslint-formatter-codeframe: the message with a frame of the source', () => {
    const text = noColor(codeframe(JSON.parse(lintJson('json').stdout) as unknown[]));
    expect(text).toContain(`error: ${message} (no-inject-system-namespace) at not-on-disk/ns.yaml:6:24:`);
    expect(text).toContain('> 6 |     linkerd.io/inject: "enabled" # mesh everything');
  });

  it('eslint-formatter-friendly: the message with the source line, without reading the file', () => {
    const text = noColor(friendly(JSON.parse(lintJson('json').stdout) as unknown[]));
    expect(text).toContain(message);
    expect(text).toContain('linkerd.io/inject: "enabled" # mesh everything');
  });
});

// ---- ESLint's own formatters, loaded through its public API ----

/** Our result type is ESLint's `LintResult` (checked when the tests are type-checked). */
export const asLintResults = (results: ReturnType<typeof eslintResults>): ESLint.LintResult[] => results;

const SERVER = `apiVersion: policy.linkerd.io/v1beta1
kind: Server
metadata:
  name: web-http
  namespace: emojivoto
spec:
  podSelector:
    matchLabels:
      app: web-svc
  port: http
`;
const deprecated = '"policy.linkerd.io/v1beta1" is deprecated for Server in Linkerd 2.20; use policy.linkerd.io/v1beta3';
const template = 'file is an unrendered template ("{{ .Values.kind }}"); it was not linted. Lint the output of `helm template` instead';
const system = '"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed';

/** A tree with a fixable finding (safe fix), a finding with no fix and one whose only fix is unsafe, linted by the built CLI. */
function lintTree(): { dir: string; out: { results: ESLint.LintResult[]; metadata: ESLint.LintResultData } } {
  const dir = tree({ 'server.yaml': SERVER, 'chart.yaml': 'kind: {{ .Values.kind }}\n', 'kube-system.yaml': KUBE_SYSTEM_INJECTED });
  const r = cli(['.', '--no-config-lookup', '-f', 'json-with-metadata'], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('');
  return { dir, out: JSON.parse(r.stdout) as { results: ESLint.LintResult[]; metadata: ESLint.LintResultData } };
}

/** ESLint's built-in formatter functions, called as ESLint's CLI calls them: (results, { cwd, rulesMeta }). */
const builtin = (name: string) =>
  require(join(dirname(require.resolve('eslint/package.json')), 'lib', 'cli-engine', 'formatters', `${name}.js`)) as (results: ESLint.LintResult[], data: ESLint.LintResultData) => string;

describe("ESLint's built-in formatters read our JSON", () => {
  it('stylish (new ESLint().loadFormatter): each rule id at line:col, and the fixable counts', async () => {
    const { dir, out } = lintTree();
    const stylish = await new ESLint({ cwd: dir }).loadFormatter('stylish');
    expect(await stylish.format(out.results, { color: false })).toBe(`
${join(dir, 'chart.yaml')}
  1:7  warning  ${template}  template-not-rendered

${join(dir, 'kube-system.yaml')}
  6:24  error  ${system}  no-inject-system-namespace

${join(dir, 'server.yaml')}
  1:13  warning  ${deprecated}  deprecated-api-version

✖ 3 problems (1 error, 2 warnings)
  0 errors and 1 warning potentially fixable with the \`--fix\` option.
`);
  });

  it('json (new ESLint().loadFormatter): our results as they are, sorted by file as ESLint sorts them', async () => {
    const { dir, out } = lintTree();
    const json = await new ESLint({ cwd: dir }).loadFormatter('json');
    const byPath = [...out.results].sort((a, b) => (a.filePath < b.filePath ? -1 : 1));
    expect(JSON.parse(await json.format(structuredClone(out.results)))).toEqual(byPath);
    expect(byPath.map((r) => r.messages.map((m) => [m.ruleId, m.fix !== undefined]))).toEqual([
      [['template-not-rendered', false]],
      // The unsafe fix is a suggestion, as ESLint's JSON gives what --fix would not apply.
      [['no-inject-system-namespace', false]],
      [['deprecated-api-version', true]],
    ]);
  });

  it('json-with-metadata and html through the public API: ESLint supplies rulesMeta from its own config, which knows none of our rules', async () => {
    const { dir, out } = lintTree();
    // `format` passes the rulesMeta of the rules in ESLint's config for each file, so it needs
    // a config for YAML files, loaded before formatting; what it passes is then empty.
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: { files: ['**/*.yaml'] } });
    for (const r of out.results) await eslint.calculateConfigForFile(r.filePath);
    const withMetadata = JSON.parse(await (await eslint.loadFormatter('json-with-metadata')).format(structuredClone(out.results))) as typeof out;
    expect(withMetadata.metadata).toEqual({ cwd: dir, rulesMeta: {} });
    expect(withMetadata.results).toHaveLength(3);
    const html = await (await eslint.loadFormatter('html')).format(structuredClone(out.results));
    expect(html).toContain('<span>3 problems (1 error, 2 warnings)</span>');
    expect(html).toContain('<td>&#34;linkerd.io/inject: enabled&#34; on system namespace &#34;kube-system&#34;; system namespaces must not be meshed</td>');
  });

  it('json-with-metadata called with our metadata, as ESLint calls it: our rulesMeta round-trips', () => {
    const { out } = lintTree();
    const text = builtin('json-with-metadata')(structuredClone(out.results), out.metadata);
    expect(JSON.parse(text)).toEqual(out);
    expect(Object.keys(out.metadata.rulesMeta).sort()).toEqual(['deprecated-api-version', 'no-inject-system-namespace', 'template-not-rendered']);
  });

  it('html called with our metadata: every message, with its rule id linked to its documentation', () => {
    const { dir, out } = lintTree();
    const html = builtin('html')(structuredClone(out.results), out.metadata);
    const encode = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&#34;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const row = (at: string, severity: string, text: string, ruleId: string) =>
      `<td>${at}</td>\n    <td class="clr-${severity === 'Error' ? 2 : 1}">${severity}</td>\n    <td>${encode(text)}</td>\n    <td>\n        <a href="${ruleDocsUrl(ruleId)}" target="_blank" rel="noopener noreferrer">${ruleId}</a>`;
    expect(html).toContain(row('1:7', 'Warning', template, 'template-not-rendered'));
    expect(html).toContain(row('6:24', 'Error', system, 'no-inject-system-namespace'));
    expect(html).toContain(row('1:13', 'Warning', deprecated, 'deprecated-api-version'));
    expect(html).toContain(`[+] ${join(dir, 'server.yaml')}\n        <span>1 problem (0 errors, 1 warning)</span>`);
  });
});

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { cli } from './cli-helpers.js';
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
  it('eslint-formatter-rdjson: diagnostics with the docs URL and the fix as a suggestion', () => {
    const { results, metadata } = JSON.parse(lintJson('json-with-metadata').stdout) as { results: unknown[]; metadata: unknown };
    const rd = JSON.parse(rdjson(results, metadata)) as { diagnostics: Record<string, unknown>[] };
    expect(rd.diagnostics).toHaveLength(1);
    expect(rd.diagnostics[0]).toMatchObject({
      message,
      location: { path: filePath, range: { start: { line: 6, column: 24 }, end: { line: 6, column: 33 } } },
      severity: 'ERROR',
      code: { value: 'no-inject-system-namespace', url: ruleDocsUrl('no-inject-system-namespace') },
      suggestions: [{ range: { start: { line: 6, column: 24 }, end: { line: 6, column: 27 } }, text: '"dis' }],
    });
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

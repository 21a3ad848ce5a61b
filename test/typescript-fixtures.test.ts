// The TypeScript fixtures: a cdk8s chart and a Pulumi program with real problems (each
// finding checked against its TypeScript line), the same programs fixed (silent), and the
// manifests of one YAML file built in TypeScript, which must get the same findings.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { lintPaths } from '../src/engine/lint.js';
import { FIXTURES } from './helpers.js';

const DIR = join(FIXTURES, 'typescript');

/** Lints paths under `cwd` as the CLI does (discovery, the lazy parser), with the recommended rules. */
async function lint(cwd: string, paths: string[]): Promise<{ file: string; line: string }[]> {
  const config = resolveConfig({}, builtinRules, cwd);
  const { results } = await lintPaths({ cwd, paths, config, rules: builtinRules });
  return results.flatMap((r) =>
    r.findings.map((f) => ({ file: r.file.displayPath, line: `${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.message}` })),
  );
}

const cases = (kind: string) => readdirSync(join(DIR, kind)).filter((f) => statSync(join(DIR, kind, f)).isDirectory()).sort();

describe('TypeScript programs', () => {
  for (const name of cases('invalid')) {
    it(`invalid/${name} matches its .out`, async () => {
      const found = await lint(join(DIR, 'invalid', name), ['.']);
      const expected = readFileSync(join(DIR, 'invalid', `${name}.out`), 'utf8').split('\n').filter(Boolean);
      expect(found.map((f) => `${f.file}:${f.line}`)).toEqual(expected);
    });
  }

  for (const name of cases('valid')) {
    it(`valid/${name} has no finding`, async () => {
      expect(await lint(join(DIR, 'valid', name), ['.'])).toEqual([]);
    });
  }
});

describe('the same manifests in YAML and in TypeScript', () => {
  const dir = join(DIR, 'equivalent');

  it('get the same findings, the TypeScript ones on the TypeScript lines', async () => {
    const yaml = await lint(dir, ['manifests.yaml']);
    const ts = await lint(dir, ['manifests.ts']);
    const messages = (found: { line: string }[]) => found.map((f) => f.line.replace(/^\d+:\d+ /, '')).sort();
    expect(messages(ts)).toEqual(messages(yaml));
    expect(ts.map((f) => f.line)).toEqual(readFileSync(join(dir, 'manifests.out'), 'utf8').split('\n').filter(Boolean));
    // Every family of rules: injection, annotations, timeouts and retries, security policy, deprecations, schema.
    expect([...new Set(ts.map((f) => f.line.split(' ')[1]))].sort()).toEqual([
      'dangling-reference',
      'deprecated-api-version',
      'invalid-annotation-value',
      'no-inject-system-namespace',
      'no-open-network',
      'no-service-profile',
      'no-unauthenticated-server',
      'no-unbounded-retries',
      'retry-without-timeout',
      'schema',
      'server-selects-nothing',
      'server-without-authorization',
      'service-profile-shadows-routes',
      'unknown-annotation',
    ]);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRules } from '../rules/index.js';
import { lintParsed } from '../src/engine/lint.js';
import { type ResolvedConfig, resolveConfig } from '../src/engine/config.js';
import type { Finding } from '../src/engine/rule.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import { type CaseConfig, caseConfig, caseSettings, fixtureCases, goldenLine, goldenOf, lintCase as lintFixtureCase } from '../src/testing/fixtures.js';

export { caseConfig, fixtureCases, goldenLine, goldenOf };
import { loadCel } from '../src/policy/index.js';

export const ROOT = join((import.meta.dirname ?? process.cwd()), '..');
export const FIXTURES = join(ROOT, 'fixtures');

// Fixture runs are synchronous, as rules are: the CEL engine that ValidatingAdmissionPolicy
// fixtures need is loaded up front, as the lint run loads it before rules run.
await loadCel();

/**
 * A path inside `../shared` (real-world corpus, upstream CRDs, the SARIF schema), or
 * undefined when it is absent, so those suites skip on a plain clone. In CI (`CI=true`)
 * `../shared` is always there: a missing path fails the suite instead of skipping it.
 */
export function sharedPath(...parts: string[]): string | undefined {
  const path = join(ROOT, '..', 'shared', ...parts);
  if (existsSync(path)) return path;
  if (process.env.CI === 'true') throw new Error(`${path} is missing; in CI the suites that read ../shared must run`);
  return undefined;
}

/** The config a fixture runs under: recommended preset, the rule under test on at its default severity. */
export function fixtureConfig(ruleId: string, extra: CaseConfig = {}): ResolvedConfig {
  const rule = builtinRules[ruleId];
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return resolveConfig(caseSettings(ruleId, rule.meta.defaultSeverity, extra), builtinRules, ROOT);
}

/** Lints one file from disk in-process, as the CLI would, returning every finding. */
export function lintFile(path: string, config: ResolvedConfig): Finding[] {
  const read = decode(path, path.slice(ROOT.length + 1), readFileSync(path));
  if (!read.ok) return [];
  const parsed = parseSource(read.file);
  return lintParsed([parsed], { config, rules: builtinRules }).results.flatMap((r) => r.findings);
}

/** Lints a string as if it were a file called `name`. */
export function lintText(text: string, ruleId: string, extra: CaseConfig = {}, name = 'test.yaml'): Finding[] {
  const read = decode(join(ROOT, name), name, Buffer.from(text));
  if (!read.ok) throw new Error('not text');
  const parsed = parseSource(read.file);
  return lintParsed([parsed], { config: fixtureConfig(ruleId, extra), rules: builtinRules })
    .results.flatMap((r) => r.findings)
    .filter((f) => f.ruleId === ruleId);
}

/**
 * Lints a case (see src/testing/fixtures.ts): a file case named by its path from the
 * repository root, a directory case as one tree.
 */
export function lintCase(path: string, config: ResolvedConfig): { findings: Finding[]; golden: (f: Finding) => string } {
  const { findings, golden } = lintFixtureCase(path, config, ROOT);
  return { findings, golden };
}

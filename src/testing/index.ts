/**
 * `linkerd-lint/testing`: the fixture runner of the built-in rules, for plugin authors.
 * A rule's fixture folder holds `valid/` cases (no finding of the rule), `invalid/` cases
 * with a `.out` golden each (`line:col rule-id message`, one line per finding), optional
 * `<case>.config.yaml` sidecars (`linkerdVersion`, `gatewayAPI`, `clusterDomain`,
 * `references`, `options` of the rule), and for a fixable rule `fixed/<case>`, what
 * `--fix --unsafe-fixes` makes of the invalid case.
 *
 * @example
 * ```js
 * import { describe, it } from 'vitest'; // or: from 'node:test'
 * import { runFixtures } from 'linkerd-lint/testing';
 * import plugin from '../index.js';
 *
 * runFixtures({ plugin, rule: 'require-owner', dir: new URL('./fixtures/require-owner/', import.meta.url), describe, it });
 * ```
 * @packageDocumentation
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRules } from '../../rules/index.js';
import { type ResolvedConfig, resolveConfig } from '../engine/config.js';
import { type Plugin, pluginFromObject } from '../engine/plugins.js';
import type { Finding, Rule } from '../engine/rule.js';
import { SourceFixer } from '../fix/source-fixer.js';
import { didYouMean } from '../model/text.js';
import { CASE_FILE, type CaseRun, caseConfig, caseSettings, encodeFixed, fixCase, fixtureCases, goldenOf, lintCase, readManifest } from './fixtures.js';

export type { Plugin, Rule };
export { type FileUrl, type PluginDocsOptions, pluginDocs } from './docs.js';
import type { FileUrl } from './docs.js';

/** What `fixtureTests` and `runFixtures` take. */
export interface FixtureOptions {
  /** The plugin: what its module exports by default, `{ name, rules }`. */
  plugin: Plugin;
  /** The id of the rule under test within the plugin (`require-owner`, not `acme/require-owner`). */
  rule: string;
  /** The rule's fixture folder, holding `valid/`, `invalid/` and `fixed/`: a path or a `file:` URL. */
  dir: string | FileUrl;
  /** What file cases are named from in findings that name files. Default: `process.cwd()`. */
  cwd?: string;
}

/** One test of a rule's fixtures: its name, and a function that throws an `AssertionError` when it fails. */
export interface FixtureTest {
  name: string;
  run(): void;
}

/** The test functions of vitest, jest or `node:test`: `describe(name, fn)` and `it(name, fn)`. */
export interface TestFunctions {
  describe(name: string, fn: () => void): unknown;
  it(name: string, fn: () => void): unknown;
}

const fixer = new SourceFixer();

/**
 * The tests of one plugin rule's fixtures, for a test runner to register: each `valid/`
 * case gives no finding of the rule; each `invalid/` case gives exactly its `.out`; for a
 * rule with fixes, each invalid case fixes to its `fixed/` file (there is one exactly when
 * a fix changes the case), fixing leaves no fixable finding and fixing again changes
 * nothing; and every message id of the rule is reported by some invalid case. Throws at
 * once for a malformed plugin or a rule the plugin does not have.
 */
export function fixtureTests(options: FixtureOptions): FixtureTest[] {
  const plugin = pluginFromObject(options.plugin);
  const ruleId = `${plugin.name}/${options.rule}`;
  const rule = plugin.rules[ruleId];
  if (!rule) {
    throw new Error(`plugin "${plugin.name}" has no rule "${options.rule}"${didYouMean(options.rule, Object.keys(plugin.rules).map((id) => id.slice(plugin.name.length + 1)))}`);
  }
  const dir = typeof options.dir === 'string' ? resolve(options.dir) : fileURLToPath(options.dir.href);
  const cwd = options.cwd ?? process.cwd();
  const registry = { ...builtinRules, ...plugin.rules };
  const configFor = (file: string): ResolvedConfig => resolveConfig(caseSettings(ruleId, rule.meta.defaultSeverity, caseConfig(file)), registry, dir);
  const own = (run: CaseRun) => {
    const failed = run.ruleErrors.find((e) => e.ruleId === ruleId);
    if (failed) throw new Error(`rule "${ruleId}" threw on ${failed.file}: ${failed.message}${failed.stack ? `\n${failed.stack}` : ''}`);
    return run.findings.filter((f) => f.ruleId === ruleId && !f.suppressions?.length);
  };

  const tests: FixtureTest[] = [];
  const valid = fixtureCases(join(dir, 'valid'));
  const invalid = fixtureCases(join(dir, 'invalid'));
  if (valid.length === 0 && invalid.length === 0) {
    tests.push({ name: 'has fixtures', run: () => ok(false, `${dir} holds no valid/ or invalid/ case`) });
  }
  for (const name of valid) {
    tests.push({
      name: `valid/${name} has no finding`,
      run() {
        const file = join(dir, 'valid', name);
        const run = lintCase(file, configFor(file), cwd);
        deepStrictEqual(own(run).map(run.golden), []);
      },
    });
  }
  const reported = new Set<string>();
  for (const name of invalid) {
    tests.push({
      name: `invalid/${name} matches its .out`,
      run() {
        const file = join(dir, 'invalid', name);
        const out = goldenOf(file);
        ok(existsSync(out), `${out} is missing`);
        const expected = readFileSync(out, 'utf8').split('\n').filter(Boolean);
        ok(expected.length > 0, `${out}: an invalid case must expect at least one finding`);
        const run = lintCase(file, configFor(file), cwd);
        const findings = own(run);
        for (const f of findings) if (f.messageId) reported.add(f.messageId);
        deepStrictEqual(findings.map(run.golden), expected);
      },
    });
  }
  if (rule.meta.fix !== 'none') tests.push(...fixTests(rule, ruleId, dir, invalid.filter((n) => CASE_FILE.test(n)), configFor, cwd, own));
  if (invalid.length > 0) {
    tests.push({
      name: 'every message id is reported by an invalid case',
      run() {
        // The invalid cases' tests fill `reported`; run on its own, this test lints them itself.
        if (reported.size === 0) for (const t of tests.filter((t) => t.name.endsWith('matches its .out'))) {
          try {
            t.run();
          } catch {
            // That case's own test reports it.
          }
        }
        const missing = Object.keys(rule.meta.messages).filter((id) => !reported.has(id));
        deepStrictEqual(missing, [], `message ids no invalid case reports: ${missing.join(', ')}`);
      },
    });
  }
  return tests;
}

function fixTests(
  rule: Rule<any, any>,
  ruleId: string,
  dir: string,
  invalid: readonly string[],
  configFor: (file: string) => ResolvedConfig,
  cwd: string,
  own: (run: CaseRun) => Finding[],
): FixtureTest[] {
  const fixedDir = join(dir, 'fixed');
  return invalid.map((name) => ({
    name: `invalid/${name} → fixed/${name}`,
    run() {
      const file = join(dir, 'invalid', name);
      const expectedFile = join(fixedDir, name);
      const config = configFor(file);
      const parsed = readManifest(file, file);
      const before = own(lintCase(file, config, cwd, fixer));
      const unfixable = before.filter((f) => !f.fix).length;
      const result = fixCase(parsed, ruleId, config, fixer);
      deepStrictEqual(result.rejected.map((r) => r.message), [], `a fix of ${rule.meta.id} was rejected`);
      const output = result.changed.get(parsed.file);
      if (output === undefined) {
        ok(!existsSync(expectedFile), `fixed/${name} exists but no fix applies`);
        return;
      }
      ok(existsSync(expectedFile), `fixed/${name} is missing; the fixes give:\n${output}`);
      const actual = encodeFixed(parsed, output);
      strictEqual(actual.toString('utf8'), readFileSync(expectedFile, 'utf8'));
      const again = readManifest(file, file, actual);
      const after = fixCase(again, ruleId, config, fixer);
      const left = after.results.flatMap((r) => r.findings).filter((f) => f.ruleId === ruleId && !f.suppressions?.length);
      strictEqual(left.length, unfixable, 'the fixed text has as many findings of the rule as the case had without a fix');
      strictEqual(after.changed.size, 0, 'fixing twice changes nothing');
    },
  }));
}

/**
 * Registers the fixture tests of one plugin rule with a test runner: one `describe` block
 * named `<plugin>/<rule>` holding one `it` per test of `fixtureTests`.
 */
export function runFixtures(options: FixtureOptions & TestFunctions): void {
  const tests = fixtureTests(options);
  const name = `${pluginFromObject(options.plugin).name}/${options.rule}`;
  options.describe(name, () => {
    for (const t of tests) options.it(t.name, () => t.run());
  });
}

import { relative, resolve } from 'node:path';
import { builtinRules } from '../../rules/index.js';
import type { CliOverrides, ResolvedConfig } from '../engine/config.js';
import { type Configs, inlineConfig, loadConfigs, singleConfig } from '../engine/config-file.js';
import { type LintOutput, type LoadOutput, fixParsed, lintParsed, loadPaths, rulesOf, withIgnored } from '../engine/lint.js';
import type { Rule } from '../engine/rule.js';
import { SourceFixer } from '../fix/source-fixer.js';
import { writeFixed } from '../fix/write.js';
import type { FileResult } from '../model/finding.js';
import type { SourceFile } from '../model/source.js';
import { eslintResults } from '../report/json.js';
import type { LintFilesOptions, LintOptions, LintResult, LintTextOptions } from './types.js';

/** What formatting and writing a result needs of the run that made it, out of sight of the plain result object. */
export interface RunOf {
  result: FileResult;
  /** The file as read, before fixes: what `outputFixes` checks is still on disk. */
  read: SourceFile | undefined;
  cwd: string;
  config: ResolvedConfig;
  fixMode: 'none' | 'safe' | 'unsafe';
  /** Every rule of the run, plugins' too, for the reports' rule metadata. */
  rules: Readonly<Record<string, Rule<any, any>>>;
}

const runs = new WeakMap<LintResult, RunOf>();

/** The run a result came from, or undefined for an object `lintFiles`/`lintText` did not return. */
export function runOf(result: LintResult): RunOf | undefined {
  return runs.get(result);
}

function overridesOf(options: LintOptions, cwd: string): CliOverrides {
  const rules: NonNullable<CliOverrides['rules']> = Object.entries(options.rules ?? {}).map(([id, setting]) =>
    typeof setting === 'string' ? [id, setting] : setting[1] === undefined ? [id, setting[0]] : [id, setting[0], setting[1]],
  );
  return {
    ...(options.linkerdVersion !== undefined ? { linkerdVersion: options.linkerdVersion } : {}),
    rules,
    ...(options.context?.length ? { context: { cwd, paths: [...options.context] } } : {}),
  };
}

/** The configs the options ask for, as the CLI's `--config`, `--no-config-lookup` and per-file lookup give them. */
function configsOf(options: LintOptions, cwd: string): Configs {
  const cli = overridesOf(options, cwd);
  if (typeof options.config === 'object' && options.config !== null) return singleConfig(inlineConfig(options.config, cwd, builtinRules, cli));
  return loadConfigs(
    { cwd, ...(typeof options.config === 'string' ? { config: options.config } : {}), configLookup: options.configLookup ?? true },
    builtinRules,
    cli,
  );
}

/** Lints (and with `fix`, fixes in memory) what `loadPaths` read, as the CLI's lint command does. */
function lintLoaded(loaded: LoadOutput, configs: Configs, options: LintOptions, cwd: string): LintResult[] {
  const fixer = new SourceFixer();
  const { parsed, context, ignored } = loaded;
  const run: LintOutput = options.fix
    ? fixParsed(parsed, { config: configs, rules: builtinRules, fixer, context, unsafe: options.unsafeFixes === true })
    : lintParsed(parsed, { config: configs, rules: builtinRules, fixer, context });
  const error = run.ruleErrors[0];
  if (error) {
    // As ESLint does, a rule that throws fails the call: its findings would be missing unseen.
    throw new Error(`rule "${error.ruleId}" failed on ${error.file} with ${error.message}`, { cause: error });
  }
  const fileResults = withIgnored(run.results, ignored);
  const fixMode = options.fix ? (options.unsafeFixes ? 'unsafe' : 'safe') : 'none';
  const results: LintResult[] = eslintResults(fileResults);
  const read = new Map(parsed.map((p) => [p.file.path, p.file]));
  const rules = rulesOf(configs.used());
  results.forEach((r, i) => {
    const result = fileResults[i]!;
    runs.set(r, { result, read: read.get(result.file.path), cwd, config: configs.root, fixMode, rules });
  });
  return results;
}

/**
 * Lints the files at `paths` (files, directories and globs, relative to `options.cwd`), as
 * `linkerd-lint <paths>` does, each file under its nearest config unless `options.config`
 * or `options.configLookup: false` says otherwise. Resolves to one result per file, sorted
 * by path; rejects with an `Error` naming the problem (and its file:line) for a bad config,
 * a path that matches nothing, or a rule that throws.
 */
export async function lintFiles(paths: string | readonly string[], options: LintFilesOptions = {}): Promise<LintResult[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const configs = configsOf(options, cwd);
  const list = typeof paths === 'string' ? [paths] : [...paths];
  // `-` means standard input to the CLI; here it is a file of that name.
  const named = list.map((p) => (p === '-' ? `./${p}` : p));
  const loaded = await loadPaths({
    cwd,
    paths: named,
    config: configs,
    errorOnUnmatchedPattern: options.errorOnUnmatchedPattern ?? true,
    warnIgnored: options.warnIgnored ?? true,
  }, { keepTrees: options.fix === true });
  return lintLoaded(loaded, configs, options, cwd);
}

/**
 * Lints `text` as the file at `options.filePath` (which need not exist), as
 * `linkerd-lint --stdin-filename <filePath> -` does. Resolves to an array of one result.
 */
export async function lintText(text: string, options: LintTextOptions = {}): Promise<LintResult[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const configs = configsOf(options, cwd);
  const filename = options.filePath !== undefined ? relative(cwd, resolve(cwd, options.filePath)) : undefined;
  const loaded = await loadPaths({
    cwd,
    paths: ['-'],
    stdin: { bytes: Buffer.from(text, 'utf8'), ...(filename !== undefined ? { filename } : {}) },
    config: configs,
  }, { keepTrees: options.fix === true });
  return lintLoaded(loaded, configs, options, cwd);
}

/**
 * Writes the `output` of each result of `lintFiles` with `fix: true` over its file, as
 * `--fix` does: atomically, and only while the file still holds the text that was linted.
 * Results of `lintText` are left alone (their text did not come from the file). Rejects
 * with an `Error` listing the files that could not be written; the others are written.
 */
export async function outputFixes(results: readonly LintResult[]): Promise<void> {
  const problems: string[] = [];
  for (const r of results) {
    const run = runs.get(r);
    if (r.output === undefined || !run?.read || run.read.stdin) continue;
    const problem = writeFixed(run.read, r.output);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

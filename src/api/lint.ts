import { resolve } from 'node:path';
import { builtinRules } from '../../rules/index.js';
import { cacheFilePath, cacheKey, readCache, writeCache } from '../engine/cache.js';
import type { CliOverrides, ResolvedConfig } from '../engine/config.js';
import { type Configs, inlineConfig, loadConfigs, singleConfig } from '../engine/config-file.js';
import type { Concurrency } from '../load/parallel.js';
import { type FixOutput, fixParsed, lintParsed, parseReads, readPaths, rulesOf, withIgnored } from '../engine/lint.js';
import { pluginFingerprints } from '../engine/plugins.js';
import { policyFingerprints } from '../engine/policies.js';
import type { Rule } from '../engine/rule.js';
import { SourceFixer } from '../fix/source-fixer.js';
import { writeFixed } from '../fix/write.js';
import type { FileResult } from '../model/finding.js';
import type { SourceFile } from '../model/source.js';
import { gatewayApiNotice } from '../linkerd/gateway-api.js';
import { fileOfRead } from '../load/read.js';
import { eslintResults } from '../report/json.js';
import { VERSION } from '../version.js';
import type { LintFilesOptions, LintOptions, LintResult, LintTextOptions, RuleSetting } from './types.js';

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
/** The run of each array `lintFiles`/`lintText` returned, `result` left out. */
const calls = new WeakMap<readonly LintResult[], Omit<RunOf, 'result'>>();

/** The run a result came from, or undefined for an object `lintFiles`/`lintText` did not return. */
export function runOf(result: LintResult): RunOf | undefined {
  return runs.get(result);
}

/** The run of an array that `lintFiles`/`lintText` returned, or undefined for another array. */
export function callOf(results: readonly LintResult[]): Omit<RunOf, 'result'> | undefined {
  return calls.get(results);
}

/** The rule settings of the options, as `--rule` flags give them: in order, each as `[id, severity, options?]`. */
function ruleOverrides(rules: LintOptions['rules']): NonNullable<CliOverrides['rules']> {
  const entries: (readonly [string, RuleSetting])[] = Array.isArray(rules) ? rules : Object.entries(rules ?? {});
  return entries.map(([id, setting]) =>
    typeof setting === 'string' ? [id, setting] : setting[1] === undefined ? [id, setting[0]] : [id, setting[0], setting[1]],
  );
}

function overridesOf(options: LintOptions, cwd: string): CliOverrides {
  return {
    ...(options.linkerdVersion !== undefined ? { linkerdVersion: options.linkerdVersion } : {}),
    rules: ruleOverrides(options.rules),
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

/** What one call lints: the paths, and the text a path `-` stands for. */
interface Input {
  paths: readonly string[];
  stdin?: NonNullable<LintFilesOptions['stdin']>;
  errorOnUnmatchedPattern?: boolean;
  warnIgnored?: boolean;
  cache?: boolean;
  cacheLocation?: string;
  concurrency?: Concurrency;
}

/**
 * The one lint and fix run behind `lintFiles`, `lintText` and the CLI's lint command: finds
 * and reads the paths, reuses the cache or parses and lints (with `fix`, fixes in memory),
 * and registers each result's run for the formatters and `outputFixes`.
 */
async function lintRun(input: Input, options: LintOptions): Promise<LintResult[]> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const configs = configsOf(options, cwd);
  const warn = options.onWarning ?? (() => {});
  const stdin = input.stdin ? stdinOf(typeof input.stdin.text === 'function' ? await input.stdin.text() : input.stdin.text, input.stdin.filePath) : undefined;
  const found = await readPaths({
    cwd,
    paths: input.paths,
    ...(stdin ? { stdin } : {}),
    config: configs,
    ...(input.errorOnUnmatchedPattern !== undefined ? { errorOnUnmatchedPattern: input.errorOnUnmatchedPattern } : {}),
    ...(input.warnIgnored !== undefined ? { warnIgnored: input.warnIgnored } : {}),
  });
  const fixing = options.fix === true;
  // A fix run needs the syntax trees, and standard input is never the same twice: both always lint.
  const cacheFile = input.cache && !fixing && !stdin ? cacheFilePath(cwd, input.cacheLocation) : undefined;
  // The cache file is no manifest, whatever its name.
  const read = cacheFile ? { ...found, sources: found.sources.filter((s) => fileOfRead(s).path !== cacheFile) } : found;
  for (const notice of new Set(configs.used().flatMap((c) => c.targets().map(gatewayApiNotice)))) {
    if (notice) warn({ kind: 'gateway-api', message: notice });
  }
  // A plugin's module and a policy's text are part of what the results depend on (a plugin's own imports are not: see the README).
  const fileConfigs = cacheFile ? read.sources.map((s) => configs.forPath(fileOfRead(s).path)) : [];
  const key = cacheFile
    ? cacheKey(read, configs, [...Object.keys(builtinRules), ...pluginFingerprints(fileConfigs), ...policyFingerprints(fileConfigs)], VERSION, cwd)
    : undefined;
  const hit = cacheFile && key ? readCache(cacheFile, key, read) : undefined;
  let run: FixOutput;
  if (hit) {
    run = { results: hit, ruleErrors: [], parsed: [], changed: new Map(), rejected: [] };
  } else {
    const { parsed, context } = await parseReads(read, { keepTrees: fixing, ...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}) });
    const fixer = new SourceFixer();
    run = fixing
      ? fixParsed(parsed, { config: configs, rules: builtinRules, fixer, context, unsafe: options.unsafeFixes === true })
      : { ...lintParsed(parsed, { config: configs, rules: builtinRules, fixer, context }), changed: new Map(), rejected: [] };
    if (cacheFile && key && run.ruleErrors.length === 0) {
      const problem = writeCache(cacheFile, key, run.results);
      if (problem) warn({ kind: 'cache', message: problem });
    }
  }
  for (const r of run.rejected) warn({ kind: 'fix-rejected', message: r.message, ruleIds: [...r.rules] });
  const [error] = run.ruleErrors;
  if (error && !options.onRuleError) {
    // As ESLint does, a rule that throws fails the call: its findings would be missing unseen.
    throw new Error(`rule "${error.ruleId}" failed on ${error.file} with ${error.message}`, { cause: error });
  }
  for (const e of run.ruleErrors) options.onRuleError!({ ...e });
  const all = withIgnored(run.results, read.ignored);
  const fileResults = options.quiet ? all.map((r) => ({ ...r, findings: r.findings.filter((f) => f.severity === 'error') })) : all;
  const fixMode = fixing ? (options.unsafeFixes ? 'unsafe' : 'safe') : 'none';
  const results: LintResult[] = eslintResults(fileResults);
  // The file as read, by path (the text of `stdin` apart: it may be given the path of a linted file).
  const keyOf = (file: SourceFile) => `${file.stdin ? '-' : ''}\0${file.path}`;
  const files = new Map(read.sources.map((s) => [keyOf(fileOfRead(s)), fileOfRead(s)]));
  const call: Omit<RunOf, 'result'> = { read: undefined, cwd, config: configs.root, fixMode, rules: rulesOf(configs.used()) };
  results.forEach((r, i) => {
    const result = fileResults[i]!;
    runs.set(r, { ...call, result, read: files.get(keyOf(result.file)) });
  });
  // An empty array still formats as its run's: the release and the rules of its config.
  calls.set(results, call);
  return results;
}

/**
 * Lints the files at `paths` (files, directories and globs, relative to `options.cwd`), as
 * `linkerd-lint <paths>` does, each file under its nearest config unless `options.config`
 * or `options.configLookup: false` says otherwise. Resolves to one result per file, sorted
 * by path; rejects with an `Error` naming the problem (and its
 * file:line) for a bad config, a path that matches nothing, or a rule that throws (unless
 * `onRuleError` is given).
 */
export async function lintFiles(paths: string | readonly string[], options: LintFilesOptions = {}): Promise<LintResult[]> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  const { stdin } = options;
  return lintRun(
    {
      // `-` means the text of `stdin`; without it, a file of that name.
      paths: stdin ? list : list.map((p) => (p === '-' ? `./${p}` : p)),
      ...(stdin ? { stdin } : {}),
      errorOnUnmatchedPattern: options.errorOnUnmatchedPattern ?? true,
      warnIgnored: options.warnIgnored ?? true,
      cache: options.cache === true,
      ...(options.cacheLocation !== undefined ? { cacheLocation: options.cacheLocation } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    },
    options,
  );
}

/** Text to lint as standard input is: bytes are decoded as a file's are (UTF-8, a byte-order mark dropped). */
function stdinOf(text: string | Uint8Array, filePath: string | undefined): { bytes: Buffer; filename?: string } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  // Relative to `cwd`, as `--stdin-filename` is.
  return { bytes, ...(filePath !== undefined ? { filename: filePath } : {}) };
}

/**
 * Lints `text` as the file at `options.filePath` (which need not exist), as
 * `linkerd-lint --stdin-filename <filePath> -` does. Bytes are decoded as a file's are
 * (UTF-8, a byte-order mark dropped; NUL bytes make it a binary file, not linted). Resolves
 * to an array of one result.
 */
export async function lintText(text: string | Uint8Array, options: LintTextOptions = {}): Promise<LintResult[]> {
  return lintRun({ paths: ['-'], stdin: { text, ...(options.filePath !== undefined ? { filePath: options.filePath } : {}) } }, options);
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

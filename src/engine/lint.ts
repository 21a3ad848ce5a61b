import { isAbsolute, resolve } from 'node:path';
import { ResolvedConfig } from './config.js';
import { type Configs, singleConfig } from './config-file.js';
import type { Fixer, Rule } from './rule.js';
import { type RunResult, runRules } from './run.js';
import { type IgnoredPath, discover, displayPathOf } from '../load/discover.js';
import { type ParseOptions, parseSource } from '../load/parse.js';
import { type Concurrency, parseFiles } from '../load/parallel.js';
import { parseTypeScript, prepareTypeScript } from '../load/typescript/index.js';
import { type ReadResult, decode, fileOfRead, readSource } from '../load/read.js';
import { loadCel, loadedCel, prepareCel } from '../policy/index.js';
import { POLICY_PREFIX, PolicyError, compilePolicies, holdsPolicies, policyErrorText } from './policies.js';
import { UsageError } from '../model/errors.js';
import type { ParsedFile } from '../model/parsed.js';
import type { Resource } from '../model/resource.js';
import { compareRanges } from '../model/range.js';
import { SourceFile, languageOf } from '../model/source.js';
import type { FileResult } from '../model/finding.js';
import { type RejectedFix, fixLoop } from '../fix/loop.js';

export interface LintInput {
  cwd: string;
  paths: readonly string[];
  /** Standard input, when `-` is among the paths. */
  stdin?: { bytes: Buffer; filename?: string };
  /** One config for every file, or each file's own (see `ConfigLookup`). */
  config: ResolvedConfig | Configs;
  /**
   * Unused: each file is linted with the rules of its own config (the registry it was
   * resolved with and its plugins). Kept so callers that pass the registry still compile.
   */
  rules?: Readonly<Record<string, Rule<any, any>>>;
  errorOnUnmatchedPattern?: boolean;
  /** Report named paths that the config ignores (default true), as ESLint's `--no-warn-ignored` turns off. */
  warnIgnored?: boolean;
  fixer?: Fixer;
}

export interface LintOutput {
  results: FileResult[];
  ruleErrors: RunResult['ruleErrors'];
  parsed: ParsedFile[];
}

/** Parses one source (already read): YAML and JSON, or TypeScript once `prepareTypeScript` has run for it. */
export function parseRead(read: ReadResult, options: ParseOptions = {}): ParsedFile {
  if (!read.ok) return read.failed;
  return parseAny(read.file, options);
}

function parseAny(file: SourceFile, options: ParseOptions = {}): ParsedFile {
  return file.language === 'typescript' ? parseTypeScript(file) : parseSource(file, options);
}

/**
 * Not a rule: the id of the warning that a path named on the command line is ignored by
 * the config, as ESLint warns "File ignored because of a matching ignore pattern"
 * (`createIgnoreResult` in eslint's lib/eslint/eslint-helpers.js). A warning shows in
 * every report and counts towards `--max-warnings`, without failing a run that names
 * ignored files on purpose (pre-commit passes every staged file).
 */
export const IGNORED_PATH = 'ignored-path';

export interface LoadOutput {
  parsed: ParsedFile[];
  /** Resources of the config's `context` paths (and `--context`) that are not linted themselves. */
  context: Resource[];
  /** One result with one `ignored-path` warning for each named path the config ignores. */
  ignored: FileResult[];
}

/** The configs of a lint run, whether given as one or looked up per file. */
export function configsOf(config: ResolvedConfig | Configs): Configs {
  return config instanceof ResolvedConfig ? singleConfig(config) : config;
}

function ignoredResult(p: IgnoredPath, cwd: string, configFile: string | undefined): FileResult {
  const at = { line: 1, column: 1, offset: 0 };
  const file = new SourceFile(p.path, p.path === cwd ? '.' : displayPathOf(p.path, cwd), '', languageOf(p.path));
  const quoted = p.globs.map((g) => `"${g}"`).join(', ');
  const globs = p.globs.length === 1 ? `the "ignore" glob ${quoted}` : `${p.kind === 'file' ? '' : 'one of '}the "ignore" globs ${quoted}`;
  const where = configFile ? ` in ${displayPathOf(configFile, cwd)}` : '';
  const what = p.kind === 'file' ? 'file ignored: it matches' : 'directory ignored: every manifest in it matches';
  const message = `${what} ${globs}${where}; pass --no-warn-ignored to hide this warning`;
  return { file, findings: [{ ruleId: IGNORED_PATH, severity: 'warning', message, messageId: p.kind, file, range: { start: at, end: at } }] };
}

/** The given paths (and standard input) found and read, not yet parsed. */
export interface ReadOutput {
  /** Standard input first, then the files in path order. */
  sources: ReadResult[];
  /** The files of the config's `context` paths (and `--context`) that are not linted themselves. */
  context: ReadResult[];
  /** One result with one `ignored-path` warning for each named path the config ignores. */
  ignored: FileResult[];
}

/** Finds and reads the given paths (and standard input). */
export async function readPaths(input: Omit<LintInput, 'rules' | 'fixer'>): Promise<ReadOutput> {
  const { cwd } = input;
  const configs = configsOf(input.config);
  const fsPaths = input.paths.filter((p) => p !== '-');
  const { files, ignored } = await discover(fsPaths, {
    cwd,
    ignoredBy: (path) => configs.forPath(path).ignoredBy(path),
    errorOnUnmatchedPattern: input.errorOnUnmatchedPattern ?? true,
  });
  const sources: ReadResult[] = [];
  if (input.paths.includes('-')) {
    const name = input.stdin?.filename;
    const path = name ? resolve(cwd, name) : '<stdin>';
    // Text given as a file the config ignores is not linted, as a named file is not (ESLint does the same with --stdin-filename).
    const globs = name ? configs.forPath(path).ignoredBy(path) : [];
    if (globs.length > 0) ignored.unshift({ path, kind: 'file', globs });
    else sources.push(decode(path, name ? displayPathOf(path, cwd) : '<stdin>', input.stdin?.bytes ?? Buffer.alloc(0), true));
  }
  for (const path of files) sources.push(readSource(path, displayPathOf(path, cwd)));
  const configOf = (p: IgnoredPath) => (p.kind === 'file' ? configs.forPath(p.path) : configs.forDirectory(p.path)).file;
  // Every file's config, looked up now: the policies they declare need the CEL engine loaded
  // before rules run, and their context joins the tree.
  for (const source of sources) {
    const { path } = fileOfRead(source);
    if (isAbsolute(path)) configs.forPath(path);
  }
  await preparePolicies(configs.used());
  // The context of every config in play joins the one tree the cross-resource rules see.
  const contextPaths = [...new Set(configs.used().flatMap((c) => c.context))];
  return {
    sources,
    context: await readContext(contextPaths, new Set(files), cwd),
    ignored: input.warnIgnored === false ? [] : ignored.map((p) => ignoredResult(p, cwd, configOf(p))),
  };
}

/**
 * Loads the CEL engine when one of `configs` declares policies, and compiles them: a
 * mistake in one is a configuration error (UsageError, at its file:line), found before
 * any file is linted.
 */
export async function preparePolicies(configs: Iterable<ResolvedConfig>): Promise<void> {
  for (const config of configs) {
    if (!holdsPolicies(config.rules)) continue;
    await loadCel();
    compiledPolicies(config.rules);
  }
}

/** Compiles the policies among `rules` (each once); the CEL engine must be loaded already. */
function compiledPolicies(rules: Readonly<Record<string, Rule<any, any>>>): void {
  if (!holdsPolicies(rules)) return;
  const engine = loadedCel();
  if (!engine) throw new Error('the CEL engine was not loaded before linting files whose config declares policies');
  try {
    compilePolicies(rules, engine);
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(policyErrorText(err));
    throw err;
  }
}

export interface LoadOptions extends ParseOptions {
  /** How many threads parse YAML and JSON (see src/load/parallel.ts); 1 unless given. */
  concurrency?: Concurrency;
}

/** Parses what `readPaths` read; a fix run keeps the syntax trees of the linted files (`keepTrees`). */
export async function parseReads(read: ReadOutput, options: LoadOptions = {}): Promise<LoadOutput> {
  await prepareTypeScript([...read.sources, ...read.context].flatMap((s) => (s.ok ? [s.file] : [])));
  const { concurrency = 1, ...parseOptions } = options;
  // YAML and JSON may be parsed in worker threads; the rest here, in order.
  const manifests = read.sources.flatMap((r) => (r.ok && r.file.language !== 'typescript' ? [r.file] : []));
  const byFile = new Map<SourceFile, ParsedFile>();
  const parsedManifests = await parseFiles(manifests, concurrency, parseOptions);
  manifests.forEach((f, i) => byFile.set(f, parsedManifests[i]!));
  const loaded = {
    context: read.context.flatMap((r) => parseRead(r).resources),
    parsed: read.sources.map((r) => (r.ok && byFile.get(r.file)) || parseRead(r, parseOptions)),
    ignored: read.ignored,
  };
  await prepareCel([...loaded.context, ...loaded.parsed.flatMap((p) => p.resources)]);
  return loaded;
}

/** Finds, reads and parses the given paths (and standard input). */
export async function loadPaths(input: Omit<LintInput, 'rules' | 'fixer'>, options: LoadOptions = {}): Promise<LoadOutput> {
  return parseReads(await readPaths(input), options);
}

/**
 * The files of the context paths: found as the linted paths are (ignoring what the config
 * ignores), without the files that are linted anyway. Their problems are not reported: they
 * are not being linted, only read for what they define.
 */
async function readContext(paths: readonly string[], linted: ReadonlySet<string>, cwd: string): Promise<ReadResult[]> {
  if (paths.length === 0) return [];
  const { files } = await discover(paths, { cwd, ignoredBy: () => [], errorOnUnmatchedPattern: true });
  return files.filter((path) => !linted.has(path)).map((path) => readSource(path, displayPathOf(path, cwd)));
}

/** Lint results and ignored-path results in one list: standard input first, then by path. */
export function withIgnored(results: readonly FileResult[], ignored: readonly FileResult[]): FileResult[] {
  if (ignored.length === 0) return [...results];
  const order = (r: FileResult) => (r.file.stdin ? '' : `\0${r.file.path}`);
  return [...results, ...ignored].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/**
 * The rules of the given configs together. A plugin's rules are the same objects in every
 * config that loads its module; two different plugins under one name, each in its own
 * config file, cannot be told apart in one report.
 */
export function rulesOf(configs: Iterable<ResolvedConfig>): Readonly<Record<string, Rule<any, any>>> {
  const list = [...new Set(configs)];
  if (list.length === 1) return list[0]!.rules;
  const out: Record<string, Rule<any, any>> = {};
  const from = new Map<string, ResolvedConfig>();
  for (const config of list) {
    for (const [id, rule] of Object.entries(config.rules)) {
      const seen = out[id];
      if (seen !== undefined && seen !== rule) {
        const name = id.slice(0, id.indexOf('/'));
        const where0 = (c: ResolvedConfig) => (c.file ? displayPathOf(c.file, process.cwd()) : 'the defaults');
        if (name === POLICY_PREFIX) {
          throw new UsageError(
            `policy "${id.slice(name.length + 1)}" is declared differently by two config files of one run: ${where0(from.get(id)!)} and ${where0(config)}; give one of them another id`,
          );
        }
        const module = (c: ResolvedConfig) => c.plugins.find((p) => p.name === name)?.module ?? 'another registry';
        const where = (c: ResolvedConfig) => (c.file ? displayPathOf(c.file, process.cwd()) : 'the defaults');
        throw new UsageError(
          `plugin "${name}" is two different modules in one run: ${module(from.get(id)!)} (${where(from.get(id)!)}) and ${module(config)} (${where(config)}); give them different names`,
        );
      }
      out[id] = rule;
      if (!from.has(id)) from.set(id, config);
    }
  }
  return out;
}

/** Reads, parses and lints the given paths. */
export async function lintPaths(input: LintInput): Promise<LintOutput> {
  const { parsed, ignored, context } = await loadPaths(input);
  const out = lintParsed(parsed, { ...input, context });
  return { ...out, results: withIgnored(out.results, ignored) };
}

export interface FixOutput extends LintOutput {
  /** Original file → fixed text, for every file the fixes changed. */
  changed: Map<SourceFile, string>;
  rejected: RejectedFix[];
}

/**
 * Applies fixes (safe ones, and unsafe ones when asked) over the whole tree, then lints
 * the result: the findings returned are those that remain, on the fixed text.
 */
export function fixParsed(
  parsed: ParsedFile[],
  input: LintOptions & { fixer: Fixer; unsafe: boolean; onlyRules?: ReadonlySet<string> },
): FixOutput {
  const loop = fixLoop(parsed, {
    unsafe: input.unsafe,
    ...(input.onlyRules ? { onlyRules: input.onlyRules } : {}),
    parse: (file) => parseAny(file, { keepTrees: true }),
    lint: (files) => lintParsed([...files], input).results.flatMap((r) => r.findings),
  });
  const out = lintParsed(loop.files, input);
  // Standard input may be given the path of a linted file: it keeps its own fixed text.
  const keyOf = (file: SourceFile) => `${file.stdin ? '-' : ''}\0${file.path}`;
  const fixedText = new Map([...loop.changed].map(([from, text]) => [keyOf(from), text]));
  for (const r of out.results) {
    const text = fixedText.get(keyOf(r.file));
    if (text !== undefined) r.output = text;
  }
  return { ...out, changed: loop.changed, rejected: loop.rejected };
}


/** What linting parsed files needs: the config, the rules, a fixer for fixes, and context resources. */
export interface LintOptions extends Pick<LintInput, 'config' | 'rules' | 'fixer'> {
  /** Resources read only to resolve references (`--context`), never reported on. */
  context?: readonly Resource[];
}

export function lintParsed(given: ParsedFile[], input: LintOptions): LintOutput {
  const configs = configsOf(input.config);
  // Rules that compare files (which of two duplicates is "first") see them in path order, so
  // the findings do not depend on the order the caller gives them in.
  const parsed = [...given].sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  // Every rule asks for every file's settings: resolve each file's once.
  // Standard input without a file name gets the working directory's config, no override applied.
  const settings = new Map(
    parsed.map((p) => [p.file, isAbsolute(p.file.path) ? configs.forPath(p.file.path).forFile(p.file.path) : configs.root.baseSettings] as const),
  );
  const root = configs.root;
  const rules = rulesOf([root, ...new Set(parsed.map((p) => (isAbsolute(p.file.path) ? configs.forPath(p.file.path) : root)))]);
  // A policy's expressions are compiled once the CEL engine is loaded (readPaths loads it): a
  // mistake in one is a configuration error, reported before any rule runs.
  compiledPolicies(rules);
  const run = runRules({
    files: parsed,
    rules,
    settingsFor: (p) => settings.get(p.file)!.rules,
    envFor: (p) => settings.get(p.file)!.env,
    target: root.target,
    clusterDomain: root.clusterDomain,
    references: root.references,
    linkerdOutput: root.linkerdOutput,
    ...(input.fixer ? { fixer: input.fixer } : {}),
    ...(input.context?.length ? { context: input.context } : {}),
  });
  const byFile = new Map<SourceFile, FileResult>();
  for (const p of parsed) byFile.set(p.file, { file: p.file, findings: [] });
  for (const f of run.findings) byFile.get(f.file)?.findings.push(f);
  const results = [...byFile.values()];
  for (const r of results) r.findings.sort((a, b) => compareRanges(a.range, b.range) || a.ruleId.localeCompare(b.ruleId));
  return { results, ruleErrors: run.ruleErrors, parsed };
}

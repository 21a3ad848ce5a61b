import { resolve } from 'node:path';
import { builtinRules } from '../../rules/index.js';
import type { ResolvedConfig } from '../engine/config.js';
import { type Configs, loadConfig, loadConfigs } from '../engine/config-file.js';
import { UsageError, systemErrorText } from '../model/errors.js';
import { FORMAT_NAMES } from '../report/index.js';
import { ruleUrl } from '../report/types.js';
import { TOOL, VERSION } from '../version.js';
import { type CliOptions, HELP, parseCli } from './args.js';
import { renderRuleList, renderRuleListJson } from './docs.js';
import { init } from './init.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { type CliIo, processIo, useColor, writeReport } from './io.js';
import { loadPaths, preparePolicies } from '../engine/lint.js';
import { collectTiming, timingLimit, timingTable } from '../engine/timing.js';
import { type LintResult, type RuleError, type RuleSetting, lintFiles, loadFormatter, outputFixes } from '../api/index.js';
import { runOf } from '../api/lint.js';
import { watchInterruptions, yieldToSignals } from './interrupt.js';

const rules = builtinRules;

/** Runs the CLI and returns its exit code. Never throws: every failure becomes a message and code 2. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    // A subcommand with its own flags: `linkerd-lint access --help`.
    if (argv[0] === 'access') return await (await import('./access.js')).access(argv.slice(1), io, { loadConfig, loadPaths, rules });
    return await run(parseCli(argv), io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`linkerd-lint: ${err.message}\n`);
    } else {
      io.stderr.write(`linkerd-lint: internal error: ${(err as Error)?.stack ?? String(err)}\nPlease report this with the input that caused it.\n`);
    }
    return EXIT_USAGE;
  }
}

async function run(opts: CliOptions, io: CliIo): Promise<number> {
  switch (opts.command) {
    case 'help':
      io.stdout.write(HELP);
      return EXIT_OK;
    case 'version':
      io.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    case 'list-rules': {
      const format = opts.formats.length > 0 ? opts.formats : ['stylish'];
      if (format.length > 1 || !['stylish', 'json'].includes(format[0]!)) {
        throw new UsageError(`--list-rules: --format ${format.join(', ')} is not supported; expected stylish or json`);
      }
      // The working directory's config adds its plugins' rules and its policies.
      const listed = configsFor(opts, io).root.rules;
      const text = format[0] === 'json' ? renderRuleListJson(listed, (meta) => ruleUrl(meta, TOOL)) : renderRuleList(listed);
      // `-o FILE` (or `-o json=FILE`) writes the list there, as it does a report.
      const file = opts.outputFiles.length === 1 ? opts.outputFiles[0]!.replace(/^[a-z-]+=/, '') : undefined;
      if (opts.outputFiles.length > 1) throw new UsageError('--list-rules writes one list: give at most one --output-file');
      if (file) writeReport(resolve(io.cwd, file), text);
      else io.stdout.write(text);
      return EXIT_OK;
    }
    case 'explain': {
      const [{ explain }, { examples }] = await Promise.all([import('./explain.js'), import('../generated/examples.js')]);
      // A plugin's rule or a policy is known from the config that declares it: that of the working directory.
      const known = opts.paths[0]?.includes('/') ? configsFor(opts, io).root.rules : rules;
      io.stdout.write(explain(opts.paths[0], known, examples));
      return EXIT_OK;
    }
    case 'print-config': {
      const configs = configsFor(opts, io);
      const path = opts.paths[0] !== undefined ? resolve(io.cwd, opts.paths[0]) : undefined;
      const config = path ? configs.forPath(path) : configs.root;
      // A policy whose expression does not compile makes the config invalid, as for a lint run.
      await preparePolicies([config]);
      io.stdout.write(printConfig(config, path));
      return EXIT_OK;
    }
    case 'init':
      await init(io);
      return EXIT_OK;
    case 'lint':
      return lint(opts, io);
  }
}

function configsFor(opts: CliOptions, io: CliIo): Configs {
  const rulesFlag = [...opts.rules];
  if (opts.unusedDirectives !== undefined) rulesFlag.push(['unused-disable-directive', opts.unusedDirectives]);
  return loadConfigs(
    { cwd: io.cwd, ...(opts.config !== undefined ? { config: opts.config } : {}), configLookup: opts.configLookup },
    rules,
    {
      ...(opts.linkerdVersion !== undefined ? { linkerdVersion: opts.linkerdVersion } : {}),
      rules: rulesFlag,
      ...(opts.context.length ? { context: { cwd: io.cwd, paths: opts.context } } : {}),
    },
  );
}

/** The settings that apply to the file at `path` (absolute), or those of the config itself without overrides. */
function printConfig(config: ResolvedConfig, path: string | undefined): string {
  const settings = path ? config.forFile(path) : config.baseSettings;
  const { target } = settings.env;
  const out = {
    configFile: config.file ?? null,
    // The files it extends, nearest first.
    extendsFiles: config.files.slice(1),
    linkerdVersion: target.input,
    linkerdRelease: target.release,
    gatewayAPI: target.gatewayApi ?? 'auto',
    clusterDomain: config.clusterDomain,
    extends: config.preset,
    ignore: config.ignore,
    context: config.context,
    references: config.references,
    linkerdOutput: config.linkerdOutput,
    defaultInboundPolicy: config.defaultInboundPolicy ?? null,
    plugins: Object.fromEntries(config.plugins.map((p) => [p.name, p.module])),
    rules: Object.fromEntries(
      [...settings.rules].map(([id, s]) => [id, Object.keys(s.options).length > 0 ? [s.severity, s.options] : s.severity]),
    ),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

interface OutputTarget {
  format: string;
  file?: string;
}

/**
 * Pairs formats with destinations. `-o FILE` sends the only (or first) format to FILE;
 * `-o NAME=FILE` sends format NAME there. At most one format may go to standard output.
 */
export function planOutputs(formats: readonly string[], outputFiles: readonly string[]): OutputTarget[] {
  const names = formats.length > 0 ? [...formats] : ['stylish'];
  for (const name of names) {
    if (!FORMAT_NAMES.includes(name)) {
      throw new UsageError(`--format: unknown format "${name}"; expected one of ${FORMAT_NAMES.join(', ')}`);
    }
  }
  if (new Set(names).size !== names.length) throw new UsageError('--format: each format may be given once');
  const targets: OutputTarget[] = names.map((format) => ({ format }));
  for (const spec of outputFiles) {
    const eq = spec.indexOf('=');
    const named = eq > 0 && FORMAT_NAMES.includes(spec.slice(0, eq));
    const format = named ? spec.slice(0, eq) : undefined;
    const file = named ? spec.slice(eq + 1) : spec;
    const target = format ? targets.find((t) => t.format === format) : targets.find((t) => t.file === undefined);
    if (!target) {
      throw new UsageError(
        format ? `--output-file ${spec}: format "${format}" was not requested with --format` : `--output-file ${spec}: every format already has an output file`,
      );
    }
    if (target.file !== undefined) throw new UsageError(`--output-file: format "${target.format}" has two output files`);
    if (!file) throw new UsageError(`--output-file ${spec}: missing file name`);
    target.file = file;
  }
  const toStdout = targets.filter((t) => t.file === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(
      `formats ${toStdout.map((t) => t.format).join(' and ')} would both go to standard output; give all but one an --output-file NAME=FILE`,
    );
  }
  return targets;
}

/** The CLI's lint and fix runs: the programmatic API's `lintFiles`, `outputFixes` and formatters, called as a program would. */
async function lint(opts: CliOptions, io: CliIo): Promise<number> {
  const targets = planOutputs(opts.formats, opts.outputFiles);
  const paths = opts.paths.length > 0 ? opts.paths : ['.'];
  // Standard input is read once the config is loaded: a bad config fails without waiting for it.
  let stdinBytes: Buffer | undefined;
  const stdin = paths.includes('-')
    ? { text: async () => (stdinBytes = await readStdin(io)), ...(opts.stdinFilename !== undefined ? { filePath: opts.stdinFilename } : {}) }
    : undefined;
  const rulesFlag: [string, RuleSetting][] = opts.rules.map(([id, severity, options]) => [id, options === undefined ? severity : [severity, options]]);
  if (opts.unusedDirectives !== undefined) rulesFlag.push(['unused-disable-directive', opts.unusedDirectives]);
  let failed = false;
  const ruleErrors: RuleError[] = [];
  const fixing = opts.fix || opts.fixDryRun;
  // TIMING=1 (or a number, or all) prints the time each rule took, as ESLint does.
  const timing = timingLimit(io.env.TIMING);
  if (timing !== undefined) collectTiming();
  const results = await lintFiles(paths, {
    cwd: io.cwd,
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    configLookup: opts.configLookup,
    ...(opts.linkerdVersion !== undefined ? { linkerdVersion: opts.linkerdVersion } : {}),
    rules: rulesFlag,
    context: opts.context,
    fix: fixing,
    unsafeFixes: opts.unsafeFixes,
    quiet: opts.quiet,
    errorOnUnmatchedPattern: opts.errorOnUnmatchedPattern,
    warnIgnored: opts.warnIgnored,
    cache: opts.cache,
    ...(opts.cacheLocation !== undefined ? { cacheLocation: opts.cacheLocation } : {}),
    concurrency: opts.concurrency,
    ...(stdin ? { stdin } : {}),
    onRuleError: (e) => ruleErrors.push(e),
    onWarning: (w) => {
      io.stderr.write(`linkerd-lint: ${w.message}\n`);
      // A fix that would break its file is a bug in the rule: the run fails, as for a rule that throws.
      if (w.kind === 'fix-rejected') failed = true;
    },
  });

  // With --fix on standard input the fixed text is the output, so the report goes to stderr.
  let report = io.stdout;
  if (opts.fix) {
    const writes = results.filter((r) => r.output !== undefined && !runOf(r)?.read?.stdin);
    const interruption = watchInterruptions();
    let written = 0;
    try {
      for (const r of writes) {
        await yieldToSignals();
        if (interruption.signal) break;
        try {
          await outputFixes([r]);
          written++;
        } catch (err) {
          io.stderr.write(`linkerd-lint: ${(err as Error).message}\n`);
          failed = true;
        }
      }
    } finally {
      interruption.dispose();
    }
    if (interruption.exitCode !== undefined) {
      io.stderr.write(`linkerd-lint: interrupted by ${interruption.signal}: fixes written to ${written} of ${writes.length} files; the others are unchanged\n`);
      return interruption.exitCode;
    }
    if (stdin) {
      const stdinResult = results.find((r) => runOf(r)?.read?.stdin);
      // Text the config ignores was not linted: it comes back as it was given.
      io.stdout.write(stdinResult ? (stdinResult.output ?? runOf(stdinResult)!.read!.text) : stdinBytes!.toString('utf8'));
      report = io.stderr;
    }
  }

  // With --fix-dry-run the diff is the output (a patch a script can apply), so the report goes to stderr.
  if (opts.fixDryRun) {
    io.stdout.write(await dryRunDiffs(results, useColor(opts.color, io.env, io.stdout.isTTY)));
    report = io.stderr;
  }
  for (const target of targets) {
    const formatter = await loadFormatter(target.format);
    const stream = target.file === undefined ? report : undefined;
    const color = stream ? useColor(opts.color, io.env, stream.isTTY) : false;
    const warn = (message: string) => io.stderr.write(`linkerd-lint: ${message}\n`);
    const text = formatter.format(results, { color, warn });
    if (stream) stream.write(text);
    else writeReport(resolve(io.cwd, target.file!), text);
  }

  if (timing !== undefined) {
    const table = timingTable(timing);
    if (table) io.stderr.write(table);
  }

  for (const e of ruleErrors) {
    const detail = opts.debug && e.stack ? `\n${e.stack}` : '';
    const hint = opts.debug ? '' : ' (--debug shows where)';
    // A plugin's rule that throws is a bug in the plugin, not in linkerd-lint.
    const what = Object.hasOwn(rules, e.ruleId) ? 'internal error: rule' : 'plugin rule';
    io.stderr.write(`linkerd-lint: ${what} "${e.ruleId}" failed on ${e.file} with ${e.message}${hint}; its findings there are missing, the rest of the run is complete${detail}\n`);
  }
  if (ruleErrors.length > 0 || failed) return EXIT_USAGE;

  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return EXIT_FINDINGS;
  if (opts.maxWarnings !== undefined && opts.maxWarnings >= 0 && warnings > opts.maxWarnings) {
    io.stderr.write(`linkerd-lint found too many warnings (maximum: ${opts.maxWarnings}).\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

/** The changes of a fix run as unified diffs, by path: each changed file's text as read against its `output`. */
async function dryRunDiffs(results: readonly LintResult[], color: boolean): Promise<string> {
  const { unifiedDiff } = await import('../fix/diff.js');
  return results
    .flatMap((r) => {
      const read = runOf(r)?.read;
      return r.output !== undefined && read ? [{ read, text: r.output }] : [];
    })
    .sort((a, b) => a.read.displayPath.localeCompare(b.read.displayPath))
    .map(({ read, text }) => unifiedDiff(read.displayPath, read.text, text, color))
    .join('');
}

async function readStdin(io: CliIo): Promise<Buffer> {
  try {
    return await io.readStdin();
  } catch (err) {
    throw new UsageError(`cannot read standard input: ${systemErrorText(err)}`);
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { builtinRules } from '../../rules/index.js';
import type { ResolvedConfig } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';
import { FORMAT_NAMES, loadFormatter } from '../report/index.js';
import { type FileResult, countFindings } from '../report/types.js';
import { VERSION } from '../version.js';
import { type CliOptions, HELP, parseCli } from './args.js';
import { loadConfig } from './config-file.js';
import { renderRuleList } from './docs.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { type CliIo, processIo, useColor } from './io.js';
import { lintPaths } from './lint.js';

const rules = builtinRules;

/** Runs the CLI and returns its exit code. Never throws: every failure becomes a message and code 2. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
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
    case 'list-rules':
      io.stdout.write(renderRuleList(rules));
      return EXIT_OK;
    case 'explain': {
      const [{ explain }, { examples }] = await Promise.all([import('./explain.js'), import('../generated/examples.js')]);
      io.stdout.write(explain(opts.paths[0], rules, examples));
      return EXIT_OK;
    }
    case 'print-config': {
      const config = configFor(opts, io);
      io.stdout.write(printConfig(config, opts.paths[0], io.cwd));
      return EXIT_OK;
    }
    case 'lint':
      return lint(opts, io);
  }
}

function configFor(opts: CliOptions, io: CliIo): ResolvedConfig {
  const rulesFlag = [...opts.rules];
  if (opts.unusedDirectives !== undefined) rulesFlag.push(['unused-disable-directive', opts.unusedDirectives]);
  return loadConfig(
    { cwd: io.cwd, ...(opts.config !== undefined ? { config: opts.config } : {}), configLookup: opts.configLookup },
    rules,
    { ...(opts.linkerdVersion !== undefined ? { linkerdVersion: opts.linkerdVersion } : {}), rules: rulesFlag },
  );
}

function printConfig(config: ResolvedConfig, forPath: string | undefined, cwd: string): string {
  const settings = forPath
    ? config.settingsFor(resolve(cwd, forPath).slice(config.baseDir.length + 1).split('\\').join('/'))
    : config.baseSettings;
  const out = {
    configFile: config.file ?? null,
    linkerdVersion: config.target.input,
    linkerdRelease: config.target.release,
    gatewayAPI: config.target.gatewayApi ?? 'auto',
    clusterDomain: config.clusterDomain,
    extends: config.preset,
    ignore: config.ignore,
    rules: Object.fromEntries(
      [...settings].map(([id, s]) => [id, Object.keys(s.options).length > 0 ? [s.severity, s.options] : s.severity]),
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

async function lint(opts: CliOptions, io: CliIo): Promise<number> {
  const targets = planOutputs(opts.formats, opts.outputFiles);
  if (opts.fix || opts.fixDryRun) throw new UsageError('--fix and --fix-dry-run are not available in this build');
  const config = configFor(opts, io);
  const paths = opts.paths.length > 0 ? opts.paths : ['.'];
  const stdin = paths.includes('-')
    ? { bytes: await io.readStdin(), ...(opts.stdinFilename !== undefined ? { filename: opts.stdinFilename } : {}) }
    : undefined;
  const { results, ruleErrors } = await lintPaths({
    cwd: io.cwd,
    paths,
    ...(stdin ? { stdin } : {}),
    config,
    rules,
    errorOnUnmatchedPattern: opts.errorOnUnmatchedPattern,
  });

  const shown: FileResult[] = opts.quiet
    ? results.map((r) => ({ ...r, findings: r.findings.filter((f) => f.severity === 'error') }))
    : results;

  for (const target of targets) {
    const formatter = (await loadFormatter(target.format))!;
    const stream = target.file === undefined ? io.stdout : undefined;
    const text = formatter(shown, {
      cwd: io.cwd,
      color: stream ? useColor(opts.color, io.env, stream.isTTY) : false,
      rules,
      target: config.target,
      toolVersion: VERSION,
      fixMode: 'none',
    });
    if (stream) stream.write(text);
    else writeReport(resolve(io.cwd, target.file!), text);
  }

  for (const e of ruleErrors) io.stderr.write(`linkerd-lint: internal error in rule "${e.ruleId}": ${e.message}\n`);
  if (ruleErrors.length > 0) return EXIT_USAGE;

  const counts = countFindings(shown.flatMap((r) => r.findings));
  if (counts.errors > 0) return EXIT_FINDINGS;
  if (opts.maxWarnings !== undefined && opts.maxWarnings >= 0 && counts.warnings > opts.maxWarnings) {
    io.stderr.write(`linkerd-lint found too many warnings (maximum: ${opts.maxWarnings}).\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

function writeReport(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

import { parseArgs } from 'node:util';
import { UsageError } from '../model/errors.js';
import { didYouMean } from '../model/text.js';
import { SEVERITIES, type SeveritySetting } from '../engine/rule.js';
import type { Concurrency } from '../load/parallel.js';

export interface CliOptions {
  command: 'lint' | 'explain' | 'help' | 'version' | 'list-rules' | 'print-config' | 'init';
  paths: string[];
  config?: string;
  configLookup: boolean;
  linkerdVersion?: string;
  rules: [string, SeveritySetting, Record<string, unknown>?][];
  context: string[];
  formats: string[];
  outputFiles: string[];
  quiet: boolean;
  maxWarnings?: number;
  fix: boolean;
  unsafeFixes: boolean;
  fixDryRun: boolean;
  /** `--cache`: reuse the last run's results when nothing that decides them changed. */
  cache: boolean;
  cacheLocation?: string;
  /** `--concurrency`: how many threads parse (see src/load/parallel.ts). */
  concurrency: Concurrency;
  stdinFilename?: string;
  unusedDirectives?: SeveritySetting;
  color?: boolean;
  errorOnUnmatchedPattern: boolean;
  warnIgnored: boolean;
  /** Print the stack of a rule's internal error. */
  debug: boolean;
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'no-config-lookup': { type: 'boolean' },
  'linkerd-version': { type: 'string' },
  rule: { type: 'string', multiple: true },
  context: { type: 'string', multiple: true },
  'print-config': { type: 'boolean' },
  init: { type: 'boolean' },
  format: { type: 'string', short: 'f', multiple: true },
  'output-file': { type: 'string', short: 'o', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  'max-warnings': { type: 'string' },
  fix: { type: 'boolean' },
  'unsafe-fixes': { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  cache: { type: 'boolean' },
  'cache-location': { type: 'string' },
  concurrency: { type: 'string' },
  'stdin-filename': { type: 'string' },
  'report-unused-disable-directives': { type: 'boolean' },
  'no-report-unused-disable-directives': { type: 'boolean' },
  'report-unused-disable-directives-severity': { type: 'string' },
  color: { type: 'boolean' },
  debug: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'no-error-on-unmatched-pattern': { type: 'boolean' },
  'no-warn-ignored': { type: 'boolean' },
  'list-rules': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function severity(flag: string, value: string): SeveritySetting {
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new UsageError(`${flag}: "${value}" is not a severity; expected one of ${SEVERITIES.join(', ')}`);
  }
  return value as SeveritySetting;
}

/** `id:severity`, or `id:[severity, {options}]` with the list in JSON, as ESLint's `--rule` takes it. */
function ruleSpec(spec: string): [string, SeveritySetting, Record<string, unknown>?] {
  // Rule ids have no colon: the first one ends the id, and JSON after it may hold more.
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new UsageError(`--rule "${spec}": expected <rule-id>:<severity>, e.g. --rule no-inject-system-namespace:warning`);
  const id = spec.slice(0, colon);
  const value = spec.slice(colon + 1).trim();
  if (!value.startsWith('[')) return [id, severity(`--rule ${id}`, value)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new UsageError(`--rule ${id}: ${value} is not valid JSON (${(err as Error).message}); write e.g. --rule '${id}:["error", {"option": 1}]'`);
  }
  const [level, options, ...rest] = parsed as unknown[];
  if (typeof level !== 'string' || rest.length > 0 || (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options)))) {
    throw new UsageError(`--rule ${id}: expected ["<severity>"] or ["<severity>", {options}], got ${value}`);
  }
  const sev = severity(`--rule ${id}`, level);
  return options === undefined ? [id, sev] : [id, sev, options as Record<string, unknown>];
}

/** `--max-warnings -1`: parseArgs reads `-1` as a flag, so it is joined to its option. */
function withNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return [...out, ...argv.slice(i)];
    if (argv[i] === '--max-warnings' && /^-\d+$/.test(argv[i + 1] ?? '')) out.push(`--max-warnings=${argv[++i]}`);
    else out.push(argv[i]!);
  }
  return out;
}

/** Parses argv (without node and the script). Throws UsageError with a message naming the flag. */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: withNegativeNumbers(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    let text = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /^Unknown option '(--[^']+)'$/.exec(text)?.[1];
    if (unknown) text += didYouMean(unknown, Object.keys(OPTIONS).map((name) => `--${name}`));
    throw new UsageError(`${text}\nRun "linkerd-lint --help" for the list of options.`);
  }
  const v = parsed.values;
  const positionals = [...parsed.positionals];

  let command: CliOptions['command'] = 'lint';
  if (v.help) command = 'help';
  else if (v.version) command = 'version';
  else if (v['list-rules']) command = 'list-rules';
  else if (v['print-config']) command = 'print-config';
  else if (v.init) command = 'init';
  else if (positionals[0] === 'explain') {
    command = 'explain';
    positionals.shift();
  }

  const rules = (v.rule ?? []).map(ruleSpec);

  let maxWarnings: number | undefined;
  if (v['max-warnings'] !== undefined) {
    maxWarnings = Number(v['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < -1) {
      throw new UsageError(`--max-warnings: "${v['max-warnings']}" is not a whole number (use -1 for no limit)`);
    }
  }

  let unusedDirectives: SeveritySetting | undefined;
  if (v['report-unused-disable-directives']) unusedDirectives = 'error';
  if (v['report-unused-disable-directives-severity'] !== undefined) {
    unusedDirectives = severity('--report-unused-disable-directives-severity', v['report-unused-disable-directives-severity']);
  }
  if (v['no-report-unused-disable-directives']) unusedDirectives = 'off';

  if (v['unsafe-fixes'] && !v.fix && !v['fix-dry-run']) {
    throw new UsageError('--unsafe-fixes only makes sense with --fix or --fix-dry-run');
  }
  if (v.fix && v['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');

  const concurrency = concurrencyOf(v.concurrency);
  const color = v['no-color'] ? false : v.color ? true : undefined;
  return {
    command,
    paths: positionals,
    ...(v.config !== undefined ? { config: v.config } : {}),
    configLookup: !v['no-config-lookup'],
    ...(v['linkerd-version'] !== undefined ? { linkerdVersion: v['linkerd-version'] } : {}),
    rules,
    context: v.context ?? [],
    formats: v.format ?? [],
    outputFiles: v['output-file'] ?? [],
    quiet: v.quiet ?? false,
    ...(maxWarnings !== undefined ? { maxWarnings } : {}),
    fix: v.fix ?? false,
    unsafeFixes: v['unsafe-fixes'] ?? false,
    fixDryRun: v['fix-dry-run'] ?? false,
    cache: v.cache ?? false,
    ...(v['cache-location'] !== undefined ? { cacheLocation: v['cache-location'] } : {}),
    concurrency,
    ...(v['stdin-filename'] !== undefined ? { stdinFilename: v['stdin-filename'] } : {}),
    ...(unusedDirectives !== undefined ? { unusedDirectives } : {}),
    ...(color !== undefined ? { color } : {}),
    errorOnUnmatchedPattern: !v['no-error-on-unmatched-pattern'],
    warnIgnored: !v['no-warn-ignored'],
    debug: Boolean(v.debug),
  };
}

/** `--concurrency`: a thread count, `auto`, or `off` (one thread). */
function concurrencyOf(value: string | undefined): Concurrency {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === 'off') return 1;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new UsageError(`--concurrency: "${value}" is not a number of threads (1 or more), auto or off`);
  return n;
}

export const HELP = `Usage: linkerd-lint [options] [paths...]
       linkerd-lint explain <rule-id>
       linkerd-lint access [options] [paths...]   who may call whom (see linkerd-lint access --help)

Lints Linkerd and Kubernetes manifests. Paths are files, directories (searched for
*.yaml, *.yml and *.json) and globs; "-" reads standard input. A file or directory
named here is linted even if .gitignore excludes it; .gitignore applies to what is
found inside directories and to what globs match. A named file that the config's
"ignore" globs exclude, or a named directory they leave empty, is skipped with a warning.

Configuration:
  -c, --config FILE              Use this config file for every file instead of each file's
                                 nearest .linkerd-lint.yaml
      --no-config-lookup         Do not look for a config file
      --linkerd-version VERSION  Target Linkerd release: 2.10 … 2.20 or edge-YY.M.N (default 2.20)
      --rule ID:SEVERITY         Set a rule's severity (off, info, warning, error); repeatable;
                                 'ID:["error", {...}]' sets its options too (JSON)
      --print-config [PATH]      Print the configuration that applies to PATH (default: the
                                 working directory) and exit
      --init                     Write a starter .linkerd-lint.yaml here, targeting the newest
                                 Linkerd release the manifests below state, and exit

Output:
  -f, --format NAME              Output format: stylish (default), json, json-with-metadata,
                                 sarif, github, junit; repeatable (one run, several reports)
  -o, --output-file [NAME=]FILE  Write the report (of format NAME) to FILE instead of standard output
  -q, --quiet                    Report errors only
      --max-warnings N           Exit with code 1 when there are more than N warnings (-1: no limit)
      --color, --no-color        Force colours on or off (default: on for terminals; NO_COLOR, FORCE_COLOR honoured)

Fixing:
      --fix                      Apply safe fixes to the files
      --unsafe-fixes             With --fix or --fix-dry-run: apply unsafe fixes too
      --fix-dry-run              Print the changes --fix would make as a diff on stdout, the
                                 report (what the fixes leave) on stderr; write nothing

Speed:
      --cache                    Reuse the last run's results when no linted file, config,
                                 release or version changed (fix runs and stdin always lint)
      --cache-location PATH      Cache file, or directory to keep it in (default .linkerd-lint-cache)
      --concurrency N|auto|off   Threads that parse YAML and JSON files (default auto: worker
                                 threads only for 8 MiB of input or more; fix runs use one)

Input:
      --context PATH             More manifests (file, directory or glob) that references are
                                 resolved against, never reported on; repeatable
      --stdin-filename NAME      Name to report for standard input ("-")
      --no-error-on-unmatched-pattern  Do not fail when a glob or directory yields no manifest
      --no-warn-ignored          Skip named paths the config ignores without a warning

Suppressions:
      --report-unused-disable-directives           Report unused directives as errors
      --report-unused-disable-directives-severity S  Severity for unused directives (default warning)
      --no-report-unused-disable-directives        Do not report unused directives

Information:
      --list-rules               List every rule with its category, default severity and fix kind,
                                 the config's plugin rules and policies included
                                 (with --format json: a JSON array, with docs URL and releases)
  -h, --help                     Show this help
  -v, --version                  Show the version
      --debug                    With an internal error in a rule, print where it happened (the stack)

Environment: TIMING=1 prints the ten slowest rules on stderr (TIMING=all: every rule; TIMING=N: N)

Exit codes: 0 no errors · 1 lint errors (or too many warnings) · 2 usage, configuration or I/O error
`;

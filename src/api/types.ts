// The public types of the programmatic API. Declared here, apart from the engine's own
// types, so the package's declarations stay small and stable while the engine changes.
import type { ConfigInput } from '../engine/config.js';
import type { SeveritySetting } from '../engine/rule.js';

export type { ConfigInput, SeveritySetting };

/** A rule's setting: a severity, or a severity and the rule's options. */
export type RuleSetting = SeveritySetting | [SeveritySetting] | [SeveritySetting, Record<string, unknown>];

/** What `lintFiles` and `lintText` take; every field is optional. */
export interface LintOptions {
  /** The directory relative paths (and config lookup) start from. Default: `process.cwd()`. */
  cwd?: string;
  /**
   * One config for every file: the path of a config file (relative to `cwd`), as
   * `--config` gives it, or a config object of the same settings (its paths relative to
   * `cwd`). Default: each file's nearest `.linkerd-lint.yaml`, as the CLI looks it up.
   */
  config?: string | ConfigInput;
  /** False to lint with the defaults, looking up no config file (`--no-config-lookup`). Default: true. */
  configLookup?: boolean;
  /** The Linkerd release to check against (`--linkerd-version`), over what the config says. */
  linkerdVersion?: string;
  /**
   * Rule settings laid over every config's (`--rule`), by rule id; or `[id, setting]` pairs,
   * applied in order as repeated `--rule` flags are (each one checked, the last one winning).
   */
  rules?: Readonly<Record<string, RuleSetting>> | readonly (readonly [string, RuleSetting])[];
  /** Paths read only to resolve references, never reported on (`--context`), relative to `cwd`. */
  context?: readonly string[];
  /**
   * Apply fixes (`--fix`) and return the fixed text as each changed result's `output`,
   * with the findings that remain. Nothing is written: see `outputFixes`.
   */
  fix?: boolean;
  /** With `fix`, apply unsafe fixes too (`--unsafe-fixes`): they change what runs. */
  unsafeFixes?: boolean;
  /**
   * Keep only the errors (`--quiet`): warnings and infos are left out of the results, their
   * counts and the reports made of them.
   */
  quiet?: boolean;
  /**
   * Called for each rule that throws (`--debug` prints the `stack`), after the run: the call
   * then resolves with the findings of every other rule and file. Without it, a rule that
   * throws rejects the call, as ESLint does, so that its missing findings do not go unseen.
   */
  onRuleError?: (error: RuleError) => void;
  /**
   * Called with what the run has to say besides its findings, in order, as the CLI writes it to
   * standard error after `linkerd-lint: `: a `gatewayAPI` release newer than the linter
   * knows, a cache file that cannot be written, fixes left out because they would break
   * their file (the CLI then exits with code 2). Without it, these are dropped.
   */
  onWarning?: (warning: LintWarning) => void;
}

/** A rule that threw: its findings on `file` are missing, the rest of the run is complete. */
export interface RuleError {
  ruleId: string;
  /** The file it failed on, as reports name it (relative to `cwd`), or `the files together`. */
  file: string;
  /** What it threw: the error's name and message. */
  message: string;
  stack?: string;
}

/** What `onWarning` is told. */
export interface LintWarning {
  /**
   * `gateway-api`: the config's `gatewayAPI` release is newer than the linter knows, so routes
   * are not checked; `cache`: the cache file could not be written; `fix-rejected`: fixes of
   * the rules in `ruleIds` would leave their file unparsable and were not applied.
   */
  kind: 'gateway-api' | 'cache' | 'fix-rejected';
  message: string;
  /** With `fix-rejected`: the rules whose fixes were left out. */
  ruleIds?: string[];
}

/** What `lintFiles` takes besides `LintOptions`. */
export interface LintFilesOptions extends LintOptions {
  /** Reject when a path or glob matches no file (default true), as `--no-error-on-unmatched-pattern` turns off. */
  errorOnUnmatchedPattern?: boolean;
  /** Report named paths the config ignores with an `ignored-path` warning (default true). */
  warnIgnored?: boolean;
  /**
   * Reuse the last run's results while nothing that decides them changed (`--cache`): the
   * text of every linted and context file, each file's settings, the rules and plugins, the
   * working directory and the version. Fix runs and `stdin` always lint. Default false.
   */
  cache?: boolean;
  /** With `cache`: the cache file, or a directory to keep it in (`--cache-location`; default `.linkerd-lint-cache` in `cwd`). */
  cacheLocation?: string;
  /**
   * How many threads parse YAML and JSON files (`--concurrency`): a number, or `'auto'` for
   * worker threads only on inputs of 8 MiB or more. Default 1: the calling process's threads
   * are its own to spend. Fix runs parse in one thread.
   */
  concurrency?: number | 'auto';
  /**
   * The text a path `-` among `paths` stands for, linted with the files as `linkerd-lint - <paths>`
   * lints standard input: as the file at `filePath` (see `lintText`), or as `<stdin>`.
   * Without it, `-` is a file of that name. `text` may be a function that reads it, called
   * once the config is loaded, so that a bad config fails the call before anything is read.
   */
  stdin?: { text: string | Uint8Array | (() => Promise<string | Uint8Array>); filePath?: string };
}

/** What `lintText` takes besides `LintOptions`. */
export interface LintTextOptions extends LintOptions {
  /**
   * The path the text is linted as (relative to `cwd`): it picks the language (YAML, JSON
   * or TypeScript), the config and the `overrides` that apply. Without it the text is
   * YAML reported as `<stdin>` under the config of `cwd`.
   */
  filePath?: string;
}

/** A text replacement: `range` is `[start, end)` in 0-based offsets of the file's text. */
export interface EditInfo {
  range: [number, number];
  text: string;
}

/** One finding, in the shape of ESLint's `LintMessage`. Lines and columns are 1-based; `end*` are exclusive. */
export interface LintMessage {
  ruleId: string;
  /** ESLint's numeric severity: 2 for errors, 1 for warnings and infos (see `level`). */
  severity: 1 | 2;
  /** This linter's severity. */
  level: 'error' | 'warning' | 'info';
  message: string;
  messageId?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** True on `parse-error` findings. */
  fatal?: true;
  /** The safe fix: what `fix: true` applies. */
  fix?: EditInfo;
  /** An unsafe fix, offered as an ESLint suggestion: applied only with `unsafeFixes`. */
  suggestions?: { desc: string; fix: EditInfo }[];
  fixKind?: 'safe' | 'unsafe';
}

/** A finding that an in-source or external directive suppresses. */
export interface SuppressedLintMessage extends LintMessage {
  suppressions: { kind: 'directive'; justification: string }[];
}

/** One linted file, in the shape of ESLint's `LintResult` (and of `--format json`). */
export interface LintResult {
  /** The absolute path of the file, or `<stdin>` for text linted without `filePath`. */
  filePath: string;
  messages: LintMessage[];
  suppressedMessages: SuppressedLintMessage[];
  errorCount: number;
  fatalErrorCount: number;
  /** Warnings only: infos are counted in `infoCount`. */
  warningCount: number;
  infoCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** With `fix`: the fixed text, when fixes changed the file. */
  output?: string;
  /** The text linted, on a result with messages and no `output`. */
  source?: string;
  /** ESLint's deprecated rules in use: always empty, no rule being deprecated. */
  usedDeprecatedRules: { ruleId: string; replacedBy: string[] }[];
}

/** What `LoadedFormatter.format` takes; every field is optional. */
export interface FormatOptions {
  /** Colour the stylish format (default false). */
  color?: boolean;
  /** Called with a warning about the report itself: a SARIF log cut down to GitHub's upload limits. */
  warn?: (message: string) => void;
}

/** What `loadFormatter` returns. */
export interface LoadedFormatter {
  /**
   * Formats results of `lintFiles` or `lintText` as the CLI's `--format` does: the array a
   * call returned (even an empty one) with the release and rules of its run, or results of
   * one or more calls, named by the first one's.
   */
  format(results: readonly LintResult[], options?: FormatOptions): string;
}

/** What `builtinRules` tells of each rule. */
export interface RuleInfo {
  id: string;
  description: string;
  category: 'security' | 'reliability' | 'deprecation' | 'correctness' | 'best-practice';
  defaultSeverity: 'error' | 'warning' | 'info';
  /** The fixes the rule offers. */
  fix: 'none' | 'safe' | 'unsafe' | 'both';
  /** True when the `recommended` preset leaves the rule off. */
  notRecommended: boolean;
  /** JSON Schema of the rule's options, when it takes some. */
  options?: Record<string, unknown>;
  /** The rule's documentation page. */
  url: string;
}

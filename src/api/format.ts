import { builtinRules } from '../../rules/index.js';
import { findSourceRoot } from '../cli/source-root.js';
import { FORMAT_NAMES, loadFormatter as loadReportFormatter } from '../report/index.js';
import type { FileResult } from '../model/finding.js';
import { defaultTarget } from '../linkerd/releases.js';
import { TOOL } from '../version.js';
import { callOf, runOf } from './lint.js';
import type { LintResult, LoadedFormatter } from './types.js';

/** The names `loadFormatter` knows: those of the CLI's `--format`. */
export const formatterNames: readonly string[] = FORMAT_NAMES;

/**
 * The formatter the CLI's `--format <name>` uses (`stylish`, `json`, `json-with-metadata`,
 * `sarif`, `github`, `junit`; default `stylish`). Its `format` takes results of `lintFiles` or `lintText`
 * (it reads what the plain result objects leave out: the source text, the config's Linkerd
 * release). Rejects for an unknown name.
 */
export async function loadFormatter(name: string = 'stylish'): Promise<LoadedFormatter> {
  const formatter = await loadReportFormatter(name);
  if (!formatter) throw new Error(`unknown formatter "${name}"; expected one of ${FORMAT_NAMES.join(', ')}`);
  return {
    format(results, options = {}) {
      const runs = results.map((r: LintResult) => {
        const run = runOf(r);
        if (!run) throw new TypeError('format: every result must be one that lintFiles or lintText returned');
        return run;
      });
      const shown: FileResult[] = runs.map((run) => run.result);
      // The array a call returned names its run even when it is empty.
      const first = callOf(results) ?? runs[0];
      const cwd = first?.cwd ?? process.cwd();
      return formatter(shown, {
        cwd,
        sourceRoot: findSourceRoot(cwd),
        color: options.color === true,
        // The built-in rules and the plugin rules of every run given.
        rules: first === undefined ? builtinRules : Object.assign({}, ...new Set([first, ...runs].map((run) => run.rules))),
        // A report names one target release: that of the first run's working directory, as the CLI's does.
        target: first ? first.config.target : defaultTarget(),
        tool: TOOL,
        fixMode: first?.fixMode ?? 'none',
        ...(options.warn ? { warn: options.warn } : {}),
      });
    },
  };
}

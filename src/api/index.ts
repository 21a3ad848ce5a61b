/**
 * The programmatic API of linkerd-lint: lint files or text as the CLI does, fix in memory,
 * format reports with the CLI's formatters, and read what the built-in rules are.
 *
 * @example
 * ```ts
 * import { lintFiles, loadFormatter } from 'linkerd-lint';
 * const results = await lintFiles(['deploy/']);
 * console.log((await loadFormatter('stylish')).format(results));
 * ```
 * @packageDocumentation
 */
export { lintFiles, lintText, outputFixes } from './lint.js';
export { formatterNames, loadFormatter } from './format.js';
export { builtinRules } from './rules.js';
export { defineRule, optionDefaults } from '../engine/rule.js';
export type { Rule, RuleContext, RuleMeta, RuleDocs, ReportDescriptor, Fixer, Fix, TextEdit, Category, FixKind } from '../engine/rule.js';
/** What a plugin module exports by default: `{ name, rules }` (see the README's "Writing a plugin"). */
export type { Plugin } from '../engine/plugins.js';
export type {
  ConfigInput,
  EditInfo,
  FormatOptions,
  LintFilesOptions,
  LintMessage,
  LintOptions,
  LintResult,
  LintTextOptions,
  LintWarning,
  LoadedFormatter,
  RuleError,
  RuleInfo,
  RuleSetting,
  SeveritySetting,
  SuppressedLintMessage,
} from './types.js';
/** The package version. */
export { VERSION as version } from '../version.js';

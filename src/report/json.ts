import type { Finding, Severity, TextEdit } from '../model/finding.js';
import { type FileResult, type FormatContext, type Formatter, type RuleDescription, countFindings, ruleUrl } from './types.js';

const ESLINT_SEVERITY: Record<Severity, 1 | 2> = { error: 2, warning: 1, info: 1 };

/** ESLint merges a fix's edits into one edit spanning them all; consumers expect exactly one. */
export function mergeEdits(text: string, edits: readonly TextEdit[]): { range: [number, number]; text: string } {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const start = sorted[0]!.range[0];
  const end = Math.max(...sorted.map((e) => e.range[1]));
  let out = '';
  let at = start;
  for (const e of sorted) {
    out += text.slice(at, e.range[0]) + e.text;
    at = Math.max(at, e.range[1]);
  }
  out += text.slice(at, end);
  return { range: [start, end], text: out };
}

function message(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: ESLINT_SEVERITY[f.severity],
    level: f.severity,
    message: f.message,
    messageId: f.messageId,
    line: f.range.start.line,
    column: f.range.start.column,
    endLine: f.range.end.line,
    endColumn: f.range.end.column,
    // ESLint's `LintMessage.fatal` is `true` or absent, never `false`.
    ...(f.ruleId === 'parse-error' ? { fatal: true as const } : {}),
    ...(f.fix ? fixFields(f, f.fix) : {}),
  };
}

/**
 * ESLint's `fix` is what `--fix` applies, so consumers apply it unasked (reviewdog turns it
 * into a suggested change). An unsafe fix changes what runs and needs `--unsafe-fixes`: like
 * an ESLint suggestion it is offered, never applied, so it goes in `suggestions`.
 */
function fixFields(f: Finding, fix: NonNullable<Finding['fix']>) {
  const edit = mergeEdits(f.file.text, fix.edits);
  if (fix.kind === 'safe') return { fix: edit, fixKind: fix.kind };
  return { suggestions: [{ desc: UNSAFE_FIX_DESC, fix: edit }], fixKind: fix.kind };
}

const UNSAFE_FIX_DESC = 'Apply the unsafe fix: it changes runtime behaviour (linkerd-lint --fix --unsafe-fixes applies it)';

/** ESLint's `SuppressedLintMessage`: `suppressions` always there, on suppressed messages only. */
function suppressedMessage(f: Finding) {
  return { ...message(f), suppressions: (f.suppressions ?? []).map((s) => ({ kind: 'directive' as const, justification: s.justification ?? '' })) };
}

/**
 * ESLint's JSON format: one entry per file with `messages` and the four counts, so tools
 * that read ESLint results read ours. Our extra fields (`level`, `fixKind`, `infoCount`)
 * do not disturb them; `info` findings have ESLint severity 1 but are not counted as warnings.
 * Like ESLint (lib/eslint/eslint-helpers.js, `verifyText`), a file with messages and no
 * `output` carries its text as `source`: code-frame and suggestion formatters read it.
 */
export function eslintResults(results: readonly FileResult[]) {
  return results.map((r) => {
    const active = r.findings.filter((f) => !f.suppressions?.length);
    const suppressed = r.findings.filter((f) => f.suppressions?.length);
    const n = countFindings(r.findings);
    return {
      filePath: r.file.path,
      messages: active.map(message),
      suppressedMessages: suppressed.map(suppressedMessage),
      errorCount: n.errors,
      fatalErrorCount: active.filter((f) => f.ruleId === 'parse-error').length,
      warningCount: n.warnings,
      infoCount: n.infos,
      fixableErrorCount: n.fixableErrors,
      fixableWarningCount: n.fixableWarnings,
      ...(r.output !== undefined ? { output: r.output } : {}),
      // A file the config ignores was never read; ESLint's result for it has no source either.
      ...(r.output === undefined && active.some((f) => f.ruleId !== 'ignored-path') ? { source: r.file.text } : {}),
      usedDeprecatedRules: [],
    };
  });
}

export const json: Formatter = (results) => `${JSON.stringify(eslintResults(results))}\n`;

/** ESLint's `meta.type`: problems break or endanger what runs; the rest are suggestions. */
const ESLINT_TYPE: Record<string, 'problem' | 'suggestion'> = {
  security: 'problem',
  reliability: 'problem',
  correctness: 'problem',
  deprecation: 'suggestion',
  'best-practice': 'suggestion',
};

function ruleMeta(meta: RuleDescription, ctx: FormatContext) {
  return {
    type: ESLINT_TYPE[meta.category] ?? 'suggestion',
    docs: { description: meta.description, recommended: !meta.notRecommended, ...(ruleUrl(meta, ctx.tool) ? { url: ruleUrl(meta, ctx.tool) } : {}) },
    ...(meta.fix && meta.fix !== 'none' ? { fixable: 'code' as const } : {}),
    // ESLint's array form: the options after the severity, which for us is one object.
    schema: meta.options ? [meta.options] : [],
    ...(meta.messages ? { messages: meta.messages } : {}),
    category: meta.category,
    defaultSeverity: meta.defaultSeverity,
  };
}

/**
 * ESLint's `json-with-metadata` (lib/cli-engine/formatters/json-with-metadata.js):
 * `{ results, metadata }` where `metadata` is the formatter context ESLint passes
 * (`cwd`, and `rulesMeta` with the meta of each rule that has a message in the results).
 */
export const jsonWithMetadata: Formatter = (results, ctx) => {
  const out = eslintResults(results);
  const rulesMeta: Record<string, ReturnType<typeof ruleMeta>> = {};
  for (const r of out) {
    for (const m of [...r.messages, ...r.suppressedMessages]) {
      const rule = ctx.rules[m.ruleId];
      if (rule && !rulesMeta[m.ruleId]) rulesMeta[m.ruleId] = ruleMeta(rule.meta, ctx);
    }
  }
  return `${JSON.stringify({ results: out, metadata: { cwd: ctx.cwd, rulesMeta } })}\n`;
};

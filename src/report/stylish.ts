import { createColors } from 'picocolors';
import type { Finding } from '../model/finding.js';
import { type Formatter, active, countFindings } from './types.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Human output grouped by file: `line:col  severity  message  rule-id`, then a summary. */
export const stylish: Formatter = (results, ctx) => {
  const c = createColors(ctx.color);
  const all: Finding[] = [];
  const blocks: string[] = [];
  for (const result of results) {
    const findings = active(result.findings);
    if (findings.length === 0) continue;
    all.push(...findings);
    const rows = findings.map((f) => {
      const sev = f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info');
      const fixMark = f.fix ? (f.fix.kind === 'safe' ? ' (fixable)' : ' (unsafe fix)') : '';
      return {
        pos: `${f.range.start.line}:${f.range.start.column}`,
        sev,
        sevWidth: f.severity.length,
        text: `${f.message}${c.dim(fixMark)}`,
        rule: c.dim(f.ruleId),
      };
    });
    const posWidth = Math.max(...rows.map((r) => r.pos.length));
    const sevWidth = Math.max(...rows.map((r) => r.sevWidth));
    const lines = rows.map(
      (r) => `  ${c.dim(r.pos.padStart(posWidth))}  ${r.sev}${' '.repeat(sevWidth - r.sevWidth)}  ${r.text}  ${r.rule}`,
    );
    blocks.push(`${c.underline(result.file.displayPath)}\n${lines.join('\n')}`);
  }
  if (all.length === 0) return '';
  const n = countFindings(all);
  const parts = [plural(n.errors, 'error'), plural(n.warnings, 'warning')];
  if (n.infos > 0) parts.push(plural(n.infos, 'info'));
  const total = n.errors + n.warnings + n.infos;
  const summaryColor = n.errors > 0 ? c.red : n.warnings > 0 ? c.yellow : c.blue;
  let summary = summaryColor(c.bold(`✖ ${plural(total, 'problem')} (${parts.join(', ')})`));
  if (n.safeFixable > 0) summary += `\n  ${plural(n.safeFixable, 'problem')} fixable with the \`--fix\` option.`;
  if (n.unsafeFixable > 0) {
    const what = n.safeFixable > 0 ? plural(n.unsafeFixable, 'more problem') : plural(n.unsafeFixable, 'problem');
    summary += `\n  ${what} fixable with \`--fix --unsafe-fixes\` (these fixes change runtime behaviour).`;
  }
  return `\n${blocks.join('\n\n')}\n\n${summary}\n`;
};

import type { Finding, Severity } from '../model/finding.js';
import { rootRelativePath } from './location.js';
import { type Formatter, active, countFindings } from './types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escaping of a workflow command's message, as the runner decodes it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values are also split on `,` and `:`, so those are escaped too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per
 * finding, which the runner turns into an annotation on the file and line, then a
 * plain summary line for the log. Paths are relative to the repository root because
 * that is what annotations are resolved against. The Checks API only takes columns for
 * single-line annotations, so `col` and `endColumn` are left out of multi-line ones.
 */
export const github: Formatter = (results, ctx) => {
  const lines: string[] = [];
  const all: Finding[] = [];
  for (const result of results) {
    const findings = active(result.findings);
    all.push(...findings);
    const file = rootRelativePath(result.file, ctx) ?? result.file.displayPath;
    for (const f of findings) {
      const { start, end } = f.range;
      const props: [string, number | string][] = [['file', file], ['line', start.line]];
      if (start.line === end.line) props.push(['col', start.column]);
      props.push(['endLine', end.line]);
      if (start.line === end.line) props.push(['endColumn', end.column]);
      props.push(['title', f.ruleId]);
      const list = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
      lines.push(`::${COMMAND[f.severity]} ${list}::${escapeData(f.message)}`);
    }
  }
  const n = countFindings(all);
  const parts = [plural(n.errors, 'error'), plural(n.warnings, 'warning'), plural(n.infos, 'notice')];
  const files = new Set(all.map((f) => f.file)).size;
  lines.push(
    all.length === 0
      ? `linkerd-lint: no problems in ${plural(results.length, 'file')}`
      : `linkerd-lint: ${parts.join(', ')} in ${plural(files, 'file')} (${plural(results.length, 'file')} linted)`,
  );
  return `${lines.join('\n')}\n`;
};

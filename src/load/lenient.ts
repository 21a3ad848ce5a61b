import { LineIndex, type Position } from '../model/range.js';

/**
 * Kubernetes reads YAML with go-yaml, which accepts a multi-line quoted scalar whose
 * continuation lines are not indented past its key:
 *
 *     description: 'APIVersion defines the versioned schema of this representation
 *     of an object.'
 *
 * YAML 1.2 does not, so the `yaml` parser stops with "Missing closing quote". Generated
 * CRDs (Flagger's, among others) are full of these. This re-indents such continuation
 * lines by the missing spaces so the document can be read as Kubernetes reads it.
 * Only spaces are inserted at line starts: line numbers do not change.
 */
export interface Repair {
  text: string;
  /** Lines (1-based) that received spaces, with how many. */
  shifted: Map<number, number>;
}

/** A line whose value starts with a quote: `key: '…`, `- key: "…`, `- '…`. */
const OPENING = /^(\s*(?:-\s+)?[^\s#'"][^#]*?:\s+|\s*-\s+)(['"])/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The offset just after the closing quote in `line` from `from`, or -1 when it does not close. */
function closingQuote(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (quote === '"' && ch === '\\') {
      i++;
      continue;
    }
    if (ch !== quote) continue;
    if (quote === "'" && line[i + 1] === "'") {
      i++;
      continue;
    }
    return i + 1;
  }
  return -1;
}

/** `errorLines` are the 1-based lines where the parser reported a missing closing quote. */
export function repairUnderIndentedQuotes(text: string, errorLines: readonly number[]): Repair | undefined {
  const lines = text.split('\n');
  const shifted = new Map<number, number>();
  for (const errorLine of errorLines) {
    // The parser reports the quote where it gave up; the scalar opened on that line or above.
    let index = errorLine - 1;
    let m: RegExpExecArray | null = null;
    for (; index >= 0 && index >= errorLine - 200; index--) {
      m = OPENING.exec(lines[index] ?? '');
      if (m && closingQuote(lines[index]!, m[0].length, m[2]!) === -1) break;
      m = null;
    }
    if (!m) continue;
    const opening = lines[index]!;
    const quote = m[2]!;
    const need = indentOf(opening) + 1;
    for (let i = index + 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (/^(---|\.\.\.)(\s|$)/.test(line)) break;
      const pad = line.trim() === '' ? 0 : Math.max(0, need - indentOf(line));
      if (pad > 0) {
        lines[i] = ' '.repeat(pad) + line;
        shifted.set(i + 1, pad);
      }
      if (closingQuote(line, 0, quote) !== -1) break;
    }
  }
  return shifted.size > 0 ? { text: lines.join('\n'), shifted } : undefined;
}

/**
 * Positions in a repaired text, given in the original file: lines are the same, and a
 * column in a shifted line moves back by the spaces the repair put in front of it (a
 * position inside those spaces lands on the line's first column).
 */
export class RepairedLines extends LineIndex {
  constructor(
    repaired: Repair,
    private readonly original: LineIndex,
  ) {
    super(repaired.text);
    this.shifts = repaired.shifted;
  }

  private readonly shifts: Map<number, number>;

  override position(offset: number): Position {
    const p = super.position(offset);
    const column = Math.max(1, p.column - (this.shifts.get(p.line) ?? 0));
    const start = this.original.lineStarts[p.line - 1] ?? this.original.text.length;
    return this.original.position(start + column - 1);
  }
}

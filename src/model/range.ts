/** A place in a source file. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
  /** 0-based offset into the file text (after a byte-order mark is removed). */
  offset: number;
}

/** A half-open span: `end` is the position just after the last character. */
export interface Range {
  start: Position;
  end: Position;
}

/** Maps offsets to line/column positions with a binary search over line starts. */
export class LineIndex {
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  position(offset: number): Position {
    let clamped = Math.max(0, Math.min(offset, this.text.length));
    // Between the `\r` and `\n` of a line break is past the end of the line's text.
    if (clamped > 0 && this.text[clamped] === '\n' && this.text[clamped - 1] === '\r') clamped--;
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - starts[lo]! + 1, offset: clamped };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Offset of the end of the line holding `offset`, before any `\r\n` or `\n`. */
  lineEnd(offset: number): number {
    let end = this.text.indexOf('\n', offset);
    if (end === -1) end = this.text.length;
    if (end > 0 && this.text[end - 1] === '\r') end--;
    return end;
  }

  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    return this.text.slice(start, this.lineEnd(start));
  }
}

export function compareRanges(a: Range, b: Range): number {
  return a.start.offset - b.start.offset || a.end.offset - b.end.offset;
}

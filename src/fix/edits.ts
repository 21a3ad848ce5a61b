import type { Fix, TextEdit } from '../model/finding.js';

/**
 * Applies whole fixes to a text. A fix is atomic: it applies only if none of its edits
 * overlaps an edit already accepted; the others wait for the next pass (ESLint's policy).
 * Two insertions at the same offset conflict too: each was computed without the other
 * (two moves that both create the same missing mapping would write it twice), so the
 * second is recomputed on the next pass against the text the first produced; so is an
 * insertion at the edge of a span another fix replaces.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): { text: string; applied: Fix[]; deferred: Fix[] } {
  const ordered = [...fixes].sort((a, b) => start(a) - start(b));
  const accepted: TextEdit[] = [];
  const applied: Fix[] = [];
  const deferred: Fix[] = [];
  for (const fix of ordered) {
    if (fix.edits.some((e) => accepted.some((a) => overlaps(a, e)))) {
      deferred.push(fix);
      continue;
    }
    accepted.push(...fix.edits);
    applied.push(fix);
  }
  return { text: applyEdits(text, accepted), applied, deferred };
}

function start(fix: Fix): number {
  return Math.min(...fix.edits.map((e) => e.range[0]));
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  const [as, ae] = a.range;
  const [bs, be] = b.range;
  if (as === ae && bs === be) return as === bs;
  // An insertion at either edge of a replaced span conflicts with it: it was computed
  // against the text the replacement removes (a key added at the end of a document that
  // another fix replaces whole would land after the new document).
  if (as === ae) return bs <= as && as <= be;
  if (bs === be) return as <= bs && bs <= ae;
  return as < be && bs < ae;
}

/** Applies non-overlapping edits (offsets into the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((x, y) => x.e.range[0] - y.e.range[0] || x.e.range[1] - y.e.range[1] || x.i - y.i);
  let out = '';
  let at = 0;
  for (const { e } of sorted) {
    if (e.range[0] < at) throw new Error(`overlapping edits at offset ${e.range[0]}`);
    out += text.slice(at, e.range[0]) + e.text;
    at = e.range[1];
  }
  return out + text.slice(at);
}

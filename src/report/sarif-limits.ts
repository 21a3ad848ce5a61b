import { gzipSync } from 'node:zlib';

/**
 * GitHub code scanning's upload limits (docs.github.com, "SARIF support for code scanning",
 * "Uploading a SARIF file"): a run with more results than this is rejected ("SARIF results
 * file is too large"), and so is an upload whose gzip-compressed SARIF is over 10 MB.
 */
export const MAX_RESULTS_PER_RUN = 25_000;
/** 10 MB, read as 10^7 bytes: the smaller of the two readings. */
export const GZIP_LIMIT_BYTES = 10_000_000;
/**
 * What our own log may compress to. github/codeql-action's upload-sarif serializes the log
 * again without indentation (which saves more than it costs) but first adds a
 * `primaryLocationLineHash` to every result (src/fingerprints.ts there): about 13 bytes
 * each compressed, 0.33 MB for 25,000 results. The headroom covers that.
 */
export const GZIP_BUDGET_BYTES = GZIP_LIMIT_BYTES - 500_000;

const LEVEL_RANK: Record<string, number> = { error: 0, warning: 1, note: 2 };

/** The most severe first; `sort` is stable, so file order holds within a level. */
export function bySeverity<T extends { level: string }>(results: readonly T[]): T[] {
  return [...results].sort((a, b) => LEVEL_RANK[a.level]! - LEVEL_RANK[b.level]!);
}

/** What the formatter left out, and why. */
export interface Truncation {
  /** Results the run had. */
  total: number;
  /** Results written. */
  kept: number;
  /** Set when results were dropped to fit the gzip budget: compressed sizes before and after, and how many results "before" had. */
  size?: { before: number; after: number; keptBefore: number };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function limits(t: Truncation, perRun: string): string {
  const which = [...(t.total > MAX_RESULTS_PER_RUN ? [`${MAX_RESULTS_PER_RUN} ${perRun}`] : []), ...(t.size ? ['10 MB of gzip-compressed SARIF per upload'] : [])];
  return `GitHub code scanning accepts at most ${which.join(' and ')}`;
}

function measured(t: Truncation, results: string): string {
  return t.size!.keptBefore === t.total ? `all ${t.total}${results}` : `the ${t.size!.keptBefore} most severe${results}`;
}

/** The run-level `invocations` entry that says what was left out. */
export function truncationInvocation(t: Truncation) {
  const size = t.size ? ` (${measured(t, ' results')} compressed to ${mb(t.size.before)})` : '';
  return {
    executionSuccessful: true,
    toolExecutionNotifications: [
      {
        level: 'warning',
        message: {
          text: `${t.total - t.kept} of ${t.total} results were left out: ${limits(t, 'results per run')}${size}. The most severe are kept (errors, then warnings, then notes).`,
        },
        descriptor: { id: 'results-truncated' },
      },
    ],
  };
}

/** The same on standard error, with the size of what was written. */
export function truncationWarning(t: Truncation): string {
  const size = t.size ? `; ${measured(t, '')} compressed to ${mb(t.size.before)}, the ${t.kept} kept to ${mb(t.size.after)}` : '';
  return `sarif: ${t.total - t.kept} of ${t.total} results left out (${limits(t, 'per run')}${size}); the ${t.kept} most severe are kept`;
}

/**
 * An upper bound of the gzip size of `text` that costs no compression: deflate never
 * grows data by more than its stored-block framing (zlib's `deflateBound`), well under
 * 1/1024 of it, plus the gzip header and trailer.
 */
function gzipBound(text: string): number {
  const bytes = Buffer.byteLength(text);
  return bytes + (bytes >> 10) + 64;
}

/**
 * Drops the least severe results until the log compresses within the budget. `render`
 * writes the log with the given results and truncation notice; `text` is what it wrote for
 * `results` (already within the count limit, and in the order results are dropped from
 * the end of when they are sorted by severity). Returns undefined when `text` fits, which
 * a run under the bound tells without compressing anything.
 */
export function fitGzipBudget<T extends { level: string }>(
  results: readonly T[],
  text: string,
  total: number,
  render: (kept: readonly T[], notice: Truncation | undefined) => string,
): { text: string; notice: Truncation } | undefined {
  if (gzipBound(text) <= GZIP_BUDGET_BYTES) return undefined;
  const before = gzipSync(text).length;
  if (before <= GZIP_BUDGET_BYTES) return undefined;
  const sorted = bySeverity(results);
  const notice = (kept: number, after: number): Truncation => ({ total, kept, size: { before, after, keptBefore: results.length } });
  // Results compress to about the same size each: scale the count by how far over the
  // budget the log is, then measure again, until it fits (each round keeps fewer).
  const base = gzipSync(render([], notice(0, 0))).length;
  let kept = results.length;
  let size = before;
  let out = text;
  while (size > GZIP_BUDGET_BYTES && kept > 0) {
    const perResult = (size - base) / kept;
    kept = Math.max(0, Math.min(kept - 1, Math.floor((GZIP_BUDGET_BYTES - base) / perResult)));
    out = render(sorted.slice(0, kept), notice(kept, 0));
    size = gzipSync(out).length;
  }
  // "after" goes to the warning only: the notice cannot state the size of the text it is in.
  return { text: out, notice: notice(kept, size) };
}

/**
 * Time spent in each rule, as ESLint's `TIMING` environment variable shows it: collected
 * only while the CLI asks for it, and summed over every file and setting a rule runs with,
 * the findings it reports (and their fixes) included.
 */
let spent: Map<string, number> | undefined;

/** Starts collecting; what was collected before is dropped. */
export function collectTiming(): void {
  spent = new Map();
}

/** Runs `check`, adding its time to `ruleId`'s when collecting. */
export function timed<T>(ruleId: string, check: () => T): T {
  if (!spent) return check();
  const start = performance.now();
  try {
    return check();
  } finally {
    spent.set(ruleId, (spent.get(ruleId) ?? 0) + performance.now() - start);
  }
}

/**
 * The table of the `limit` slowest rules (all of them for `all`), slowest first, and stops
 * collecting; undefined when no rule ran.
 */
export function timingTable(limit: number | 'all'): string | undefined {
  const collected = spent;
  spent = undefined;
  // Nothing ran: a cached run, or no file to lint.
  if (!collected || collected.size === 0) return undefined;
  const total = [...collected.values()].reduce((a, b) => a + b, 0);
  const rows = [...collected].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = limit === 'all' ? rows : rows.slice(0, limit);
  const cells = shown.map(([id, ms]) => [id, ms.toFixed(3), `${total > 0 ? ((100 * ms) / total).toFixed(1) : '0.0'}%`]);
  const head = ['Rule', 'Time (ms)', 'Relative'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `${c[0]!.padEnd(width[0]!)} | ${c[1]!.padStart(width[1]!)} | ${c[2]!.padStart(width[2]!)}`;
  const rule = `:${'-'.repeat(width[0]!)}|${'-'.repeat(width[1]! + 1)}:|${'-'.repeat(width[2]!)}:`;
  return [line(head), rule, ...cells.map(line)].join('\n') + '\n';
}

/** `TIMING`'s value, as ESLint reads it: `all`, a number of rules above ten, or else ten; undefined when unset or empty. */
export function timingLimit(value: string | undefined): number | 'all' | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.toLowerCase() === 'all') return 'all';
  const n = Number.parseInt(value, 10);
  return n > 10 ? n : 10;
}

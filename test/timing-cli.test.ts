// TIMING=1 prints the time each rule took on standard error, as ESLint's TIMING does,
// and leaves the report alone.
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { cli } from './cli-helpers.js';

const ROW = /^(\S+) +\| +(\d+\.\d{3}) \| +(\d+\.\d)%$/;

function rowsOf(stderr: string): { id: string; ms: number }[] {
  const lines = stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^Rule +\| Time \(ms\) \| Relative$/);
  expect(lines[1]).toMatch(/^:-+\|-+:\|-+:$/);
  return lines.slice(2).map((l) => {
    const m = ROW.exec(l);
    expect(m, l).not.toBeNull();
    return { id: m![1]!, ms: Number(m![2]) };
  });
}

describe('TIMING', () => {
  const args = ['--no-config-lookup', '-f', 'json', 'examples/'];
  const plain = cli(args);

  it('prints the ten slowest rules, slowest first, and the same report', () => {
    const r = cli(args, { env: { TIMING: '1' } });
    expect(r.code).toBe(plain.code);
    expect(r.stdout).toBe(plain.stdout);
    const rows = rowsOf(r.stderr);
    expect(rows).toHaveLength(10);
    for (const { id } of rows) expect(Object.keys(builtinRules)).toContain(id);
    expect(rows.map((x) => x.ms)).toEqual([...rows.map((x) => x.ms)].sort((a, b) => b - a));
  });

  it('prints every rule that ran for all, and as many as asked above ten', () => {
    const all = rowsOf(cli(args, { env: { TIMING: 'all' } }).stderr);
    const ran = Object.values(builtinRules).filter((r) => r.check).length;
    expect(all.length).toBeGreaterThan(20);
    expect(all.length).toBeLessThanOrEqual(ran + 1);
    expect(rowsOf(cli(args, { env: { TIMING: '15' } }).stderr)).toHaveLength(15);
  });

  it('prints nothing without it', () => {
    expect(plain.stderr).toBe('');
  });
});

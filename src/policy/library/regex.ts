// The Kubernetes regex library (k8s.io/apiserver/pkg/cel/library/regex.go: find, findAll),
// over Go's RE2 regexp. Patterns run as JavaScript regular expressions after the RE2 forms
// JavaScript spells otherwise are rewritten: leading flag groups `(?i)` `(?s)` `(?m)`,
// `\A` and `\z`, named groups `(?P<name>…)`, and POSIX classes such as `[[:alpha:]]`.
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

/** An RE2 pattern as a global JavaScript RegExp, or an "Illegal regex" error as regex.go reports one. */
export function re2(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  let source = pattern;
  let flags = 'g';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    if (lead[1]!.includes('U')) throw celError(`Illegal regex: error parsing regexp: the U flag is not supported offline: \`${pattern}\``);
    flags += [...new Set(lead[1]!)].join('');
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)(\w+):\]/g, (whole, negate: string, name: string) => (POSIX[name] && !negate ? POSIX[name]! : whole));
  try {
    re = new RegExp(source, flags);
  } catch (err) {
    throw celError(`Illegal regex: error parsing regexp: ${(err as Error).message}`);
  }
  cache.set(pattern, re);
  return re;
}

/**
 * Go's FindAllString: successive non-overlapping leftmost matches, at most `n` when n ≥ 0;
 * an empty match right after the previous match is skipped.
 */
function findAll(s: string, pattern: string, n: bigint): string[] {
  const re = re2(pattern);
  const out: string[] = [];
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length && (n < 0n || BigInt(out.length) < n)) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (end === start) {
      if (start !== prevEnd) out.push('');
      pos = start + 1;
    } else {
      out.push(m[0]);
      pos = end;
    }
    prevEnd = end;
  }
  return out;
}

export function registerRegex(env: Environment): void {
  env
    .registerFunction('string.find(string): string', (s: string, p: string) => {
      const re = re2(p);
      re.lastIndex = 0;
      return re.exec(s)?.[0] ?? '';
    })
    .registerFunction('string.findAll(string): list<string>', (s: string, p: string) => findAll(s, p, -1n))
    .registerFunction('string.findAll(string, int): list<string>', findAll);
}

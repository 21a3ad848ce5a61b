// String functions of cel-go's ext strings (ext/strings.go, at the version the API server's
// base environment enables: k8s.io/apiserver/pkg/cel/environment/base.go) that the
// evaluator does not already have: charAt, replace, reverse, strings.quote and format.
// Indexes count code points, as in cel-go.
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';

function charAt(s: string, i: bigint): string {
  const chars = [...s];
  if (i < 0n || i > BigInt(chars.length)) throw celError(`index out of range: ${i}`);
  return chars[Number(i)] ?? '';
}

function replace(s: string, from: string, to: string, n: bigint): string {
  if (n < 0n) return s.split(from).join(to);
  let out = '';
  let rest = s;
  for (let done = 0n; done < n; done++) {
    const at = rest.indexOf(from);
    if (at < 0) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
    // An empty search string matches between every code point, as Go's strings.Replace.
    if (from === '') {
      const [first = ''] = [...rest];
      out += first;
      rest = rest.slice(first.length);
      if (first === '') break;
    }
  }
  return out + rest;
}

/** ext/strings.go's quote: a double-quoted string literal, with CEL's escapes. */
export function quote(s: string): string {
  const escapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };
  let out = '"';
  for (const c of s) out += escapes[c] ?? c;
  return `${out}"`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatValue(k)}: ${formatValue(x)}`).join(', ')}}`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ')}}`;
  return String(v);
}

function integer(v: unknown, verb: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { value?: unknown }).value === 'bigint') return (v as { value: bigint }).value;
  throw celError(`error during formatting: ${verb} clause can only be used on integers, was given ${typeof v}`);
}

/** ext/strings.go's format: %s %d %f %e %b %o %x %X and %%, with an optional precision for %f and %e. */
function format(template: string, args: readonly unknown[]): string {
  let next = 0;
  const arg = () => {
    if (next >= args.length) throw celError(`index ${next} out of range`);
    return args[next++];
  };
  return template.replace(/%(?:\.(\d+))?([sdfebxXo%])/g, (_m, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const v = arg();
    switch (verb) {
      case 's':
        return formatValue(v);
      case 'd':
        return String(integer(v, 'decimal'));
      case 'f':
      case 'e': {
        const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
        if (typeof v !== 'bigint' && typeof v !== 'number') throw celError(`error during formatting: fixed-point clause can only be used on doubles, was given ${typeof v}`);
        const p = precision === undefined ? 6 : Number(precision);
        if (Number.isNaN(n)) return 'NaN';
        if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
        if (verb === 'f') return n.toFixed(p);
        // Go's %e writes the exponent with at least two digits (1.000000e+03).
        return n.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
      }
      case 'b':
        return typeof v === 'boolean' ? String(v) : integer(v, 'binary').toString(2);
      case 'o':
        return integer(v, 'octal').toString(8);
      case 'x':
      case 'X': {
        const hex = typeof v === 'string' ? Buffer.from(v, 'utf8').toString('hex') : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : integer(v, 'hexadecimal').toString(16);
        return verb === 'X' ? hex.toUpperCase() : hex;
      }
      default:
        return '';
    }
  });
}

class StringsNamespace {}

export function registerStrings(env: Environment): void {
  env
    .registerFunction('string.charAt(int): string', charAt)
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replace(s, a, b, -1n))
    .registerFunction('string.replace(string, string, int): string', replace)
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
    .registerFunction('string.format(list): string', format)
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerFunction('StringsNamespace.quote(string): string', (_: unknown, s: string) => quote(s));
}

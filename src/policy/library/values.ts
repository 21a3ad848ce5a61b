// CEL's equality and ordering over the values the evaluator passes to extension functions
// (bigint ints, number doubles, strings, booleans, bytes, lists, maps, timestamps), as the
// CEL spec defines them: numbers compare across int and double, other kinds only with their own.
import { celError } from './errors.js';

type Kind = 'number' | 'string' | 'bool' | 'bytes' | 'time' | 'list' | 'map' | 'null' | 'other';

function kindOf(v: unknown): Kind {
  if (typeof v === 'bigint' || typeof v === 'number') return 'number';
  if (v !== null && typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'bigint' && v.constructor?.name === 'UnsignedInt') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'time';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map || (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)) return 'map';
  return 'other';
}

function numeric(v: unknown): bigint | number {
  return typeof v === 'object' && v !== null ? (v as { value: bigint }).value : (v as bigint | number);
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** CEL `<` ordering of two values, or an error for kinds that have none between them. */
export function compare(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) throw celError(`no such overload: compare ${ka} with ${kb}`);
  switch (ka) {
    case 'number':
      return compareNumbers(numeric(a), numeric(b));
    case 'string':
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 'bool':
      return Number(a) - Number(b);
    case 'time':
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 'bytes': {
      const x = a as Uint8Array;
      const y = b as Uint8Array;
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      return Math.sign(x.length - y.length);
    }
    default:
      throw celError(`no such overload: compare ${ka}`);
  }
}

function entries(m: unknown): [unknown, unknown][] {
  return m instanceof Map ? [...m.entries()] : Object.entries(m as object);
}

/** CEL `==`: numbers by value across int and double, lists and maps element by element. */
export function equals(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  switch (ka) {
    case 'number':
      return compareNumbers(numeric(a), numeric(b)) === 0;
    case 'bytes':
    case 'time':
      return compare(a, b) === 0;
    case 'list': {
      const x = a as unknown[];
      const y = b as unknown[];
      return x.length === y.length && x.every((v, i) => equals(v, y[i]));
    }
    case 'map': {
      const x = entries(a);
      const y = entries(b);
      if (x.length !== y.length) return false;
      return x.every(([k, v]) => y.some(([k2, v2]) => equals(k, k2) && equals(v, v2)));
    }
    case 'other':
      return a === b;
    default:
      return a === b;
  }
}

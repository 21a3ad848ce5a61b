// The Kubernetes quantity library: k8s.io/apiserver/pkg/cel/library/quantity.go, over
// resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go). A quantity is held
// as an exact fraction, so comparisons and sums are exact as resource.Quantity's are.
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';

export class Quantity {
  /** Always reduced, with a positive denominator. */
  constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static of(num: bigint, den = 1n): Quantity {
    if (den < 0n) [num, den] = [-num, -den];
    const g = gcd(num < 0n ? -num : num, den);
    return g > 1n ? new Quantity(num / g, den / g) : new Quantity(num, den);
  }

  compare(other: Quantity): number {
    const d = this.num * other.den - other.num * this.den;
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  }

  add(other: Quantity): Quantity {
    return Quantity.of(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  neg(): Quantity {
    return new Quantity(-this.num, this.den);
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
// The grammar of resource.ParseQuantity: <signedNumber><suffix>, the suffix binary SI,
// decimal SI or a decimal exponent (e3, E-2).
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const NANO = 10n ** 9n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Parses a quantity as resource.ParseQuantity does, or returns undefined. */
export function parseQuantity(text: string): Quantity | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [whole, fraction = ''] = number!.split('.');
  let num = BigInt(`${whole || '0'}${fraction}`) * (sign === '-' ? -1n : 1n);
  let den = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) num *= BINARY[suffix]!;
  else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix]! : Number(suffix.slice(1));
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  // ParseQuantity keeps nano precision at most, rounding a finer amount away from zero.
  const scaled = num * NANO;
  if (scaled % den !== 0n) {
    const q = scaled / den;
    return Quantity.of(q + (num < 0n ? -1n : 1n), NANO);
  }
  return Quantity.of(num, den);
}

function quantityOf(text: string): Quantity {
  const q = parseQuantity(text);
  if (!q) throw celError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return q;
}

function asInteger(q: Quantity): bigint | undefined {
  if (q.den !== 1n || q.num > INT64_MAX || q.num < INT64_MIN) return undefined;
  return q.num;
}

export function registerQuantity(env: Environment): void {
  const Q = 'kubernetes.Quantity';
  env
    .registerType(Q, Quantity)
    .registerFunction(`quantity(string): ${Q}`, quantityOf)
    .registerFunction('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined)
    // quantity.go declares sign as a global overload; as a member it is what its docs show.
    .registerFunction(`sign(${Q}): int`, (q: Quantity) => BigInt(q.compare(Quantity.of(0n))))
    .registerFunction(`${Q}.sign(): int`, (q: Quantity) => BigInt(q.compare(Quantity.of(0n))))
    .registerFunction(`${Q}.isGreaterThan(${Q}): bool`, (a: Quantity, b: Quantity) => a.compare(b) === 1)
    .registerFunction(`${Q}.isLessThan(${Q}): bool`, (a: Quantity, b: Quantity) => a.compare(b) === -1)
    .registerFunction(`${Q}.compareTo(${Q}): int`, (a: Quantity, b: Quantity) => BigInt(a.compare(b)))
    .registerFunction(`${Q}.asApproximateFloat(): double`, (q: Quantity) => Number(q.num) / Number(q.den))
    .registerFunction(`${Q}.isInteger(): bool`, (q: Quantity) => asInteger(q) !== undefined)
    .registerFunction(`${Q}.asInteger(): int`, (q: Quantity) => {
      const v = asInteger(q);
      if (v === undefined) throw celError('cannot convert value to integer');
      return v;
    })
    .registerFunction(`${Q}.add(${Q}): ${Q}`, (a: Quantity, b: Quantity) => a.add(b))
    .registerFunction(`${Q}.add(int): ${Q}`, (a: Quantity, b: bigint) => a.add(Quantity.of(b)))
    .registerFunction(`${Q}.sub(${Q}): ${Q}`, (a: Quantity, b: Quantity) => a.add(b.neg()))
    .registerFunction(`${Q}.sub(int): ${Q}`, (a: Quantity, b: bigint) => a.add(Quantity.of(-b)))
    .registerFunction(`${Q}.mul(int): ${Q}`, (a: Quantity, b: bigint) => Quantity.of(a.num * b, a.den))
    // apiservercel.Quantity.Equal: resource.Quantity.Equal, equal in value (200M == 0.2G).
    .registerOperator(`${Q} == ${Q}`, (a: Quantity, b: Quantity) => a.compare(b) === 0);
}

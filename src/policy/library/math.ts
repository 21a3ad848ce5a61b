// cel-go's ext math library (ext/math.go), in the API server's base environment
// (k8s.io/apiserver/pkg/cel/environment/base.go): math.greatest and math.least over numbers
// or a list of them, and the rounding and classification functions of doubles.
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';
import { compare } from './values.js';

class MathNamespace {}

function extreme(name: string, args: readonly unknown[], want: number): unknown {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (list.length === 0) throw celError(`${name}(list) argument must not be empty`);
  for (const v of list) if (typeof v !== 'bigint' && typeof v !== 'number') throw celError(`${name}(${typeof v}) no such overload`);
  return list.reduce((best, v) => (compare(v, best) === want ? v : best));
}

/** Round half away from zero, as Go's math.Round. */
const round = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x));

export function registerMath(env: Environment): void {
  env.registerType('MathNamespace', MathNamespace).registerConstant('math', 'MathNamespace', new MathNamespace());
  for (const name of ['greatest', 'least'] as const) {
    const want = name === 'greatest' ? 1 : -1;
    env
      .registerFunction(`MathNamespace.${name}(dyn): dyn`, (_: unknown, a: unknown) => extreme(`math.${name}`, [a], want))
      .registerFunction(`MathNamespace.${name}(dyn, dyn): dyn`, (_: unknown, ...a: unknown[]) => extreme(`math.${name}`, a, want))
      .registerFunction(`MathNamespace.${name}(dyn, dyn, dyn): dyn`, (_: unknown, ...a: unknown[]) => extreme(`math.${name}`, a, want));
  }
  env
    .registerFunction('MathNamespace.ceil(double): double', (_: unknown, x: number) => Math.ceil(x))
    .registerFunction('MathNamespace.floor(double): double', (_: unknown, x: number) => Math.floor(x))
    .registerFunction('MathNamespace.round(double): double', (_: unknown, x: number) => round(x))
    .registerFunction('MathNamespace.trunc(double): double', (_: unknown, x: number) => Math.trunc(x))
    .registerFunction('MathNamespace.abs(int): int', (_: unknown, x: bigint) => {
      if (x === -(1n << 63n)) throw celError('integer overflow');
      return x < 0n ? -x : x;
    })
    .registerFunction('MathNamespace.abs(double): double', (_: unknown, x: number) => Math.abs(x))
    .registerFunction('MathNamespace.sign(int): int', (_: unknown, x: bigint) => (x > 0n ? 1n : x < 0n ? -1n : 0n))
    .registerFunction('MathNamespace.sign(double): double', (_: unknown, x: number) => Math.sign(x))
    .registerFunction('MathNamespace.isInf(double): bool', (_: unknown, x: number) => x === Infinity || x === -Infinity)
    .registerFunction('MathNamespace.isNaN(double): bool', (_: unknown, x: number) => Number.isNaN(x))
    .registerFunction('MathNamespace.isFinite(double): bool', (_: unknown, x: number) => Number.isFinite(x))
    .registerFunction('MathNamespace.sqrt(double): double', (_: unknown, x: number) => Math.sqrt(x))
    .registerFunction('MathNamespace.sqrt(int): double', (_: unknown, x: bigint) => Math.sqrt(Number(x)));
}

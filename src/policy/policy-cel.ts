import { Environment } from '@marcbachmann/cel-js';
import { treeResources } from '../engine/policies.js';

export interface CelProgram {
  evaluate(activation: Record<string, unknown>): unknown;
}

let env: Environment | undefined;
function environment(): Environment {
  if (!env) {
    env = new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    env.registerFunction('resources(string, string): list', (g: string, k: string) => treeResources(g, k));
    env.registerFunction('resources(string, string, string): list', (g: string, k: string, n: string) => treeResources(g, k, n));
  }
  return env;
}

export function compileCel(expression: string): { ok: true; program: CelProgram } | { ok: false; error: string } {
  try {
    const parsed = environment().parse(expression);
    return { ok: true, program: { evaluate: (a) => parsed(a) } };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0]! };
  }
}

export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out;
  }
  return value;
}

import { type Activation, type CelEngine, loadCel } from '../src/policy/index.js';

export const cel: CelEngine = await loadCel();

/** The value of an expression, or `{ error }` when it does not compile or fails at run time. */
export function ev(expression: string, activation: Activation = {}): unknown {
  const compiled = cel.compile(expression);
  if (!compiled.ok) return { compileError: compiled.error.message };
  const result = compiled.program.evaluate(activation);
  return result.ok ? result.value : { error: result.error };
}

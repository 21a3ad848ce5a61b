// The CEL engine, loaded on demand: the evaluator and the Kubernetes libraries are a chunk of
// their own, which a run that meets no CEL expression never loads (the same design as the
// TypeScript parser's, src/load/typescript/parser.ts). Rules are synchronous, so the engine
// is loaded before they run (`loadCel`) and read with `loadedCel`.
import type { Resource } from '../model/resource.js';
import type { CelEngine } from './types.js';

export type { Activation, CelCompileError, CelEngine, CelProgram, CompileOptions, CompileResult, EvalResult, ResourceLookup } from './types.js';

let loaded: CelEngine | undefined;

export async function loadCel(): Promise<CelEngine> {
  if (!loaded) loaded = (await import('./engine.js')).engine;
  return loaded;
}

/** The engine, once `loadCel` has run. */
export function loadedCel(): CelEngine | undefined {
  return loaded;
}

const celValues = new WeakMap<Resource, unknown>();

/** A resource's value as CEL sees it, converted once for every rule and policy that reads it. */
export function celValueOf(engine: CelEngine, resource: Resource): unknown {
  let value = celValues.get(resource);
  if (value === undefined) celValues.set(resource, (value = engine.toCel(resource.value)));
  return value;
}

/** The API group of ValidatingAdmissionPolicy and its binding. */
export const ADMISSION_REGISTRATION_GROUP = 'admissionregistration.k8s.io';

/** Whether a resource holds CEL that a run evaluates: a ValidatingAdmissionPolicy. */
export function holdsCel(r: Pick<Resource, 'kind' | 'group'>): boolean {
  return r.kind === 'ValidatingAdmissionPolicy' && r.group === ADMISSION_REGISTRATION_GROUP;
}

/** Loads the engine when one of `resources` needs it. */
export async function prepareCel(resources: Iterable<Pick<Resource, 'kind' | 'group'>>): Promise<void> {
  for (const r of resources) {
    if (holdsCel(r)) {
      await loadCel();
      return;
    }
  }
}

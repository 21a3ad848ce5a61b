// The CEL engine itself, in its own chunk of the build: compiling expressions in the admission
// environment and evaluating them over manifest values. Loaded by `loadCel` (index.ts).
import { EvaluationError, type ParseResult } from '@marcbachmann/cel-js';
import type { Activation, CelEngine, CompileOptions, CompileResult, EvalResult, ResourceLookup } from './types.js';

import { ADMISSION_VARIABLES, CRD_VARIABLES, admissionEnvironment, crdEnvironment } from './environment.js';

/** The variables an activation leaves out: null, as for a CREATE without params. */
const ABSENT: Record<string, null> = Object.fromEntries([...ADMISSION_VARIABLES, ...CRD_VARIABLES].map((name) => [name, null]));

let env: ReturnType<typeof admissionEnvironment> | undefined;
let policyEnv: ReturnType<typeof admissionEnvironment> | undefined;
let crdEnv: ReturnType<typeof admissionEnvironment> | undefined;
let lookup: ResourceLookup = () => [];

function environment(kind: CompileOptions['environment'] = 'admission') {
  if (kind === 'admission') return (env ??= admissionEnvironment());
  if (kind === 'crd') return (crdEnv ??= crdEnvironment());
  if (!policyEnv) {
    // A config's policies judge the input as a whole: `resources()` reads its objects.
    policyEnv = admissionEnvironment();
    policyEnv.registerFunction('resources(string, string): list<dyn>', (group: string, kind: string) => lookup(group, kind));
    policyEnv.registerFunction('resources(string, string, string): list<dyn>', (group: string, kind: string, namespace: string) => lookup(group, kind, namespace));
  }
  return policyEnv;
}

function withResources<T>(resources: ResourceLookup, run: () => T): T {
  const before = lookup;
  lookup = resources;
  try {
    return run();
  } finally {
    lookup = before;
  }
}

/** Line and column (1-based) of an offset in the expression's text. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

interface CelError {
  summary?: string;
  message: string;
  range?: { start: number };
}

function summaryOf(err: CelError): string {
  return err.summary ?? err.message.split('\n')[0]!;
}

/** The admission (or CRD) variables the AST reads (as identifiers, not as fields of that name). */
function variablesRead(node: unknown): Set<string> {
  const names = new Set<string>([...ADMISSION_VARIABLES, ...CRD_VARIABLES]);
  const read = new Set<string>();
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) stack.push(...n);
    else if (n && typeof n === 'object') {
      const { op, args } = n as { op?: string; args?: unknown };
      if (op === 'id' && typeof args === 'string' && names.has(args)) read.add(args);
      else stack.push(args);
    }
  }
  return read;
}

function compile(expression: string, options: CompileOptions = {}): CompileResult {
  let parsed: ParseResult;
  try {
    parsed = environment(options.environment).parse(expression);
  } catch (err) {
    return failure(expression, err as CelError);
  }
  const checked = parsed.check();
  if (!checked.valid) return failure(expression, checked.error as CelError);
  const type = checked.type ?? 'dyn';
  if (options.returns && type !== 'dyn' && type !== options.returns) {
    return { ok: false, error: { message: `expression must evaluate to ${options.returns}, not ${type}`, offset: 0, line: 1, column: 1 } };
  }
  const reads = variablesRead(parsed.ast);
  const usesAuthorizer = reads.has('authorizer');
  return {
    ok: true,
    program: {
      expression,
      type,
      reads,
      usesAuthorizer,
      evaluate(activation: Activation): EvalResult {
        if (usesAuthorizer) return { ok: false, unsupported: true, error: 'the expression reads authorizer, which cannot be evaluated offline' };
        try {
          const value: unknown = parsed({ ...ABSENT, ...activation });
          if (options.returns === 'bool' && typeof value !== 'boolean') return { ok: false, error: `expression must evaluate to bool, not ${typeName(value)}` };
          if (options.returns === 'string' && typeof value !== 'string') return { ok: false, error: `expression must evaluate to string, not ${typeName(value)}` };
          return { ok: true, value };
        } catch (err) {
          if (err instanceof EvaluationError || (err as Error).name === 'EvaluationError') return { ok: false, error: summaryOf(err as CelError) };
          if (err instanceof RangeError) return { ok: false, error: 'expression is nested too deeply to evaluate' };
          throw err;
        }
      },
    },
  };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'map' : typeof v;
}

function failure(expression: string, err: CelError): CompileResult {
  // An error at the end of input (a missing operand) is shown just after the last character, not past trailing blank lines.
  const offset = Math.min(err.range?.start ?? 0, expression.trimEnd().length);
  return { ok: false, error: { message: summaryOf(err), offset, ...position(expression, offset) } };
}

/**
 * A manifest value as CEL sees it: integers as CEL ints (bigint), other numbers as doubles,
 * lists and maps alike, so `object.spec.replicas == 3` compares ints as the API server does.
 */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      // An own `__proto__` key is data in a manifest; assigned, it would set the prototype.
      if (k === '__proto__') Object.defineProperty(out, k, { value: toCel(v), enumerable: true, writable: true, configurable: true });
      else out[k] = toCel(v);
    }
    return out;
  }
  return value;
}

export const engine: CelEngine = { compile, toCel, withResources };

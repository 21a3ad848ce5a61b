// Evaluates the Gateway API route CRDs' own validation rules (test/gateway-cel/crd-rules.json,
// written by scripts/gateway-cel-rules.mjs) on a route, as the API server does on a CREATE:
// schema defaults first (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting),
// then every rule of every schema node present in the object, with `self` bound to the
// node's value (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go).
// Transition rules (those reading `oldSelf`) do not run on a CREATE and are skipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CelEngine, CelProgram } from '../../src/policy/index.js';
import type { JsonPath } from '../../src/model/path.js';

export interface CrdRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
}

/** A CRD schema trimmed to its rules and defaults. */
export interface RuleSchema {
  default?: unknown;
  rules?: CrdRule[];
  properties?: Record<string, RuleSchema>;
  items?: RuleSchema;
  additionalProperties?: RuleSchema;
}

export interface CrdRules {
  source: string;
  tags: string[];
  /** tag → channel → kind → version → schema id. */
  releases: Record<string, Record<string, Record<string, Record<string, string>>>>;
  schemas: Record<string, RuleSchema>;
}

export function readCrdRules(file = join(import.meta.dirname, 'crd-rules.json')): CrdRules {
  return JSON.parse(readFileSync(file, 'utf8')) as CrdRules;
}

/**
 * Where cel-js (the project's CEL engine) differs from cel-go, the API server's, on these
 * CRDs: each rule is evaluated as written after these rewrites, which keep its meaning.
 */
export const REWRITES: readonly { name: string; from: RegExp | string; to: string }[] = [
  // cel-js refuses `has()` over a field of an indexed value ("has() invalid argument"), as in
  // `has(self.matches[0].path)`; on a map, as these values are, `has(m.f)` is `'f' in m`.
  { name: 'has() over an indexed value', from: /has\(([\w.]+\[\d+\])\.(\w+)\)/g, to: "('$2' in $1)" },
  // cel-js's `matches` compiles a JavaScript RegExp, which has no inline flags: `^(?i)` fails
  // to evaluate. GRPCRoute's service pattern is its only use, over lower-case classes only,
  // so the flag is the same as those classes with their upper-case letters.
  {
    name: '(?i) in the gRPC service pattern',
    from: 'r"""^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$"""',
    to: 'r"""^\\.?[a-zA-Z_][a-zA-Z_0-9]*(\\.[a-zA-Z_][a-zA-Z_0-9]*)*$"""',
  },
];

/** A rule's text after REWRITES, with the names of those that applied. */
export function rewrite(text: string): { text: string; applied: string[] } {
  const applied: string[] = [];
  for (const r of REWRITES) {
    const next = typeof r.from === 'string' ? text.split(r.from).join(r.to) : text.replace(r.from, r.to);
    if (next !== text) applied.push(r.name);
    text = next;
  }
  return { text, applied };
}

export interface CompiledRule {
  rule: CrdRule;
  /** The REWRITES that applied to the rule's text. */
  rewrites: string[];
  /** Undefined when the engine cannot compile the rule (`error` says why). */
  program?: CelProgram;
  error?: string;
  /** Reads `oldSelf`: an update rule, which a CREATE does not run. */
  transition: boolean;
}

export interface CompiledSchema {
  default?: unknown;
  rules: CompiledRule[];
  properties?: Record<string, CompiledSchema>;
  items?: CompiledSchema;
  additionalProperties?: CompiledSchema;
}

/** One compile per rule text: the same rule sits on many nodes and in many releases. */
export class RuleCompiler {
  private readonly cache = new Map<string, Omit<CompiledRule, 'rule'>>();
  /** `rewrite`: apply REWRITES (false: compile every rule exactly as the CRD writes it). */
  constructor(
    private readonly engine: CelEngine,
    private readonly rewrite = true,
  ) {}

  compile(schema: RuleSchema): CompiledSchema {
    const out: CompiledSchema = { rules: (schema.rules ?? []).map((r) => ({ rule: r, ...this.compileRule(r.rule) })) };
    if (schema.default !== undefined) out.default = schema.default;
    if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, this.compile(v)]));
    if (schema.items) out.items = this.compile(schema.items);
    if (schema.additionalProperties) out.additionalProperties = this.compile(schema.additionalProperties);
    return out;
  }

  /** Every distinct rule text compiled so far, with its outcome. */
  outcomes(): [string, Omit<CompiledRule, 'rule'>][] {
    return [...this.cache];
  }

  private compileRule(text: string): Omit<CompiledRule, 'rule'> {
    let done = this.cache.get(text);
    if (!done) {
      const { text: rewritten, applied } = this.rewrite ? rewrite(text) : { text, applied: [] };
      const result = this.engine.compile(rewritten, { environment: 'crd', returns: 'bool' });
      done = result.ok
        ? { rewrites: applied, program: result.program, transition: result.program.reads.has('oldSelf') }
        : { rewrites: applied, error: result.error.message, transition: /\boldSelf\b/.test(text) };
      this.cache.set(text, done);
    }
    return done;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A copy of `value` with the schema's defaults applied, top-down as the API server defaults
 * (a default value gets the defaults of the fields below it), and null fields pruned: no
 * Gateway API field is `nullable`, so the server drops nulls before defaulting.
 */
export function withDefaults(value: unknown, schema: CompiledSchema | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => withDefaults(v, schema?.items));
  if (!isMap(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = v;
  for (const [k, s] of Object.entries(schema?.properties ?? {})) {
    if (!(k in out) && s.default !== undefined) out[k] = structuredClone(s.default);
  }
  for (const k of Object.keys(out)) {
    const s = schema?.properties?.[k] ?? (schema?.properties ? undefined : schema?.additionalProperties);
    out[k] = withDefaults(out[k], s);
  }
  return out;
}

/** CEL's reserved words, which a field name must be escaped from (k8s.io/apiserver/pkg/cel/escaping.go). */
const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** A field name as a rule spells it: `namespace` is `__namespace__`, `a-b` is `a__dash__b`. */
export function escapeName(name: string): string {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return name;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

function escapeKeys(value: unknown, schema: CompiledSchema | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => escapeKeys(v, schema?.items));
  if (!isMap(value)) return value;
  // Only the fields of an object schema are escaped; the keys of a map (additionalProperties) are data.
  const fields = schema?.properties !== undefined || schema?.additionalProperties === undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[fields ? escapeName(k) : k] = escapeKeys(v, schema?.properties?.[k] ?? schema?.additionalProperties);
  }
  return out;
}

export interface RuleFailure {
  /** The schema node the rule sits on, in the object. */
  path: JsonPath;
  rule: string;
  message: string | undefined;
  /** The evaluation error, when the rule did not evaluate to a bool. */
  error?: string;
}

export interface Evaluation {
  failures: RuleFailure[];
  /** Every node of the object that holds rules, failing or not. */
  nodes: JsonPath[];
  /** Rules at present nodes that could not run: not compiled. */
  skipped: { path: JsonPath; rule: string }[];
}

/** Runs every rule of `schema` on `object` (a route as written). */
export function evaluateRules(engine: CelEngine, schema: CompiledSchema, object: unknown): Evaluation {
  const defaulted = withDefaults(object, schema);
  const cel = engine.toCel(escapeKeys(defaulted, schema));
  const result: Evaluation = { failures: [], nodes: [], skipped: [] };
  walk(cel, schema, [], result);
  return result;
}

function walk(value: unknown, schema: CompiledSchema, path: JsonPath, result: Evaluation): void {
  if (schema.rules.length > 0) {
    result.nodes.push(path);
    for (const r of schema.rules) {
      if (r.transition) continue;
      if (!r.program) {
        result.skipped.push({ path, rule: r.rule.rule });
        continue;
      }
      const out = r.program.evaluate({ self: value });
      if (!out.ok) result.failures.push({ path, rule: r.rule.rule, message: r.rule.message, error: out.error });
      else if (out.value !== true) result.failures.push({ path, rule: r.rule.rule, message: r.rule.message });
    }
  }
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => walk(v, schema.items!, [...path, i], result));
    return;
  }
  if (!isMap(value)) return;
  if (schema.properties) {
    for (const [k, s] of Object.entries(schema.properties)) {
      const e = escapeName(k);
      if (e in value) walk(value[e], s, [...path, k], result);
    }
  } else if (schema.additionalProperties) {
    for (const [k, v] of Object.entries(value)) walk(v, schema.additionalProperties, [...path, k], result);
  }
}

const prefixOf = (p: JsonPath, of: JsonPath): boolean => p.length <= of.length && p.every((seg, i) => seg === of[i]);

/**
 * The schema node a hand-written finding at `at` stands for: the deepest failing rule node
 * above it (a finding sits at the field it blames, below the node whose rule it translates),
 * else the deepest rule node above it, else `at` itself.
 */
export function ruleNodeOf(at: JsonPath, evaluation: Evaluation): JsonPath {
  const deepest = (paths: JsonPath[]) => paths.filter((p) => prefixOf(p, at)).sort((a, b) => b.length - a.length)[0];
  return deepest(evaluation.failures.map((f) => f.path)) ?? deepest(evaluation.nodes) ?? at;
}

/** Where a compile error is, within the expression's own text (line and column 1-based). */
export interface CelCompileError {
  message: string;
  offset: number;
  line: number;
  column: number;
}

export interface CompileOptions {
  /** The type the expression must have: checked at compile time where the type is known, else at evaluation. */
  returns?: 'bool' | 'string';
  /**
   * `admission` (default): what a ValidatingAdmissionPolicy may use. `policy`: that and
   * `resources(group, kind[, namespace])`, the objects of the input (a config's CEL policies).
   * `crd`: a CRD's validation rule, over `self` and `oldSelf`.
   */
  environment?: 'admission' | 'policy' | 'crd';
}

/** What `resources()` answers while a policy's expressions run. */
export type ResourceLookup = (group: string, kind: string, namespace?: string) => unknown[];

/** The variables of one evaluation; absent ones are CEL null. Values must already be CEL values (`toCel`). */
export interface Activation {
  object?: unknown;
  oldObject?: unknown;
  request?: unknown;
  params?: unknown;
  namespaceObject?: unknown;
  variables?: unknown;
  /** A CRD validation rule's node value (`crd` environment). */
  self?: unknown;
  oldSelf?: unknown;
}

export type EvalResult =
  | { ok: true; value: unknown }
  /** `unsupported`: the expression needs what only a live API server has (the authorizer). */
  | { ok: false; error: string; unsupported?: boolean };

export interface CelProgram {
  readonly expression: string;
  /** The checked type (`bool`, `string`, `dyn`...). */
  readonly type: string;
  /** The admission variables the expression reads (`object`, `params`, `namespaceObject`...). */
  readonly reads: ReadonlySet<string>;
  /** Reads `authorizer`: every evaluation is then `unsupported`. */
  readonly usesAuthorizer: boolean;
  evaluate(activation: Activation): EvalResult;
}

export type CompileResult = { ok: true; program: CelProgram } | { ok: false; error: CelCompileError };

export interface CelEngine {
  /** Parses and type-checks an expression in the admission environment. */
  compile(expression: string, options?: CompileOptions): CompileResult;
  /** A manifest value (parsed YAML/JSON) as a CEL value. */
  toCel(value: unknown): unknown;
  /** Runs `run` with `resources()` in `policy` expressions answered by `lookup`. */
  withResources<T>(lookup: ResourceLookup, run: () => T): T;
}

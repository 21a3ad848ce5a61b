import type { Document, Node } from 'yaml';
import type { JsonPath } from './path.js';
import type { Range } from './range.js';
import type { SourceFile } from './source.js';

/** Where a resource lives in a YAML (or JSON) syntax tree; what fix helpers edit. */
export interface YamlSyntax {
  doc: Document.Parsed;
  /** The mapping node of the resource itself (the document root, or a `List` item). */
  root: Node;
}

/**
 * The parts of a resource whose value the source does not give statically (a TypeScript
 * program computes them): they are left out of `value`, and no finding may rest on them.
 * YAML and JSON resources have none.
 */
export interface UnknownValues {
  /** Values that are unknown (and absent from `value`), and so is everything under them. */
  readonly paths: readonly JsonPath[];
  /**
   * Mappings that may hold more keys than `value` shows (a spread of something unknown):
   * a key missing from one of them may be there after all.
   */
  readonly open: readonly JsonPath[];
  /**
   * `metadata.name` is left to the tool that applies the object (cdk8s and Pulumi generate
   * one): it is in `paths` too, and says nothing about values a rule could judge.
   */
  readonly generatedName?: boolean;
}

/** A literal written in a TypeScript source: what a fix may replace. */
export interface TsLiteral {
  /** Offsets of the literal's text (quotes included). */
  range: [number, number];
  /** The quote of a string literal; undefined for numbers, booleans and identifier keys. */
  quote?: '"' | "'" | '`';
}

/**
 * Where the values of a resource built by TypeScript are written, for fixes: only literals
 * written inside the resource's own expression (not in a constant it shares) are offered.
 */
export interface TsSyntax {
  /** The string, number or boolean literal that gives the value at `path`. */
  literalAt(path: JsonPath): (TsLiteral & { value: string | number | boolean }) | undefined;
  /** The property key that names the entry at `path`. */
  keyAt(path: JsonPath): TsLiteral | undefined;
  /** Whether some other key of the mapping holding `path` is already `key`. */
  hasSibling(path: JsonPath, key: string): boolean;
}

/** What a path resolves to in the source. */
export interface Located {
  range: Range;
  /** False when the path was missing and the range is that of its nearest existing parent. */
  exact: boolean;
}

/** One Kubernetes object from the input, with its source position map. */
export interface Resource {
  readonly file: SourceFile;
  /** 0-based index of the YAML document in its file. */
  readonly docIndex: number;
  /** Path of the object inside its document: `[]`, or `["items", n]` for an item of a `kind: List`. */
  readonly docPath: JsonPath;
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  /** API group: `""` for the core group, `policy.linkerd.io`, … */
  readonly group: string;
  readonly version: string;
  readonly name: string | undefined;
  /** `metadata.namespace` as written; undefined when absent (no defaulting). */
  readonly namespace: string | undefined;
  /** The object as plain data. */
  readonly value: Record<string, unknown>;
  /**
   * Source range of the node at `path` (see `locatePath` in src/load for the rules).
   * With `'key'`, a mapping entry is pointed at by its key rather than its value.
   */
  locate(path: JsonPath, target?: 'value' | 'key'): Located;
  /** The range a finding about the whole object points at: its `kind:` entry. */
  readonly headRange: Range;
  readonly syntax: YamlSyntax | undefined;
  /** For resources built by TypeScript: what the source does not give statically. */
  readonly unknown?: UnknownValues;
  /** For resources built by TypeScript: the literals fixes may edit. */
  readonly tsSyntax?: TsSyntax;
}

export function splitApiVersion(apiVersion: unknown): { group: string; version: string } {
  if (typeof apiVersion !== 'string') return { group: '', version: '' };
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `kind/namespace/name`, the identity shown in messages and used for fingerprints. */
export function resourceId(r: Pick<Resource, 'group' | 'kind' | 'namespace' | 'name'>): string {
  const kind = r.group ? `${r.kind ?? '?'}.${r.group}` : (r.kind ?? '?');
  return `${kind}/${r.namespace ?? ''}/${r.name ?? ''}`;
}

export function describeResource(r: Pick<Resource, 'kind' | 'namespace' | 'name'>): string {
  const name = r.name ?? '(unnamed)';
  return `${r.kind ?? 'object'} "${r.namespace ? `${r.namespace}/${name}` : name}"`;
}

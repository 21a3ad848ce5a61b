import type { ResourceSchemas, SchemaNode, ValidationError } from '../model/schema.js';
import { type JsonPath, formatPath, getAt, pointerToPath } from '../model/path.js';
import { rawValue } from '../model/unknown.js';

/**
 * Resource validation against the schemas of a run (schemas/linkerd/, loaded by
 * src/load/validators.ts), and the sentences the schema errors become.
 */

/** `group/version/Kind`, the key of a resource schema. */
function schemaKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** One schema violation, in words, at the place a finding should point to. */
export interface SchemaProblem {
  path: JsonPath;
  message: string;
  /** `key`: point at the key of `path` (an unknown field), not at its value. */
  at?: 'key';
  /** The JSON Schema keyword that failed. */
  keyword: string;
}

/**
 * Validates `value` against the schema of `group/version/Kind`. Returns undefined when no
 * such schema exists, otherwise one problem per violation (empty when valid).
 */
export function validateResource(
  schemas: ResourceSchemas,
  group: string,
  version: string,
  kind: string,
  value: unknown,
): SchemaProblem[] | undefined {
  const validate = schemas.validator(group, version, kind);
  if (!validate) return undefined;
  // The validator reads every field it knows of: those reads are not what a finding rests on.
  // Errors about unknown parts are left out by path, like every finding (src/model/unknown.ts).
  const data = withoutNulls(rawValue(value));
  if (validate(data)) return [];
  return describe(schemas, validate.errors ?? [], schemaKey(group, version, kind), kind, data);
}

/**
 * The API server drops fields whose value is null before it validates a custom resource
 * (none of Linkerd's CRDs marks a field nullable), so `annotations:` with nothing after it
 * is no error. Mapping entries only: a null list item stays and fails its type.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

// ---- schema lookups, for the words of a message ----

type Schema = SchemaNode;

/** Follows `$ref`s; `#` means the definition the walk is currently inside. */
function deref(schemas: ResourceSchemas, node: Schema | undefined, current: { root: Schema }): Schema | undefined {
  let n = node;
  for (let guard = 0; n && typeof n.$ref === 'string' && guard < 10; guard++) {
    const ref = n.$ref;
    if (ref === '#') n = current.root;
    else {
      const target = schemas.documents().definitions[ref.slice(ref.lastIndexOf('/') + 1)];
      if (target) current.root = target;
      n = target;
    }
  }
  return n;
}

/** The schema node that governs the value at `path` of a resource. */
function schemaAt(schemas: ResourceSchemas, key: string, path: JsonPath): Schema | undefined {
  const root = schemas.documents().resources[key];
  if (!root) return undefined;
  const current = { root };
  let node = deref(schemas, root, current);
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = deref(schemas, node.items as Schema | undefined, current);
    else {
      const props = node.properties as Record<string, Schema> | undefined;
      const next = props?.[seg] ?? (typeof node.additionalProperties === 'object' ? (node.additionalProperties as Schema) : undefined);
      node = deref(schemas, next, current);
    }
  }
  return node;
}

// ---- errors to sentences ----

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function branchKeys(node: Schema | undefined, keyword: 'oneOf' | 'anyOf'): string[] {
  const branches = (node?.[keyword] as Schema[] | undefined) ?? [];
  return branches.flatMap((b) => (Array.isArray(b.required) ? (b.required as string[]) : []));
}

function describe(schemas: ResourceSchemas, errors: readonly ValidationError[], key: string, kind: string, value: unknown): SchemaProblem[] {
  // A failed oneOf/anyOf is one problem: the errors of its branches are folded into it.
  const folds = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const folded = (e: ValidationError) =>
    folds.some(
      (f) => f !== e && e.schemaPath.startsWith(`${f.schemaPath}/`) && (e.instancePath === f.instancePath || e.instancePath.startsWith(`${f.instancePath}/`)),
    );
  // A value of the wrong type is one problem, not also a bad enum value or pattern.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type' && !folded(e)).map((e) => e.instancePath));
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (folded(e) || (e.keyword !== 'type' && wrongType.has(e.instancePath))) continue;
    const path = pointerToPath(e.instancePath);
    const problem = sentence(schemas, e, path, key, kind, value);
    if (!problem) continue;
    const id = `${formatPath(problem.path)}\0${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(problem);
  }
  return out;
}

function sentence(schemas: ResourceSchemas, e: ValidationError, path: (string | number)[], key: string, kind: string, value: unknown): SchemaProblem | undefined {
  const where = formatPath(path);
  const data = getAt(value, path);
  const node = () => schemaAt(schemas, key, path);
  const is = `${where} is ${show(data)}`;
  const p = e.params;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const fieldPath = [...path, field];
      const allowed = Object.keys((node()?.properties as Schema | undefined) ?? {});
      return {
        path: fieldPath,
        at: 'key',
        keyword: e.keyword,
        message: `unknown field "${formatPath(fieldPath)}"${allowed.length ? `; allowed fields: ${allowed.join(', ')}` : ''}`,
      };
    }
    case 'required': {
      const missing = String(p.missingProperty);
      return {
        path,
        keyword: e.keyword,
        message: `${path.length ? where : `the ${kind}`} is missing the required field "${missing}"`,
      };
    }
    case 'enum':
      return { path, keyword: e.keyword, message: `${is}; expected one of ${((p.allowedValues as unknown[]) ?? []).map(String).join(', ')}` };
    case 'const':
      return { path, keyword: e.keyword, message: `${is}; expected ${show(p.allowedValue)}` };
    case 'type':
      return { path, keyword: e.keyword, message: `${is}; expected ${TYPE_WORDS[String(p.type)] ?? String(p.type)}` };
    case 'pattern': {
      const description = node()?.description;
      return { path, keyword: e.keyword, message: `${is}; expected ${typeof description === 'string' ? description : `a value matching ${String(p.pattern)}`}` };
    }
    case 'minimum':
      return { path, keyword: e.keyword, message: `${is}; expected at least ${String(p.limit)}` };
    case 'maximum':
      return { path, keyword: e.keyword, message: `${is}; expected at most ${String(p.limit)}` };
    case 'minLength':
      return { path, keyword: e.keyword, message: `${is}; expected at least ${plural(Number(p.limit), 'character')}` };
    case 'maxLength':
      return { path, keyword: e.keyword, message: `${where} is ${String(data).length} characters long; expected at most ${String(p.limit)}` };
    case 'minItems':
      return { path, keyword: e.keyword, message: `${where} has ${plural(Array.isArray(data) ? data.length : 0, 'item')}; expected at least ${String(p.limit)}` };
    case 'maxItems':
      return { path, keyword: e.keyword, message: `${where} has ${plural(Array.isArray(data) ? data.length : 0, 'item')}; expected at most ${String(p.limit)}` };
    case 'anyOf': {
      const description = node()?.description;
      return { path, keyword: e.keyword, message: `${is}; expected ${typeof description === 'string' ? description : 'another value'}` };
    }
    case 'oneOf': {
      const keys = branchKeys(node(), 'oneOf');
      const subject = path.length ? where : `the ${kind}`;
      const set = keys.filter((k) => data !== null && typeof data === 'object' && Object.prototype.hasOwnProperty.call(data, k));
      return {
        path,
        keyword: e.keyword,
        message:
          set.length > 1
            ? `${subject} sets ${set.map((k) => `"${k}"`).join(' and ')}; expected exactly one of them`
            : `${subject} sets none of ${keys.map((k) => `"${k}"`).join(', ')}; expected exactly one`,
      };
    }
    case 'x-kubernetes-list-type': {
      // `path` is the later copy; the list's own schema says whether it is a set or a map.
      const listPath = path.slice(0, -1);
      const list = schemaAt(schemas, key, listPath);
      const first = `${String(listPath[listPath.length - 1])}[${String(p.duplicateOf)}]`;
      const keys = list?.['x-kubernetes-list-map-keys'] as string[] | undefined;
      if (!keys) return { path, keyword: e.keyword, message: `${where} duplicates ${first} (${show(data)}); expected each value once in a list of type set` };
      const item = (data ?? {}) as Record<string, unknown>;
      const props = (node()?.properties ?? {}) as Record<string, Schema>;
      const values = keys.map((k) => (k in item ? `${k} ${show(item[k])}` : `${k} ${show(props[k]?.default)} by default`));
      const each = keys.length === 1 ? keys[0] : `combination of ${keys.join(' and ')}`;
      return { path, keyword: e.keyword, message: `${where} duplicates ${first} (${values.join(', ')}); expected each ${each} once in a list of type map` };
    }
    default:
      return { path, keyword: e.keyword, message: `${where || `the ${kind}`} is invalid (${e.keyword})` };
  }
}

import { formatPath, parsePath, pointerToPath } from '../model/path.js';
import type { ValidationError } from '../model/schema.js';

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text && text.length > 60 ? `${text.slice(0, 57)}...` : (text ?? String(value));
}

function where(prefix: string, pointer: string): string {
  const path = formatPath([...parsePath(prefix), ...pointerToPath(pointer)]);
  return path || '(top level)';
}

/**
 * Turns ajv errors into one sentence per problem, naming the key, the bad value and what
 * is allowed. Errors inside a failed `anyOf` are folded into the `anyOf` itself, whose
 * schema `description` says what was expected.
 */
export interface SchemaProblem {
  /** Where the problem is, from the validated value's root. */
  path: (string | number)[];
  message: string;
}

export function describeSchemaErrors(errors: readonly ValidationError[], prefix = ''): SchemaProblem[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const push = (pointer: string, message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    out.push({ path: pointerToPath(pointer), message });
  };
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && anyOfPaths.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))) continue;
    const at = where(prefix, e.instancePath);
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(e.params.additionalProperty);
        const allowed = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
        const pointer = `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const path = where(prefix, pointer);
        push(pointer, `unknown key "${path}"${allowed.length ? `; allowed keys here: ${allowed.join(', ')}` : ''}`);
        break;
      }
      case 'enum':
        push(e.instancePath, `${at} is ${show(e.data)}; expected one of ${((e.schema as unknown[]) ?? []).map(String).join(', ')}`);
        break;
      case 'type':
        push(e.instancePath, `${at} is ${show(e.data)}; expected ${String(e.params.type)}`);
        break;
      case 'required':
        push(e.instancePath, `${at} is missing the required key "${String(e.params.missingProperty)}"`);
        break;
      // An if/then/else says which branch failed; the branch's own errors say why.
      case 'if':
        break;
      case 'anyOf':
        push(e.instancePath, `${at} is ${show(e.data)}; expected ${String(e.parentSchema?.description ?? 'another value')}`);
        break;
      case 'pattern':
        push(e.instancePath, `${at} is ${show(e.data)}; it must match ${String(e.params.pattern)}`);
        break;
      default:
        push(e.instancePath, `${at} ${e.message ?? 'is invalid'} (got ${show(e.data)})`);
    }
  }
  return out;
}

import type { TextEdit } from '../model/finding.js';
import type { JsonPath } from '../model/path.js';
import type { Resource, TsLiteral } from '../model/resource.js';
import type { Fixer } from './fixer.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A string as a TypeScript literal in the given quote. */
function quoted(value: string, quote: NonNullable<TsLiteral['quote']>): string {
  if (quote === '"') return JSON.stringify(value);
  const escaped = value.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  if (quote === "'") return `'${escaped.replace(/'/g, "\\'")}'`;
  return `\`${escaped.replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

/**
 * Fixes in TypeScript sources: only where the edit replaces one literal the resource's own
 * expression writes (a string, number or boolean value, a property key) with another of the
 * same type, so the program keeps its types and its shape. A value written in a shared
 * constant, computed, or anything that would add, remove or move code gets no edit, so the
 * finding is reported without a fix.
 */
export class TypeScriptFixer implements Fixer {
  setScalar(resource: Resource, path: JsonPath, value: string | number | boolean): TextEdit[] {
    const lit = resource.tsSyntax?.literalAt(path);
    if (!lit || typeof lit.value !== typeof value || lit.value === value) return [];
    if (typeof value === 'number' && !Number.isFinite(value)) return [];
    const text = typeof value === 'string' ? quoted(value, lit.quote ?? "'") : String(value);
    return [{ range: lit.range, text }];
  }

  renameKey(resource: Resource, path: JsonPath, newKey: string): TextEdit[] {
    const key = resource.tsSyntax?.keyAt(path);
    if (!key || resource.tsSyntax!.hasSibling(path, newKey)) return [];
    const text = key.quote ? quoted(newKey, key.quote) : IDENTIFIER.test(newKey) ? newKey : quoted(newKey, "'");
    return [{ range: key.range, text }];
  }

  insertKey(): TextEdit[] {
    return [];
  }

  removeKey(): TextEdit[] {
    return [];
  }

  removeKeys(): TextEdit[] {
    return [];
  }

  moveKey(): TextEdit[] {
    return [];
  }

  replaceResource(): TextEdit[] {
    return [];
  }

  insertDocumentAfter(): TextEdit[] {
    return [];
  }

  replaceDocument(): TextEdit[] {
    return [];
  }

  insertManifestsAfter(): TextEdit[] {
    return [];
  }
}

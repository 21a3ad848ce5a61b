import { parse } from 'yaml';

/** How new text must look to fit where it goes. */
export interface Style {
  /** The file is JSON: every key and string double-quoted, collections in flow style. */
  json: boolean;
  /** The place is inside a flow collection, where `,[]{}` end a plain scalar. */
  flow: boolean;
  eol: string;
  /** Spaces per nesting level for new block collections. */
  step: number;
}

const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

/** True when `s` can be written unquoted and still reads back as the same string. */
export function plainSafe(s: string, flow: boolean): boolean {
  if (s === '' || /[\r\n\t]/.test(s) || s !== s.trim() || INDICATOR_START.test(s)) return false;
  if (s.includes(': ') || s.includes(' #') || s.endsWith(':')) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;
  try {
    return parse(s) === s;
  } catch {
    return false;
  }
}

function singleQuoted(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * A scalar as source text. `like` is the style of the scalar being replaced, so a quoted
 * value stays quoted the same way where the new value allows it.
 */
export function scalarText(value: unknown, style: Style, like?: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const s = String(value);
  if (style.json) return JSON.stringify(s);
  if (like === 'QUOTE_SINGLE' && !/[\r\n]/.test(s)) return singleQuoted(s);
  if (like === 'QUOTE_DOUBLE') return JSON.stringify(s);
  return plainSafe(s, style.flow) ? s : JSON.stringify(s);
}

export function keyText(key: string, style: Style, like?: string): string {
  return scalarText(key, style, like);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A value in flow style, for JSON files and flow collections. */
export function flowText(value: unknown, style: Style): string {
  const inner: Style = { ...style, flow: true };
  if (Array.isArray(value)) return `[${value.map((v) => flowText(v, inner)).join(', ')}]`;
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => `${keyText(k, inner)}: ${flowText(v, inner)}`);
    return entries.length ? `{${style.json ? '' : ' '}${entries.join(', ')}${style.json ? '' : ' '}}` : '{}';
  }
  return scalarText(value, inner);
}

/**
 * Lines of a mapping entry in block style at `indent` columns, ending with `eol`:
 * `key: scalar`, or `key:` followed by its nested block.
 */
export function blockEntry(key: string, value: unknown, indent: number, style: Style): string {
  const pad = ' '.repeat(indent);
  const k = keyText(key, style);
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    return `${pad}${k}:${style.eol}${Object.entries(value)
      .map(([ck, cv]) => blockEntry(ck, cv, indent + style.step, style))
      .join('')}`;
  }
  if (Array.isArray(value) && value.length > 0) {
    const items = value.map((v) => `${pad}- ${isPlainObject(v) || Array.isArray(v) ? flowText(v, style) : scalarText(v, style)}${style.eol}`);
    return `${pad}${k}:${style.eol}${items.join('')}`;
  }
  return `${pad}${k}: ${isPlainObject(value) || Array.isArray(value) ? flowText(value, style) : scalarText(value, style)}${style.eol}`;
}

/**
 * A whole document in block style: mappings and sequences nested by `style.step`, sequence
 * items as `- ` at their key's indentation plus one step, empty collections in flow style.
 * Key order is the object's own, so generated manifests read in the conventional order.
 */
export function blockDocument(value: Record<string, unknown>, style: Style): string {
  return blockMapping(value, 0, style);
}

function blockMapping(value: Record<string, unknown>, indent: number, style: Style): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${' '.repeat(indent)}${keyText(k, style)}:${blockValue(v, indent, style)}`)
    .join('');
}

/** The text after `key:` for `value` at a key indented `indent` columns. */
function blockValue(value: unknown, indent: number, style: Style): string {
  if (isPlainObject(value) && Object.keys(value).length > 0) return `${style.eol}${blockMapping(value, indent + style.step, style)}`;
  if (Array.isArray(value) && value.length > 0) return `${style.eol}${blockSequence(value, indent + style.step, style)}`;
  return ` ${isPlainObject(value) || Array.isArray(value) ? flowText(value, style) : scalarText(value, style)}${style.eol}`;
}

function blockSequence(items: readonly unknown[], indent: number, style: Style): string {
  const pad = ' '.repeat(indent);
  return items
    .map((item) => {
      if (isPlainObject(item) && Object.keys(item).length > 0) {
        // The first entry shares the dash's line; the rest align with it.
        const body = blockMapping(item, indent + 2, style);
        return `${pad}- ${body.slice(indent + 2)}`;
      }
      if (Array.isArray(item) && item.length > 0) return `${pad}-${style.eol}${blockSequence(item, indent + 2, style)}`;
      return `${pad}- ${isPlainObject(item) || Array.isArray(item) ? flowText(item, style) : scalarText(item, style)}${style.eol}`;
    })
    .join('');
}

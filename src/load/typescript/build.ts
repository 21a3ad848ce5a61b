import { isObject, resourceFields } from '../../model/k8s.js';
import { type JsonPath, getAt } from '../../model/path.js';
import type { Range } from '../../model/range.js';
import { type Located, type Resource, type TsLiteral, type TsSyntax } from '../../model/resource.js';
import type { SourceFile } from '../../model/source.js';
import { type UnknownValues, watchUnknownReads } from '../../model/unknown.js';
import type { EsNode } from './ast.js';
import type { Val } from './evaluate.js';
import type { Candidate } from './shapes.js';

/** Where the value at one path is written. */
interface Written {
  /** The value's offsets; for apiVersion and kind of a constructor, the class name. */
  range: [number, number];
  node: EsNode | undefined;
  key: EsNode | undefined;
  t: 'scalar' | 'object' | 'array';
  /** For a literal scalar. */
  literal?: string | number | boolean;
}

const pathKey = (path: JsonPath) => JSON.stringify(path);

/** The resource a candidate builds: its value, where each part is written, and what is unknown. */
export function toResource(c: Candidate, file: SourceFile, docIndex: number): Resource {
  const written = new Map<string, Written>();
  const paths: JsonPath[] = [];
  const open: JsonPath[] = [];

  const read = (val: Val, path: JsonPath, key: EsNode | undefined): unknown => {
    switch (val.t) {
      case 'scalar':
        written.set(pathKey(path), { range: val.node.range, node: val.node, key, t: 'scalar', ...(val.literal ? { literal: val.value! } : {}) });
        return val.value;
      case 'object': {
        written.set(pathKey(path), { range: val.node.range, node: val.node, key, t: 'object' });
        if (val.open) open.push(path);
        const out: Record<string, unknown> = {};
        for (const [k, e] of val.entries) {
          if (e.val.t === 'absent') continue;
          if (e.val.t === 'unknown') {
            // Located, so a directive on its line still counts as used by what it would have suppressed.
            paths.push([...path, k]);
            written.set(pathKey([...path, k]), { range: e.val.node.range, node: undefined, key: e.key, t: 'scalar' });
            continue;
          }
          out[k] = read(e.val, [...path, k], e.key);
        }
        return out;
      }
      case 'array': {
        written.set(pathKey(path), { range: val.node.range, node: val.node, key, t: 'array' });
        return val.items.map((item, i) => {
          if (item.t === 'unknown') paths.push([...path, i]);
          return item.t === 'unknown' || item.t === 'absent' ? null : read(item, [...path, i], undefined);
        });
      }
      default:
        return undefined;
    }
  };

  let value: Record<string, unknown>;
  if (c.implied) {
    // The class gives apiVersion and kind; the props are everything else.
    const body = c.body.t === 'object' || c.body.t === 'absent' ? c.body : undefined;
    const rest = body?.t === 'object' ? (read({ ...body, entries: without(body.entries, ['apiVersion', 'kind']) }, [], undefined) as Record<string, unknown>) : {};
    if (!body) open.push([]);
    value = { apiVersion: c.implied.apiVersion, kind: c.implied.kind, ...rest };
    for (const k of ['apiVersion', 'kind']) written.set(pathKey([k]), { range: c.head, node: undefined, key: undefined, t: 'scalar' });
  } else {
    value = read(c.body, [], undefined) as Record<string, unknown>;
  }

  // Changed after it is built (a JSON patch, a transformation): no part of it is certain.
  if (c.changedLater) paths.push([]);
  const unknown: { paths: JsonPath[]; open: JsonPath[]; generatedName?: boolean } = { paths, open };
  if (c.namedByTool && !isKnownOrUnknown(value, unknown, ['metadata', 'name'])) {
    // The tool writes metadata with the name it makes, whatever the program gives.
    if (value.metadata === undefined && !isKnownOrUnknown(value, unknown, ['metadata'])) value = withMetadata(value);
    paths.push(['metadata', 'name']);
    unknown.generatedName = true;
  }

  const lines = file.lines;
  const toRange = ([s, e]: [number, number]): Range => lines.range(s, e);
  const headRange = toRange(c.head);
  const own = (n: EsNode | undefined) => n !== undefined && c.root.range[0] <= n.range[0] && n.range[1] <= c.root.range[1];

  const rangeOf = (w: Written): Range => {
    if (w.t === 'scalar') return toRange(w.range);
    if (w.key) return toRange(w.key.range);
    // A collection with no key (an array item): its first line.
    const start = w.range[0];
    return lines.range(start, Math.min(w.range[1], lines.lineEnd(start)));
  };

  const locate = (path: JsonPath, target: 'value' | 'key' = 'value'): Located => {
    for (let d = path.length; d > 0; d--) {
      const w = written.get(pathKey(path.slice(0, d)));
      if (!w) continue;
      const exact = d === path.length;
      if (exact && target === 'key' && w.key) return { range: toRange(w.key.range), exact };
      return { range: rangeOf(w), exact };
    }
    return { range: headRange, exact: path.length === 0 };
  };

  const quoteOf = (n: EsNode): TsLiteral['quote'] => {
    if (n.type === 'TemplateLiteral') return '`';
    if (n.type === 'Literal' && typeof n.value === 'string') return file.text[n.range[0]] === "'" ? "'" : '"';
    return undefined;
  };

  const tsSyntax: TsSyntax = {
    literalAt(path) {
      const w = written.get(pathKey(path));
      if (!w || w.literal === undefined || !own(w.node)) return undefined;
      const quote = quoteOf(w.node!);
      return { range: w.range, value: w.literal, ...(quote ? { quote } : {}) };
    },
    keyAt(path) {
      const w = written.get(pathKey(path));
      if (!w?.key || !own(w.key)) return undefined;
      const quote = quoteOf(w.key);
      if (w.key.type !== 'Identifier' && !quote) return undefined;
      return { range: w.key.range, ...(quote ? { quote } : {}) };
    },
    hasSibling(path, key) {
      const parent = path.slice(0, -1);
      const holder = getAt(value, parent);
      if (isObject(holder) && Object.prototype.hasOwnProperty.call(holder, key)) return true;
      return isKnownOrUnknown(value, unknown, [...parent, key]) || open.some((o) => pathKey(o) === pathKey(parent));
    },
  };

  const hasUnknown = paths.length > 0 || open.length > 0;
  const resource: Resource = {
    ...resourceFields(file, docIndex, [], value, headRange),
    value: hasUnknown ? watchUnknownReads(value, unknown, () => resource) : value,
    locate,
    syntax: undefined,
    ...(hasUnknown ? { unknown: unknown as UnknownValues } : {}),
    tsSyntax,
  };
  return resource;
}

/** The object with an empty `metadata` after `kind`, where manifests have it. */
function withMetadata(value: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion, kind, ...rest } = value;
  return { apiVersion, kind, metadata: {}, ...rest };
}

function without<V>(entries: Map<string, V>, keys: string[]): Map<string, V> {
  const out = new Map(entries);
  for (const k of keys) out.delete(k);
  return out;
}

/** Whether the path has a value, or lies at or under an unknown value or an open mapping. */
function isKnownOrUnknown(value: unknown, unknown: { paths: JsonPath[]; open: JsonPath[] }, path: JsonPath): boolean {
  if (getAt(value, path) !== undefined) return true;
  const under = (p: JsonPath) => p.length <= path.length && p.every((s, i) => path[i] === s);
  return unknown.paths.some(under) || unknown.open.some(under);
}

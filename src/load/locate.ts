import { type Document, type Node, isAlias, isCollection, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { JsonPath } from '../model/path.js';
import type { LineIndex, Range } from '../model/range.js';
import type { Located } from '../model/resource.js';

/** The node a path reaches, with the key node that names it (for mapping values). */
export interface NodeAt {
  node: Node | null;
  key: Node | null;
  /** How many path segments were resolved; equals the path length when the path exists. */
  depth: number;
}

function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Walks `path` from `root` as far as it exists. */
export function nodeAt(doc: Document.Parsed, root: Node, path: JsonPath): NodeAt {
  let node: unknown = root;
  let key: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    const cur = deref(doc, node);
    let next: unknown;
    let nextKey: Node | null = null;
    let found = false;
    if (isMap(cur) && typeof seg === 'string') {
      for (const pair of cur.items) {
        const k = deref(doc, pair.key);
        const name = isScalar(k) ? String(k.value) : undefined;
        if (name === seg) {
          next = pair.value;
          nextKey = isScalar(pair.key) ? pair.key : null;
          found = true;
          break;
        }
      }
    } else if (isSeq(cur) && typeof seg === 'number' && seg >= 0 && seg < cur.items.length) {
      next = cur.items[seg];
      found = true;
    }
    if (!found) break;
    node = next ?? null;
    key = nextKey;
    depth++;
  }
  return { node: (node as Node | null) ?? null, key, depth };
}

/**
 * Range a finding at `path` points at. A scalar value is pointed at itself; a mapping
 * or sequence value at the key that holds it (one line, not the whole block); a sequence
 * item that is a collection at its first line; a missing key at its nearest existing
 * parent, located by the same rules.
 */
export function locatePath(
  doc: Document.Parsed,
  root: Node,
  path: JsonPath,
  lines: LineIndex,
  head: Range,
  target: 'value' | 'key' = 'value',
): Located {
  const at = nodeAt(doc, root, path);
  const exact = at.depth === path.length;
  if (at.depth === 0) return { range: head, exact: exact && path.length === 0 };
  if (exact && target === 'key' && at.key?.range) {
    return { range: lines.range(at.key.range[0], at.key.range[1]), exact };
  }
  const found = exact ? at : nodeAt(doc, root, path.slice(0, at.depth));
  return { range: rangeOfNode(found, lines) ?? head, exact };
}

function rangeOfNode(at: NodeAt, lines: LineIndex): Range | undefined {
  const { node, key } = at;
  const keyRange = key?.range ? lines.range(key.range[0], key.range[1]) : undefined;
  if (node && isScalar(node) && node.range) {
    const [start, end] = node.range;
    // `key:` with nothing after it is an empty scalar: point at the key instead.
    if (end <= start && keyRange) return keyRange;
    return lines.range(start, end);
  }
  if (node && (isCollection(node) || isAlias(node)) && node.range) {
    if (keyRange) return keyRange;
    const start = node.range[0];
    const end = Math.min(node.range[1], lines.lineEnd(start));
    return lines.range(start, trimTrailingComment(lines.text, start, end));
  }
  return keyRange;
}

/** Cuts a trailing `# comment` and spaces off a one-line span. */
function trimTrailingComment(text: string, start: number, end: number): number {
  const slice = text.slice(start, end);
  const hash = slice.search(/\s#/);
  let cut = hash === -1 ? end : start + hash;
  while (cut > start && /\s/.test(text[cut - 1]!)) cut--;
  return cut;
}

/** The `kind: X` entry of a resource mapping, for findings about the whole resource. */
export function headRangeOf(root: Node, lines: LineIndex): Range {
  if (isMap(root)) {
    for (const pair of root.items) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'kind' && pair.key.range) {
        const value = pair.value as Node | null;
        const end = value?.range ? value.range[1] : pair.key.range[1];
        return lines.range(pair.key.range[0], end);
      }
    }
  }
  const start = root.range?.[0] ?? 0;
  return lines.range(start, trimTrailingComment(lines.text, start, lines.lineEnd(start)));
}

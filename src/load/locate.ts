import { type Document, type Node, isAlias, isCollection, isMap, isPair, isScalar } from 'yaml';
import type { JsonPath } from '../model/path.js';
import type { LineIndex, Range } from '../model/range.js';
import type { Located } from '../model/resource.js';
import { type NodeAt, nodeAt } from '../model/syntax.js';

export { nodeAt };

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
export function trimTrailingComment(text: string, start: number, end: number): number {
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

import { type Document, type Node, type Pair, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { JsonPath } from './path.js';

/** One step of a walk: the collection passed through and how the next node was reached. */
export interface Step {
  collection: Node;
  /** The mapping entry taken (for mapping steps). */
  pair?: Pair<unknown, unknown>;
  /** The sequence index taken (for sequence steps). */
  index?: number;
}

/** The node a path reaches, with the key node that names it (for mapping values). */
export interface NodeAt {
  node: Node | null;
  key: Node | null;
  /** How many path segments were resolved; equals the path length when the path exists. */
  depth: number;
  /** The collections walked through, outermost first (`steps.length === depth`). */
  steps: Step[];
}

function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** Walks `path` from `root` through mappings and sequences (and aliases) as far as it exists. */
export function nodeAt(doc: Document.Parsed, root: Node, path: JsonPath): NodeAt {
  let node: unknown = root;
  let key: Node | null = null;
  const steps: Step[] = [];
  for (const seg of path) {
    const cur = deref(doc, node);
    if (isMap(cur) && typeof seg === 'string') {
      const pair = cur.items.find((p) => {
        const k = deref(doc, p.key);
        return isScalar(k) && String(k.value) === seg;
      });
      if (!pair) break;
      steps.push({ collection: cur, pair });
      node = pair.value;
      key = isScalar(pair.key) ? pair.key : null;
    } else if (isSeq(cur) && typeof seg === 'number' && seg >= 0 && seg < cur.items.length) {
      steps.push({ collection: cur, index: seg });
      node = cur.items[seg];
      key = null;
    } else break;
  }
  return { node: (node as Node | null) ?? null, key, depth: steps.length, steps };
}

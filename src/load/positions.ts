import { type Alias, type Document, type Node, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { JsonPath } from '../model/path.js';
import type { LineIndex, Range } from '../model/range.js';
import type { Located } from '../model/resource.js';
import { trimTrailingComment } from './locate.js';

/**
 * The positions of one document's nodes, read off its syntax tree in one walk so that the
 * tree itself can be let go: a lint run keeps the values and these numbers, a few bytes a
 * node in one typed array the garbage collector never walks, rather than a tree of objects
 * an order of magnitude larger. `locate` gives exactly what `locatePath` gives on the tree.
 *
 * Nodes are stored in document order (a collection before its children); each takes STRIDE
 * numbers: its kind, the range of the key that names it (a mapping value's), its own range,
 * the index just past its subtree (to step over siblings), and for an alias the node it
 * refers to.
 */
const STRIDE = 7;
const KIND = 0;
const KEY_START = 1;
const KEY_END = 2;
const START = 3;
const END = 4;
const NEXT = 5;
const TARGET = 6;

const NONE = 0;
const SCALAR = 1;
const MAP = 2;
const SEQ = 3;
const ALIAS = 4;

export interface PackedPositions {
  nodes: Int32Array;
  keys: readonly (string | undefined)[];
}

export class PositionMap {
  private constructor(
    private readonly nodes: Int32Array,
    /** The key (as `nodeAt` compares it) that names each node in its mapping. */
    private readonly keys: readonly (string | undefined)[],
  ) {}

  /**
   * Reads the positions of `root` and everything under it. `roots` gives the index of each
   * of the nodes asked for (the items of a `kind: List`); the document root is index 0.
   */
  static of(doc: Document.Parsed, root: Node, wanted: readonly unknown[] = []): { map: PositionMap; roots: (number | undefined)[] } {
    const b = new Builder(doc, wanted);
    b.walk(root, undefined);
    b.resolveAliases(root);
    const map = new PositionMap(b.nodes.slice(0, b.count * STRIDE), b.keys.slice(0, b.count));
    return { map, roots: wanted.map((node) => b.found.get(node)) };
  }

  /** The numbers and keys, for another thread (`unpack`); the buffer can be transferred. */
  pack(): PackedPositions {
    return { nodes: this.nodes, keys: this.keys };
  }

  static unpack(packed: PackedPositions): PositionMap {
    return new PositionMap(packed.nodes, packed.keys);
  }

  /** What `locatePath` gives for `path` from node `root`, with the same rules. */
  locate(root: number, path: JsonPath, lines: LineIndex, head: Range, target: 'value' | 'key' = 'value'): Located {
    let node = root;
    let depth = 0;
    for (const seg of path) {
      const cur = this.kind(node) === ALIAS ? this.nodes[node * STRIDE + TARGET]! : node;
      if (cur < 0) break;
      const kind = this.kind(cur);
      let next: number | undefined;
      if (kind === MAP && typeof seg === 'string') next = this.keyed(cur, seg);
      else if (kind === SEQ && typeof seg === 'number' && seg >= 0) next = this.child(cur, seg);
      if (next === undefined) break;
      node = next;
      depth++;
    }
    const exact = depth === path.length;
    if (depth === 0) return { range: head, exact: exact && path.length === 0 };
    const n = this.nodes;
    const at = node * STRIDE;
    const keyRange = n[at + KEY_START]! >= 0 ? lines.range(n[at + KEY_START]!, n[at + KEY_END]!) : undefined;
    if (exact && target === 'key' && keyRange) return { range: keyRange, exact };
    return { range: this.rangeOf(node, keyRange, lines) ?? head, exact };
  }

  private kind(node: number): number {
    return this.nodes[node * STRIDE + KIND]!;
  }

  private keyed(map: number, key: string): number | undefined {
    const end = this.nodes[map * STRIDE + NEXT]!;
    for (let c = map + 1; c < end; c = this.nodes[c * STRIDE + NEXT]!) if (this.keys[c] === key) return c;
    return undefined;
  }

  private child(seq: number, index: number): number | undefined {
    const end = this.nodes[seq * STRIDE + NEXT]!;
    let i = 0;
    for (let c = seq + 1; c < end; c = this.nodes[c * STRIDE + NEXT]!, i++) if (i === index) return c;
    return undefined;
  }

  /** `rangeOfNode` of locate.ts, over the stored numbers. */
  private rangeOf(node: number, keyRange: Range | undefined, lines: LineIndex): Range | undefined {
    const n = this.nodes;
    const at = node * STRIDE;
    const kind = n[at + KIND]!;
    const start = n[at + START]!;
    const end = n[at + END]!;
    if (kind === SCALAR && start >= 0) {
      if (end <= start && keyRange) return keyRange;
      return lines.range(start, end);
    }
    if ((kind === MAP || kind === SEQ || kind === ALIAS) && start >= 0) {
      if (keyRange) return keyRange;
      const stop = Math.min(end, lines.lineEnd(start));
      return lines.range(start, trimTrailingComment(lines.text, start, stop));
    }
    return keyRange;
  }
}

/** Grows one scratch buffer shared by every walk: a document's numbers are copied out of it once. */
let scratch = new Int32Array(STRIDE * 1024);

class Builder {
  nodes = scratch;
  readonly keys: (string | undefined)[] = [];
  count = 0;
  readonly found = new Map<unknown, number>();
  private readonly wanted: ReadonlySet<unknown>;
  /** Aliases met, with their index. */
  private readonly aliases: [number, Alias][] = [];

  constructor(
    private readonly doc: Document.Parsed,
    wanted: readonly unknown[],
  ) {
    this.wanted = new Set(wanted);
  }

  private add(): number {
    if ((this.count + 1) * STRIDE > this.nodes.length) {
      const grown = new Int32Array(this.nodes.length * 2);
      grown.set(this.nodes);
      this.nodes = scratch = grown;
    }
    return this.count++;
  }

  /** Adds `node` (the value of a mapping entry whose key is `keyNode`, or a sequence item) and its subtree. */
  walk(node: unknown, keyNode: unknown, key?: string): number {
    const i = this.add();
    const at = i * STRIDE;
    const n = this.nodes;
    const keyRange = isScalar(keyNode) ? keyNode.range : undefined;
    n[at + KEY_START] = keyRange ? keyRange[0] : -1;
    n[at + KEY_END] = keyRange ? keyRange[1] : -1;
    this.keys[i] = key;
    if (this.wanted.size > 0 && this.wanted.has(node)) this.found.set(node, i);
    const range = (node as Node | null)?.range;
    n[at + START] = range ? range[0] : -1;
    n[at + END] = range ? range[1] : -1;
    n[at + TARGET] = -1;
    if (isScalar(node)) n[at + KIND] = SCALAR;
    else if (isMap(node)) {
      n[at + KIND] = MAP;
      for (const pair of node.items) {
        // As nodeAt compares keys: an alias key by what it refers to.
        const k = isAlias(pair.key) ? pair.key.resolve(this.doc) : pair.key;
        this.walk(pair.value, pair.key, isScalar(k) ? String(k.value) : undefined);
      }
    } else if (isSeq(node)) {
      n[at + KIND] = SEQ;
      for (const item of node.items) this.walk(item, undefined);
    } else if (isAlias(node)) {
      n[at + KIND] = ALIAS;
      this.aliases.push([i, node]);
    } else n[at + KIND] = NONE;
    // The walk below may have grown the buffer: write through the current one.
    this.nodes[at + NEXT] = this.count;
    return i;
  }

  /**
   * Points each alias at the node it refers to: the walked node, found by walking the tree
   * again in the same order, or (an anchor on a mapping key, which the walk does not enter)
   * a copy walked now.
   */
  resolveAliases(root: Node): void {
    if (this.aliases.length === 0) return;
    const order: unknown[] = [];
    const list = (node: unknown): void => {
      order.push(node);
      if (isMap(node)) for (const pair of node.items) list(pair.value);
      else if (isSeq(node)) for (const item of node.items) list(item);
    };
    list(root);
    while (this.aliases.length > 0) {
      const [i, alias] = this.aliases.pop()!;
      const target = alias.resolve(this.doc);
      if (!target) continue;
      let t = order.indexOf(target);
      if (t === -1) {
        t = this.count;
        this.walk(target, undefined);
        list(target);
      }
      this.nodes[i * STRIDE + TARGET] = t;
    }
  }
}

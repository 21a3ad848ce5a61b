import { type Document, type Node, type Pair, type YAMLMap, isMap, isScalar, isSeq, visit } from 'yaml';
import type { TextEdit } from '../model/finding.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import type { SourceFile } from '../model/source.js';
import { nodeAt } from '../model/syntax.js';
import { type Style, blockDocument, blockEntry, flowText, keyText, plainSafe, scalarText } from './render.js';

/**
 * Builds text edits from paths, so rules never do offset arithmetic. Every method
 * returns the edits (possibly none) and changes nothing by itself.
 */
export interface Fixer {
  /** Replace a scalar's value, keeping its quote style where the new value allows it. */
  setScalar(resource: Resource, path: JsonPath, value: string | number | boolean): TextEdit[];
  /** Add `key: value` to the mapping at `mapPath`, creating missing parent mappings. */
  insertKey(resource: Resource, mapPath: JsonPath, key: string, value: unknown): TextEdit[];
  /** Remove a mapping entry (with its own comment lines) or a sequence item. */
  removeKey(resource: Resource, path: JsonPath): TextEdit[];
  /**
   * Remove several entries in one fix. Entries that together empty a mapping empty it once
   * (as removing the last one does), where separate removals would leave the key with no value.
   */
  removeKeys(resource: Resource, paths: readonly JsonPath[]): TextEdit[];
  /** Rename the key at `path`, keeping its value and quote style. */
  renameKey(resource: Resource, path: JsonPath, newKey: string): TextEdit[];
  /** Move the entry at `from` into the mapping at `toMapPath`, creating it when missing. */
  moveKey(resource: Resource, from: JsonPath, toMapPath: JsonPath): TextEdit[];
  /** Replace the whole resource with `yamlText` (one document, no `---`). */
  replaceResource(resource: Resource, yamlText: string): TextEdit[];
  /** Add a new document holding `yamlText` right after the resource's document. */
  insertDocumentAfter(resource: Resource, yamlText: string): TextEdit[];
  /**
   * Replace the resource with one or more new manifests, written in block style (JSON for a
   * JSON file, which can hold only one). The comments inside the replaced resource are kept,
   * as comment lines above the first new manifest; comments around it stay where they are.
   * Returns no edit for a resource inside a List or a JSON file given several manifests.
   */
  replaceDocument(resource: Resource, manifests: readonly Record<string, unknown>[]): TextEdit[];
  /** Add the manifests, in block YAML, as new documents right after the resource's document (not in JSON files). */
  insertManifestsAfter(resource: Resource, manifests: readonly Record<string, unknown>[]): TextEdit[];
}

/** A mapping entry to insert, as source text. */
interface Entry {
  key: string;
  /** Rendered key (already quoted as needed). */
  keyText: string;
  value: unknown;
  /** Source text of a one-line value to reuse as is (keeps its quoting). */
  valueText?: string;
  /** Comment lines (without indentation) to put above the entry. */
  comments?: string[];
  /** A comment to put at the end of the entry's line (one-line values only). */
  trailing?: string;
  /** For a mapping created on the way: the one entry inside it. */
  nested?: Entry;
}

interface Removal {
  edits: TextEdit[];
  /** The comment lines right above the removed entry. */
  comments: string[];
  /** The comments from the start of the entry's value to the end of its last line. */
  inner?: string[];
}

/**
 * Whether an empty mapping at `path` says nothing its absence does not: empty `metadata`,
 * and empty `annotations` or `labels` inside a `metadata` (ObjectMeta's maps are
 * `omitempty`, k8s.io/apimachinery/pkg/apis/meta/v1/types.go). The resource root never is.
 */
function emptiable(path: JsonPath): boolean {
  const last = path[path.length - 1];
  if (last === 'metadata') return true;
  return (last === 'annotations' || last === 'labels') && path[path.length - 2] === 'metadata';
}

/** True when `prefix` is `path` or one of its ancestors. */
function within(prefix: JsonPath, path: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

/** Text helpers over one file. */
class Text {
  readonly eol: string;

  constructor(readonly text: string) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Offset of the start of the line after the one holding `offset` (or the end of the text). */
  nextLineStart(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl === -1 ? this.text.length : nl + 1;
  }

  /** End of the content that ends at `offset`: the next line start, unless `offset` already is one. */
  afterContent(offset: number): number {
    return offset > 0 && this.text[offset - 1] === '\n' ? offset : this.nextLineStart(offset);
  }

  column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  /** True when only spaces precede `offset` on its line. */
  startsLine(offset: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  line(offset: number): string {
    const start = this.lineStart(offset);
    let end = this.text.indexOf('\n', start);
    if (end === -1) end = this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

/**
 * One Text per file: finding its line ending reads the whole text, which for a file of many
 * documents (a rendered chart on standard input) would cost more than the fixes do.
 */
const texts = new WeakMap<SourceFile, Text>();
function textOf(file: SourceFile): Text {
  let t = texts.get(file);
  if (!t) texts.set(file, (t = new Text(file.text)));
  return t;
}

/**
 * The comments between `start` and `end`, in order, as `# …` lines: every `#` that follows
 * white space or starts a line, outside the ranges of the scalars (where it is content).
 */
function commentsWithin(text: string, root: Node, start: number, end: number): string[] {
  const scalars: [number, number][] = [];
  visit(root, {
    Scalar(_, node) {
      if (node.range) scalars.push([node.range[0], node.range[1]]);
    },
  });
  const inScalar = (at: number) => scalars.some(([a, b]) => at >= a && at < b);
  const out: string[] = [];
  // Searched for in the range alone: in a file of many documents, a search of the whole text
  // for a `#` that is not there would read on to its end, once per fix.
  const region = text.slice(start, end);
  for (let i = region.indexOf('#'); i !== -1; i = region.indexOf('#', i + 1)) {
    const at = start + i;
    const before = text[at - 1];
    if (at > 0 && before !== ' ' && before !== '\t' && before !== '\n') continue;
    if (inScalar(at)) continue;
    let stop = text.indexOf('\n', at);
    if (stop === -1 || stop > end) stop = end;
    out.push(text.slice(at, stop).replace(/\r$/, '').trimEnd());
    i = stop - start;
  }
  return out;
}

function rangeOf(node: Node | null | undefined): [number, number, number] | undefined {
  return node?.range ? [node.range[0], node.range[1], node.range[2]] : undefined;
}

/** The source end of a mapping entry: the end of its value, or of its key when the value is empty. */
function pairEnd(pair: Pair<unknown, unknown>): number {
  const v = rangeOf(pair.value as Node | null);
  const k = rangeOf(pair.key as Node | null);
  return Math.max(v ? v[1] : 0, k ? k[1] : 0);
}

function keyStart(pair: Pair<unknown, unknown>): number {
  return rangeOf(pair.key as Node | null)![0];
}

/**
 * Builds text edits for YAML and JSON sources from `yaml` node ranges. Nothing outside
 * the edited ranges changes: comments, quoting, key order and indentation stay as they
 * are, new lines use the file's line ending, and new entries match their siblings' style.
 */
export class YamlFixer implements Fixer {
  private syntax(resource: Resource): { doc: Document.Parsed; root: Node; t: Text; json: boolean } | undefined {
    if (!resource.syntax) return undefined;
    return { doc: resource.syntax.doc, root: resource.syntax.root, t: textOf(resource.file), json: resource.file.language === 'json' };
  }

  private style(t: Text, json: boolean, flow: boolean, step = 2): Style {
    return { json, flow: json || flow, eol: t.eol, step };
  }

  setScalar(resource: Resource, path: JsonPath, value: string | number | boolean): TextEdit[] {
    const s = this.syntax(resource);
    if (!s) return [];
    const at = nodeAt(s.doc, s.root, path);
    if (at.depth !== path.length || !isScalar(at.node) || !at.node.range) return [];
    const [start, end] = at.node.range;
    const flow = at.steps.some((step) => (step.collection as YAMLMap).flow === true);
    const like = at.node.type === 'QUOTE_SINGLE' || at.node.type === 'QUOTE_DOUBLE' ? at.node.type : undefined;
    let text = scalarText(value, this.style(s.t, s.json, flow), like);
    if (start === end && s.t.text[start - 1] === ':') text = ` ${text}`;
    if (s.t.text.slice(start, end) === text) return [];
    return [{ range: [start, end], text }];
  }

  renameKey(resource: Resource, path: JsonPath, newKey: string): TextEdit[] {
    const s = this.syntax(resource);
    if (!s) return [];
    const at = nodeAt(s.doc, s.root, path);
    if (at.depth !== path.length || !isScalar(at.key) || !at.key.range) return [];
    const parent = at.steps[at.steps.length - 1]?.collection;
    if (isMap(parent) && parent.items.some((p) => isScalar(p.key) && String(p.key.value) === newKey)) return [];
    const flow = at.steps.some((step) => (step.collection as YAMLMap).flow === true);
    const like = at.key.type === 'QUOTE_SINGLE' || at.key.type === 'QUOTE_DOUBLE' ? at.key.type : undefined;
    return [{ range: [at.key.range[0], at.key.range[1]], text: keyText(newKey, this.style(s.t, s.json, flow), like) }];
  }

  insertKey(resource: Resource, mapPath: JsonPath, key: string, value: unknown): TextEdit[] {
    const s = this.syntax(resource);
    if (!s) return [];
    return this.insert(s, mapPath, { key, keyText: '', value });
  }

  removeKey(resource: Resource, path: JsonPath): TextEdit[] {
    const s = this.syntax(resource);
    if (!s) return [];
    return this.remove(s, path)?.edits ?? [];
  }

  removeKeys(resource: Resource, paths: readonly JsonPath[]): TextEdit[] {
    const s = this.syntax(resource);
    if (!s) return [];
    const groups = new Map<string, JsonPath[]>();
    for (const path of paths) {
      const parent = JSON.stringify(path.slice(0, -1));
      groups.set(parent, [...(groups.get(parent) ?? []), path]);
    }
    const edits: TextEdit[] = [];
    for (const group of groups.values()) {
      const at = nodeAt(s.doc, s.root, group[0]!.slice(0, -1));
      const keys = new Set(group.map((p) => p[p.length - 1]));
      const map = at.depth === group[0]!.length - 1 && isMap(at.node) ? at.node : undefined;
      const last = map?.items[map.items.length - 1];
      const all = map !== undefined && map.items.every((p) => isScalar(p.key) && keys.has(String(p.key.value)));
      // Removing the last entry as if it were the only one covers the whole mapping.
      const whole = all && last && isScalar(last.key) ? this.remove(s, [...group[0]!.slice(0, -1), String(last.key.value)], undefined, true) : undefined;
      edits.push(...(whole ? whole.edits : group.flatMap((p) => this.remove(s, p)?.edits ?? [])));
    }
    return edits;
  }

  moveKey(resource: Resource, from: JsonPath, toMapPath: JsonPath): TextEdit[] {
    const s = this.syntax(resource);
    if (!s) return [];
    const at = nodeAt(s.doc, s.root, from);
    const key = from[from.length - 1];
    if (at.depth !== from.length || typeof key !== 'string' || !isScalar(at.key)) return [];
    const target = nodeAt(s.doc, s.root, [...toMapPath, key]);
    const value = (at.node as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
    if (target.depth === toMapPath.length + 1) {
      // The key is already there: moving is only removing when both say the same.
      const existing = (target.node as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
      return JSON.stringify(existing) === JSON.stringify(value) ? (this.remove(s, from)?.edits ?? []) : [];
    }
    const removal = this.remove(s, from, toMapPath);
    if (!removal) return [];
    const entry: Entry = { key, keyText: s.t.text.slice(at.key.range![0], at.key.range![1]), value, comments: removal.comments };
    if (isScalar(at.node) && at.node.range && !/[\r\n]/.test(s.t.text.slice(at.node.range[0], at.node.range[1]))) {
      const source = s.t.text.slice(at.node.range[0], at.node.range[1]);
      const quoted = at.node.type === 'QUOTE_SINGLE' || at.node.type === 'QUOTE_DOUBLE';
      if (quoted || typeof at.node.value !== 'string' || plainSafe(source, true)) entry.valueText = source;
    }
    // The comments on and inside the moved entry go with it: at the end of its line when it
    // stays one line, above it otherwise.
    const inner = removal.inner ?? [];
    if (entry.valueText !== undefined && inner.length === 1) entry.trailing = inner[0];
    else entry.comments = [...(entry.comments ?? []), ...inner];
    const insertion = this.insert(s, toMapPath, entry);
    if (insertion.length === 0) return [];
    return [...removal.edits, ...insertion];
  }

  replaceResource(resource: Resource, yamlText: string): TextEdit[] {
    const s = this.syntax(resource);
    if (!s || s.json || resource.docPath.length > 0 || !s.root.range) return [];
    const [start, end] = s.root.range;
    // A block mapping's range runs to the start of the next line; keep that line break.
    const tail = s.t.text[end - 1] === '\n' ? s.t.eol : '';
    const text = yamlText.replace(/\r?\n$/, '').replace(/\r?\n/g, s.t.eol) + tail;
    return [{ range: [start, end], text }];
  }

  insertDocumentAfter(resource: Resource, yamlText: string): TextEdit[] {
    const s = this.syntax(resource);
    if (!s || s.json) return [];
    const body = yamlText.replace(/\r?\n$/, '').replace(/\r?\n/g, s.t.eol);
    const end = s.doc.range[2];
    const text = s.t.text;
    const lead = end > 0 && text[end - 1] !== '\n' ? s.t.eol : '';
    return [{ range: [end, end], text: `${lead}---${s.t.eol}${body}${s.t.eol}` }];
  }

  replaceDocument(resource: Resource, manifests: readonly Record<string, unknown>[]): TextEdit[] {
    const s = this.syntax(resource);
    if (!s || resource.docPath.length > 0 || !s.root.range || manifests.length === 0) return [];
    const [start, end] = s.root.range;
    const eol = s.t.eol;
    const tail = s.t.text[end - 1] === '\n' ? eol : '';
    if (s.json) {
      if (manifests.length !== 1) return [];
      return [{ range: [start, end], text: JSON.stringify(manifests[0], null, 2).replace(/\n/g, eol) + tail }];
    }
    // A root that does not start a line (`--- kind: …`) has no place for new lines before it.
    if (s.t.column(start) !== 0) return [];
    const style = this.style(s.t, false, false);
    const comments = commentsWithin(s.t.text, s.root, start, end).map((c) => `${c}${eol}`);
    const body = manifests.map((m) => blockDocument(m, style)).join(`---${eol}`);
    return [{ range: [start, end], text: [...comments, body].join('').replace(/\r?\n$/, '') + tail }];
  }

  insertManifestsAfter(resource: Resource, manifests: readonly Record<string, unknown>[]): TextEdit[] {
    const s = this.syntax(resource);
    if (!s || s.json || manifests.length === 0) return [];
    const style = this.style(s.t, false, false);
    return this.insertDocumentAfter(resource, manifests.map((m) => blockDocument(m, style)).join(`---${s.t.eol}`));
  }

  /** Inserts `entry` into the mapping at `mapPath`, creating missing mappings on the way. */
  private insert(s: { doc: Document.Parsed; root: Node; t: Text; json: boolean }, mapPath: JsonPath, entry: Entry): TextEdit[] {
    const at = nodeAt(s.doc, s.root, mapPath);
    const missing = mapPath.slice(at.depth);
    if (missing.some((seg) => typeof seg !== 'string')) return [];
    // Wrap the entry in the mappings that do not exist yet: a: {b: {key: value}}.
    let wrapped: Entry = entry;
    for (const seg of [...missing].reverse() as string[]) {
      wrapped = { key: seg, keyText: '', value: { [wrapped.key]: wrapped.value }, nested: wrapped };
    }
    const node = at.node;
    if (isMap(node)) return node.flow || s.json ? this.insertFlow(s, node, wrapped) : this.insertBlock(s, node, wrapped, at.steps);
    if (at.depth > 0 && (node === null || (isScalar(node) && node.value === null)) && at.key?.range && !s.json) {
      return this.insertUnderEmptyKey(s, at.key, node, wrapped, at.steps);
    }
    return [];
  }

  private stepOf(t: Text, map: YAMLMap, steps: { collection: Node; pair?: Pair<unknown, unknown> }[]): number {
    const own = t.column(keyStart(map.items[0]!));
    const parentPair = steps[steps.length - 1]?.pair;
    const parentKey = parentPair ? rangeOf(parentPair.key as Node) : undefined;
    if (parentKey && t.startsLine(parentKey[0])) {
      const diff = own - t.column(parentKey[0]);
      if (diff > 0) return diff;
    }
    for (const pair of map.items) {
      if (isMap(pair.value) && !pair.value.flow && pair.value.items.length > 0) {
        const diff = t.column(keyStart(pair.value.items[0]!)) - own;
        if (diff > 0) return diff;
      }
    }
    return 2;
  }

  private entryText(entry: Entry, indent: number, style: Style): string {
    const pad = ' '.repeat(indent);
    const comments = (entry.comments ?? []).map((c) => `${pad}${c}${style.eol}`).join('');
    const k = entry.keyText || keyText(entry.key, style);
    if (entry.nested) {
      return `${comments}${pad}${k}:${style.eol}${this.entryText(entry.nested, indent + style.step, style)}`;
    }
    if (entry.valueText !== undefined) {
      return `${comments}${pad}${k}: ${entry.valueText}${entry.trailing ? ` ${entry.trailing}` : ''}${style.eol}`;
    }
    const block = blockEntry(entry.key, entry.value, indent, style);
    return `${comments}${block.replace(`${pad}${keyText(entry.key, style)}:`, `${pad}${k}:`)}`;
  }

  private insertBlock(
    s: { t: Text; json: boolean },
    map: YAMLMap,
    entry: Entry,
    steps: { collection: Node; pair?: Pair<unknown, unknown> }[],
  ): TextEdit[] {
    const { t } = s;
    const last = map.items[map.items.length - 1]!;
    const indent = t.column(keyStart(map.items[0]!));
    const style = this.style(t, s.json, false, this.stepOf(t, map, steps));
    const at = t.afterContent(pairEnd(last));
    let text = this.entryText(entry, indent, style);
    if (at === t.text.length && !t.text.endsWith('\n')) text = `${t.eol}${text.slice(0, -t.eol.length)}`;
    return [{ range: [at, at], text }];
  }

  private insertFlow(s: { t: Text; json: boolean }, map: YAMLMap, entry: Entry): TextEdit[] {
    const { t } = s;
    const style = this.style(t, s.json, true);
    const flat = (e: Entry): string => {
      const k = e.keyText || keyText(e.key, style);
      if (e.nested) return `${k}: {${s.json ? '' : ' '}${flat(e.nested)}${s.json ? '' : ' '}}`;
      return `${k}: ${e.valueText ?? flowText(e.value, style)}`;
    };
    const text = flat(entry);
    const range = rangeOf(map)!;
    if (map.items.length === 0) {
      const close = t.text.lastIndexOf('}', range[1] - 1);
      return [{ range: [close, close], text: s.json ? text : ` ${text} ` }];
    }
    const last = map.items[map.items.length - 1]!;
    const end = pairEnd(last);
    const multiline = t.text.slice(range[0], end).includes('\n');
    if (multiline) {
      const indent = ' '.repeat(t.column(keyStart(last)));
      return [{ range: [end, end], text: `,${t.eol}${indent}${text}` }];
    }
    return [{ range: [end, end], text: `, ${text}` }];
  }

  /** `key:` with no value (or `null`): the new entry becomes its first child. */
  private insertUnderEmptyKey(
    s: { t: Text; json: boolean },
    key: Node,
    empty: Node | null,
    entry: Entry,
    steps: { collection: Node; pair?: Pair<unknown, unknown> }[],
  ): TextEdit[] {
    const { t } = s;
    const keyRange = rangeOf(key)!;
    const parent = steps[steps.length - 1]?.collection;
    const step = isMap(parent) ? this.stepOf(t, parent, steps.slice(0, -1)) : 2;
    const style = this.style(t, s.json, false, step);
    const edits: TextEdit[] = [];
    const emptyRange = rangeOf(empty);
    if (emptyRange && emptyRange[1] > emptyRange[0]) edits.push({ range: [emptyRange[0], emptyRange[1]], text: '' });
    const lineEnd = t.afterContent(Math.max(keyRange[1], emptyRange?.[1] ?? 0));
    let text = this.entryText(entry, t.column(keyRange[0]) + step, style);
    let at = lineEnd;
    if (at === t.text.length && !t.text.endsWith('\n')) text = `${t.eol}${text.slice(0, -t.eol.length)}`;
    // Trim the space a removed `null` leaves behind only when nothing else is on the line.
    if (emptyRange && emptyRange[1] > emptyRange[0] && t.text[emptyRange[0] - 1] === ' ') {
      edits[0] = { range: [emptyRange[0] - 1, emptyRange[1]], text: '' };
    }
    if (at < keyRange[1]) at = keyRange[1];
    edits.push({ range: [at, at], text });
    return edits;
  }

  /**
   * Removes the entry or item at `path` with the comment lines right above it. A mapping the
   * removal leaves empty goes too when its absence means the same (`emptiable`), up to the
   * resource root, unless the same fix inserts into it (`keep`, the insertion's target).
   */
  private remove(
    s: { doc: Document.Parsed; root: Node; t: Text; json: boolean },
    path: JsonPath,
    keep?: JsonPath,
    /** The other entries of the mapping go in the same fix: remove as if this were the only one. */
    alone = false,
  ): Removal | undefined {
    const { t } = s;
    const at = nodeAt(s.doc, s.root, path);
    if (at.depth !== path.length || at.depth === 0) return undefined;
    const step = at.steps[at.steps.length - 1]!;
    const parent = step.collection;
    if (!isMap(parent) && !isSeq(parent)) return undefined;
    const all = parent.items as unknown[];
    const index = step.pair ? all.indexOf(step.pair) : step.index!;
    // Alone: the one item left, so `index` is both first and last.
    const items = alone ? [all[index]] : all;
    const hasNext = !alone && index < all.length - 1;
    const hasPrevious = !alone && index > 0;
    const itemStart = (i: number): number =>
      isMap(parent) ? keyStart(parent.items[i]!) : rangeOf(parent.items[i] as Node)![0];
    const itemEnd = (i: number): number => (isMap(parent) ? pairEnd(parent.items[i]!) : rangeOf(parent.items[i] as Node)![1]);

    const valueStart = isMap(parent) ? (rangeOf(step.pair!.value as Node | null)?.[0] ?? itemEnd(index)) : itemStart(index);
    const inner = commentsWithin(t.text, s.root, valueStart, t.afterContent(itemEnd(index)));
    const owner = path.slice(0, -1);
    const dropOwner = (comments: string[]): Removal | undefined => {
      if (items.length !== 1 || !isMap(parent) || owner.length === 0 || !emptiable(owner)) return undefined;
      if (keep && within(owner, keep)) return undefined;
      const outer = this.remove(s, owner, keep);
      return outer ? { edits: outer.edits, comments, inner } : undefined;
    };

    // The same fix inserts into the mapping this empties: it stays, with the new entry only.
    const refilled = items.length === 1 && keep !== undefined && within(owner, keep);

    if (parent.flow || s.json) {
      const dropped = dropOwner([]);
      if (dropped) return dropped;
      // An insertion would follow the removed last item: no fix rather than a stray comma.
      if (refilled) return undefined;
      if (hasNext) return { edits: [{ range: [itemStart(index), itemStart(index + 1)], text: '' }], comments: [], inner };
      if (hasPrevious) return { edits: [{ range: [itemEnd(index - 1), itemEnd(index)], text: '' }], comments: [], inner };
      // The last item: empty the brackets whole, so no line of indentation stays behind.
      const [open, close] = rangeOf(parent as Node)!;
      return { edits: [{ range: [open + 1, t.text.lastIndexOf(isMap(parent) ? '}' : ']', close - 1)], text: '' }], comments: [], inner };
    }

    let start = itemStart(index);
    if (isSeq(parent)) start = t.text.lastIndexOf('-', start);
    const end = t.afterContent(itemEnd(index));
    if (!t.startsLine(start)) {
      // First key of a sequence item (`- name: x`): pull the next key up behind the dash.
      if (hasNext) return { edits: [{ range: [start, itemStart(index + 1)], text: '' }], comments: [] };
      return { edits: [{ range: [start, itemEnd(index)], text: '{}' }], comments: [] };
    }

    const comments: string[] = [];
    let from = t.lineStart(start);
    const indent = t.column(start);
    while (from > 0) {
      const prev = t.lineStart(from - 1);
      const line = t.line(prev);
      if (!/^\s*#/.test(line) || line.search(/\S/) !== indent) break;
      comments.unshift(line.trim());
      from = prev;
    }

    if (items.length === 1 && !refilled) {
      const dropped = dropOwner(comments);
      if (dropped) return dropped;
      // The collection would be left empty: write `{}` (or `[]`) after its key to keep its
      // type, keeping the comment at the end of the key's line.
      const ownerPair = at.steps[at.steps.length - 2]?.pair;
      const ownerKey = ownerPair ? rangeOf(ownerPair.key as Node) : undefined;
      if (!ownerKey) return undefined;
      const colon = t.text.indexOf(':', ownerKey[1]);
      const lastLineEnd = end > 0 && t.text[end - 1] === '\n' ? end - (t.text[end - 2] === '\r' ? 2 : 1) : end;
      const [own] = commentsWithin(t.text, s.root, colon + 1, Math.min(t.nextLineStart(colon), from));
      const empty = isMap(parent) ? ' {}' : ' []';
      return { edits: [{ range: [colon + 1, lastLineEnd], text: own ? `${empty} ${own}` : empty }], comments, inner };
    }
    return { edits: [{ range: [from, end], text: '' }], comments, inner };
  }
}

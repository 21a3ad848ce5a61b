import { Composer, type Document, type Node, type YAMLError, isMap, isSeq, visit } from 'yaml';
import { isObject, resourceFields } from '../model/k8s.js';
import type { ParsedFile, SourceComment, SyntaxProblem } from '../model/parsed.js';
import type { JsonPath } from '../model/path.js';
import { LineIndex, type Range } from '../model/range.js';
import { type Located, type Resource, type YamlSyntax } from '../model/resource.js';
import type { SourceFile } from '../model/source.js';
import { type CstFacts, collectCst } from './cst.js';
import { type DeepAlias, MAX_DEPTH, deepAlias, tokenStream, tokenize } from './depth.js';
import { RepairedLines, repairUnderIndentedQuotes } from './lenient.js';
import { headRangeOf, locatePath } from './locate.js';
import { type PackedPositions, PositionMap } from './positions.js';
import { findTemplateDirective } from './template.js';

/** Aliases expanded per document before we call it a bomb (yaml's own default). */
const MAX_ALIAS_COUNT = 100;
const DIRECTIVE_MARK = 'linkerd-lint-';

/**
 * Parses a YAML or JSON file into resources. JSON goes through the YAML parser too
 * (JSON is YAML 1.2 flow syntax), so both get the same node ranges and error codes.
 * Never throws for bad input: problems are returned with their positions.
 *
 * Files are read one document at a time, and a resource keeps its plain value and the
 * positions of its nodes (see positions.ts), not its syntax tree: the tree, which only fixes
 * need, is read again from the document's own text the first time something asks for it.
 * Memory then follows the values, a fraction of the trees, and a file's documents are never
 * all in memory at once. Files that need facts from the whole token stream (template
 * actions, `%` directives) or the quote repair are read whole.
 */
export function parseSource(file: SourceFile, options: ParseOptions = {}): ParsedFile {
  const { text } = file;
  const parsed = (!text.includes('{{') && !DIRECTIVE_LINE.test(text) && parseByDocument(file, options)) || parseWhole(file, options);
  return notAManifest(parsed) ? { ...parsed, problems: [] } : parsed;
}

export interface ParseOptions {
  /**
   * Keep each document's syntax tree, and locate through it, rather than read it again when
   * asked: for a fix run, whose fixes ask for most trees, some of them many times.
   */
  keepTrees?: boolean;
}

/**
 * A `.json` file that does not parse and names no `apiVersion` or `kind` is some tool's own
 * JSON with comments (tsconfig.json, devcontainer.json, VS Code settings), found beside the
 * manifests of a cdk8s or Pulumi project: not a manifest, so its syntax is not ours to report.
 */
function notAManifest(parsed: ParsedFile): boolean {
  const { file, problems, resources } = parsed;
  if (file.language !== 'json' || problems.length === 0 || resources.length > 0) return false;
  // Only the parser's syntax errors: limits the linter itself enforces (nesting depth, aliases) stay reported.
  return problems.every((p) => /^[A-Z_]+$/.test(p.code)) && !/"(apiVersion|kind)"\s*:/.test(file.text);
}

const DIRECTIVE_LINE = /^%/m;

/**
 * Even in a fix run, files larger than this keep no syntax tree per document. Trees read
 * again on demand are kept LAZY_CACHE_SIZE at a time, so a file's memory follows its values
 * (a few times its size) rather than its trees (about twenty times).
 */
const LAZY_FILE_SIZE = 1024 * 1024;
const LAZY_CACHE_SIZE = 64;
const lazyCache = new Map<object, Document.Parsed | Document.Parsed[]>();

/** One document at a time; undefined when a document needs the quote repair, which reads the whole text. */
function parseByDocument(file: SourceFile, options: ParseOptions): ParsedFile | undefined {
  const { text, lines } = file;
  const problems: SyntaxProblem[] = [];
  const comments: SourceComment[] = [];
  const resources: Resource[] = [];
  const wantComments = text.includes(DIRECTIVE_MARK);
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, logLevel: 'silent', intAsBigInt: false });
  const lastChar = Math.max(0, text.trimEnd().length - 1);
  // A fix run keeps a small file's trees: reading a document again costs more than its memory.
  const keep = options.keepTrees === true && text.length <= LAZY_FILE_SIZE;
  let docIndex = 0;
  const take = (doc: Document.Parsed): boolean => {
    if (doc.errors.some((e) => e.code === 'MISSING_CHAR' && /quote/.test(e.message))) return false;
    for (const err of doc.errors) problems.push(errorProblem(err, text, lines, lastChar));
    const [start, , end] = doc.range;
    readDocument(doc, docIndex++, file, lines, problems, resources, keep ? { tree: () => doc } : { tree: lazySyntax(text, start, end), compact: true, again: [start, end] });
    return true;
  };
  for (const { token, tooDeep } of tokenStream(text)) {
    if (tooDeep !== undefined) problems.push(tooDeepProblem(lines)(tooDeep));
    if (wantComments) {
      for (const c of collectCst([token]).comments) {
        if (c.source.includes(DIRECTIVE_MARK)) comments.push({ text: c.source.replace(/^#/, ''), range: lines.range(c.offset, c.offset + c.source.length) });
      }
    }
    for (const doc of composer.next(token)) if (!take(doc as Document.Parsed)) return undefined;
  }
  for (const doc of composer.end(true, text.length)) if (!take(doc as Document.Parsed)) return undefined;
  // Problems in offset order, as a whole-file read gives them.
  problems.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { file, resources, problems, comments };
}

/**
 * The syntax tree of one document, read again from its own text with the offsets it has in
 * the file, the first time a location or a fix needs it.
 */
function lazySyntax(text: string, start: number, end: number): () => Document.Parsed {
  // Only the offsets are kept: holding the parsed document would keep every node of it alive.
  return cached(() => {
    const composer = new Composer({ uniqueKeys: true, prettyErrors: false, logLevel: 'silent', intAsBigInt: false });
    const tokens = [...tokenStream(text.slice(start, end), start)].map((t) => t.token);
    const docs = Array.from(composer.compose(tokens, true, end)) as Document.Parsed[];
    return docs.find((d) => d.contents) ?? docs[0]!;
  });
}

/**
 * The documents of a file read whole, read whole again (its `%` directives apply to every
 * document) once for all of them: `wholeSyntax(text)(docIndex)` is a document's tree.
 */
function wholeSyntax(text: string): (docIndex: number) => Document.Parsed {
  const docs = cached(() => parseText(text).docs);
  return (docIndex) => docs()[docIndex]!;
}

/** `read`, its result kept among the LAZY_CACHE_SIZE trees (or files' trees) most recently asked for. */
function cached<T extends Document.Parsed | Document.Parsed[]>(read: () => T): () => T {
  const key = {};
  return () => {
    let doc = lazyCache.get(key) as T | undefined;
    if (doc) {
      // Most recently used last.
      lazyCache.delete(key);
    } else {
      doc = read();
      if (lazyCache.size >= LAZY_CACHE_SIZE) lazyCache.delete(lazyCache.keys().next().value!);
    }
    lazyCache.set(key, doc);
    return doc;
  };
}

/** The whole file as one token stream: what `parseSource` falls back to, and the reference its per-document reading is tested against. */
export function parseWhole(file: SourceFile, options: ParseOptions = {}): ParsedFile {
  let { text } = file;

  let lines = file.lines;
  let { tokens, docs, tooDeep } = parseText(text);
  // Read what Kubernetes reads: see lenient.ts. Positions stay line-exact; fixes are
  // turned off for such a file because its syntax tree is of the repaired text.
  let repaired = false;
  const quoteErrors = docs.flatMap((d) => d.errors).filter((e) => e.code === 'MISSING_CHAR' && /quote/.test(e.message));
  if (quoteErrors.length > 0) {
    const repair = repairUnderIndentedQuotes(text, quoteErrors.map((e) => lines.position(e.pos[0]).line));
    if (repair) {
      const retry = parseText(repair.text);
      const before = docs.reduce((n, d) => n + d.errors.length, 0);
      const after = retry.docs.reduce((n, d) => n + d.errors.length, 0);
      if (after < before && !retry.docs.some((d) => d.errors.some((e) => e.code === 'MISSING_CHAR'))) {
        ({ tokens, docs, tooDeep } = retry);
        text = repair.text;
        lines = new RepairedLines(repair, file.lines);
        repaired = true;
      }
    }
  }

  const problems: SyntaxProblem[] = tooDeep.map(tooDeepProblem(lines));
  // Errors found only at the end of input (an unclosed quote or bracket) point past the
  // last line; pull them back onto the last character so editors can show them.
  const lastChar = Math.max(0, text.trimEnd().length - 1);
  for (const doc of docs) {
    for (const err of doc.errors) problems.push(errorProblem(err, text, lines, lastChar));
  }

  const wantsCst = text.includes('{{') || text.includes(DIRECTIVE_MARK);
  const facts: CstFacts | undefined = wantsCst ? collectCst(tokens) : undefined;
  const comments: SourceComment[] = [];
  if (facts && text.includes(DIRECTIVE_MARK)) {
    for (const c of facts.comments) {
      if (c.source.includes(DIRECTIVE_MARK)) {
        comments.push({ text: c.source.replace(/^#/, ''), range: lines.range(c.offset, c.offset + c.source.length) });
      }
    }
  }

  if (facts && text.includes('{{')) {
    const found = findTemplateDirective(text, facts, problems.length === 0);
    if (found) {
      return {
        file,
        resources: [],
        problems: [],
        comments,
        template: { range: lines.range(found.offset, found.offset + found.directive.length), directive: found.directive },
      };
    }
  }

  const resources: Resource[] = [];
  const keep = options.keepTrees === true;
  const again = keep || repaired ? undefined : wholeSyntax(file.text);
  docs.forEach((doc, docIndex) =>
    readDocument(doc, docIndex, file, lines, problems, resources, {
      // A repaired text has no tree to fix.
      ...(repaired ? {} : { tree: again ? () => again(docIndex) : () => doc }),
      compact: !keep,
      // A repaired text's locations go through its own line index: read it in this thread.
      ...(again ? { again: 'whole' as const } : {}),
    }),
  );
  return { file, resources, problems, comments };
}

/** How a document's resources give their syntax tree and locations. */
interface TreeReader {
  /** The document's tree, for fixes (and for locations, unless `compact`); none for a repaired text. */
  tree?: () => Document.Parsed;
  /** Locate through positions read off this parse, not through the tree. */
  compact?: boolean;
  /**
   * Where `tree` reads the document again, when another thread is to rebuild the resources
   * (`packParsed`): the document's own text, or the whole file's. Unset: they cannot be.
   */
  again?: PackedTree;
}

/** The resources of one document (its items, for a `kind: List`). */
function readDocument(
  doc: Document.Parsed,
  docIndex: number,
  file: SourceFile,
  lines: LineIndex,
  problems: SyntaxProblem[],
  resources: Resource[],
  reader: TreeReader,
): void {
  if (doc.errors.length > 0 || !doc.contents) return;
  // Aliases copy nodes, so a value can nest deeper than the document's nodes do.
  const deep = mayAlias(file) ? deepAlias(doc) : undefined;
  if (deep) {
    problems.push(deepAliasProblem(deep, lines));
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const at = aliasToBlame(doc) ?? [doc.range[0], doc.range[0]];
    problems.push(conversionProblem(err, lines.range(at[0], at[1])));
    return;
  }
  const root = doc.contents as Node;
  if (!isObject(value)) return;
  const { tree } = reader;
  if (value.kind === 'List' && Array.isArray(value.items) && isMap(root)) {
    const itemsNode = root.get('items', true);
    if (!isSeq(itemsNode)) return;
    const positions = reader.compact ? PositionMap.of(doc, root, itemsNode.items) : undefined;
    value.items.forEach((item, i) => {
      const itemNode = itemsNode.items[i] as Node | undefined;
      if (!isObject(item) || !itemNode) return;
      const locator = (head: Range): Locator =>
        positions ? compactLocate(tree, ['items', i], positions.map, positions.roots[i]!, lines, head) : treeLocate(tree, doc, itemNode, ['items', i], lines, head);
      const added = addResource(resources, file, lines, locator, docIndex, ['items', i], itemNode, item);
      if (added && positions && reader.again) packing.set(added, { positions: positions.map, root: positions.roots[i]!, again: reader.again });
    });
    return;
  }
  const positions = reader.compact ? PositionMap.of(doc, root).map : undefined;
  const locator = (head: Range): Locator =>
    positions ? compactLocate(tree, [], positions, 0, lines, head) : treeLocate(tree, doc, root, [], lines, head);
  const added = addResource(resources, file, lines, locator, docIndex, [], root, value);
  if (added && positions && reader.again) packing.set(added, { positions, root: 0, again: reader.again });
}

/** Whether the file has a `*` at all (an alias needs one): asked once per file, not per document. */
const aliasFree = new WeakMap<SourceFile, boolean>();
function mayAlias(file: SourceFile): boolean {
  let free = aliasFree.get(file);
  if (free === undefined) aliasFree.set(file, (free = !file.text.includes('*')));
  return !free;
}

function errorProblem(err: YAMLError, text: string, lines: LineIndex, lastChar: number): SyntaxProblem {
  const start = Math.min(err.pos[0], lastChar);
  let end = Math.max(start, Math.min(err.pos[1], lastChar + 1));
  let message = syntaxMessage(err.code, err.message);
  if (err.code === 'DUPLICATE_KEY') {
    const key = KEY_AT.exec(text.slice(start, lines.lineEnd(start)))?.[1];
    if (key) {
      end = start + key.length;
      message = `duplicate mapping key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}; ${message}`;
    }
  }
  return { code: err.code, message, range: lines.range(start, end) };
}

/**
 * Tokens and documents of `text`. A document nested too deeply comes out empty, before
 * anything recursive reads it (see depth.ts); `tooDeep` says where each one passed the limit.
 */
function parseText(text: string): { tokens: unknown[]; docs: Document.Parsed[]; tooDeep: number[] } {
  const { tokens, tooDeep } = tokenize(text);
  const composer = new Composer({ uniqueKeys: true, prettyErrors: false, logLevel: 'silent', intAsBigInt: false });
  const docs = Array.from(composer.compose(tokens, true, text.length)) as Document.Parsed[];
  return { tokens, docs, tooDeep };
}

function tooDeepProblem(lines: LineIndex): (at: number) => SyntaxProblem {
  return (at) => ({
    code: 'too-deep',
    message: `document is nested more than ${MAX_DEPTH} levels deep; not linted`,
    range: lines.range(at, at + 1),
  });
}

function deepAliasProblem({ at, source, cycle }: DeepAlias, lines: LineIndex): SyntaxProblem {
  const range = lines.range(at, at + 1 + source.length);
  return cycle
    ? { code: 'alias-cycle', message: `alias "*${source}" is inside the node it refers to, so that node would contain itself; not linted`, range }
    : { code: 'too-deep', message: `alias "*${source}" nests the document more than ${MAX_DEPTH} levels deep; not linted`, range };
}

function addResource(
  out: Resource[],
  file: SourceFile,
  lines: LineIndex,
  locator: (headRange: Range) => Locator,
  docIndex: number,
  docPath: JsonPath,
  root: Node,
  value: Record<string, unknown>,
): Resource | undefined {
  if (typeof value.kind !== 'string') return undefined;
  const headRange = headRangeOf(root, lines);
  const resource = withSyntax(resourceFields(file, docIndex, docPath, value, headRange), locator(headRange));
  out.push(resource);
  return resource;
}

interface Locator {
  tree(): YamlSyntax | undefined;
  at(path: JsonPath, target?: 'value' | 'key'): Located;
}

function withSyntax(fields: Omit<Resource, 'syntax' | 'locate'>, locate: Locator): Resource {
  return {
    ...fields,
    get syntax() {
      return locate.tree();
    },
    locate: locate.at,
  };
}

/**
 * Locations through the tree `doc` (kept, or of a repaired text), and the tree `tree` gives
 * for fixes (none for a repaired text).
 */
function treeLocate(
  tree: (() => Document.Parsed) | undefined,
  doc: Document.Parsed,
  root: Node,
  docPath: JsonPath,
  lines: LineIndex,
  headRange: Range,
): Locator {
  return { tree: () => tree && syntaxOf(tree, docPath), at: (path, target) => locatePath(doc, root, path, lines, headRange, target) };
}

/**
 * Locations from the positions read off the first parse, and the syntax tree read again
 * when a fix asks for it. The closures are made in a function of their own, and hold the
 * positions, the reader and the object's path in its document, never a node of the first
 * read: one made in addResource would keep the whole first read alive.
 */
function compactLocate(
  tree: (() => Document.Parsed) | undefined,
  docPath: JsonPath,
  positions: PositionMap,
  at: number,
  lines: LineIndex,
  headRange: Range,
): Locator {
  return { tree: () => tree && syntaxOf(tree, docPath), at: (path, target) => positions.locate(at, path, lines, headRange, target) };
}

/**
 * The syntax of the object at `docPath` in the document `tree` reads. The tree is read on
 * first use of `doc` or `root`, so asking whether a resource has a syntax tree reads nothing;
 * nothing is cached here: the reader keeps the trees it can afford.
 */
function syntaxOf(tree: () => Document.Parsed, docPath: JsonPath): YamlSyntax {
  const rootOf = (doc: Document.Parsed): Node => {
    const root = doc.contents as Node;
    if (docPath.length === 0) return root;
    const items = isMap(root) ? root.get('items', true) : undefined;
    return (isSeq(items) ? (items.items[docPath[1] as number] as Node | undefined) : undefined) ?? root;
  };
  return {
    get doc() {
      return tree();
    },
    get root() {
      return rootOf(tree());
    },
  };
}

/** The alias a failed conversion is about: the first unresolved one, else the first one. */
function aliasToBlame(doc: Document.Parsed): [number, number] | undefined {
  let first: [number, number] | undefined;
  let unresolved: [number, number] | undefined;
  visit(doc, {
    Alias(_, node) {
      const range = node.range ? ([node.range[0], node.range[1]] as [number, number]) : undefined;
      first ??= range;
      if (range && !node.resolve(doc)) {
        unresolved = range;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first;
}

function conversionProblem(err: unknown, range: Range): SyntaxProblem {
  if (err instanceof RangeError) {
    return { code: 'too-deep', message: 'document is nested too deeply to read', range };
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/excessive alias count/i.test(message)) {
    return { code: 'alias-limit', message: `document expands more than ${MAX_ALIAS_COUNT} aliases (possible alias bomb); not linted`, range };
  }
  const unresolved = /^Unresolved alias.*?:\s*(\S+)/.exec(message);
  if (unresolved) {
    const name = unresolved[1];
    return {
      code: 'unresolved-alias',
      message: `unresolved alias "*${name}": no "&${name}" anchor comes before it in this document (anchors do not carry across "---")`,
      range,
    };
  }
  return { code: 'unreadable', message, range };
}

/** The parser's messages are good; a few get a plainer wording. */
/** A mapping key at the start of a line's remainder: plain, or single- or double-quoted. */
const KEY_AT = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#\s][^:#]*?)\s*:(?:\s|$)/;

function syntaxMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'Kubernetes rejects the object or silently keeps only one of the values';
  return message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

// ---------------------------------------------------------------------------------------
// Parsing in another thread: the resources of a file, as numbers and plain data a worker
// can post (the values, their positions, where to read the syntax tree again), and the
// resources rebuilt from them, locating and fixing exactly as those parsed here.

/** Where the rebuilt resource reads its syntax tree: `[start, end]` of its document, or the whole file. */
export type PackedTree = [number, number] | 'whole';

interface Packing {
  positions: PositionMap;
  root: number;
  again: PackedTree;
}

const packing = new WeakMap<Resource, Packing>();

export interface PackedResource {
  docIndex: number;
  docPath: JsonPath;
  value: Record<string, unknown>;
  headRange: Range;
  /** Index into `PackedFile.positions`: the items of a `kind: List` share their document's. */
  positions: number;
  root: number;
  again: PackedTree;
}

export interface PackedFile {
  resources: PackedResource[];
  positions: PackedPositions[];
  problems: SyntaxProblem[];
  comments: SourceComment[];
  template?: ParsedFile['template'];
}

/**
 * `parsed` as data another thread can rebuild (`unpackParsed`), or undefined when it cannot
 * be: a fix run's file (its trees are kept), a file whose text was repaired.
 */
export function packParsed(parsed: ParsedFile): PackedFile | undefined {
  const maps = new Map<PositionMap, number>();
  const positions: PackedPositions[] = [];
  const resources: PackedResource[] = [];
  for (const r of parsed.resources) {
    const p = packing.get(r);
    if (!p) return undefined;
    let index = maps.get(p.positions);
    if (index === undefined) {
      maps.set(p.positions, (index = positions.length));
      positions.push(p.positions.pack());
    }
    resources.push({ docIndex: r.docIndex, docPath: r.docPath, value: r.value, headRange: r.headRange, positions: index, root: p.root, again: p.again });
  }
  const { problems, comments, template } = parsed;
  return { resources, positions, problems, comments, ...(template ? { template } : {}) };
}

/** The resources of `file` from what `packParsed` gave for it in another thread. */
export function unpackParsed(file: SourceFile, packed: PackedFile): ParsedFile {
  const { text, lines } = file;
  const maps = packed.positions.map((p) => PositionMap.unpack(p));
  let whole: ((docIndex: number) => Document.Parsed) | undefined;
  const resources: Resource[] = [];
  for (const r of packed.resources) {
    const tree =
      r.again === 'whole' ? ((whole ??= wholeSyntax(text)), () => whole!(r.docIndex)) : lazySyntax(text, r.again[0], r.again[1]);
    resources.push(withSyntax(resourceFields(file, r.docIndex, r.docPath, r.value, r.headRange), compactLocate(tree, r.docPath, maps[r.positions]!, r.root, lines, r.headRange)));
  }
  const { problems, comments, template } = packed;
  return { file, resources, problems, comments, ...(template ? { template } : {}) };
}

import { CST, type Document, Lexer, type Node, Parser, isAlias, isMap, isNode, isSeq } from 'yaml';

/**
 * How deeply collections may nest in a document we read. Manifests rarely pass 30 levels,
 * large CRD schemas about 40, while everything after tokenizing recurses once per level
 * or more: yaml's composer runs out of stack at around 700 nested flow sequences (at a
 * few thousand, V8 can even abort the process, out of memory compiling a regular
 * expression on the exhausted stack), and the conversion to values and the rules that
 * walk them come after it.
 */
export const MAX_DEPTH = 256;

export interface Tokenized {
  tokens: CST.Token[];
  /** For each document nested deeper than MAX_DEPTH, the offset of its first collection past the limit. */
  tooDeep: number[];
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);
/** What a document token may keep of its start once its content is dropped. */
const LAYOUT = new Set(['doc-start', 'space', 'comment', 'newline']);

/**
 * The parser's tokens (the CST) of `text`, in which a document nested deeper than
 * MAX_DEPTH is an empty document. The depth is read off the parser's stack of open tokens
 * while it takes one lexeme at a time, so nothing recursive ever sees more than
 * MAX_DEPTH + 1 levels: not the composer, and not the parser's own unwinding of a deep
 * block at a dedent (which overflows the stack at about 2,000 levels).
 */
export function tokenize(text: string): Tokenized {
  const tokens: CST.Token[] = [];
  const tooDeep: number[] = [];
  for (const item of tokenStream(text)) {
    if (item.tooDeep !== undefined) tooDeep.push(item.tooDeep);
    tokens.push(item.token);
  }
  return { tokens, tooDeep };
}

/**
 * The same tokens one at a time, so a caller can compose and drop each document before
 * the next is read. `offset` is where `text` starts in a larger text, for re-reading one
 * document of a file with the offsets it has there. An emptied too-deep document carries
 * the offset where it passed the limit.
 */
export function* tokenStream(text: string, offset = 0): Generator<{ token: CST.Token; tooDeep?: number }> {
  let parser: Parser | undefined = new Parser();
  parser.offset = offset;
  let pos = offset;
  let atScalar = false;
  for (const lexeme of new Lexer().lex(text)) {
    // A scalar's source follows a SCALAR marker and is never a marker itself.
    const type = atScalar ? 'scalar-source' : CST.tokenType(lexeme);
    atScalar = !atScalar && lexeme === CST.SCALAR;
    if (!parser && (type === 'doc-start' || type === 'doc-end')) {
      // The lexer has read past the deep document; a new parser takes the next one.
      parser = new Parser();
      parser.offset = pos;
    }
    if (parser) {
      for (const token of parser.next(lexeme)) yield { token };
      const at = parser.stack.length > MAX_DEPTH + 1 ? deepAt(parser.stack) : undefined;
      if (at !== undefined) {
        yield { token: emptied(parser.stack[0]!), tooDeep: at };
        parser = undefined;
      }
    }
    // The parser's own offset rule: these markers take no room in the text.
    if (!(type === 'doc-mode' || type === 'flow-error-end' || type === 'scalar')) pos += lexeme.length;
  }
  if (parser) for (const token of parser.end()) yield { token };
}

/** The offset of the collection at depth MAX_DEPTH + 1 among the parser's open tokens, if any. */
function deepAt(stack: readonly CST.Token[]): number | undefined {
  let depth = 0;
  for (const token of stack) {
    if (COLLECTIONS.has(token.type) && ++depth > MAX_DEPTH) return token.offset;
  }
  return undefined;
}

/** The open document without its content: its `---` marker and the comments around it. */
function emptied(doc: CST.Token): CST.Document {
  const start = doc.type === 'document' ? doc.start.filter((t) => LAYOUT.has(t.type)) : [];
  return { type: 'document', offset: doc.offset, start };
}

/** An alias that makes a document's value nest deeper than MAX_DEPTH, or contain itself. */
export interface DeepAlias {
  at: number;
  source: string;
  cycle: boolean;
}

/**
 * The token scan bounds how deeply nodes nest, but each alias stands for a copy of its
 * anchor's node, so a chain of them multiplies the depth of the value, and an alias inside
 * its own anchor makes the value endless. Finds the first alias (in document order) whose
 * copy, where it stands, passes the limit or contains itself; a walk with its own stack.
 */
export function deepAlias(doc: Document.Parsed): DeepAlias | undefined {
  if (!doc.contents) return undefined;
  const height = new Map<unknown, number>();
  const anchors = new Map<string, Node>();
  const stack: { node: Node; depth: number; open: boolean }[] = [{ node: doc.contents as Node, depth: 0, open: false }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const { node, depth } = top;
    if (top.open) {
      stack.pop();
      let h = 0;
      for (const child of childrenOf(node)) h = Math.max(h, height.get(child) ?? 0);
      height.set(node, 1 + h);
      continue;
    }
    if (isAlias(node)) {
      stack.pop();
      const target = anchors.get(node.source);
      // An anchor still open here is an ancestor of its alias.
      const h = target ? (height.get(target) ?? Infinity) : 0;
      if (depth + h > MAX_DEPTH) return { at: node.range?.[0] ?? 0, source: node.source, cycle: h === Infinity };
      height.set(node, h);
      continue;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (!isMap(node) && !isSeq(node)) {
      stack.pop();
      height.set(node, 0);
      continue;
    }
    top.open = true;
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth: depth + 1, open: false });
  }
  return undefined;
}

function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  const add = (v: unknown) => {
    if (isNode(v)) out.push(v);
  };
  if (isMap(node)) {
    for (const pair of node.items) {
      add(pair.key);
      add(pair.value);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) add(item);
  }
  return out;
}

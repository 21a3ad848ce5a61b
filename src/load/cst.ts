/** Facts read off the concrete syntax tree that the composed documents do not keep. */
export interface CstToken {
  type: string;
  offset: number;
  source: string;
}

const SCALAR_TYPES = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'block-scalar']);

export interface CstFacts {
  comments: CstToken[];
  /** Every scalar token, with its type; a block scalar's `source` is its body. */
  scalars: CstToken[];
}

/**
 * Collects comment and scalar tokens from the parser's tokens. The token tree is plain
 * data (objects and arrays), so a generic walk finds them wherever the grammar put them.
 */
export function collectCst(tokens: readonly unknown[]): CstFacts {
  const facts: CstFacts = { comments: [], scalars: [] };
  const stack: unknown[] = [...tokens];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    const token = item as Record<string, unknown>;
    if (typeof token.type === 'string' && typeof token.offset === 'number') {
      if (token.type === 'comment') facts.comments.push(token as unknown as CstToken);
      else if (SCALAR_TYPES.has(token.type)) facts.scalars.push(token as unknown as CstToken);
    }
    for (const key in token) {
      const child = token[key];
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  facts.comments.sort((a, b) => a.offset - b.offset);
  facts.scalars.sort((a, b) => a.offset - b.offset);
  return facts;
}

/**
 * The ESTree nodes typescript-estree produces, read loosely: the extractor looks at a few
 * node types by name and treats every other one as a value it cannot know, so it needs
 * neither the full type union nor the enum of node types at run time.
 */
export interface EsNode {
  type: string;
  range: [number, number];
  // Fields differ per node type; each reader checks the type first.
  [field: string]: any;
}

const SKIPPED = new Set(['parent', 'range', 'loc', 'comments', 'tokens', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'decorators']);

/** The child nodes of a node, in source order (type annotations left out: they hold no values). */
export function childrenOf(node: EsNode): EsNode[] {
  const out: EsNode[] = [];
  for (const key of Object.keys(node)) {
    if (SKIPPED.has(key)) continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) out.push(item);
    } else if (isNode(v)) {
      out.push(v);
    }
  }
  return out;
}

export function isNode(v: unknown): v is EsNode {
  return typeof v === 'object' && v !== null && typeof (v as EsNode).type === 'string' && Array.isArray((v as EsNode).range);
}

/** Every node of the tree, each with its parent. */
export function walk(root: EsNode, visit: (node: EsNode, parent: EsNode | undefined) => void): void {
  const stack: [EsNode, EsNode | undefined][] = [[root, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    visit(node, parent);
    const kids = childrenOf(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, node]);
  }
}

/** `a.b.c` as `['a', 'b', 'c']`; undefined for anything but identifiers and plain member accesses. */
export function memberChain(node: EsNode): string[] | undefined {
  if (node.type === 'Identifier') return [node.name as string];
  if (node.type === 'MemberExpression' && !node.computed && node.property?.type === 'Identifier') {
    const head = memberChain(node.object as EsNode);
    return head ? [...head, node.property.name as string] : undefined;
  }
  return undefined;
}

/** The name of an object property's key when it is written as a name or a string or number literal. */
export function staticKey(prop: EsNode): string | undefined {
  const key = prop.key as EsNode;
  if (!prop.computed && key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return key.quasis[0].value.cooked as string;
  return undefined;
}

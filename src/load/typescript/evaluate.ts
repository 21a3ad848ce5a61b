import type { EsNode } from './ast.js';
import { memberChain, staticKey } from './ast.js';
import type { Scopes } from './scope.js';

/**
 * A value as the source gives it statically, with the node that writes it. Whatever the
 * extractor cannot know without running the program is `unknown`; `absent` is `undefined`
 * (a property left out of the manifest, as cdk8s and Pulumi leave it out).
 */
export type Val =
  | { t: 'scalar'; value: string | number | boolean | null; node: EsNode; literal: boolean }
  | { t: 'object'; entries: Map<string, Entry>; open: boolean; node: EsNode }
  | { t: 'array'; items: Val[]; node: EsNode }
  | { t: 'unknown'; node: EsNode }
  | { t: 'absent'; node: EsNode };

/** A mapping entry: its value and the property key that names it (none for a shorthand or a computed key). */
export interface Entry {
  val: Val;
  key: EsNode | undefined;
}

const WRAPPERS = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'TSNonNullExpression', 'TSInstantiationExpression', 'ChainExpression']);

/**
 * Evaluates expressions without running anything: literals, object and array literals,
 * template literals without expressions, type assertions (`as const`, `satisfies`, `<T>`,
 * `!`), spreads, constants (followed through `Scopes`), property reads of known objects,
 * `+` of known strings and numbers, and cdk8s's `IntOrString` / `Quantity` factories.
 * Every object literal reached through a name or a spread is remembered in `borrowed`,
 * so the same literal is not taken again as a manifest of its own.
 */
export class Evaluator {
  /** Object literals whose value was read as part of another value, since `borrowing` began. */
  private borrowed = new Set<EsNode>();
  private readonly active = new Set<EsNode>();

  constructor(private readonly scopes: Scopes) {}

  /** Evaluates `node`, with the object literals its value reads through names and spreads. */
  borrowing(node: EsNode): { val: Val; borrowed: Set<EsNode> } {
    const outer = this.borrowed;
    this.borrowed = new Set();
    try {
      return { val: this.eval(node), borrowed: this.borrowed };
    } finally {
      for (const n of this.borrowed) outer.add(n);
      this.borrowed = outer;
    }
  }

  eval(node: EsNode, via = false): Val {
    if (this.active.has(node)) return { t: 'unknown', node };
    this.active.add(node);
    try {
      return this.evalNode(node, via);
    } finally {
      this.active.delete(node);
    }
  }

  private evalNode(node: EsNode, via: boolean): Val {
    if (WRAPPERS.has(node.type)) return this.eval(node.expression as EsNode, via);
    switch (node.type) {
      case 'Literal': {
        const v = node.value;
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) {
          if (node.regex || node.bigint !== undefined) return { t: 'unknown', node };
          return { t: 'scalar', value: v, node, literal: v !== null };
        }
        return { t: 'unknown', node };
      }
      case 'TemplateLiteral':
        if ((node.expressions as EsNode[]).length === 0) return { t: 'scalar', value: node.quasis[0].value.cooked as string, node, literal: true };
        return { t: 'unknown', node };
      case 'UnaryExpression': {
        const arg = this.eval(node.argument as EsNode, via);
        if (arg.t === 'scalar' && typeof arg.value === 'number' && (node.operator === '-' || node.operator === '+')) {
          return { t: 'scalar', value: node.operator === '-' ? -arg.value : arg.value, node, literal: false };
        }
        return { t: 'unknown', node };
      }
      case 'BinaryExpression': {
        if (node.operator !== '+') return { t: 'unknown', node };
        const l = this.eval(node.left as EsNode, via);
        const r = this.eval(node.right as EsNode, via);
        if (l.t !== 'scalar' || r.t !== 'scalar') return { t: 'unknown', node };
        const ok = (v: unknown) => typeof v === 'string' || typeof v === 'number';
        if (!ok(l.value) || !ok(r.value)) return { t: 'unknown', node };
        return { t: 'scalar', value: (l.value as string) + (r.value as string), node, literal: false };
      }
      case 'Identifier':
        return this.identifier(node);
      case 'ObjectExpression':
        if (via) this.borrowed.add(node);
        return this.object(node, via);
      case 'ArrayExpression':
        return this.array(node, via);
      case 'MemberExpression':
        return this.member(node, via);
      case 'CallExpression':
        return this.call(node, via);
      default:
        return { t: 'unknown', node };
    }
  }

  private identifier(node: EsNode): Val {
    const name = node.name as string;
    const binding = this.scopes.resolve(name, node);
    if (!binding) return name === 'undefined' ? { t: 'absent', node } : { t: 'unknown', node };
    if (binding.kind !== 'value') return { t: 'unknown', node };
    return this.eval(binding.init, true);
  }

  private object(node: EsNode, via: boolean): Val {
    const entries = new Map<string, Entry>();
    let open = false;
    // Everything written so far may be overwritten by what an unknown spread or key brings.
    const clobber = (at: EsNode) => {
      open = true;
      for (const [k, e] of entries) entries.set(k, { key: e.key, val: { t: 'unknown', node: at } });
    };
    for (const prop of node.properties as EsNode[]) {
      if (prop.type === 'SpreadElement') {
        const spread = this.eval(prop.argument as EsNode, true);
        if (spread.t === 'object') {
          if (spread.open) clobber(prop);
          for (const [k, e] of spread.entries) entries.set(k, e);
        } else if (spread.t !== 'absent' && !(spread.t === 'scalar' && spread.value === null)) {
          clobber(prop);
        }
        continue;
      }
      if (prop.type !== 'Property') {
        clobber(prop);
        continue;
      }
      const key = staticKey(prop) ?? this.computedKey(prop, via);
      if (key === undefined) {
        clobber(prop);
        continue;
      }
      const val: Val = prop.kind !== 'init' || prop.method ? { t: 'unknown', node: prop } : this.eval(prop.value as EsNode, via);
      // A shorthand's key is the name of a variable: renaming it would change what it reads.
      entries.set(key, { val, key: prop.shorthand || prop.computed ? undefined : (prop.key as EsNode) });
    }
    return { t: 'object', entries, open, node };
  }

  private computedKey(prop: EsNode, via: boolean): string | undefined {
    if (!prop.computed) return undefined;
    const v = this.eval(prop.key as EsNode, via);
    return v.t === 'scalar' && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined;
  }

  private array(node: EsNode, via: boolean): Val {
    const items: Val[] = [];
    for (const el of node.elements as (EsNode | null)[]) {
      if (el === null) return { t: 'unknown', node };
      if (el.type === 'SpreadElement') {
        const spread = this.eval(el.argument as EsNode, true);
        // Items after an unknown spread have unknown indexes: the whole array is unknown.
        if (spread.t !== 'array') return { t: 'unknown', node };
        items.push(...spread.items);
        continue;
      }
      items.push(this.eval(el, via));
    }
    return { t: 'array', items, node };
  }

  private member(node: EsNode, via: boolean): Val {
    const base = this.eval(node.object as EsNode, true);
    let key: string | number | undefined;
    if (!node.computed && node.property.type === 'Identifier') key = node.property.name as string;
    else if (node.computed) {
      const k = this.eval(node.property as EsNode, via);
      if (k.t === 'scalar' && (typeof k.value === 'string' || typeof k.value === 'number')) key = k.value;
    }
    if (key === undefined) return { t: 'unknown', node };
    if (base.t === 'object') {
      const e = base.entries.get(String(key));
      if (e) return e.val;
      return base.open ? { t: 'unknown', node } : { t: 'absent', node };
    }
    if (base.t === 'array' && typeof key === 'number') return base.items[key] ?? { t: 'absent', node };
    return { t: 'unknown', node };
  }

  private call(node: EsNode, via: boolean): Val {
    const chain = memberChain(node.callee as EsNode);
    const args = node.arguments as EsNode[];
    // cdk8s's wrappers for int-or-string and quantity fields serialise to their argument.
    if (chain && chain.length >= 2 && args.length === 1 && /^(IntOrString|Quantity)$/.test(chain[chain.length - 2]!)) {
      const method = chain[chain.length - 1];
      const arg = this.eval(args[0]!, via);
      if (arg.t === 'scalar' && ((method === 'fromNumber' && typeof arg.value === 'number') || (method === 'fromString' && typeof arg.value === 'string'))) {
        return arg;
      }
    }
    return { t: 'unknown', node };
  }
}

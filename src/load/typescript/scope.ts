import { type EsNode, memberChain, walk } from './ast.js';

/** What a name in the source stands for, as far as the extractor follows it. */
export type Binding =
  /** A variable never assigned again and never changed in place: its initializer is its value. */
  | { kind: 'value'; init: EsNode }
  /** An import: where from, and which export (`*` for a namespace import, `default`). */
  | { kind: 'import'; source: string; imported: string }
  /** Anything else: a parameter, a function, a class, a destructured or reassigned variable. */
  | { kind: 'other' };

const SCOPES = new Set(['Program', 'BlockStatement', 'StaticBlock', 'TSModuleBlock', 'SwitchCase']);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement']);

/** Methods that change an array, map or set in place. */
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'delete', 'clear', 'add']);

/**
 * Name resolution over one file, enough to follow `const` (and never-reassigned `let`)
 * identifiers to their values: the nearest enclosing block, function or loop that declares
 * the name decides. A name that is assigned, or whose value is changed in place (a
 * property assigned or deleted, `push`, `Object.assign`), anywhere in the file is not
 * followed at all: its value at the use is not its initializer.
 */
export class Scopes {
  private readonly parents = new Map<EsNode, EsNode | undefined>();
  private readonly changed = new Set<string>();
  /** The methods called on what a name holds (`d.metadata.addLabel(...)` is `addLabel` on `d`); `of` for `X.of(d)`. */
  private readonly called = new Map<string, Set<string>>();
  private readonly cache = new Map<EsNode, Map<string, Binding>>();

  constructor(program: EsNode) {
    // `const b = a` (or `a.spec`) makes `b` another name for (part of) `a`: changing one changes both.
    const aliases = new Map<string, Set<string>>();
    walk(program, (node, parent) => {
      this.parents.set(node, parent);
      this.noteChange(node);
      if (node.type === 'VariableDeclarator' && node.id?.type === 'Identifier' && node.init) {
        const from = rootName(node.init as EsNode);
        if (from) aliases.set(node.id.name as string, new Set([...(aliases.get(node.id.name as string) ?? []), from]));
      }
    });
    const pending = [...this.changed];
    while (pending.length > 0) {
      for (const target of aliases.get(pending.pop()!) ?? []) {
        if (!this.changed.has(target)) {
          this.changed.add(target);
          pending.push(target);
        }
      }
    }
  }

  parentOf(node: EsNode): EsNode | undefined {
    return this.parents.get(node);
  }

  /** The methods called on what `name` holds, anywhere in the file (by name: any binding of it). */
  methodsOn(name: string): ReadonlySet<string> {
    return this.called.get(name) ?? new Set();
  }

  private noteChange(node: EsNode): void {
    const root = (target: EsNode | undefined) => {
      while (target && (target.type === 'MemberExpression' || target.type === 'TSNonNullExpression' || target.type === 'TSAsExpression')) {
        target = (target.object ?? target.expression) as EsNode;
      }
      if (target?.type === 'Identifier') this.changed.add(target.name as string);
    };
    if (node.type === 'AssignmentExpression') {
      const left = node.left as EsNode;
      if (left.type === 'Identifier' || left.type === 'MemberExpression') root(left);
      else walk(left, (n) => n.type === 'Identifier' && this.changed.add(n.name as string));
    } else if (node.type === 'UpdateExpression') {
      root(node.argument as EsNode);
    } else if (node.type === 'UnaryExpression' && node.operator === 'delete') {
      root(node.argument as EsNode);
    } else if (node.type === 'CallExpression') {
      const callee = node.callee as EsNode;
      const chain = memberChain(callee);
      if (callee.type === 'MemberExpression' && !callee.computed && callee.property?.type === 'Identifier') {
        const method = callee.property.name as string;
        const note = (name: string, m: string) => this.called.set(name, new Set([...(this.called.get(name) ?? []), m]));
        const on = rootName(callee.object as EsNode);
        if (on) note(on, method);
        if (method === 'of') {
          for (const a of node.arguments as EsNode[]) {
            const name = rootName(a);
            if (name) note(name, 'of');
          }
        }
      }
      if (chain && chain.length === 2 && chain[0] === 'Object' && ['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf'].includes(chain[1]!)) {
        root(node.arguments[0] as EsNode | undefined);
      } else if (callee.type === 'MemberExpression' && !callee.computed && MUTATORS.has(callee.property?.name as string)) {
        root(callee.object as EsNode);
      }
    } else if ((node.type === 'ForInStatement' || node.type === 'ForOfStatement') && (node.left as EsNode).type === 'Identifier') {
      root(node.left as EsNode);
    }
  }

  /** What `name` stands for where `at` is. */
  resolve(name: string, at: EsNode): Binding | undefined {
    for (let node: EsNode | undefined = at; node; node = this.parents.get(node)) {
      const found = this.declared(node).get(name);
      if (found) return found.kind === 'value' && this.changed.has(name) ? { kind: 'other' } : found;
    }
    return undefined;
  }

  /** The names a scope node declares directly. */
  private declared(node: EsNode): Map<string, Binding> {
    let names = this.cache.get(node);
    if (names) return names;
    names = new Map();
    const add = (n: string, b: Binding) => {
      if (!names!.has(n)) names!.set(n, b);
    };
    if (SCOPES.has(node.type)) {
      const body = (node.type === 'SwitchCase' ? node.consequent : node.body) as EsNode[];
      for (const stmt of body) declarationsOf(stmt, add);
    } else if (FUNCTIONS.has(node.type)) {
      for (const p of node.params as EsNode[]) patternNames(p, (n) => add(n, { kind: 'other' }));
      if (node.type === 'FunctionExpression' && node.id) add(node.id.name as string, { kind: 'other' });
    } else if (LOOPS.has(node.type)) {
      const init = (node.type === 'ForStatement' ? node.init : node.left) as EsNode | null;
      if (init?.type === 'VariableDeclaration') for (const d of init.declarations as EsNode[]) patternNames(d.id as EsNode, (n) => add(n, { kind: 'other' }));
    } else if (node.type === 'CatchClause' && node.param) {
      patternNames(node.param as EsNode, (n) => add(n, { kind: 'other' }));
    } else if (node.type === 'ClassExpression' && node.id) {
      add(node.id.name as string, { kind: 'other' });
    }
    this.cache.set(node, names);
    return names;
  }
}

/**
 * The variable an expression reads through (`a` of `a`, `a.b[0]`, `a as T`), if it is one;
 * `this.x` for what a class keeps in a field (`this.x.y`).
 */
export function rootName(node: EsNode): string | undefined {
  let cur: EsNode | undefined = node;
  let field: string | undefined;
  while (cur && (cur.type === 'MemberExpression' || cur.type === 'TSAsExpression' || cur.type === 'TSSatisfiesExpression' || cur.type === 'TSNonNullExpression')) {
    if (cur.type === 'MemberExpression') field = !cur.computed && cur.property?.type === 'Identifier' ? (cur.property.name as string) : undefined;
    cur = (cur.type === 'MemberExpression' ? cur.object : cur.expression) as EsNode;
  }
  if (cur?.type === 'ThisExpression') return field === undefined ? undefined : `this.${field}`;
  return cur?.type === 'Identifier' ? (cur.name as string) : undefined;
}

function declarationsOf(stmt: EsNode, add: (name: string, b: Binding) => void): void {
  if ((stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') && stmt.declaration) {
    declarationsOf(stmt.declaration as EsNode, add);
    return;
  }
  switch (stmt.type) {
    case 'VariableDeclaration':
      for (const d of stmt.declarations as EsNode[]) {
        const id = d.id as EsNode;
        // `declare const x: T` has no value; `var` is hoisted out of blocks, so it is not followed.
        if (id.type === 'Identifier' && d.init && stmt.kind !== 'var' && !stmt.declare) add(id.name as string, { kind: 'value', init: d.init as EsNode });
        else patternNames(id, (n) => add(n, { kind: 'other' }));
      }
      return;
    case 'ImportDeclaration':
      for (const s of stmt.specifiers as EsNode[]) {
        const imported =
          s.type === 'ImportNamespaceSpecifier' ? '*' : s.type === 'ImportDefaultSpecifier' ? 'default' : ((s.imported?.name ?? s.imported?.value) as string);
        add(s.local.name as string, { kind: 'import', source: stmt.source.value as string, imported });
      }
      return;
    case 'TSImportEqualsDeclaration':
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'TSEnumDeclaration':
    case 'TSModuleDeclaration':
      if (stmt.id?.type === 'Identifier') add(stmt.id.name as string, { kind: 'other' });
      return;
    default:
      return;
  }
}

/** The names a binding pattern declares (`a`, `{ a, b: c }`, `[a, ...b]`, `a = 1`). */
function patternNames(p: EsNode | null | undefined, out: (name: string) => void): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier':
      out(p.name as string);
      return;
    case 'AssignmentPattern':
      patternNames(p.left as EsNode, out);
      return;
    case 'RestElement':
      patternNames(p.argument as EsNode, out);
      return;
    case 'ArrayPattern':
      for (const e of p.elements as (EsNode | null)[]) patternNames(e, out);
      return;
    case 'ObjectPattern':
      for (const prop of p.properties as EsNode[]) patternNames(prop.type === 'RestElement' ? prop : (prop.value as EsNode), out);
      return;
    case 'TSParameterProperty':
      patternNames(p.parameter as EsNode, out);
      return;
    default:
      return;
  }
}

import { type EsNode, memberChain, walk } from './ast.js';
import { type Val, Evaluator } from './evaluate.js';
import { cdk8sKind, pulumiApiVersion } from './kinds.js';
import { type Scopes, rootName } from './scope.js';

/** One manifest a program builds: its value, and what the source says of its identity. */
export interface Candidate {
  /** The expression that builds it (the object literal, or the `new` expression). */
  root: EsNode;
  /** Offsets findings about the whole object point at: its `kind` property, or the class it constructs. */
  head: [number, number];
  /** The object's fields as written (for constructors: the props argument). */
  body: Val;
  /** For constructors, the apiVersion and kind the class stands for (the props do not write them). */
  implied?: { apiVersion: string; kind: string };
  /** cdk8s and Pulumi name an object that sets no `metadata.name` when they apply it. */
  namedByTool: boolean;
  /**
   * The program may change the object after building it (a method called on the construct,
   * such as cdk8s `addJsonPatch`, or a Pulumi transformation): nothing of it is known for sure.
   */
  changedLater?: boolean;
}

const PULUMI = '@pulumi/kubernetes';

/**
 * The manifests of one file:
 * - cdk8s `new ApiObject(scope, id, { apiVersion, kind, ... })` (imported from `cdk8s`);
 * - cdk8s constructs `new Kube<Kind>(scope, id, props)` imported from `cdk8s import k8s` output;
 * - Pulumi `new k8s.<group>.<version>.<Kind>(name, args)` and
 *   `new k8s.apiextensions.CustomResource(name, { apiVersion, kind, ... })` (imported from `@pulumi/kubernetes`);
 * - any other object literal with a string `apiVersion`, a string `kind` and `metadata`, unless
 *   it is part of one of the above or of another manifest (a reference such as
 *   `scaleTargetRef: { apiVersion, kind, name }` has no `metadata`).
 */
export function findManifests(program: EsNode, scopes: Scopes, text: string): Candidate[] {
  const ev = new Evaluator(scopes);
  // Object literals read into a manifest through a name or a spread: part of it, not manifests of their own.
  const borrowed = new Set<EsNode>();
  const built: Candidate[] = [];
  const literals: EsNode[] = [];
  walk(program, (node) => {
    if (node.type === 'NewExpression') {
      const c = constructed(node, scopes, ev, borrowed);
      if (c) built.push(changedLater(node, scopes, text) ? { ...c, changedLater: true } : c);
    } else if (node.type === 'ObjectExpression') {
      literals.push(node);
    }
  });
  const plain: Candidate[] = [];
  for (const node of literals) {
    if (!(node.properties as EsNode[]).some((p) => p.type === 'Property' && !p.computed && keyName(p) === 'metadata')) continue;
    const { val: body, borrowed: read } = ev.borrowing(node);
    if (body.t !== 'object' || !hasIdentity(body)) continue;
    for (const n of read) borrowed.add(n);
    plain.push({ root: node, head: headOf(body, node), body, namedByTool: false });
  }
  const all = [...built, ...plain];
  // A literal inside another manifest is part of it too.
  const inside = (c: Candidate) =>
    all.some((o) => o !== c && o.root.range[0] <= c.root.range[0] && c.root.range[1] <= o.root.range[1] && o.root !== c.root);
  const props = new Set(built.map((c) => c.body.node));
  const kept = [...built, ...plain.filter((c) => !borrowed.has(c.root) && !props.has(c.root) && !inside(c))];
  return kept.sort((a, b) => a.root.range[0] - b.root.range[0]);
}

/** Pulumi hooks that rewrite the args of resources when they are registered. */
const PULUMI_TRANSFORMS = /\bregister(?:Stack|Resource)Transform(?:ation)?s?\b/;

/**
 * The methods of a cdk8s ApiObject (and of its `metadata`) that change the manifest it
 * synthesizes; `of` is `ApiObject.of(construct)`, which hands out the object to call them on.
 */
const CDK8S_CHANGES = ['addJsonPatch', 'addLabel', 'addAnnotation', 'addFinalizer', 'addOwnerReference', 'of'];

function changedLater(node: EsNode, scopes: Scopes, text: string): boolean {
  const chain = memberChain(node.callee as EsNode);
  const binding = chain ? scopes.resolve(chain[0]!, node) : undefined;
  if (binding?.kind === 'import' && binding.source === PULUMI) {
    // Transformations in the resource options, or registered for the whole stack in this file.
    const opts = (node.arguments as EsNode[])[2];
    const transforms = opts?.type === 'ObjectExpression' && (opts.properties as EsNode[]).some((p) => p.type === 'Property' && /^transform(ation)?s$/.test(keyName(p) ?? ''));
    return transforms || PULUMI_TRANSFORMS.test(text);
  }
  // `const d = new KubeDeployment(...)`, then `d.addJsonPatch(...)` or `ApiObject.of(d).addJsonPatch(...)`.
  let holder = scopes.parentOf(node);
  while (holder && (holder.type === 'TSAsExpression' || holder.type === 'TSSatisfiesExpression' || holder.type === 'TSNonNullExpression')) holder = scopes.parentOf(holder);
  const name =
    holder?.type === 'VariableDeclarator' && holder.id?.type === 'Identifier'
      ? (holder.id.name as string)
      : holder?.type === 'AssignmentExpression'
        ? rootName(holder.left as EsNode)
        : holder?.type === 'PropertyDefinition' && holder.key?.type === 'Identifier'
          ? `this.${holder.key.name as string}`
          : undefined;
  if (name === undefined) return false;
  const methods = scopes.methodsOn(name);
  return CDK8S_CHANGES.some((m) => methods.has(m));
}

function keyName(p: EsNode): string | undefined {
  const k = p.key as EsNode;
  return k.type === 'Identifier' ? (k.name as string) : typeof k.value === 'string' ? k.value : undefined;
}

function hasIdentity(body: Val): boolean {
  if (body.t !== 'object') return false;
  const s = (k: string) => {
    const v = body.entries.get(k)?.val;
    return v?.t === 'scalar' && typeof v.value === 'string';
  };
  return s('apiVersion') && s('kind');
}

function constructed(node: EsNode, scopes: Scopes, ev: Evaluator, borrowed: Set<EsNode>): Candidate | undefined {
  const callee = node.callee as EsNode;
  const chain = memberChain(callee);
  if (!chain) return undefined;
  const binding = scopes.resolve(chain[0]!, node);
  if (binding?.kind !== 'import') return undefined;
  const args = node.arguments as EsNode[];
  const arg = (i: number): Val => {
    const a = args[i];
    if (!a) return { t: 'absent', node };
    if (a.type === 'SpreadElement') return { t: 'unknown', node: a };
    const { val, borrowed: read } = ev.borrowing(a);
    for (const n of read) borrowed.add(n);
    return val;
  };
  // The name as exported: `k8s.KubeDeployment` through a namespace import, `KubeDeployment` through a named one.
  const path = binding.imported === '*' || binding.imported === 'default' ? chain.slice(1) : [binding.imported, ...chain.slice(1)];
  if (args.some((a) => a.type === 'SpreadElement')) return undefined;

  if (binding.source === 'cdk8s') {
    if (path.length !== 1 || path[0] !== 'ApiObject') return undefined;
    const body = arg(2);
    return hasIdentity(body) ? { root: node, head: headOf(body, callee), body, namedByTool: true } : undefined;
  }
  if (binding.source === PULUMI) {
    if (path.length === 2 && path[0] === 'apiextensions' && path[1] === 'CustomResource') {
      const body = arg(1);
      return hasIdentity(body) ? { root: node, head: headOf(body, callee), body, namedByTool: true } : undefined;
    }
    if (path.length !== 3) return undefined;
    const [group, version, kind] = path as [string, string, string];
    const apiVersion = pulumiApiVersion(group, version, kind);
    if (!apiVersion) return undefined;
    return { root: node, head: callee.range, body: arg(1), implied: { apiVersion, kind }, namedByTool: true };
  }
  if (path.length !== 1) return undefined;
  const implied = cdk8sKind(path[0]!);
  if (!implied) return undefined;
  return { root: node, head: callee.range, body: arg(2), implied, namedByTool: true };
}

/** The `kind: '...'` property, from its key to the end of its value. */
function headOf(body: Val, fallback: EsNode): [number, number] {
  const kind = body.t === 'object' ? body.entries.get('kind') : undefined;
  if (!kind || kind.val.t === 'absent') return fallback.range;
  return [kind.key?.range[0] ?? kind.val.node.range[0], kind.val.node.range[1]];
}

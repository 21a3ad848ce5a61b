import { labelsAt } from './k8s.js';
import type { Resource } from './resource.js';
import { type LabelSelector, matchesSelector } from './selectors.js';

/** A key for a namespace and a name, telling a namespace left unset from any namespace named. */
export function nameKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}\0${namespace === undefined ? 'u' : 'n'}\0${name}`;
}

/**
 * A store that computes a value once per tree and key: for verdicts copies of one object
 * share, and lookups built on first use. What it keeps goes when the tree does.
 */
export function perTree<T>(): (tree: ManifestTree, key: string, compute: () => T) => T {
  const memo = new WeakMap<ManifestTree, Map<string, T>>();
  return (tree, key, compute) => {
    let byKey = memo.get(tree);
    if (!byKey) memo.set(tree, (byKey = new Map()));
    if (byKey.has(key)) return byKey.get(key)!;
    const value = compute();
    byKey.set(key, value);
    return value;
  };
}

/**
 * The index over every resource in the input, for rules that look across resources.
 * Lookups by kind are case-sensitive, as Kubernetes kinds are.
 */
export class ManifestTree {
  private readonly byKind = new Map<string, Resource[]>();
  /** Every resource: those linted, then the context ones. */
  readonly resources: readonly Resource[];
  private readonly contextSet: ReadonlySet<Resource>;

  /** `context`: resources read only to resolve references (`--context`), never reported on. */
  constructor(linted: readonly Resource[], context: readonly Resource[] = []) {
    this.resources = context.length ? [...linted, ...context] : linted;
    this.contextSet = new Set(context);
    for (const r of this.resources) {
      if (!r.kind) continue;
      let list = this.byKind.get(r.kind);
      if (!list) this.byKind.set(r.kind, (list = []));
      list.push(r);
    }
  }

  /** Every resource of `kind`, optionally restricted to one API group. */
  ofKind(kind: string, group?: string): readonly Resource[] {
    const list = this.byKind.get(kind) ?? [];
    if (group === undefined) return list;
    return this.cached(`g\0${kind}\0${group}`, () => list.filter((r) => r.group === group));
  }

  /** Resources of `kind` in `namespace` (undefined namespace matches resources that set none). */
  inNamespace(kind: string, namespace: string | undefined, group?: string): readonly Resource[] {
    const byNamespace = this.namespaced(kind, group);
    return byNamespace.get(namespace) ?? [];
  }

  find(kind: string, namespace: string | undefined, name: string, group?: string): Resource | undefined {
    const key = `${kind}\0${group ?? '*'}`;
    let byName = this.byNameOf.get(key);
    if (!byName) {
      byName = new Map();
      for (const r of this.ofKind(kind, group)) {
        const id = nameKey(r.namespace, r.name ?? '');
        if (r.name !== undefined && !byName.has(id)) byName.set(id, r);
      }
      this.byNameOf.set(key, byName);
    }
    return byName.get(nameKey(namespace, name));
  }

  /** Every resource of `kind` with this namespace and name, in input order (copies of one object included). */
  named(kind: string, namespace: string | undefined, name: string): readonly Resource[] {
    let byName = this.allByName.get(kind);
    if (!byName) {
      byName = new Map();
      for (const r of this.ofKind(kind)) {
        if (r.name === undefined) continue;
        const id = nameKey(r.namespace, r.name);
        const list = byName.get(id);
        if (list) list.push(r);
        else byName.set(id, [r]);
      }
      this.allByName.set(kind, byName);
    }
    return byName.get(nameKey(namespace, name)) ?? [];
  }

  /** Every resource of `kind` called `name`, in whatever namespace, in input order. */
  namedAnywhere(kind: string, name: string): readonly Resource[] {
    let byName = this.anyNamespaceByName.get(kind);
    if (!byName) {
      byName = new Map();
      for (const r of this.ofKind(kind)) {
        if (r.name === undefined) continue;
        const list = byName.get(r.name);
        if (list) list.push(r);
        else byName.set(r.name, [r]);
      }
      this.anyNamespaceByName.set(kind, byName);
    }
    return byName.get(name) ?? [];
  }

  /** The Namespace object called `name`, if the input holds one. */
  namespace(name: string): Resource | undefined {
    return this.namedAnywhere('Namespace', name).find((r) => r.group === '');
  }

  // Lookups are built on first use, so that a rule asking for each of N resources by name
  // costs N lookups, not N scans.
  private readonly lists = new Map<string, readonly Resource[]>();
  private readonly byNamespaceOf = new Map<string, Map<string | undefined, Resource[]>>();
  private readonly byNameOf = new Map<string, Map<string, Resource>>();
  private readonly allByName = new Map<string, Map<string, Resource[]>>();
  private readonly anyNamespaceByName = new Map<string, Map<string, Resource[]>>();

  private cached(key: string, build: () => readonly Resource[]): readonly Resource[] {
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = build()));
    return list;
  }

  private namespaced(kind: string, group: string | undefined): Map<string | undefined, Resource[]> {
    const key = `${kind}\0${group ?? '*'}`;
    let map = this.byNamespaceOf.get(key);
    if (!map) {
      map = new Map();
      for (const r of this.ofKind(kind, group)) {
        const list = map.get(r.namespace);
        if (list) list.push(r);
        else map.set(r.namespace, [r]);
      }
      this.byNamespaceOf.set(key, map);
    }
    return map;
  }

  /** Resources of `kind` in `namespace` whose own labels match `selector`. */
  selectByLabels(kind: string, namespace: string | undefined, selector: LabelSelector): Resource[] {
    return this.inNamespace(kind, namespace).filter((r) => matchesSelector(selector, labelsAt(r.value)));
  }

  /** True for a resource read only as context: rules may resolve references to it, never report it. */
  isContext(resource: Resource): boolean {
    return this.contextSet.has(resource);
  }

  get kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }
}

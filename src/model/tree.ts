import { labelsAt } from './k8s.js';
import type { Resource } from './resource.js';
import { type LabelSelector, matchesSelector } from './selectors.js';

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
    return group === undefined ? list : list.filter((r) => r.group === group);
  }

  /** Resources of `kind` in `namespace` (undefined namespace matches resources that set none). */
  inNamespace(kind: string, namespace: string | undefined, group?: string): readonly Resource[] {
    return this.ofKind(kind, group).filter((r) => r.namespace === namespace);
  }

  find(kind: string, namespace: string | undefined, name: string, group?: string): Resource | undefined {
    return this.ofKind(kind, group).find((r) => r.name === name && r.namespace === namespace);
  }

  /** The Namespace object called `name`, if the input holds one. */
  namespace(name: string): Resource | undefined {
    return this.ofKind('Namespace', '').find((r) => r.name === name);
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

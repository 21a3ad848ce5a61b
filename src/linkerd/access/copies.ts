import type { Resource } from '../../model/resource.js';
import type { ManifestTree } from '../../model/tree.js';
import { resolveNearest } from '../policy-targets.js';

/**
 * A tree may hold several copies of one object (overlays, variants, or copies of one demo
 * in separate directories of a repository). A cluster holds one object per kind,
 * namespace and name, so of the copies that could apply to a Server or route only the one
 * nearest it counts, as references resolve (`resolveNearest`).
 */
const byTree = new WeakMap<ManifestTree, Map<string, number>>();

function copies(tree: ManifestTree, r: Resource): number {
  let counts = byTree.get(tree);
  if (!counts) {
    counts = new Map();
    for (const x of tree.resources) {
      const key = `${x.kind}\0${x.group}\0${x.namespace ?? ''}\0${x.name ?? ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    byTree.set(tree, counts);
  }
  return counts.get(`${r.kind}\0${r.group}\0${r.namespace ?? ''}\0${r.name ?? ''}`) ?? 0;
}

/** True when `r` is the copy of its object nearest `anchor` (always, when it has no other copy). */
export function nearestCopy(tree: ManifestTree, anchor: Resource, r: Resource): boolean {
  if (!r.kind || !r.name || copies(tree, r) <= 1) return true;
  return resolveNearest(tree, anchor, r.kind, r.group.toLowerCase(), r.namespace, r.name) === r;
}

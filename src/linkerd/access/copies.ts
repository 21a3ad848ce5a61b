import type { Resource } from '../../model/resource.js';
import type { ManifestTree } from '../../model/tree.js';
import { resolveNearest } from '../policy-targets.js';

/**
 * A tree may hold several copies of one object (overlays, variants, or copies of one demo
 * in separate directories of a repository). A cluster holds one object per kind,
 * namespace and name, so of the copies that could apply to a Server or route only the one
 * nearest it counts, as references resolve (`resolveNearest`).
 */
export function nearestCopy(tree: ManifestTree, anchor: Resource, r: Resource): boolean {
  if (!r.kind || !r.name) return true;
  return resolveNearest(tree, anchor, r.kind, r.group.toLowerCase(), r.namespace, r.name) === r;
}

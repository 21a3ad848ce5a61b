import type { ManifestTree } from '../model/tree.js';
import { CLUSTER_SCOPED_KINDS } from '../model/k8s.js';
import { closest, nearMissDistance } from '../model/text.js';

/**
 * Which references the cross-resource rules judge. `closed-world`: a reference to kind K
 * in namespace N only when the input (with `--context`) holds at least one K in N, and to a
 * cluster-scoped kind only when it holds one of that kind, so linting a few changed files
 * does not report everything they refer to elsewhere. `strict`: every reference.
 */
export type ReferenceMode = 'closed-world' | 'strict';

/** True when a reference to `kind` of `group` in `namespace` can be judged under `mode`. */
export function canJudgeReference(
  tree: ManifestTree,
  mode: ReferenceMode,
  kind: string,
  group: string,
  namespace: string | undefined,
): boolean {
  if (mode === 'strict') return true;
  const candidates = tree.ofKind(kind, group);
  if (CLUSTER_SCOPED_KINDS.has(kind)) return candidates.length > 0;
  return candidates.some((r) => r.namespace === namespace);
}

/**
 * The names of `kind` in `namespace` a message can offer, and the one near miss among them
 * when exactly one is within a few edits of `name`.
 */
export function nearMiss(
  tree: ManifestTree,
  kind: string,
  group: string,
  namespace: string | undefined,
  name: string,
): { names: string[]; didYouMean: string | undefined } {
  const names = [...new Set(tree.inNamespace(kind, namespace, group).flatMap((r) => (r.name ? [r.name] : [])))].sort();
  return { names, didYouMean: closest(name, names, nearMissDistance(name)) };
}

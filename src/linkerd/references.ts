import { type ManifestTree, nameKey, perTree } from '../model/tree.js';
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
  if (CLUSTER_SCOPED_KINDS.has(kind)) return tree.ofKind(kind, group).length > 0;
  return tree.inNamespace(kind, namespace, group).length > 0;
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
): NearMiss {
  // Copies of one object miss the same name: each miss is worked out once per tree.
  return nearMisses(tree, `${kind}\0${group}\0${nameKey(namespace, name)}`, () => {
    const names = namesIn(tree, kind, group, namespace);
    return { names, didYouMean: closest(name, names, nearMissDistance(name)) };
  });
}

export interface NearMiss {
  names: readonly string[];
  didYouMean: string | undefined;
}

const nearMisses = perTree<NearMiss>();

/** The distinct names of `kind` in `namespace`, sorted; listed once per tree. */
export function namesIn(tree: ManifestTree, kind: string, group: string, namespace: string | undefined): readonly string[] {
  return namesOf(tree, `${kind}\0${group}\0${nameKey(namespace, '')}`, () =>
    [...new Set(tree.inNamespace(kind, namespace, group).flatMap((r) => (r.name ? [r.name] : [])))].sort(),
  );
}

const namesOf = perTree<readonly string[]>();

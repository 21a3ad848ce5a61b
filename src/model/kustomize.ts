import { dirname, resolve } from 'node:path';
import { isObject } from './k8s.js';
import type { ManifestTree } from './tree.js';

/**
 * Absolute paths of the files that a kustomization in the input applies as patches
 * (`patchesStrategicMerge`, `patches[].path`). Their documents are partial resources,
 * merged into a base, so fields they leave out are not missing. Only kustomizations that
 * say `kind: Kustomization` are seen: a document without a kind is no resource.
 */
export function kustomizePatchFiles(tree: ManifestTree): Set<string> {
  const out = new Set<string>();
  for (const r of tree.ofKind('Kustomization')) {
    if (r.group !== 'kustomize.config.k8s.io') continue;
    const dir = dirname(r.file.path);
    const { patchesStrategicMerge, patches } = r.value;
    for (const p of Array.isArray(patchesStrategicMerge) ? patchesStrategicMerge : []) {
      // An entry is a file name or an inline patch; only single-line strings name files.
      if (typeof p === 'string' && !p.includes('\n')) out.add(resolve(dir, p));
    }
    for (const p of Array.isArray(patches) ? patches : []) {
      if (isObject(p) && typeof p.path === 'string') out.add(resolve(dir, p.path));
    }
  }
  return out;
}

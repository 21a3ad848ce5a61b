import { basename, dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { KUSTOMIZATION_FILE_NAMES, isObject } from './k8s.js';
import type { SourceFile } from './source.js';
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

/** What a kustomization file lists: its `resources` (and the older `bases`), and its patch files. */
interface KustomizationLists {
  resources: string[];
  patches: string[];
}

/**
 * Reads a kustomization file's lists from its text, as kustomize does: the file needs no
 * `kind`, so it may not be a resource of the tree. Paths come back absolute.
 */
function kustomizationLists(file: SourceFile): KustomizationLists {
  const dir = dirname(file.path);
  const out: KustomizationLists = { resources: [], patches: [] };
  let value: unknown;
  try {
    value = parseDocument(file.text, { logLevel: 'silent' }).toJS({ maxAliasCount: 100 });
  } catch {
    return out;
  }
  if (!isObject(value)) return out;
  const { resources, bases, patchesStrategicMerge, patches } = value;
  for (const list of [resources, bases]) {
    for (const p of Array.isArray(list) ? list : []) if (typeof p === 'string' && !p.includes('\n')) out.resources.push(resolve(dir, p));
  }
  for (const p of Array.isArray(patchesStrategicMerge) ? patchesStrategicMerge : []) {
    if (typeof p === 'string' && !p.includes('\n')) out.patches.push(resolve(dir, p));
  }
  for (const p of Array.isArray(patches) ? patches : []) if (isObject(p) && typeof p.path === 'string') out.patches.push(resolve(dir, p.path));
  return out;
}

/**
 * The sets of files that are certainly applied together: each file on its own, and for
 * each kustomization the files its `resources` list, through the kustomizations of listed
 * directories (`resources: [../base]`) too. Files a kustomization applies as patches are
 * partial, so they are in no set; nor are paths outside `files` (remote bases, files not
 * linted). Each set is a list of absolute paths, in the order of `files`.
 */
export function applyUnits(files: readonly SourceFile[]): string[][] {
  const byDir = new Map<string, KustomizationLists>();
  for (const f of files) {
    if (KUSTOMIZATION_FILE_NAMES.includes(basename(f.path))) byDir.set(dirname(f.path), kustomizationLists(f));
  }
  const patches = new Set([...byDir.values()].flatMap((k) => k.patches));
  const order = new Map(files.map((f, i) => [f.path, i]));
  const expand = (dir: string, into: Set<string>, seen: Set<string>): void => {
    if (seen.has(dir)) return;
    seen.add(dir);
    for (const p of byDir.get(dir)!.resources) {
      if (byDir.has(p)) expand(p, into, seen);
      else if (order.has(p) && !patches.has(p)) into.add(p);
    }
  };
  const units: string[][] = files.filter((f) => !patches.has(f.path)).map((f) => [f.path]);
  for (const dir of byDir.keys()) {
    const unit = new Set<string>();
    expand(dir, unit, new Set());
    if (unit.size > 1) units.push([...unit].sort((a, b) => order.get(a)! - order.get(b)!));
  }
  return units;
}

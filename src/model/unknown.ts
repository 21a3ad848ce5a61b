import { type JsonPath, getAt } from './path.js';
import type { Resource } from './resource.js';

export type { UnknownValues } from './resource.js';

function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

/**
 * Whether a finding at `path` of the resource may rest on something unknown: the path is
 * at, under or above an unknown value, or it reaches into (or contains) a mapping that may
 * hold keys not shown, through a key that is not shown.
 */
export function uncertainAt(resource: Resource, path: JsonPath): boolean {
  const unknown = resource.unknown;
  if (!unknown) return false;
  // A generated name is a name all the same: what is said of the object as a whole does not
  // rest on it, only what is said of the name (or of metadata lacking one).
  const generated = (u: JsonPath) => unknown.generatedName === true && u.length === 2 && u[0] === 'metadata' && u[1] === 'name';
  if (unknown.paths.some((u) => isPrefix(u, path) || (isPrefix(path, u) && !(path.length === 0 && generated(u))))) return true;
  return unknown.open.some((o) => {
    if (isPrefix(path, o)) return true;
    if (!isPrefix(o, path)) return false;
    // A key written after the spread is what the spread says; a missing one may come from it.
    return getAt(resource.value, path.slice(0, o.length + 1)) === undefined;
  });
}

/**
 * Fields that no rule reads from one resource to judge another: what a container runs and
 * mounts. An unknown value there leaves the other resources' findings alone.
 */
const PAYLOAD_FIELDS = new Set(['image', 'imagePullPolicy', 'env', 'envFrom', 'volumeMounts', 'volumeDevices', 'workingDir', 'resources']);

function isPayload(path: JsonPath): boolean {
  const i = path.findIndex((seg) => seg === 'containers' || seg === 'initContainers' || seg === 'ephemeralContainers');
  if (i !== -1 && typeof path[i + 1] === 'number' && typeof path[i + 2] === 'string') return PAYLOAD_FIELDS.has(path[i + 2] as string);
  // Pod volumes name what the containers mount, never anything another resource looks for.
  const v = path.indexOf('volumes');
  return v > 0 && path[v - 1] === 'spec';
}

/**
 * Whether other resources' findings may rest on an unknown value of this one: any unknown
 * value or open mapping outside the container payload. A generated name does not count (no
 * literal reference can name a name chosen at apply time): `identityOpen` covers it.
 */
export function uncertainForOthers(resource: Resource): boolean {
  const unknown = resource.unknown;
  if (!unknown) return false;
  const name = (p: JsonPath) => unknown.generatedName === true && p.length === 2 && p[0] === 'metadata' && p[1] === 'name';
  return unknown.open.length > 0 || unknown.paths.some((p) => !name(p) && !isPayload(p));
}

/** Whether the resource's name or namespace is unknown (or generated when it is applied). */
export function identityOpen(resource: Resource): boolean {
  const unknown = resource.unknown;
  if (!unknown) return false;
  return namespaceUnknown(resource) || uncertainAt(resource, ['metadata', 'name']);
}

/** Whether the resource's namespace is unknown: set by code, not absent (absent is no namespace, as in YAML). */
export function namespaceUnknown(resource: Resource): boolean {
  return resource.unknown !== undefined && uncertainAt(resource, ['metadata', 'namespace']);
}

/**
 * The lines of a file's unknown values (and of the keys that hold them): a rule that would
 * have judged one never saw it, so a directive on such a line is not known to be unused.
 */
export function uncertainLines(resources: readonly Resource[]): Set<number> {
  const lines = new Set<number>();
  for (const r of resources) {
    if (!r.unknown) continue;
    for (const p of [...r.unknown.paths, ...r.unknown.open]) {
      for (const target of ['key', 'value'] as const) {
        const { range, exact } = r.locate(p, target);
        if (exact) for (let l = range.start.line; l <= range.end.line; l++) lines.add(l);
      }
    }
  }
  return lines;
}

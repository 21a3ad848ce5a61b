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
    return getAt(rawValue(resource.value), path.slice(0, o.length + 1)) === undefined;
  });
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

/** The resources whose unknown parts the running check has read, while one runs. */
let reads: Set<Resource> | undefined;

/**
 * Runs `check`, collecting into `into` every resource whose value it read where the source
 * gives nothing statically: an unknown value, or a key an open mapping may hold. A rule that
 * read such a part may have judged by what it did not see, whatever path it reports at.
 */
export function collectUnknownReads<T>(into: Set<Resource>, check: () => T): T {
  const outer = reads;
  reads = into;
  try {
    return check();
  } finally {
    reads = outer;
  }
}

/** Runs `work` (the engine's own reading, not a rule's) without collecting its reads. */
export function ignoringUnknownReads<T>(work: () => T): T {
  const outer = reads;
  reads = undefined;
  try {
    return work();
  } finally {
    reads = outer;
  }
}

const RAW = Symbol('raw value');

/** The plain object behind a watched value (see `watchUnknownReads`); the value itself otherwise. */
export function rawValue<T>(value: T): T {
  return (typeof value === 'object' && value !== null && (value as Record<symbol, T>)[RAW]) || value;
}

/**
 * The value of a resource with unknown parts, as rules read it: the same data, noting (for
 * `collectUnknownReads`) each read of a property that is unknown, or that is missing from a
 * mapping that may hold more keys. Listing a mapping's keys is not noted: the keys shown are
 * what they are, and a rule that looks for a particular one asks for it by name.
 */
export function watchUnknownReads(value: Record<string, unknown>, unknown: UnknownValuesOf, owner: () => Resource): Record<string, unknown> {
  const proxies = new WeakMap<object, object>();
  const isOpen = (path: JsonPath) => unknown.open.some((o) => o.length === path.length && isPrefix(o, path));
  const watch = (target: object, path: JsonPath): object => {
    let proxy = proxies.get(target);
    if (proxy) return proxy;
    const doubtful = (key: string | symbol): boolean => {
      if (typeof key !== 'string') return false;
      const own = Object.prototype.hasOwnProperty.call(target, key);
      // Methods and `length` of the object itself are not data.
      if (!own && key in target) return false;
      const seg = Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key;
      const child = [...path, seg];
      return unknown.paths.some((u) => isPrefix(u, child)) || (!own && isOpen(path));
    };
    const note = (key: string | symbol) => {
      if (reads && doubtful(key)) reads.add(owner());
    };
    proxy = new Proxy(target, {
      get(t, key, receiver) {
        if (key === RAW) return t;
        note(key);
        const v = Reflect.get(t, key, receiver) as unknown;
        if (typeof key === 'string' && typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(t, key)) {
          return watch(v, [...path, Array.isArray(t) && /^\d+$/.test(key) ? Number(key) : key]);
        }
        return v;
      },
      has(t, key) {
        note(key);
        return Reflect.has(t, key);
      },
      getOwnPropertyDescriptor(t, key) {
        note(key);
        return Reflect.getOwnPropertyDescriptor(t, key);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  return watch(value, []) as Record<string, unknown>;
}

type UnknownValuesOf = Pick<NonNullable<Resource['unknown']>, 'paths' | 'open'>;

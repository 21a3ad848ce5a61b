import type { Resource } from '../model/resource.js';
import { type LinkerdTarget, parseLinkerdVersion } from './releases.js';

/**
 * Annotations in which Linkerd records its own version: `linkerd.io/created-by` is
 * `<tool> <version>` (`linkerd/helm stable-2.14.10`, `linkerd/cli edge-24.8.2`), and the
 * proxy injector writes `linkerd.io/proxy-version` onto the pods it injects
 * (both defined in pkg/k8s/labels.go in linkerd2).
 */
const CREATED_BY = 'linkerd.io/created-by';
const PROXY_VERSION = 'linkerd.io/proxy-version';

/** A version a manifest states, with where it says so. */
export interface FoundVersion {
  /** What to write as `linkerdVersion`: the minor of a stable release (`2.14`), or the edge release. */
  version: string;
  target: LinkerdTarget;
  resource: Resource;
}

function versionsIn(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) versionsIn(v, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === CREATED_BY && typeof v === 'string') out.push(v.trim().split(/\s+/).at(-1) ?? '');
    else if (key === PROXY_VERSION && typeof v === 'string') out.push(v.trim());
    else versionsIn(v, out);
  }
}

/** `[minor, edge year, month, number]`: edges sort after the stable release of their minor. */
function order(found: FoundVersion): number[] {
  const edge = /^edge-(\d+)\.(\d+)\.(\d+)$/.exec(found.version);
  return [found.target.minor, ...(edge ? edge.slice(1).map(Number) : [-1, -1, -1])];
}

function newer(a: FoundVersion, b: FoundVersion): boolean {
  const [x, y] = [order(a), order(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
}

/**
 * The newest Linkerd release the manifests say they were made by or for, if any says one
 * this linter knows (`stable-2.9.3` and unparsable text are passed over).
 */
export function newestStatedVersion(resources: Iterable<Resource>): FoundVersion | undefined {
  let best: FoundVersion | undefined;
  for (const resource of resources) {
    const texts: string[] = [];
    versionsIn(resource.value, texts);
    for (const text of texts) {
      const target = parseLinkerdVersion(text);
      if ('error' in target) continue;
      const version = text.startsWith('edge-') ? text : target.release;
      const found = { version, target, resource };
      if (!best || newer(found, best)) best = found;
    }
  }
  return best;
}

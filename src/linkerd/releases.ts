/**
 * Linkerd releases the linter knows. Each designated release since 2.15 is an edge
 * release (linkerd/website `linkerd.io/data/versions.yaml`; linkerd2 `version-2.N` tags); an
 * `edge-YY.M.N` target belongs to the first designated
 * release at or after it, and edges newer than the last one belong to the newest.
 */
export const RELEASES = ['2.10', '2.11', '2.12', '2.13', '2.14', '2.15', '2.16', '2.17', '2.18', '2.19', '2.20'] as const;
export type Release = (typeof RELEASES)[number];
export const DEFAULT_RELEASE: Release = '2.20';

/** The edge release each version was designated from. */
const DESIGNATED_EDGES: readonly (readonly [Release, string])[] = [
  ['2.15', 'edge-24.2.4'],
  ['2.16', 'edge-24.8.2'],
  ['2.17', 'edge-24.11.8'],
  ['2.18', 'edge-25.4.4'],
  ['2.19', 'edge-25.10.7'],
  ['2.20', 'edge-26.6.3'],
];

/**
 * Who installs the Gateway API route CRDs (config `gatewayAPI`): see `gateway-api.ts`.
 * `auto`: any install the target release supports; `linkerd`: Linkerd's own bundle;
 * `{ version, channel }`: that upstream release and channel.
 */
export type GatewayApiSetting = 'auto' | 'linkerd' | { version: string; channel: 'standard' | 'experimental' };

/** A resolved target: the release whose facts apply, and what the user wrote. */
export interface LinkerdTarget {
  release: Release;
  /** Minor number, for comparisons: 2.18 → 18. */
  minor: number;
  /** The text as given (`2.18`, `edge-25.4.4`, …). */
  input: string;
  /** Who installs the Gateway API CRDs (config `gatewayAPI`); absent means `auto`. */
  gatewayApi?: GatewayApiSetting;
}

type EdgeTuple = [number, number, number];

function parseEdge(text: string): EdgeTuple | undefined {
  const m = /^edge-(\d{2})\.(\d{1,2})\.(\d{1,3})$/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compareEdge(a: EdgeTuple, b: EdgeTuple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function minorOf(release: Release): number {
  return Number(release.slice(2));
}

/** Parses a version as users write it; returns a message saying what is accepted otherwise. */
export function parseLinkerdVersion(input: string): LinkerdTarget | { error: string } {
  const text = input.trim();
  const edge = parseEdge(text);
  if (edge) {
    const first = parseEdge(DESIGNATED_EDGES[0]![1])!;
    if (compareEdge(edge, first) < 0) {
      return { error: `"${input}" is older than ${DESIGNATED_EDGES[0]![1]} (2.15); give the stable release instead (2.10 … 2.14)` };
    }
    const hit = DESIGNATED_EDGES.find(([, e]) => compareEdge(edge, parseEdge(e)!) <= 0);
    const release = hit ? hit[0] : DEFAULT_RELEASE;
    return { release, minor: minorOf(release), input: text };
  }
  const m = /^(?:stable-|version-|v)?2\.(\d+)(?:\.\d+)?$/.exec(text);
  if (m) {
    const release = `2.${Number(m[1])}` as Release;
    if ((RELEASES as readonly string[]).includes(release)) return { release, minor: minorOf(release), input: text };
  }
  return {
    error: `"${input}" is not a Linkerd version this linter knows; expected one of ${RELEASES.join(', ')} or an edge release such as edge-26.8.3`,
  };
}

export function defaultTarget(): LinkerdTarget {
  return { release: DEFAULT_RELEASE, minor: minorOf(DEFAULT_RELEASE), input: DEFAULT_RELEASE };
}

/** True when `target` is at or after `release` (`atLeast(t, '2.16')`). */
export function atLeast(target: LinkerdTarget, release: Release): boolean {
  return target.minor >= minorOf(release);
}

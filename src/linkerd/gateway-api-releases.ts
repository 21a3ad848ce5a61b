/**
 * What each upstream Gateway API release serves of the four route kinds Linkerd reads,
 * release by release and channel by channel. Read from the CRDs at each release tag of
 * kubernetes-sigs/gateway-api: `config/crd/{standard,experimental}/gateway.networking.k8s.io_{httproutes,grpcroutes,tcproutes,tlsroutes}.yaml`
 * (`config/crd/v1alpha2/` for v0.4.x, which had no channels), fields `spec.versions[].served`,
 * `.storage` and `.deprecated`. A version a CRD lists with `served: false` (HTTPRoute
 * `v1alpha2` from v0.8.0, GRPCRoute `v1alpha2` in v1.1 standard, TLSRoute `v1alpha2` and
 * `v1alpha3` in v1.5+ standard, TCPRoute `v1alpha2` in v1.6+ standard) is left out.
 *
 * One row per minor release: every patch release of a minor (v0.4.0–v0.4.3, v0.5.0–v0.5.1,
 * v0.6.0–v0.6.2, v0.7.0–v0.7.1, v0.8.0–v0.8.1, v1.1.0–v1.1.1, v1.2.0–v1.2.1, v1.4.0–v1.4.1,
 * v1.5.0–v1.5.1, v1.6.0–v1.6.1) serves the same versions, as the project's versioning policy
 * says patch releases only fix (site/content/en/docs/concepts/versioning.md, "What Can Change").
 */

export type GatewayChannel = 'standard' | 'experimental';
export type GatewayRouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute' | 'TLSRoute';

/** The served versions of one route CRD, oldest first, with its storage version. */
export interface Serving {
  served: readonly string[];
  storage: string;
  /** Versions marked `deprecated: true`, with the version to use instead (the storage version). */
  deprecated?: Readonly<Record<string, string>>;
}

export interface UpstreamRelease {
  /** The minor release, `v1.6`; its rows hold for every patch of it. */
  series: string;
  /** The patch releases the row was checked against. */
  tags: readonly string[];
  /** False before v0.5.0: one set of CRDs, which either channel setting means. */
  channels: boolean;
  /** The route CRDs of each channel; a kind a channel lacks is absent. */
  routes: Readonly<Record<GatewayChannel, Readonly<Partial<Record<GatewayRouteKind, Serving>>>>>;
}

const only = (version: string): Serving => ({ served: [version], storage: version });

/** v0.1–v0.3 define their routes in networking.x-k8s.io, a group Linkerd never read. */
const NO_ROUTES = { standard: {}, experimental: {} } as const;

const HTTP_V1ALPHA2_DEPRECATED: Serving = { served: ['v1alpha2', 'v1beta1'], storage: 'v1beta1', deprecated: { v1alpha2: 'v1beta1' } };
const HTTP_V1: Serving = { served: ['v1beta1', 'v1'], storage: 'v1' };
const TLS_V1_EXPERIMENTAL: Serving = { served: ['v1alpha2', 'v1alpha3', 'v1'], storage: 'v1', deprecated: { v1alpha2: 'v1', v1alpha3: 'v1' } };

export const UPSTREAM_RELEASES: readonly UpstreamRelease[] = [
  { series: 'v0.1', tags: ['v0.1.0'], channels: false, routes: NO_ROUTES },
  { series: 'v0.2', tags: ['v0.2.0'], channels: false, routes: NO_ROUTES },
  { series: 'v0.3', tags: ['v0.3.0'], channels: false, routes: NO_ROUTES },
  {
    series: 'v0.4',
    tags: ['v0.4.0', 'v0.4.1', 'v0.4.2', 'v0.4.3'],
    channels: false,
    routes: {
      standard: { HTTPRoute: only('v1alpha2'), TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
      experimental: { HTTPRoute: only('v1alpha2'), TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
    },
  },
  {
    series: 'v0.5',
    tags: ['v0.5.0', 'v0.5.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: { served: ['v1alpha2', 'v1beta1'], storage: 'v1alpha2' } },
      experimental: { HTTPRoute: { served: ['v1alpha2', 'v1beta1'], storage: 'v1alpha2' }, TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
    },
  },
  {
    series: 'v0.6',
    tags: ['v0.6.0', 'v0.6.1', 'v0.6.2'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1ALPHA2_DEPRECATED },
      experimental: { HTTPRoute: HTTP_V1ALPHA2_DEPRECATED, GRPCRoute: only('v1alpha2'), TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
    },
  },
  {
    series: 'v0.7',
    tags: ['v0.7.0', 'v0.7.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1ALPHA2_DEPRECATED },
      experimental: { HTTPRoute: HTTP_V1ALPHA2_DEPRECATED, GRPCRoute: only('v1alpha2'), TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
    },
  },
  {
    series: 'v0.8',
    tags: ['v0.8.0', 'v0.8.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: only('v1beta1') },
      experimental: { HTTPRoute: only('v1beta1'), GRPCRoute: only('v1alpha2'), TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
    },
  },
  {
    series: 'v1.0',
    tags: ['v1.0.0'],
    channels: true,
    routes: {
      // v1 is served, but v1beta1 stays the storage version until v1.1.
      standard: { HTTPRoute: { served: ['v1beta1', 'v1'], storage: 'v1beta1' } },
      experimental: {
        HTTPRoute: { served: ['v1beta1', 'v1'], storage: 'v1beta1' },
        GRPCRoute: only('v1alpha2'),
        TCPRoute: only('v1alpha2'),
        TLSRoute: only('v1alpha2'),
      },
    },
  },
  {
    series: 'v1.1',
    tags: ['v1.1.0', 'v1.1.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1') },
      experimental: {
        HTTPRoute: HTTP_V1,
        GRPCRoute: { served: ['v1alpha2', 'v1'], storage: 'v1', deprecated: { v1alpha2: 'v1' } },
        TCPRoute: only('v1alpha2'),
        TLSRoute: only('v1alpha2'),
      },
    },
  },
  {
    series: 'v1.2',
    tags: ['v1.2.0', 'v1.2.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1') },
      experimental: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1'), TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
    },
  },
  {
    series: 'v1.3',
    tags: ['v1.3.0'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1') },
      experimental: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1'), TCPRoute: only('v1alpha2'), TLSRoute: only('v1alpha2') },
    },
  },
  {
    series: 'v1.4',
    tags: ['v1.4.0', 'v1.4.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1') },
      experimental: {
        HTTPRoute: HTTP_V1,
        GRPCRoute: only('v1'),
        TCPRoute: only('v1alpha2'),
        TLSRoute: { served: ['v1alpha2', 'v1alpha3'], storage: 'v1alpha3' },
      },
    },
  },
  {
    series: 'v1.5',
    tags: ['v1.5.0', 'v1.5.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1'), TLSRoute: only('v1') },
      experimental: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1'), TCPRoute: only('v1alpha2'), TLSRoute: TLS_V1_EXPERIMENTAL },
    },
  },
  {
    series: 'v1.6',
    tags: ['v1.6.0', 'v1.6.1'],
    channels: true,
    routes: {
      standard: { HTTPRoute: HTTP_V1, GRPCRoute: only('v1'), TCPRoute: only('v1'), TLSRoute: only('v1') },
      experimental: {
        HTTPRoute: HTTP_V1,
        GRPCRoute: only('v1'),
        TCPRoute: { served: ['v1alpha2', 'v1'], storage: 'v1', deprecated: { v1alpha2: 'v1' } },
        TLSRoute: TLS_V1_EXPERIMENTAL,
      },
    },
  },
];

/** The newest release the table holds, for messages. */
export const NEWEST_UPSTREAM_TAG = UPSTREAM_RELEASES[UPSTREAM_RELEASES.length - 1]!.tags.at(-1)!;

/** `v1.6.1`, `1.6.1` or `v1.6`: a Gateway API release as users name it. */
const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

export type UpstreamLookup =
  | { state: 'known'; release: UpstreamRelease }
  /** Newer than every release in the table: what it serves is not known here. */
  | { state: 'newer' }
  | { state: 'invalid'; error: string };

function seriesNumbers(series: string): [number, number] {
  const m = VERSION.exec(series)!;
  return [Number(m[1]), Number(m[2])];
}

/** Finds the release a version names. Any patch of a known minor counts as that minor. */
export function lookupUpstreamRelease(version: string): UpstreamLookup {
  const m = VERSION.exec(version.trim());
  if (!m) return { state: 'invalid', error: `"${version}" is not a Gateway API release; expected a version such as ${NEWEST_UPSTREAM_TAG}` };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const release = UPSTREAM_RELEASES.find((r) => {
    const [a, b] = seriesNumbers(r.series);
    return a === major && b === minor;
  });
  if (release) return { state: 'known', release };
  const [newestMajor, newestMinor] = seriesNumbers(UPSTREAM_RELEASES[UPSTREAM_RELEASES.length - 1]!.series);
  if (major > newestMajor || (major === newestMajor && minor > newestMinor)) return { state: 'newer' };
  return { state: 'invalid', error: `"${version}" is not a Gateway API release; releases are ${seriesRanges()} (or a newer one)` };
}

/** `v0.1 … v0.8, v1.0 … v1.6`: the table's minors, one range per major. */
function seriesRanges(): string {
  const byMajor = new Map<number, string[]>();
  for (const r of UPSTREAM_RELEASES) {
    const major = seriesNumbers(r.series)[0];
    byMajor.set(major, [...(byMajor.get(major) ?? []), r.series]);
  }
  return [...byMajor.values()].map((s) => (s.length > 1 ? `${s[0]} … ${s.at(-1)}` : s[0])).join(', ');
}

/** The release of a series (`v1.2`), which the caller knows to be in the table. */
export function upstreamSeries(series: string): UpstreamRelease {
  const release = UPSTREAM_RELEASES.find((r) => r.series === series);
  if (!release) throw new Error(`no Gateway API release ${series}`);
  return release;
}

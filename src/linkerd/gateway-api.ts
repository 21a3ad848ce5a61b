import type { CrdEra } from './crds.js';
import {
  type GatewayChannel,
  NEWEST_UPSTREAM_TAG,
  type Serving,
  type UpstreamRelease,
  lookupUpstreamRelease,
  upstreamSeries,
} from './gateway-api-releases.js';
import { type LinkerdTarget, minorOf } from './releases.js';
import type { JsonPath } from '../model/path.js';

/**
 * Who installs the Gateway API route CRDs, and so which of their versions are served.
 * Linkerd bundled them by default up to 2.18; from 2.19 (linkerd2 `charts/linkerd-crds/values.yaml`,
 * `installGatewayAPI: false`) they are usually an upstream install, whose releases serve
 * other versions (gateway-api-releases.ts).
 *
 * - `auto` (default): any of the CRD sets a user of the target release may have — the
 *   Linkerd bundle or an upstream release Linkerd supports, in either channel. A version
 *   is unserved only when none of them serves it, so nothing is reported that some
 *   supported install accepts.
 * - `linkerd`: Linkerd's own bundle of the target release.
 * - `{ version, channel }`: that upstream release and channel. A release newer than the
 *   table is `newer`: what it serves is not known, so nothing is said about it.
 */

export type ResolvedGatewayApi =
  | { kind: 'bundle' }
  | { kind: 'upstream'; version: string; release: UpstreamRelease; channel: GatewayChannel }
  | { kind: 'newer'; version: string; channel: GatewayChannel }
  | { kind: 'any' };

/**
 * The upstream minor releases each Linkerd release supports, from the compatibility table
 * of Linkerd's docs (linkerd/website linkerd.io/content/2-edge/features/gateway-api.md):
 * 2.15–2.17 ↔ 0.7–1.1.1, 2.18–2.19 ↔ 1.1.1–1.2.1, 2.20 ↔ 1.2.1–1.5.1. The table starts at
 * 2.15; 2.14 is given the range of 2.15, whose bundle (v0.7.1-dev) it shares.
 */
function supportedUpstreamReleases(release: number): UpstreamRelease[] {
  if (release >= 20) return ['v1.2', 'v1.3', 'v1.4', 'v1.5'].map(upstreamSeries);
  if (release >= 18) return ['v1.1', 'v1.2'].map(upstreamSeries);
  if (release >= 14) return ['v0.7', 'v0.8', 'v1.0', 'v1.1'].map(upstreamSeries);
  return [];
}

/**
 * The routes Linkerd's bundle holds in a release (linkerd2 `charts/linkerd-crds/templates/gateway.networking.k8s.io_*.yaml`
 * at each release tag), or undefined when it bundles none of that kind.
 */
function bundleServing(kind: string, release: number): (Serving & { superseded?: Record<string, string> }) | undefined {
  switch (kind) {
    case 'HTTPRoute':
      if (release >= 18) return { served: ['v1beta1', 'v1'], storage: 'v1', superseded: { v1beta1: 'v1' } };
      if (release >= 16) return { served: ['v1alpha2', 'v1beta1'], storage: 'v1beta1', deprecated: { v1alpha2: 'v1beta1' } };
      if (release >= 14) return { served: ['v1beta1'], storage: 'v1beta1' };
      return undefined;
    case 'GRPCRoute':
      if (release >= 18) return { served: ['v1alpha2', 'v1'], storage: 'v1', deprecated: { v1alpha2: 'v1' } };
      if (release >= 16) return { served: ['v1alpha2'], storage: 'v1alpha2' };
      return undefined;
    case 'TCPRoute':
    case 'TLSRoute':
      return release >= 17 ? { served: ['v1alpha2'], storage: 'v1alpha2' } : undefined;
    default:
      return undefined;
  }
}

function upstreamServing(kind: string, release: UpstreamRelease, channel: GatewayChannel): Serving | undefined {
  return (release.routes[channel] as Partial<Record<string, Serving>>)[kind];
}

const VERSION_ORDER = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1beta1', 'v1'];

export function resolveGatewayApiSource(target: LinkerdTarget): ResolvedGatewayApi {
  const setting = target.gatewayApi ?? 'auto';
  if (setting === 'linkerd') return { kind: 'bundle' };
  if (setting === 'auto') return { kind: 'any' };
  const found = lookupUpstreamRelease(setting.version);
  if (found.state === 'known') return { kind: 'upstream', version: setting.version, release: found.release, channel: setting.channel };
  // Config resolution refuses versions that name no release; what remains is newer than the table.
  return { kind: 'newer', version: setting.version, channel: setting.channel };
}

/**
 * The CRD of a Gateway API route kind as the target's Gateway API install serves it.
 * Undefined when no install Linkerd supports in that release holds the kind, before 2.14
 * (Linkerd did not read Gateway API routes at all), and for an upstream release newer than
 * this linter knows (`apiVersionStatus` tells that case apart).
 */
export function gatewayApiServing(kind: string, target: LinkerdTarget): CrdEra | undefined {
  const release = target.minor;
  if (release < minorOf('2.14')) return undefined;
  const source = resolveGatewayApiSource(target);
  const bundle = bundleServing(kind, release);
  const era = (s: Serving & { superseded?: Record<string, string> }): CrdEra => ({
    from: target.release,
    served: s.served,
    storage: s.storage,
    ...(s.deprecated ? { deprecated: s.deprecated } : {}),
    ...(s.superseded ? { superseded: s.superseded } : {}),
    owner: 'gateway-api',
  });
  if (source.kind === 'bundle') return bundle && era(bundle);
  if (source.kind === 'newer') return undefined;
  if (source.kind === 'upstream') {
    const s = upstreamServing(kind, source.release, source.channel);
    return s && era(s);
  }
  const sets = [
    bundle,
    ...supportedUpstreamReleases(release).flatMap((r) => [upstreamServing(kind, r, 'standard'), upstreamServing(kind, r, 'experimental')]),
  ].filter((s): s is Serving => s !== undefined);
  if (sets.length === 0) return undefined;
  const served = VERSION_ORDER.filter((v) => sets.some((s) => s.served.includes(v)));
  // Deprecation follows Linkerd's bundle when the release has one; the union only widens what is served.
  if (!bundle) return era({ served, storage: sets[sets.length - 1]!.storage });
  return era({ ...bundle, served });
}

/** True when the target names an upstream Gateway API release newer than this linter knows. */
export function gatewayApiIsUnknown(target: LinkerdTarget): boolean {
  return resolveGatewayApiSource(target).kind === 'newer';
}

/** The upstream install as messages name it: `Gateway API v1.2.1 (standard channel)`; v0.x before v0.5 had no channels. */
export function describeUpstream(source: Extract<ResolvedGatewayApi, { kind: 'upstream' }>): string {
  return source.release.channels ? `Gateway API ${source.version} (${source.channel} channel)` : `Gateway API ${source.version}`;
}

/**
 * What to tell the user about the `gatewayAPI` setting before linting, when there is
 * something: a release newer than the table, whose routes are then not checked.
 */
export function gatewayApiNotice(target: LinkerdTarget): string | undefined {
  const source = resolveGatewayApiSource(target);
  if (source.kind !== 'newer') return undefined;
  return (
    `gatewayAPI: Gateway API ${source.version} is newer than the releases this linter knows (up to ${NEWEST_UPSTREAM_TAG}), ` +
    `so HTTPRoute, GRPCRoute, TCPRoute and TLSRoute resources are not checked; name a release it knows to check them against that one`
  );
}

/**
 * True when the Gateway API schema we hold (upstream v1.1.1, the bundle of 2.18) is
 * exactly the one in use, so unknown fields and unknown enum values are real errors.
 * With other installs newer fields (e.g. a CORS filter) may be legal.
 */
export function gatewaySchemaIsExact(target: LinkerdTarget): boolean {
  const source = resolveGatewayApiSource(target);
  if (source.kind === 'bundle') return target.minor >= minorOf('2.18');
  if (source.kind === 'upstream') return source.release.series === 'v1.1' && source.channel === 'experimental';
  return false;
}

/** Where a filter sits in a route: a rule's filters and a backendRef's. */
function inFilters(...fields: string[]): string[] {
  return ['spec.rules[].filters[]', 'spec.rules[].backendRefs[].filters[]'].flatMap((at) => fields.map((f) => `${at}.${f}`));
}

const HEADER_MODIFIER_LISTS = ['requestHeaderModifier', 'responseHeaderModifier'].flatMap((m) => ['add', 'set', 'remove'].map((l) => `${m}.${l}`));
const COMMON_LISTS = ['spec.parentRefs', 'spec.rules', 'spec.rules[].backendRefs'];
const SESSION_PERSISTENCE = ['spec.rules[].sessionPersistence.type', 'spec.rules[].sessionPersistence.cookieConfig.lifetimeType'];

/**
 * Limits of our v1.1.1 route shapes that no Gateway API release loosens: every release from
 * v0.4.0 to v1.6.1, in both channels and every served version, allows no enum value and no
 * list length there that our shapes refuse (compared CRD by CRD, in the files
 * gateway-api-releases.ts names), so such a problem is real whatever the install. Left out
 * because later releases accept more: HTTPRoute filter `type` (`CORS` from v1.3, `ExternalAuth`
 * in v1.4+ experimental), `requestRedirect.statusCode` (303, 307, 308 from v1.5), the length
 * of `rules[].matches` (64 from v1.2 for HTTPRoute, from v1.3 for GRPCRoute) and of TLSRoute
 * `hostnames` (1024 from v1.6).
 */
const STABLE_LIMITS: Readonly<Record<string, { enum: readonly string[]; maxItems: readonly string[] }>> = {
  HTTPRoute: {
    enum: [
      'spec.rules[].matches[].path.type',
      'spec.rules[].matches[].headers[].type',
      'spec.rules[].matches[].queryParams[].type',
      'spec.rules[].matches[].method',
      ...inFilters('requestRedirect.scheme', 'requestRedirect.path.type', 'urlRewrite.path.type'),
      ...SESSION_PERSISTENCE,
    ],
    maxItems: [
      ...COMMON_LISTS,
      'spec.hostnames',
      'spec.rules[].matches[].headers',
      'spec.rules[].matches[].queryParams',
      'spec.rules[].filters',
      'spec.rules[].backendRefs[].filters',
      ...inFilters(...HEADER_MODIFIER_LISTS),
    ],
  },
  GRPCRoute: {
    enum: ['spec.rules[].matches[].method.type', 'spec.rules[].matches[].headers[].type', ...inFilters('type'), ...SESSION_PERSISTENCE],
    maxItems: [
      ...COMMON_LISTS,
      'spec.hostnames',
      'spec.rules[].matches[].headers',
      'spec.rules[].filters',
      'spec.rules[].backendRefs[].filters',
      ...inFilters(...HEADER_MODIFIER_LISTS),
    ],
  },
  TCPRoute: { enum: [], maxItems: COMMON_LISTS },
  TLSRoute: { enum: [], maxItems: COMMON_LISTS },
};

/** `spec.rules[].matches[].method` for `['spec', 'rules', 0, 'matches', 1, 'method']`. */
function shapePath(path: JsonPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? '[]' : i === 0 ? seg : `.${seg}`)).join('');
}

/**
 * True when a schema problem of a Gateway API route (`keyword` failed at `path`) holds for
 * every release this linter knows, so it is reported even where our shapes are not exact.
 */
export function gatewayLimitIsStable(kind: string, keyword: string, path: JsonPath): boolean {
  const limits = STABLE_LIMITS[kind];
  if (!limits || (keyword !== 'enum' && keyword !== 'maxItems')) return false;
  return limits[keyword].includes(shapePath(path));
}

/** The stable limits, for tests that check them against the schemas. */
export function stableGatewayLimits(): Readonly<Record<string, { enum: readonly string[]; maxItems: readonly string[] }>> {
  return STABLE_LIMITS;
}

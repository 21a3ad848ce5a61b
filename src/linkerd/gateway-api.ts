import type { CrdEra } from './crds.js';
import { type LinkerdTarget, minorOf } from './releases.js';

/**
 * Who installs the Gateway API route CRDs, and so which of their versions are served.
 * Linkerd bundled them by default up to 2.18; from 2.19
 * they are usually an upstream install, and upstream serves other versions (GRPCRoute
 * v1alpha2 is gone from v1.2.0, TCPRoute and TLSRoute live in the experimental channel).
 * Sources: linkerd2 `charts/linkerd-crds/templates/gateway.networking.k8s.io_*.yaml` and
 * `installGatewayAPI` in `charts/linkerd-crds/values.yaml` at each release tag (false from
 * 2.19); gateway-api `config/crd/{standard,experimental}/` at each release.
 *
 * - `auto` (default): any of the CRD sets a user of the target release may have — the
 *   Linkerd bundle or an upstream release Linkerd supports, in either channel. A version
 *   is unserved only when none of them serves it, so nothing is reported that some
 *   supported install accepts.
 * - `linkerd`: Linkerd's own bundle of the target release.
 * - `{ version, channel }`: that upstream release and channel.
 */

export type ResolvedGatewayApi =
  | { kind: 'bundle' }
  | { kind: 'upstream'; version: string; minor: number; channel: 'standard' | 'experimental' }
  | { kind: 'any' };

/**
 * Upstream minor versions (1.N; 0 stands for v0.x and v1.0) each Linkerd release supports,
 * from the docs' compatibility table (https://linkerd.io/2-edge/features/gateway-api/); 2.14 is
 * given the range of 2.15.
 */
function supportedUpstreamMinors(release: number): number[] {
  if (release >= 20) return [2, 3, 4, 5];
  if (release >= 18) return [1, 2];
  if (release >= 14) return [0, 1];
  return [];
}

/** Versions served by an upstream release: oldest first, with its storage version. */
interface Serving {
  served: string[];
  storage: string;
  deprecated?: Record<string, string>;
}

function upstreamServing(kind: string, minor: number, channel: 'standard' | 'experimental'): Serving | undefined {
  const experimental = channel === 'experimental';
  switch (kind) {
    case 'HTTPRoute':
      // v0.x and v1.0 still served v1alpha2.
      return minor === 0 ? { served: ['v1alpha2', 'v1beta1', 'v1'], storage: 'v1' } : { served: ['v1beta1', 'v1'], storage: 'v1' };
    case 'GRPCRoute':
      if (minor >= 2) return { served: ['v1'], storage: 'v1' };
      if (minor === 1) return experimental ? { served: ['v1alpha2', 'v1'], storage: 'v1', deprecated: { v1alpha2: 'v1' } } : { served: ['v1'], storage: 'v1' };
      return experimental ? { served: ['v1alpha2'], storage: 'v1alpha2' } : undefined;
    case 'TCPRoute':
      return experimental ? { served: ['v1alpha2'], storage: 'v1alpha2' } : undefined;
    case 'TLSRoute':
      if (minor >= 5) {
        return experimental
          ? { served: ['v1alpha2', 'v1alpha3', 'v1'], storage: 'v1', deprecated: { v1alpha2: 'v1', v1alpha3: 'v1' } }
          : { served: ['v1'], storage: 'v1' };
      }
      if (!experimental) return undefined;
      return minor >= 4 ? { served: ['v1alpha2', 'v1alpha3'], storage: 'v1alpha3' } : { served: ['v1alpha2'], storage: 'v1alpha2' };
    default:
      return undefined;
  }
}

/** The routes Linkerd's bundle holds in a release (linkerd2 `charts/linkerd-crds/templates/gateway.networking.k8s.io_*.yaml` at its tag), or undefined when it bundles none of that kind. */
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

const VERSION_ORDER = ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1beta1', 'v1'];

function parseUpstreamMinor(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : 0;
}

export function resolveGatewayApiSource(target: LinkerdTarget): ResolvedGatewayApi {
  const setting = target.gatewayApi ?? 'auto';
  if (setting === 'linkerd') return { kind: 'bundle' };
  if (setting === 'auto') return { kind: 'any' };
  return { kind: 'upstream', version: setting.version, minor: parseUpstreamMinor(setting.version), channel: setting.channel };
}

/**
 * The CRD of a Gateway API route kind as the target's Gateway API install serves it.
 * Undefined when no install Linkerd supports in that release holds the kind, or, before
 * 2.14, because Linkerd did not read Gateway API routes at all.
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
  if (source.kind === 'upstream') {
    const s = upstreamServing(kind, source.minor, source.channel);
    return s && era(s);
  }
  const sets = [bundle, ...supportedUpstreamMinors(release).flatMap((m) => [upstreamServing(kind, m, 'standard'), upstreamServing(kind, m, 'experimental')])].filter(
    (s): s is Serving => s !== undefined,
  );
  if (sets.length === 0) return undefined;
  const served = VERSION_ORDER.filter((v) => sets.some((s) => s.served.includes(v)));
  // Deprecation follows Linkerd's bundle when the release has one; the union only widens what is served.
  if (!bundle) return era({ served, storage: sets[sets.length - 1]!.storage });
  return era({ ...bundle, served });
}

/**
 * True when the Gateway API schema we hold (upstream v1.1.1, the bundle of 2.18) is
 * exactly the one in use, so unknown fields and unknown enum values are real errors.
 * With other installs newer fields (e.g. a CORS filter) may be legal.
 */
export function gatewaySchemaIsExact(target: LinkerdTarget): boolean {
  const source = resolveGatewayApiSource(target);
  if (source.kind === 'bundle') return target.minor >= minorOf('2.18');
  if (source.kind === 'upstream') return source.minor === 1 && source.channel === 'experimental';
  return false;
}

import { describeUpstream, gatewayApiIsUnknown, gatewayApiServing, resolveGatewayApiSource } from './gateway-api.js';
import type { CrdEra, CrdOwner } from './crds.js';
import { type GatewayApiSetting, type LinkerdTarget, RELEASES, type Release, minorOf } from './releases.js';

export type { CrdEra, CrdOwner } from './crds.js';

/**
 * Which apiVersions of each Linkerd kind a release serves, as the CRDs at its tag declare
 * them (linkerd2 `charts/linkerd-crds/templates/` from 2.12, `charts/linkerd2/templates/*-crd.yaml`
 * before, `multicluster/charts/linkerd-multicluster/templates/link-crd.yaml`; linkerd-smi
 * `charts/linkerd-smi/templates/trafficsplit-crd.yaml`).
 * Every rule that cares about apiVersions asks this module; nothing else lists versions.
 */

export interface KindHistory {
  group: string;
  kind: string;
  eras: readonly CrdEra[];
}

const L = 'linkerd' as const;

/** The Linkerd-owned kinds. Gateway API kinds come from `gateway-api.ts`, which knows the bundles. */
const HISTORIES: readonly KindHistory[] = [
  {
    group: 'linkerd.io',
    kind: 'ServiceProfile',
    eras: [{ from: '2.10', served: ['v1alpha1', 'v1alpha2'], storage: 'v1alpha2', superseded: { v1alpha1: 'v1alpha2' }, owner: L }],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'Server',
    eras: [
      { from: '2.11', served: ['v1alpha1', 'v1beta1'], storage: 'v1beta1', owner: L },
      { from: '2.12', served: ['v1alpha1', 'v1beta1'], storage: 'v1beta1', deprecated: { v1alpha1: 'v1beta1' }, owner: L },
      {
        from: '2.15',
        served: ['v1alpha1', 'v1beta1', 'v1beta2'],
        storage: 'v1beta2',
        deprecated: { v1alpha1: 'v1beta2', v1beta1: 'v1beta2' },
        owner: L,
      },
      {
        from: '2.16',
        served: ['v1alpha1', 'v1beta1', 'v1beta2', 'v1beta3'],
        storage: 'v1beta3',
        deprecated: { v1alpha1: 'v1beta3', v1beta1: 'v1beta3' },
        owner: L,
      },
    ],
  },
  {
    group: 'policy.linkerd.io',
    kind: 'ServerAuthorization',
    eras: [
      { from: '2.11', served: ['v1alpha1', 'v1beta1'], storage: 'v1beta1', owner: L },
      { from: '2.12', served: ['v1alpha1', 'v1beta1'], storage: 'v1beta1', deprecated: { v1alpha1: 'v1beta1' }, owner: L },
    ],
  },
  ...['AuthorizationPolicy', 'MeshTLSAuthentication', 'NetworkAuthentication'].map((kind) => ({
    group: 'policy.linkerd.io',
    kind,
    eras: [{ from: '2.12' as Release, served: ['v1alpha1'], storage: 'v1alpha1', owner: L }],
  })),
  {
    group: 'policy.linkerd.io',
    kind: 'HTTPRoute',
    eras: [
      { from: '2.12', served: ['v1alpha1', 'v1beta1'], storage: 'v1alpha1', owner: L },
      {
        from: '2.13',
        served: ['v1alpha1', 'v1beta1', 'v1beta2'],
        storage: 'v1beta2',
        superseded: { v1alpha1: 'v1beta2', v1beta1: 'v1beta2' },
        owner: L,
      },
      {
        from: '2.14',
        served: ['v1alpha1', 'v1beta1', 'v1beta2', 'v1beta3'],
        storage: 'v1beta3',
        superseded: { v1alpha1: 'v1beta3', v1beta1: 'v1beta3', v1beta2: 'v1beta3' },
        owner: L,
      },
    ],
  },
  ...['HTTPLocalRateLimitPolicy', 'EgressNetwork'].map((kind) => ({
    group: 'policy.linkerd.io',
    kind,
    eras: [{ from: '2.17' as Release, served: ['v1alpha1'], storage: 'v1alpha1', owner: L }],
  })),
  {
    group: 'workload.linkerd.io',
    kind: 'ExternalWorkload',
    eras: [{ from: '2.15', served: ['v1alpha1', 'v1beta1'], storage: 'v1beta1', superseded: { v1alpha1: 'v1beta1' }, owner: L }],
  },
  {
    group: 'multicluster.linkerd.io',
    kind: 'Link',
    eras: [
      { from: '2.10', served: ['v1alpha1'], storage: 'v1alpha1', owner: 'linkerd-multicluster' },
      {
        from: '2.17',
        served: ['v1alpha1', 'v1alpha2'],
        storage: 'v1alpha2',
        superseded: { v1alpha1: 'v1alpha2' },
        owner: 'linkerd-multicluster',
      },
      {
        from: '2.18',
        served: ['v1alpha1', 'v1alpha2', 'v1alpha3'],
        storage: 'v1alpha3',
        superseded: { v1alpha1: 'v1alpha3', v1alpha2: 'v1alpha3' },
        owner: 'linkerd-multicluster',
      },
    ],
  },
  {
    group: 'split.smi-spec.io',
    kind: 'TrafficSplit',
    eras: [
      // v1alpha2 arrived in 2.10.1; a `2.10` target covers every 2.10.x, so it counts as served.
      { from: '2.10', served: ['v1alpha1', 'v1alpha2'], storage: 'v1alpha1', owner: L },
      { from: '2.12', served: ['v1alpha1', 'v1alpha2'], storage: 'v1alpha1', owner: 'linkerd-smi' },
    ],
  },
];

/** API groups whose kinds this linter knows. Any apiVersion in them is judged. */
export const LINKERD_API_GROUPS: readonly string[] = [
  'linkerd.io',
  'policy.linkerd.io',
  'workload.linkerd.io',
  'multicluster.linkerd.io',
  'split.smi-spec.io',
  'gateway.networking.k8s.io',
];

/** Gateway API kinds Linkerd reads; other Gateway API kinds (Gateway, ReferenceGrant…) are not ours to judge. */
export const GATEWAY_ROUTE_KINDS: readonly string[] = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

/** Every kind this linter validates, by name (for rules' `meta.kinds`). */
export const LINKERD_KINDS: readonly string[] = [...new Set([...HISTORIES.map((h) => h.kind), ...GATEWAY_ROUTE_KINDS])].sort();

function eraAt(history: KindHistory, target: LinkerdTarget): CrdEra | undefined {
  let hit: CrdEra | undefined;
  for (const era of history.eras) if (minorOf(era.from) <= target.minor) hit = era;
  return hit;
}

/** The CRD of `group`/`kind` as the target release ships it, or undefined when it ships none. */
export function crdAt(group: string, kind: string, target: LinkerdTarget): CrdEra | undefined {
  if (group === 'gateway.networking.k8s.io') return gatewayApiServing(kind, target);
  const history = HISTORIES.find((h) => h.group === group && h.kind === kind);
  return history && eraAt(history, target);
}

/** True when the linter knows `group`/`kind` as a Linkerd kind (in some release). */
export function isKnownKind(group: string, kind: string): boolean {
  if (group === 'gateway.networking.k8s.io') return GATEWAY_ROUTE_KINDS.includes(kind);
  return HISTORIES.some((h) => h.group === group && h.kind === kind);
}

/** The first release that ships `group`/`kind` with `version`, when one does. */
export function firstReleaseServing(group: string, kind: string, version: string, gatewayApi?: GatewayApiSetting): Release | undefined {
  return RELEASES.find((release) => {
    const era = crdAt(group, kind, { release, minor: minorOf(release), input: release, ...(gatewayApi ? { gatewayApi } : {}) });
    return era?.served.includes(version);
  });
}

/** The verdict on one resource's apiVersion for the target release. */
export type ApiVersionStatus =
  | { state: 'not-linkerd' }
  | { state: 'unknown-kind'; group: string; kind: string }
  | { state: 'kind-absent'; group: string; kind: string; since: Release | undefined }
  | { state: 'unserved'; group: string; kind: string; version: string; era: CrdEra; since: Release | undefined }
  /** A Gateway API route under an upstream release newer than this linter knows: nothing is known of its serving. */
  | { state: 'unknown-gateway-release'; group: string; kind: string; version: string }
  | {
      state: 'served';
      group: string;
      kind: string;
      version: string;
      era: CrdEra;
      /** Set when the version is deprecated or superseded in the target release. */
      replacedBy?: { version: string; why: 'deprecated' | 'superseded' };
    };

export function apiVersionStatus(group: string, version: string, kind: string | undefined, target: LinkerdTarget): ApiVersionStatus {
  if (!LINKERD_API_GROUPS.includes(group) || !kind) return { state: 'not-linkerd' };
  if (!isKnownKind(group, kind)) {
    // Gateway API has kinds Linkerd does not read (Gateway, ReferenceGrant, …); they are not ours.
    return group === 'gateway.networking.k8s.io' ? { state: 'not-linkerd' } : { state: 'unknown-kind', group, kind };
  }
  const gatewayApi = target.gatewayApi;
  if (group === 'gateway.networking.k8s.io' && target.minor >= minorOf('2.14') && gatewayApiIsUnknown(target)) {
    return { state: 'unknown-gateway-release', group, kind, version };
  }
  const era = crdAt(group, kind, target);
  // Without a named Gateway API install, a route kind no supported install holds may still come
  // from one Linkerd does not know of (and Linkerd before 2.14 reads no Gateway API routes).
  if (!era && group === 'gateway.networking.k8s.io' && (target.minor < minorOf('2.14') || resolveGatewayApiSource(target).kind === 'any')) {
    return { state: 'not-linkerd' };
  }
  if (!era) return { state: 'kind-absent', group, kind, since: firstReleaseServing(group, kind, version, gatewayApi) ?? firstRelease(group, kind, gatewayApi) };
  if (!era.served.includes(version)) {
    return { state: 'unserved', group, kind, version, era, since: laterReleaseServing(group, kind, version, target) };
  }
  const dep = era.deprecated?.[version];
  const sup = era.superseded?.[version];
  const status: ApiVersionStatus = { state: 'served', group, kind, version, era };
  if (dep) status.replacedBy = { version: dep, why: 'deprecated' };
  else if (sup) status.replacedBy = { version: sup, why: 'superseded' };
  return status;
}

function firstRelease(group: string, kind: string, gatewayApi: GatewayApiSetting | undefined): Release | undefined {
  return RELEASES.find((release) => crdAt(group, kind, { release, minor: minorOf(release), input: release, ...(gatewayApi ? { gatewayApi } : {}) }));
}

/** The first release after the target that serves `version`, to tell users when it arrives. */
function laterReleaseServing(group: string, kind: string, version: string, target: LinkerdTarget): Release | undefined {
  return RELEASES.find((release) => {
    if (minorOf(release) <= target.minor) return false;
    const t: LinkerdTarget = { release, minor: minorOf(release), input: release, ...(target.gatewayApi ? { gatewayApi: target.gatewayApi } : {}) };
    return crdAt(group, kind, t)?.served.includes(version);
  });
}

/** The target as messages name it: `2.18`, or `edge-26.8.3 (2.20)` for an edge release. */
export function targetLabel(target: LinkerdTarget): string {
  return target.input.startsWith('edge-') ? `${target.input} (${target.release})` : target.release;
}

/** Describes who serves the kind in the target release, for messages. */
export function servingSource(era: Pick<CrdEra, 'owner'>, target: LinkerdTarget): string {
  switch (era.owner) {
    case 'linkerd':
      return `Linkerd ${targetLabel(target)}`;
    case 'linkerd-smi':
      return `the linkerd-smi extension (Linkerd ${targetLabel(target)})`;
    case 'linkerd-multicluster':
      return `the multicluster extension of Linkerd ${targetLabel(target)}`;
    case 'gateway-api':
      return describeGatewayApi(target);
  }
}

/** Who would serve `group`/`kind` in the target release, for messages about a kind it lacks. */
export function kindSource(group: string, kind: string, target: LinkerdTarget): string {
  const history = HISTORIES.find((h) => h.group === group && h.kind === kind);
  const owner: CrdOwner = group === 'gateway.networking.k8s.io' ? 'gateway-api' : (history?.eras[0]?.owner ?? 'linkerd');
  return servingSource({ owner }, target);
}

function describeGatewayApi(target: LinkerdTarget): string {
  const source = resolveGatewayApiSource(target);
  if (source.kind === 'bundle') return `the Gateway API CRDs bundled with Linkerd ${targetLabel(target)}`;
  if (source.kind === 'upstream') return describeUpstream(source);
  if (source.kind === 'newer') return `Gateway API ${source.version} (${source.channel} channel)`;
  return `the Gateway API CRDs that Linkerd ${targetLabel(target)} supports`;
}

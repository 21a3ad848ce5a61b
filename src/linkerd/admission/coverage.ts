import type { Release } from '../releases.js';

export const POLICY_GROUP = 'policy.linkerd.io';
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/**
 * The first release whose policy validating webhook sees each kind (its `rules` in linkerd2
 * `charts/linkerd-control-plane/templates/destination-rbac.yaml` at each release tag,
 * `charts/linkerd2/templates/destination-rbac.yaml` before 2.12).
 * ServerAuthorization arrived in the 2.11.2 patch; a release stands for its latest patch.
 */
const WEBHOOK_SINCE: Record<string, Release> = {
  [`${POLICY_GROUP}/Server`]: '2.11',
  [`${POLICY_GROUP}/ServerAuthorization`]: '2.11',
  [`${POLICY_GROUP}/AuthorizationPolicy`]: '2.12',
  [`${POLICY_GROUP}/HTTPRoute`]: '2.12',
  [`${POLICY_GROUP}/MeshTLSAuthentication`]: '2.12',
  [`${POLICY_GROUP}/NetworkAuthentication`]: '2.12',
  [`${GATEWAY_GROUP}/HTTPRoute`]: '2.15',
  [`${GATEWAY_GROUP}/GRPCRoute`]: '2.16',
  [`${POLICY_GROUP}/HTTPLocalRateLimitPolicy`]: '2.17',
  [`${POLICY_GROUP}/EgressNetwork`]: '2.17',
  [`${GATEWAY_GROUP}/TLSRoute`]: '2.17',
  [`${GATEWAY_GROUP}/TCPRoute`]: '2.17',
};

export function webhookSince(group: string, kind: string): Release | undefined {
  return WEBHOOK_SINCE[`${group}/${kind}`];
}

/**
 * Gateway API route kinds whose CRDs carry validation rules (`x-kubernetes-validations` in
 * linkerd2 `charts/linkerd-crds/templates/gateway.networking.k8s.io_*.yaml` from 2.18, and in
 * gateway-api `config/crd/experimental/`). Linkerd's bundled
 * Gateway CRDs have them from 2.18; from 2.19 upstream CRDs are the default, whose
 * experimental channel has the same rules (the standard channel has a few stricter ones,
 * which we leave out to stay on the safe side).
 */
export const CEL_ROUTE_KINDS: readonly string[] = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];
export const CEL_SINCE: Release = '2.18';

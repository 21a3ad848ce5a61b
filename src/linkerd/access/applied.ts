import type { Resource } from '../../model/resource.js';
import { admissionProblems } from '../admission.js';
import { GATEWAY_GROUP, POLICY_GROUP } from '../admission/coverage.js';
import { apiVersionStatus, targetLabel } from '../api-versions.js';
import { type LinkerdTarget, type Release, atLeast } from '../releases.js';

/**
 * Whether a policy object takes effect on the target release: the release serves its
 * apiVersion, its policy controller reads the kind, and admission accepts it. An object
 * that fails any of these never reaches a proxy, so the access model leaves it out and
 * says why.
 */
export type Applied = { applied: true } | { applied: false; why: string };

/**
 * The first release whose policy controller indexes each inbound kind (linkerd2
 * `policy-controller/k8s/index/src/inbound/index.rs` at each release tag: Gateway API
 * HTTPRoutes from 2.14, GRPCRoutes from 2.16).
 */
const READ_SINCE: Record<string, Release> = {
  [`${POLICY_GROUP}/Server`]: '2.11',
  [`${POLICY_GROUP}/ServerAuthorization`]: '2.11',
  [`${POLICY_GROUP}/AuthorizationPolicy`]: '2.12',
  [`${POLICY_GROUP}/MeshTLSAuthentication`]: '2.12',
  [`${POLICY_GROUP}/NetworkAuthentication`]: '2.12',
  [`${POLICY_GROUP}/HTTPRoute`]: '2.12',
  [`${GATEWAY_GROUP}/HTTPRoute`]: '2.14',
  [`${GATEWAY_GROUP}/GRPCRoute`]: '2.16',
};

const cache = new WeakMap<Resource, Map<string, Applied>>();

export function appliedOn(resource: Resource, target: LinkerdTarget): Applied {
  let byTarget = cache.get(resource);
  if (!byTarget) cache.set(resource, (byTarget = new Map()));
  let verdict = byTarget.get(target.input);
  if (!verdict) byTarget.set(target.input, (verdict = decide(resource, target)));
  return verdict;
}

function decide(resource: Resource, target: LinkerdTarget): Applied {
  const kind = resource.kind ?? '';
  const since = READ_SINCE[`${resource.group}/${kind}`];
  if (since && !atLeast(target, since)) return { applied: false, why: `Linkerd ${targetLabel(target)} does not read ${kind} (from ${since})` };
  const status = apiVersionStatus(resource.group, resource.version, kind, target);
  if (status.state === 'kind-absent') return { applied: false, why: `Linkerd ${targetLabel(target)} has no ${kind} CRD` };
  if (status.state === 'unserved') return { applied: false, why: `Linkerd ${targetLabel(target)} does not serve ${resource.apiVersion}` };
  const problem = admissionProblems(resource, target)[0];
  if (problem) return { applied: false, why: `admission refuses it: ${problem.message}` };
  return { applied: true };
}

import { isObject } from '../../model/k8s.js';
import type { Resource } from '../../model/resource.js';
import type { ManifestTree } from '../../model/tree.js';
import { POLICY_GROUP } from '../admission/coverage.js';
import {
  type ClientNetworks,
  type PolicyAttachment,
  policyAccess,
  policyAttachment,
  serverAuthorizationAccess,
  serverAuthorizationServers,
} from '../policy-targets.js';
import { type LinkerdTarget, atLeast } from '../releases.js';
import { appliedOn } from './applied.js';
import { nearestCopy } from './copies.js';
import type { ClientRule, Networks } from './clients.js';
import { type DefaultPolicy, defaultPolicyRule, isDefaultPolicy } from './defaults.js';
import { type IdentityDomain, type IdentityMatch, UNSET_NAMESPACE, meshTLSIdentities, serverAuthorizationIdentities, serviceAccountIdentity } from './identities.js';

/**
 * The authorizations that admit clients to a Server and to its routes, as the policy
 * controller builds them (linkerd2 `policy-controller/k8s/index/src/inbound/index.rs`):
 * `client_authzs` for the Server (ServerAuthorizations whose `server` picks it,
 * AuthorizationPolicies that target it or its Namespace, and its `accessPolicy`), and
 * `route_client_authzs` for a route (AuthorizationPolicies that target the route). The proxy
 * adds the Server's to every route's (linkerd2-proxy
 * `linkerd/proxy/server-policy/src/authz.rs`, `mk_authorizations`), so a route admits a
 * client when its own authorizations or the Server's do.
 */

export type AuthorizationSource =
  | { kind: 'AuthorizationPolicy'; resource: Resource; target: 'Server' | 'Namespace' | 'HTTPRoute' | 'GRPCRoute'; authentications: Resource[] }
  | { kind: 'ServerAuthorization'; resource: Resource }
  /** A Server's `accessPolicy` (`default_authzs` of its value). */
  | { kind: 'accessPolicy'; resource: Resource; value: DefaultPolicy }
  /** The default policy of a port no Server selects. */
  | { kind: 'default'; value: DefaultPolicy }
  /** Linkerd's own authorization of kubelet probes on a port's probe paths. */
  | { kind: 'probe' };

export interface Authorization {
  source: AuthorizationSource;
  rule: ClientRule;
  /** `audit`: admitted, and the proxy logs that only the audit default let it through. */
  audit: boolean;
}

/** A policy object that names a Server or route but does not take effect, and why. */
export interface Ignored {
  resource: Resource;
  why: string;
}

export interface AuthorizationSet {
  list: Authorization[];
  ignored: Ignored[];
}

function toNetworks(networks: ClientNetworks): Networks | undefined {
  switch (networks.kind) {
    case 'all':
      return { kind: 'all' };
    case 'cluster':
      return { kind: 'cluster' };
    case 'listed':
      return { kind: 'listed', entries: networks.entries };
    case 'unresolved':
      return undefined;
  }
}

function describe(r: Resource): string {
  return `${r.kind} ${r.name ?? '(unnamed)'}`;
}

/**
 * Whom an AuthorizationPolicy admits (`policy_client_authz`): the identities of its one
 * MeshTLSAuthentication or ServiceAccount (none: unauthenticated) from the networks of its
 * one NetworkAuthentication (none: every address). A referenced authentication the input does
 * not hold, or one Linkerd refuses, makes the controller ignore the policy.
 */
export function policyRule(attachment: PolicyAttachment, target: LinkerdTarget, domain: IdentityDomain): { rule: ClientRule; authentications: Resource[] } | { why: string } {
  const access = policyAccess(attachment);
  if (!access) return { why: 'Linkerd cannot read its requiredAuthenticationRefs' };
  const used: Resource[] = [];
  let identities: IdentityMatch[] | undefined;
  for (const auth of attachment.authentications) {
    if (auth.kind === 'NetworkAuthentication') continue;
    if (identities) return { why: 'it requires more than one MeshTLSAuthentication or ServiceAccount' };
    if (auth.kind === 'ServiceAccount') {
      identities = [{ kind: 'exact', name: serviceAccountIdentity(auth.namespace ?? UNSET_NAMESPACE, auth.name, domain) }];
      continue;
    }
    if (!auth.resource) return { why: `MeshTLSAuthentication ${auth.name} is not in the input (Linkerd ignores the policy unless the cluster holds it)` };
    const applied = appliedOn(auth.resource, target);
    if (!applied.applied) return { why: `its ${describe(auth.resource)} does not take effect: ${applied.why}` };
    const matches = meshTLSIdentities(auth.resource, domain);
    if (!matches) return { why: `Linkerd refuses its ${describe(auth.resource)}: it lists no identity it can read` };
    identities = matches;
    used.push(auth.resource);
  }
  const network = attachment.authentications.find((a) => a.kind === 'NetworkAuthentication');
  if (network && !network.resource) return { why: `NetworkAuthentication ${network.name} is not in the input (Linkerd ignores the policy unless the cluster holds it)` };
  if (network?.resource) {
    const applied = appliedOn(network.resource, target);
    if (!applied.applied) return { why: `its ${describe(network.resource)} does not take effect: ${applied.why}` };
    used.push(network.resource);
  }
  const networks = toNetworks(access.networks);
  if (!networks) return { why: 'a NetworkAuthentication it requires is not in the input' };
  return {
    rule: { authentication: identities ? { kind: 'identities', matches: identities } : { kind: 'none' }, networks },
    authentications: used,
  };
}

/** Whom a ServerAuthorization admits (`server_authorization.rs`, `client_authz`), or why Linkerd refuses it. */
export function serverAuthorizationRule(saz: Resource, domain: IdentityDomain): ClientRule | { why: string } {
  const access = serverAuthorizationAccess(saz);
  if (!access) return { why: 'its client sets neither unauthenticated nor meshTLS, or both' };
  const networks = toNetworks(access.networks)!;
  if (access.authentication === 'none') return { authentication: { kind: 'none' }, networks };
  if (access.authentication === 'tlsWithoutIdentity') return { authentication: { kind: 'tls' }, networks };
  const spec = isObject(saz.value.spec) ? saz.value.spec : {};
  const meshTLS = isObject(spec.client) && isObject(spec.client.meshTLS) ? spec.client.meshTLS : {};
  const matches = serverAuthorizationIdentities(meshTLS, saz.namespace, domain);
  if (matches.length === 0) return { why: 'its meshTLS lists no identity or service account ("authorization authorizes no clients")' };
  return { authentication: { kind: 'identities', matches }, networks };
}

/** The accessPolicy Linkerd applies to a Server: its `accessPolicy` from v1beta3 on 2.16, else `deny` (older versions prune the field). */
export function serverAccessPolicy(server: Resource, target: LinkerdTarget): DefaultPolicy {
  const spec = isObject(server.value.spec) ? server.value.spec : {};
  if (!atLeast(target, '2.16') || server.version !== 'v1beta3') return 'deny';
  return isDefaultPolicy(spec.accessPolicy) ? spec.accessPolicy : 'deny';
}

const attachments = new WeakMap<ManifestTree, Map<Resource, PolicyAttachment>>();

function attachmentOf(tree: ManifestTree, policy: Resource): PolicyAttachment {
  let byPolicy = attachments.get(tree);
  if (!byPolicy) attachments.set(tree, (byPolicy = new Map()));
  let found = byPolicy.get(policy);
  if (!found) byPolicy.set(policy, (found = policyAttachment(tree, policy)));
  return found;
}

function addPolicy(set: AuthorizationSet, attachment: PolicyAttachment, target: LinkerdTarget, domain: IdentityDomain, kind: Extract<AuthorizationSource, { kind: 'AuthorizationPolicy' }>['target']): void {
  const applied = appliedOn(attachment.policy, target);
  if (!applied.applied) {
    set.ignored.push({ resource: attachment.policy, why: applied.why });
    return;
  }
  const found = policyRule(attachment, target, domain);
  if ('why' in found) {
    set.ignored.push({ resource: attachment.policy, why: found.why });
    return;
  }
  set.list.push({
    source: { kind: 'AuthorizationPolicy', resource: attachment.policy, target: kind, authentications: found.authentications },
    rule: found.rule,
    audit: false,
  });
}

/** The Server-level authorizations of `server`: apply to every route of it and to its non-HTTP traffic. */
export function serverAuthorizations(tree: ManifestTree, server: Resource, target: LinkerdTarget, domain: IdentityDomain): AuthorizationSet {
  const set: AuthorizationSet = { list: [], ignored: [] };
  const ns = server.namespace;
  for (const saz of tree.inNamespace('ServerAuthorization', ns, POLICY_GROUP)) {
    if (!nearestCopy(tree, server, saz)) continue;
    const picked = serverAuthorizationServers(tree, saz).servers.some((s) => s.name === server.name && s.namespace === ns);
    if (!picked) continue;
    const applied = appliedOn(saz, target);
    if (!applied.applied) {
      set.ignored.push({ resource: saz, why: applied.why });
      continue;
    }
    const rule = serverAuthorizationRule(saz, domain);
    if ('why' in rule) set.ignored.push({ resource: saz, why: rule.why });
    else set.list.push({ source: { kind: 'ServerAuthorization', resource: saz }, rule, audit: false });
  }
  for (const policy of tree.inNamespace('AuthorizationPolicy', ns, POLICY_GROUP)) {
    if (!nearestCopy(tree, server, policy)) continue;
    const attachment = attachmentOf(tree, policy);
    const t = attachment.target;
    if (t.kind === 'Server' && t.server.name === server.name) addPolicy(set, attachment, target, domain, 'Server');
    else if (t.kind === 'Namespace') addPolicy(set, attachment, target, domain, 'Namespace');
  }
  const value = serverAccessPolicy(server, target);
  const rule = defaultPolicyRule(value);
  if (rule) set.list.push({ source: { kind: 'accessPolicy', resource: server, value }, rule, audit: value === 'audit' });
  return set;
}

/** The authorizations of one route: the AuthorizationPolicies of its namespace that target it. */
export function routeAuthorizations(tree: ManifestTree, route: Resource, target: LinkerdTarget, domain: IdentityDomain): AuthorizationSet {
  const set: AuthorizationSet = { list: [], ignored: [] };
  for (const policy of tree.inNamespace('AuthorizationPolicy', route.namespace, POLICY_GROUP)) {
    if (!nearestCopy(tree, route, policy)) continue;
    const attachment = attachmentOf(tree, policy);
    const t = attachment.target;
    if ((t.kind === 'HTTPRoute' || t.kind === 'GRPCRoute') && t.route === route) addPolicy(set, attachment, target, domain, t.kind);
  }
  return set;
}

import { isObject, labelsAt } from '../model/k8s.js';
import type { Resource } from '../model/resource.js';
import { asSelector, matchesSelector } from '../model/selectors.js';
import type { ManifestTree } from '../model/tree.js';
import { GATEWAY_GROUP, POLICY_GROUP } from './admission/coverage.js';
import { type Block, parseBlock } from './admission/networks.js';
import { refersTo } from './admission/refs.js';

/**
 * What an authorization attaches to and whom it admits, as Linkerd's policy controller
 * reads it (linkerd2 policy-controller/k8s/index/src/inbound/authorization_policy.rs,
 * server_authorization.rs and index.rs `policy_client_authz`). Resolved against the tree:
 * an object the input does not hold stays a name.
 */

/** A Server named by a policy or a route, with the Server itself when the input holds it. */
export interface ServerRef {
  name: string;
  namespace: string | undefined;
  resource: Resource | undefined;
}

export type AuthorizationTarget =
  | { kind: 'Server'; server: ServerRef }
  | {
      kind: 'HTTPRoute' | 'GRPCRoute';
      group: string;
      name: string;
      namespace: string | undefined;
      route: Resource | undefined;
      /** The route's Server parents (empty when the route is not in the input). */
      servers: ServerRef[];
    }
  /** Every Server of the policy's namespace: `servers` are those the input holds. */
  | { kind: 'Namespace'; name: string; servers: Resource[] }
  /** A target kind Linkerd does not accept (admission refuses the policy). */
  | { kind: 'unsupported' };

export type AuthenticationKind = 'MeshTLSAuthentication' | 'NetworkAuthentication' | 'ServiceAccount';

export interface RequiredAuthentication {
  kind: AuthenticationKind;
  name: string;
  /** The ref's `namespace`, or the policy's own. */
  namespace: string | undefined;
  /** Index in `spec.requiredAuthenticationRefs`. */
  index: number;
  /** The MeshTLSAuthentication or NetworkAuthentication, when the input holds it. */
  resource: Resource | undefined;
}

export interface PolicyAttachment {
  policy: Resource;
  target: AuthorizationTarget;
  authentications: RequiredAuthentication[];
  /** Indexes of refs Linkerd cannot read (unsupported kinds, no name): admission refuses the policy. */
  unreadable: number[];
  /** False when `requiredAuthenticationRefs` is missing or not a list: the CRD requires one. */
  hasRefList: boolean;
}

/** One entry of a `networks` list: `cidr` with its `except` entries, as written. */
export interface NetworkEntry {
  cidr: string;
  except: string[];
  index: number;
  /** The block `cidr` stands for; undefined when Linkerd could not parse it either. */
  block: Block | undefined;
}

/** How a client must authenticate: not at all, TLS without a checked identity, or a listed identity. */
export type ClientAuthentication = 'none' | 'tlsWithoutIdentity' | 'identity';

export type ClientNetworks =
  /** Every IPv4 and IPv6 address (an AuthorizationPolicy without NetworkAuthentication). */
  | { kind: 'all' }
  /** The install's `clusterNetworks` (a ServerAuthorization without `networks`). */
  | { kind: 'cluster' }
  | { kind: 'listed'; entries: NetworkEntry[]; from: Resource }
  /** A NetworkAuthentication the input does not hold. */
  | { kind: 'unresolved'; authentication: RequiredAuthentication };

export interface ClientAccess {
  authentication: ClientAuthentication;
  networks: ClientNetworks;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function specOf(resource: Resource): Record<string, unknown> {
  return isObject(resource.value.spec) ? resource.value.spec : {};
}

export function isPolicyResource(resource: Resource, kind: string): boolean {
  return resource.kind === kind && resource.group === POLICY_GROUP;
}

/** How many leading directories two paths share; a file shares most with itself. */
function closeness(a: Resource, b: Resource): number {
  if (a.file === b.file) return Number.MAX_SAFE_INTEGER;
  const x = a.file.path.split('/');
  const y = b.file.path.split('/');
  let n = 0;
  while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
  return n;
}

/**
 * The object a reference from `from` resolves to. A tree may hold several copies of one
 * object (overlays, variants, unrelated projects linted together): the one in the same file
 * wins, then the one in the nearest directory, then the first.
 */
export function resolveNearest(
  tree: ManifestTree,
  from: Resource,
  kind: string,
  group: string,
  namespace: string | undefined,
  name: string,
): Resource | undefined {
  let best: Resource | undefined;
  let bestScore = -1;
  for (const r of tree.named(kind, namespace, name)) {
    if (r.group.toLowerCase() !== group) continue;
    const score = closeness(from, r);
    if (score > bestScore) [best, bestScore] = [r, score];
    // Nothing is nearer than the same file: stop at its first copy, whatever the number of copies.
    if (score === Number.MAX_SAFE_INTEGER) break;
  }
  return best;
}

function serverRef(tree: ManifestTree, from: Resource, namespace: string | undefined, name: string): ServerRef {
  return { name, namespace, resource: resolveNearest(tree, from, 'Server', POLICY_GROUP, namespace, name) };
}

/**
 * The Servers a route attaches to: `parentRefs` of kind Server in policy.linkerd.io, with the
 * schema defaults of the route's group, and no other namespace (Linkerd ignores such a parent,
 * policy-controller/k8s/index/src/inbound/routes.rs `InvalidParentRef`).
 */
export function routeServers(tree: ManifestTree, route: Resource): ServerRef[] {
  const spec = specOf(route);
  if (!Array.isArray(spec.parentRefs)) return [];
  const defaults = { group: route.group === POLICY_GROUP ? POLICY_GROUP : GATEWAY_GROUP, kind: 'Gateway' };
  return spec.parentRefs.flatMap((ref): ServerRef[] => {
    if (!isObject(ref) || !refersTo(ref, 'Server', POLICY_GROUP, defaults)) return [];
    const name = str(ref.name);
    if (!name || (ref.namespace !== undefined && ref.namespace !== route.namespace)) return [];
    return [serverRef(tree, route, route.namespace, name)];
  });
}

function routeTarget(tree: ManifestTree, policy: Resource, kind: 'HTTPRoute' | 'GRPCRoute', group: string, name: string): AuthorizationTarget {
  const namespace = policy.namespace;
  const route = resolveNearest(tree, policy, kind, group, namespace, name);
  return { kind, group, name, namespace, route, servers: route ? routeServers(tree, route) : [] };
}

/** The target of an AuthorizationPolicy, by Linkerd's rules (`target` in authorization_policy.rs). */
export function policyTarget(tree: ManifestTree, policy: Resource): AuthorizationTarget {
  const ref = specOf(policy).targetRef;
  const name = isObject(ref) ? str(ref.name) : undefined;
  if (!isObject(ref) || !name) return { kind: 'unsupported' };
  const ns = policy.namespace;
  if (refersTo(ref, 'Server', POLICY_GROUP)) return { kind: 'Server', server: serverRef(tree, policy, ns, name) };
  if (refersTo(ref, 'Namespace', '')) {
    // Admission refuses another namespace ("cannot target another namespace").
    if (ns !== undefined && name !== ns) return { kind: 'unsupported' };
    return { kind: 'Namespace', name, servers: [...tree.inNamespace('Server', ns, POLICY_GROUP)] };
  }
  for (const group of [POLICY_GROUP, GATEWAY_GROUP]) {
    if (refersTo(ref, 'HTTPRoute', group)) return routeTarget(tree, policy, 'HTTPRoute', group, name);
  }
  if (refersTo(ref, 'GRPCRoute', GATEWAY_GROUP)) return routeTarget(tree, policy, 'GRPCRoute', GATEWAY_GROUP, name);
  return { kind: 'unsupported' };
}

const AUTHENTICATION_KINDS: readonly [AuthenticationKind, string][] = [
  ['MeshTLSAuthentication', POLICY_GROUP],
  ['NetworkAuthentication', POLICY_GROUP],
  ['ServiceAccount', ''],
];

/** What an AuthorizationPolicy attaches to and the authentications it requires (all of them, ANDed). */
export function policyAttachment(tree: ManifestTree, policy: Resource): PolicyAttachment {
  const refs = specOf(policy).requiredAuthenticationRefs;
  const authentications: RequiredAuthentication[] = [];
  const unreadable: number[] = [];
  (Array.isArray(refs) ? refs : []).forEach((ref, index) => {
    const found = AUTHENTICATION_KINDS.find(([kind, group]) => refersTo(ref, kind, group));
    const name = isObject(ref) ? str(ref.name) : undefined;
    if (!found || !name || !isObject(ref)) {
      unreadable.push(index);
      return;
    }
    const [kind, group] = found;
    const namespace = str(ref.namespace) ?? policy.namespace;
    const resource = kind === 'ServiceAccount' ? undefined : resolveNearest(tree, policy, kind, group, namespace, name);
    authentications.push({ kind, name, namespace, index, resource });
  });
  return { policy, target: policyTarget(tree, policy), authentications, unreadable, hasRefList: Array.isArray(refs) };
}

/** Every AuthorizationPolicy in the tree that requires `authentication` (a MeshTLS or Network one). */
export function policiesRequiring(tree: ManifestTree, authentication: Resource): PolicyAttachment[] {
  return tree
    .ofKind('AuthorizationPolicy', POLICY_GROUP)
    .map((policy) => policyAttachment(tree, policy))
    .filter((a) => a.authentications.some((auth) => auth.resource === authentication));
}

/** The entries of a `networks` list (NetworkAuthentication `spec.networks`, ServerAuthorization `client.networks`). */
export function networkEntries(list: unknown): NetworkEntry[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((net, index): NetworkEntry[] => {
    if (!isObject(net) || typeof net.cidr !== 'string') return [];
    const except = Array.isArray(net.except) ? net.except.filter((e): e is string => typeof e === 'string') : [];
    return [{ cidr: net.cidr, except, index, block: parseBlock(net.cidr) }];
  });
}

/**
 * The address family a block covers entirely (`0.0.0.0/0`, `::/0`), if any. Only a single
 * block counts: lists that add up to a family (`0.0.0.0/1` and `128.0.0.0/1`) are not written
 * by mistake.
 */
export function wholeFamily(block: Block | undefined): 4 | 6 | undefined {
  if (!block || block.first !== 0n) return undefined;
  const bits = block.family === 4 ? 32n : 128n;
  return block.last === (1n << bits) - 1n ? block.family : undefined;
}

/** Whom an AuthorizationPolicy admits; undefined when Linkerd would refuse or drop it. */
export function policyAccess(attachment: PolicyAttachment): ClientAccess | undefined {
  if (!attachment.hasRefList || attachment.unreadable.length > 0 || attachment.target.kind === 'unsupported') return undefined;
  const identity = attachment.authentications.some((a) => a.kind !== 'NetworkAuthentication');
  const networkRefs = attachment.authentications.filter((a) => a.kind === 'NetworkAuthentication');
  // More than one is refused at admission and by the index.
  if (networkRefs.length > 1) return undefined;
  const net = networkRefs[0];
  let networks: ClientNetworks = { kind: 'all' };
  if (net) {
    networks = net.resource
      ? { kind: 'listed', entries: networkEntries(specOf(net.resource).networks), from: net.resource }
      : { kind: 'unresolved', authentication: net };
  }
  return { authentication: identity ? 'identity' : 'none', networks };
}

/** The Servers a ServerAuthorization applies to: `server.name`, or Servers whose labels `server.selector` matches. */
export function serverAuthorizationServers(tree: ManifestTree, saz: Resource): { servers: ServerRef[]; bySelector: boolean } {
  const server = specOf(saz).server;
  if (!isObject(server)) return { servers: [], bySelector: false };
  const name = str(server.name);
  if (name) return { servers: [serverRef(tree, saz, saz.namespace, name)], bySelector: false };
  const selector = asSelector(server.selector) ?? {};
  const servers = tree
    .inNamespace('Server', saz.namespace, POLICY_GROUP)
    .filter((s) => matchesSelector(selector, labelsAt(s.value)))
    .flatMap((s) => (s.name ? [{ name: s.name, namespace: s.namespace, resource: s }] : []));
  return { servers, bySelector: true };
}

/**
 * Whom a ServerAuthorization admits (`client_authz` in server_authorization.rs); no
 * `networks` means the cluster networks (policy-controller/grpc/src/inbound.rs `to_authz`).
 * Undefined when Linkerd refuses it (both `unauthenticated` and `meshTLS`, or neither).
 */
export function serverAuthorizationAccess(saz: Resource): ClientAccess | undefined {
  const client = specOf(saz).client;
  if (!isObject(client)) return undefined;
  const meshTLS = isObject(client.meshTLS) ? client.meshTLS : undefined;
  let authentication: ClientAuthentication;
  if (client.unauthenticated === true) {
    if (meshTLS) return undefined;
    authentication = 'none';
  } else if (meshTLS) {
    authentication = meshTLS.unauthenticatedTLS === true ? 'tlsWithoutIdentity' : 'identity';
  } else {
    return undefined;
  }
  const entries = networkEntries(client.networks);
  return { authentication, networks: entries.length > 0 ? { kind: 'listed', entries, from: saz } : { kind: 'cluster' } };
}

/** `10.0.0.0/8 except 10.1.0.0/16` */
export function describeNetwork(entry: NetworkEntry): string {
  return entry.except.length ? `${entry.cidr} except ${entry.except.join(', ')}` : entry.cidr;
}

/** Where clients may come from, for a message: `from 10.0.0.0/8, ::/0`. */
export function describeNetworks(networks: ClientNetworks): string {
  switch (networks.kind) {
    case 'all':
      return 'from any network';
    case 'cluster':
      return 'from the cluster networks';
    case 'unresolved':
      return 'from the networks it lists';
    case 'listed': {
      const shown = networks.entries.slice(0, 4).map(describeNetwork);
      const more = networks.entries.length - shown.length;
      return `from ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    }
  }
}

function listServers(names: string[]): string {
  return names.length === 1 ? `Server ${names[0]}` : `Servers ${names.join(', ')}`;
}

/** What a target opens, for a message: `Server web-http`, `HTTPRoute probes on Server web-http`, `every Server in namespace shop`. */
export function describeTarget(target: AuthorizationTarget): string {
  switch (target.kind) {
    case 'Server':
      return `Server ${target.server.name}`;
    case 'Namespace':
      return `every Server in namespace ${target.name}`;
    case 'HTTPRoute':
    case 'GRPCRoute': {
      const servers = [...new Set(target.servers.map((s) => s.name))];
      return servers.length ? `${target.kind} ${target.name} on ${listServers(servers)}` : `${target.kind} ${target.name}`;
    }
    case 'unsupported':
      return 'its target';
  }
}

/** The Servers a ServerAuthorization applies to, for a message. */
export function describeServers(found: { servers: ServerRef[]; bySelector: boolean }): string {
  const names = [...new Set(found.servers.map((s) => s.name))];
  if (names.length === 0) return found.bySelector ? 'the Servers its selector matches' : 'its Server';
  return listServers(names);
}

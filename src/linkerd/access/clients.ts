import { type Block, parseBlock } from '../admission/networks.js';
import type { NetworkEntry } from '../policy-targets.js';
import { type IdentityDomain, type IdentityMatch, identityMatchText, identityMatches, identityMeaning } from './identities.js';

/**
 * Whom one authorization admits, as the proxy checks it (linkerd2-proxy
 * `linkerd/proxy/server-policy/src/authz.rs`): an authentication (none, TLS without a checked
 * identity, or a list of identity patterns) and the networks the client's address must be in.
 */
export type Authentication =
  | { kind: 'none' }
  /** `meshTLS.unauthenticatedTLS` of a ServerAuthorization: any TLS client, with or without a mesh identity. */
  | { kind: 'tls' }
  | { kind: 'identities'; matches: IdentityMatch[] };

export type Networks =
  /** Every IPv4 and IPv6 address. */
  | { kind: 'all' }
  /** The install's `clusterNetworks` (linkerd2 `charts/linkerd-control-plane/values.yaml`). */
  | { kind: 'cluster' }
  /** The install's `policyController.probeNetworks`, every address unless the install narrows it. */
  | { kind: 'probe' }
  | { kind: 'listed'; entries: NetworkEntry[] };

export interface ClientRule {
  authentication: Authentication;
  networks: Networks;
}

/** Linkerd's default `clusterNetworks`: what a pod's address is taken to be in when it is not known. */
export const DEFAULT_CLUSTER_NETWORKS: readonly string[] = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'];

/** The client a question is about: its mesh identity (none when it has no proxy) and, when given, its address. */
export interface Caller {
  identity: string | undefined;
  /** The client's address; undefined for a pod, whose address is somewhere in the cluster networks. */
  address: Block | undefined;
}

export type Admission = { admits: 'yes' } | { admits: 'no'; why: string } | { admits: 'depends'; on: string };

function contains(outer: Block, inner: Block): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

function overlaps(a: Block, b: Block): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

function entryContains(entry: NetworkEntry, block: Block): boolean {
  if (!entry.block || !contains(entry.block, block)) return false;
  return !entry.except.some((e) => {
    const except = parseBlock(e);
    return except !== undefined && overlaps(except, block);
  });
}

const CLUSTER_BLOCKS = DEFAULT_CLUSTER_NETWORKS.map((c) => parseBlock(c)!);

export function describeEntries(entries: readonly NetworkEntry[]): string {
  return entries.map((e) => (e.except.length ? `${e.cidr} except ${e.except.join(', ')}` : e.cidr)).join(', ');
}

/** Whether the caller's address is in the networks: certainly, certainly not, or depending on an address we do not know. */
export function networksAdmit(networks: Networks, caller: Caller): Admission {
  const address = caller.address;
  switch (networks.kind) {
    case 'all':
    case 'probe':
      return { admits: 'yes' };
    case 'cluster':
      if (!address || CLUSTER_BLOCKS.some((b) => contains(b, address))) return { admits: 'yes' };
      return { admits: 'depends', on: `the install's clusterNetworks including the client's address (the default ${DEFAULT_CLUSTER_NETWORKS.join(', ')} does not)` };
    case 'listed': {
      const listed = describeEntries(networks.entries);
      if (address) {
        return networks.entries.some((e) => entryContains(e, address)) ? { admits: 'yes' } : { admits: 'no', why: `the client's address is not in ${listed}` };
      }
      // A pod's address is somewhere in the cluster networks: covered when each of them is.
      if (CLUSTER_BLOCKS.every((b) => networks.entries.some((e) => entryContains(e, b)))) return { admits: 'yes' };
      if (!CLUSTER_BLOCKS.some((b) => networks.entries.some((e) => e.block && overlaps(e.block, b)))) {
        return { admits: 'no', why: `${listed} holds no cluster network address` };
      }
      return { admits: 'depends', on: `the client's address being in ${listed}` };
    }
  }
}

/** Whether the caller authenticates as the rule asks. */
export function authenticationAdmits(authentication: Authentication, caller: Caller): Admission {
  switch (authentication.kind) {
    case 'none':
      return { admits: 'yes' };
    case 'tls':
      return caller.identity !== undefined ? { admits: 'yes' } : { admits: 'no', why: 'the client has no proxy, so it does not connect over mesh TLS' };
    case 'identities': {
      if (caller.identity === undefined) return { admits: 'no', why: 'the client has no proxy, so it has no mesh identity' };
      const identity = caller.identity;
      return authentication.matches.some((m) => identityMatches(m, identity))
        ? { admits: 'yes' }
        : { admits: 'no', why: `${caller.identity} is not among ${authentication.matches.map(identityMatchText).join(', ')}` };
    }
  }
}

/** Both must hold: the weaker of the two answers. */
export function ruleAdmits(rule: ClientRule, caller: Caller): Admission {
  const authn = authenticationAdmits(rule.authentication, caller);
  if (authn.admits === 'no') return authn;
  const net = networksAdmit(rule.networks, caller);
  if (net.admits !== 'yes') return net;
  return authn;
}

/** `serviceaccount emojivoto/web`, `every service account of namespace booksapp`, `any meshed client`. */
export function describeIdentity(match: IdentityMatch, domain: IdentityDomain): string {
  const meaning = identityMeaning(match, domain);
  switch (meaning.kind) {
    case 'serviceAccount':
      return `serviceaccount ${meaning.namespace}/${meaning.name}`;
    case 'namespace':
      return `every serviceaccount of namespace ${meaning.namespace}`;
    case 'anyMeshed':
      return match.kind === 'suffix' && match.parts.length === 0 ? 'any meshed client (identity *)' : `any meshed client (identity ${identityMatchText(match)})`;
    case 'other':
      return `identity ${meaning.text}`;
  }
}

function describeNetworks(networks: Networks): string {
  switch (networks.kind) {
    case 'all':
      return '';
    case 'probe':
      return ' from the probe networks';
    case 'cluster':
      return ' from the cluster networks';
    case 'listed':
      return ` from ${describeEntries(networks.entries)}`;
  }
}

/** Whom a rule admits, as one phrase: `any client, without authentication`, `serviceaccount a/b from 10.0.0.0/8`. */
export function describeRule(rule: ClientRule, domain: IdentityDomain): string {
  const where = describeNetworks(rule.networks);
  switch (rule.authentication.kind) {
    case 'none':
      return `any client, unauthenticated${where ? `,${where}` : ''}`;
    case 'tls':
      return `any TLS client, identity unchecked${where ? `,${where}` : ''}`;
    case 'identities':
      return `${rule.authentication.matches.map((m) => describeIdentity(m, domain)).join(', ')}${where}`;
  }
}

import { isObject } from '../../model/k8s.js';
import type { Resource } from '../../model/resource.js';
import { refersTo } from '../admission/refs.js';

/**
 * Mesh identities as the policy controller matches them. A proxy's identity is
 * `<serviceaccount>.<namespace>.serviceaccount.identity.<control-plane namespace>.<trust domain>`
 * (linkerd2 `policy-controller/k8s/index/src/cluster_info.rs`, `service_account_identity`);
 * an identity pattern is `*` (every identity), `*.<suffix>` (every identity ending in
 * `.<suffix>`), or an exact name (`policy-controller/core/src/identity_match.rs`).
 */

/** Where identities are minted: the control plane's namespace and the trust domain (`identityTrustDomain`, the cluster domain unless the install sets another). */
export interface IdentityDomain {
  controlPlaneNamespace: string;
  trustDomain: string;
}

export const DEFAULT_CONTROL_PLANE_NAMESPACE = 'linkerd';

/**
 * The namespace of a resource that sets none: wherever it is applied (`kubectl -n`). A
 * service account it names without a namespace is in that same namespace, so identities
 * built from such resources share this stand-in.
 */
export const UNSET_NAMESPACE = '(unset)';

export type IdentityMatch = { kind: 'exact'; name: string } | { kind: 'suffix'; parts: string[] };

/** `IdentityMatch::from_str`: `*` is an empty suffix, `*.a.b` the suffix `a.b`, anything else exact. */
export function parseIdentityMatch(text: string): IdentityMatch {
  if (text === '*') return { kind: 'suffix', parts: [] };
  if (text.startsWith('*.')) return { kind: 'suffix', parts: text.split('.').slice(1) };
  return { kind: 'exact', name: text };
}

export function identityMatchText(match: IdentityMatch): string {
  return match.kind === 'exact' ? match.name : ['*', ...match.parts].join('.');
}

export function serviceAccountIdentity(namespace: string, serviceAccount: string, domain: IdentityDomain): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.${domain.controlPlaneNamespace}.${domain.trustDomain}`;
}

/** `cluster_info.rs`, `namespace_identity`: every service account of one namespace. */
export function namespaceIdentity(namespace: string, domain: IdentityDomain): IdentityMatch {
  return parseIdentityMatch(`*.${namespace}.serviceaccount.identity.${domain.controlPlaneNamespace}.${domain.trustDomain}`);
}

/**
 * Whether a client identity matches. The proxy checks that the identity ends in `.<suffix>`,
 * and the empty suffix matches every identity (linkerd2-proxy
 * `linkerd/proxy/server-policy/src/authz.rs`, `Suffix::contains`).
 */
export function identityMatches(match: IdentityMatch, identity: string): boolean {
  if (match.kind === 'exact') return match.name === identity;
  if (match.parts.length === 0) return true;
  return identity.endsWith(`.${match.parts.join('.')}`);
}

/** What an identity pattern names, read back against the identity format. */
export type IdentityMeaning =
  | { kind: 'serviceAccount'; namespace: string; name: string }
  | { kind: 'namespace'; namespace: string }
  /** Every meshed identity (`*`, or a suffix that names no namespace). */
  | { kind: 'anyMeshed' }
  /** A SPIFFE ID, another trust domain's identity, or a pattern we cannot read back. */
  | { kind: 'other'; text: string };

export function identityMeaning(match: IdentityMatch, domain: IdentityDomain): IdentityMeaning {
  const tail = `serviceaccount.identity.${domain.controlPlaneNamespace}.${domain.trustDomain}`;
  if (match.kind === 'exact') {
    const m = new RegExp(`^([^.]+)\\.([^.]+)\\.${tail.replace(/\./g, '\\.')}$`).exec(match.name);
    return m ? { kind: 'serviceAccount', namespace: m[2]!, name: m[1]! } : { kind: 'other', text: match.name };
  }
  if (wildcardKind(identityMatchText(match), domain.trustDomain)) return { kind: 'anyMeshed' };
  const suffix = match.parts.join('.');
  if (suffix.endsWith(`.${tail}`) && match.parts.length === tail.split('.').length + 1) return { kind: 'namespace', namespace: match.parts[0]! };
  return { kind: 'other', text: identityMatchText(match) };
}

/**
 * How an identity pattern ranges over the mesh: `all` for `*`, `suffix` for a `*.<suffix>`
 * that names no namespace label before `serviceaccount.identity` or is only the trust
 * domain's tail (every namespace's workloads), undefined otherwise (`*.<ns>.serviceaccount.identity...`
 * is one namespace).
 */
export function wildcardKind(identity: string, trustDomain: string): 'all' | 'suffix' | undefined {
  if (identity === '*') return 'all';
  if (!identity.startsWith('*.')) return undefined;
  const labels = identity.slice(2).split('.');
  const sa = labels.findIndex((l, i) => l === 'serviceaccount' && labels[i + 1] === 'identity');
  if (sa === 0) return 'suffix';
  if (sa > 0) return undefined;
  const suffix = labels.join('.');
  return suffix === trustDomain || suffix.endsWith(`.${trustDomain}`) ? 'suffix' : undefined;
}

/**
 * The identities a MeshTLSAuthentication admits (linkerd2
 * `policy-controller/k8s/index/src/inbound/meshtls_authentication.rs`): its `identities`,
 * then its `identityRefs` (a ServiceAccount, its `namespace` defaulting to the resource's; a
 * Namespace, every service account in it). Undefined when Linkerd refuses it: another kind
 * of ref, or nothing listed.
 */
export function meshTLSIdentities(authn: Resource, domain: IdentityDomain): IdentityMatch[] | undefined {
  const spec = isObject(authn.value.spec) ? authn.value.spec : {};
  const out: IdentityMatch[] = [];
  for (const id of Array.isArray(spec.identities) ? spec.identities : []) if (typeof id === 'string') out.push(parseIdentityMatch(id));
  for (const ref of Array.isArray(spec.identityRefs) ? spec.identityRefs : []) {
    if (!isObject(ref) || typeof ref.name !== 'string') return undefined;
    if (refersTo(ref, 'ServiceAccount', '')) {
      const ns = typeof ref.namespace === 'string' ? ref.namespace : (authn.namespace ?? UNSET_NAMESPACE);
      out.push({ kind: 'exact', name: serviceAccountIdentity(ns, ref.name, domain) });
    } else if (refersTo(ref, 'Namespace', '')) {
      out.push(namespaceIdentity(ref.name, domain));
    } else {
      return undefined;
    }
  }
  return out.length ? out : undefined;
}

/** A ServerAuthorization's `meshTLS.identities` and `serviceAccounts` (`server_authorization.rs`, `client_mtls_authn`). */
export function serverAuthorizationIdentities(meshTLS: Record<string, unknown>, namespace: string | undefined, domain: IdentityDomain): IdentityMatch[] {
  const out: IdentityMatch[] = [];
  for (const id of Array.isArray(meshTLS.identities) ? meshTLS.identities : []) if (typeof id === 'string') out.push(parseIdentityMatch(id));
  for (const sa of Array.isArray(meshTLS.serviceAccounts) ? meshTLS.serviceAccounts : []) {
    if (!isObject(sa) || typeof sa.name !== 'string') continue;
    const ns = typeof sa.namespace === 'string' ? sa.namespace : (namespace ?? UNSET_NAMESPACE);
    out.push({ kind: 'exact', name: serviceAccountIdentity(ns, sa.name, domain) });
  }
  return out;
}

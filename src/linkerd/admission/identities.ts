/** The DNS-like identity form, with `*` and `*.` wildcards (`DNS_LIKE_IDENTITY_REGEX` in linkerd2 `policy-controller/runtime/src/validation.rs`). */
const DNS_LIKE = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Why Linkerd's `validate_identity` (2.15+) refuses a MeshTLSAuthentication identity, or undefined. */
export function identityProblem(id: string): string | undefined {
  if (DNS_LIKE.test(id)) return undefined;
  if (!id.startsWith('spiffe://')) {
    return 'it is neither a DNS-like name (lower-case labels, optional "*." prefix) nor a SPIFFE ID ("spiffe://<trust-domain>/<path>")';
  }
  const rest = id.slice('spiffe://'.length);
  const slash = rest.indexOf('/');
  const domain = slash === -1 ? rest : rest.slice(0, slash);
  if (!TRUST_DOMAIN.test(domain)) return 'the SPIFFE trust domain must be non-empty and use only a-z, 0-9, ".", "_" and "-"';
  if (slash === -1) return undefined;
  const segments = rest.slice(slash + 1).split('/');
  for (const seg of segments) {
    if (seg === '') return 'the SPIFFE path must not have empty segments or end with "/"';
    if (seg === '.' || seg === '..') return `the SPIFFE path must not have a "${seg}" segment`;
    if (!PATH_SEGMENT.test(seg)) return 'SPIFFE path segments may use only letters, digits, ".", "_" and "-"';
  }
  return undefined;
}

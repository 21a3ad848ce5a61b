// Small policy manifests that several suites build cases from.

export const NETAUTHN = (name: string, cidr: string) => `apiVersion: policy.linkerd.io/v1alpha1
kind: NetworkAuthentication
metadata: {name: ${name}, namespace: shop}
spec:
  networks: [{cidr: "${cidr}"}]
`;

export const POLICY = (name: string, refs: string, target = '{group: policy.linkerd.io, kind: Server, name: web}') => `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: shop}
spec:
  targetRef: ${target}
  requiredAuthenticationRefs: ${refs}
`;

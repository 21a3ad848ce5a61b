import type { Resource } from '../model/resource.js';
import { type EffectiveAnnotation, type PodConfigSite, effectiveAnnotation } from './pod-config.js';

/**
 * The default inbound policy a pod's proxy starts with: the policy for every port no
 * Server covers (linkerd2 `policy-controller/k8s/index/src/defaults.rs`, `DefaultPolicy`).
 * The injector copies a Namespace's annotation onto pods that set none
 * (`pkg/inject/inject.go`, `AppendNamespaceAnnotations`), and the proxy reads the result
 * at start; without either, the install's `proxy.defaultInboundPolicy` applies, which a
 * manifest does not show.
 */
export const DEFAULT_INBOUND_POLICY_KEY = 'config.linkerd.io/default-inbound-policy';

/** Policies that admit clients without mTLS: from any address, or from the cluster networks. */
export const UNAUTHENTICATED_POLICIES = ['all-unauthenticated', 'cluster-unauthenticated'] as const;
export type UnauthenticatedPolicy = (typeof UNAUTHENTICATED_POLICIES)[number];

/** Policies under which only authenticated (or explicitly authorized) clients get in. */
export const AUTHENTICATING_POLICIES = ['all-authenticated', 'cluster-authenticated', 'deny'] as const;
export type AuthenticatingPolicy = (typeof AUTHENTICATING_POLICIES)[number];

const VALUES: readonly string[] = [...UNAUTHENTICATED_POLICIES, ...AUTHENTICATING_POLICIES, 'audit'];

export function isUnauthenticated(value: unknown): value is UnauthenticatedPolicy {
  return (UNAUTHENTICATED_POLICIES as readonly unknown[]).includes(value);
}

export function isAuthenticating(value: unknown): value is AuthenticatingPolicy {
  return (AUTHENTICATING_POLICIES as readonly unknown[]).includes(value);
}

/** Who a policy admits, as messages say it. */
export const ADMITS: Record<UnauthenticatedPolicy, string> = {
  'all-unauthenticated': 'any client from any network, without mTLS',
  'cluster-unauthenticated': 'any client from the cluster networks, without mTLS',
};

/** What a policy demands of clients, as messages say it. */
export const REQUIRES: Record<AuthenticatingPolicy, string> = {
  'all-authenticated': 'mTLS-authenticated clients',
  'cluster-authenticated': 'mTLS-authenticated clients from the cluster networks',
  deny: 'an explicit authorization for every client',
};

/**
 * The `default-inbound-policy` a pod starts with when a manifest says it (its own, or else
 * its Namespace's). A value the injector does not know leaves the install default
 * (`ApplyAnnotationOverrides` in `pkg/inject/inject.go` logs it), which a manifest does
 * not show: undefined then.
 */
export function effectiveDefaultPolicy(pod: PodConfigSite, namespace: Resource | undefined): (EffectiveAnnotation & { value: string }) | undefined {
  const found = effectiveAnnotation(DEFAULT_INBOUND_POLICY_KEY, pod, namespace);
  return found && typeof found.value === 'string' && VALUES.includes(found.value) ? { ...found, value: found.value } : undefined;
}

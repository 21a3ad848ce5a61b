import type { JsonPath } from '../../model/path.js';
import type { Resource } from '../../model/resource.js';
import { portsIn } from '../annotation-values.js';
import { effectiveDefaultPolicy } from '../inbound-policy.js';
import { effectiveAnnotation } from '../pod-config.js';
import type { Workload } from '../workloads.js';
import type { ClientRule } from './clients.js';

/**
 * The policy of a port no Server selects (linkerd2 `policy-controller/k8s/index/src/defaults.rs`,
 * `DefaultPolicy`), and the one a Server's `accessPolicy` adds to its own authorizations
 * (`policy-controller/k8s/index/src/inbound/index.rs`, `client_authzs`).
 */
export const DEFAULT_POLICIES = ['all-unauthenticated', 'all-authenticated', 'cluster-unauthenticated', 'cluster-authenticated', 'deny', 'audit'] as const;
export type DefaultPolicy = (typeof DEFAULT_POLICIES)[number];

/** The install's `proxy.defaultInboundPolicy` when nobody says otherwise (linkerd2 `charts/linkerd-control-plane/values.yaml`). */
export const INSTALL_DEFAULT_POLICY: DefaultPolicy = 'all-unauthenticated';

export function isDefaultPolicy(value: unknown): value is DefaultPolicy {
  return (DEFAULT_POLICIES as readonly unknown[]).includes(value);
}

/** The cluster-wide default the model assumes: from the config (or a flag), else the install's. */
export interface ClusterDefault {
  value: DefaultPolicy;
  from: 'config' | 'install';
}

/** The default policy of one pod and where it comes from. */
export interface PodDefault {
  value: DefaultPolicy;
  from: 'pod' | 'namespace' | 'cluster';
  /** The annotation that sets it (pod template or Namespace), when one does. */
  resource?: Resource;
  path?: JsonPath;
  clusterFrom?: ClusterDefault['from'];
}

/**
 * A pod's `config.linkerd.io/default-inbound-policy`, its own or else its Namespace's (which
 * the injector copies onto it), or else the cluster default. The policy controller reads
 * the pod's annotation and falls back to the cluster default when it cannot parse it
 * (`policy-controller/k8s/index/src/inbound/workload.rs`, `Settings::from_metadata`).
 */
export function podDefaultPolicy(workload: Workload, namespace: Resource | undefined, cluster: ClusterDefault): PodDefault {
  const site = { resource: workload.resource, templatePath: workload.template.path, annotations: workload.annotations };
  const found = effectiveDefaultPolicy(site, namespace);
  if (found && isDefaultPolicy(found.value)) return { value: found.value, from: found.from, resource: found.resource, path: found.path };
  return { value: cluster.value, from: 'cluster', clusterFrom: cluster.from };
}

const REQUIRE_IDENTITY_KEY = 'config.linkerd.io/proxy-require-identity-inbound-ports';

/**
 * The ports on which a default that admits clients admits only authenticated ones
 * (`config.linkerd.io/proxy-require-identity-inbound-ports`; `DefaultPolicy::Allow`'s
 * `authenticated_only` in `index.rs`, `default_inbound_server`).
 */
export function requireIdentityPorts(workload: Workload, namespace: Resource | undefined): ReadonlySet<number> {
  const site = { resource: workload.resource, templatePath: workload.template.path, annotations: workload.annotations };
  const found = effectiveAnnotation(REQUIRE_IDENTITY_KEY, site, namespace);
  return typeof found?.value === 'string' ? portsIn(found.value) : new Set();
}

/**
 * Whom a default policy admits (`DefaultPolicy::default_authzs`): the `-authenticated`
 * policies any mesh identity (the empty identity suffix), the `cluster-` ones only from the
 * cluster networks, `audit` everyone (the proxy logs what it lets through), `deny` nobody.
 */
export function defaultPolicyRule(policy: DefaultPolicy, requireIdentity = false): ClientRule | undefined {
  if (policy === 'deny') return undefined;
  if (policy === 'audit') return { authentication: { kind: 'none' }, networks: { kind: 'all' } };
  const authenticated = requireIdentity || policy.endsWith('-authenticated');
  return {
    authentication: authenticated ? { kind: 'identities', matches: [{ kind: 'suffix', parts: [] }] } : { kind: 'none' },
    networks: policy.startsWith('cluster-') ? { kind: 'cluster' } : { kind: 'all' },
  };
}

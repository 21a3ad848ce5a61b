// Which API resource (the plural name admission rules match) a kind is, and whether it is
// namespaced: from the CustomResourceDefinitions in the tree, else from the built-in kinds.
import { isObject } from '../model/k8s.js';
import type { ManifestTree } from '../model/tree.js';

export interface ResourceKind {
  /** The lower-case plural, as `resources` in a rule names it (`deployments`). */
  resource: string;
  namespaced: boolean;
}

/**
 * The built-in kinds, by `group/kind`: their resource names as the API server serves them
 * (k8s.io/kubernetes pkg/registry/*, e.g. pkg/registry/apps/deployment/storage), which follow
 * the lower-case plural of the kind (UnsafeGuessKindToResource in
 * k8s.io/apimachinery/pkg/api/meta/restmapper.go: `-s` → `-ses`, `-y` → `-ies`, else `-s`),
 * and the kinds of the Linkerd and Gateway API CRDs (their `spec.names.plural`).
 */
const NAMESPACED = [
  '/Pod', '/Service', '/ConfigMap', '/Secret', '/ServiceAccount', '/Endpoints', '/PersistentVolumeClaim',
  '/ReplicationController', '/LimitRange', '/ResourceQuota', '/Event', '/PodTemplate',
  'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet', 'apps/ControllerRevision',
  'batch/Job', 'batch/CronJob', 'autoscaling/HorizontalPodAutoscaler', 'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress', 'networking.k8s.io/NetworkPolicy', 'discovery.k8s.io/EndpointSlice',
  'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding', 'coordination.k8s.io/Lease',
  'events.k8s.io/Event', 'storage.k8s.io/CSIStorageCapacity',
  'policy.linkerd.io/Server', 'policy.linkerd.io/ServerAuthorization', 'policy.linkerd.io/AuthorizationPolicy',
  'policy.linkerd.io/MeshTLSAuthentication', 'policy.linkerd.io/NetworkAuthentication', 'policy.linkerd.io/HTTPRoute',
  'policy.linkerd.io/HTTPLocalRateLimitPolicy', 'policy.linkerd.io/EgressNetwork', 'linkerd.io/ServiceProfile',
  'split.smi-spec.io/TrafficSplit', 'multicluster.linkerd.io/Link', 'workload.linkerd.io/ExternalWorkload',
  'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute',
  'gateway.networking.k8s.io/TLSRoute', 'gateway.networking.k8s.io/TCPRoute', 'gateway.networking.k8s.io/UDPRoute',
  'gateway.networking.k8s.io/ReferenceGrant', 'gateway.networking.k8s.io/BackendTLSPolicy',
];
const CLUSTER = [
  '/Namespace', '/Node', '/PersistentVolume', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/VolumeAttachment', 'scheduling.k8s.io/PriorityClass',
  'networking.k8s.io/IngressClass', 'node.k8s.io/RuntimeClass', 'apiextensions.k8s.io/CustomResourceDefinition',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'apiregistration.k8s.io/APIService', 'certificates.k8s.io/CertificateSigningRequest', 'gateway.networking.k8s.io/GatewayClass',
];

/** UnsafeGuessKindToResource's plural (k8s.io/apimachinery/pkg/api/meta/restmapper.go). */
export function guessResource(kind: string): string {
  const singular = kind.toLowerCase();
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

const BUILT_IN = new Map<string, ResourceKind>([
  ...NAMESPACED.map((k): [string, ResourceKind] => [k, { resource: guessResource(k.slice(k.indexOf('/') + 1)), namespaced: true }]),
  ...CLUSTER.map((k): [string, ResourceKind] => [k, { resource: guessResource(k.slice(k.indexOf('/') + 1)), namespaced: false }]),
]);
// The exceptions to the plural rule among them.
BUILT_IN.set('/Endpoints', { resource: 'endpoints', namespaced: true });

/** Looks kinds up in the tree's CRDs first, then among the built-in kinds. */
export class ResourceKinds {
  private readonly crds = new Map<string, ResourceKind>();

  constructor(tree: ManifestTree) {
    for (const crd of tree.ofKind('CustomResourceDefinition', 'apiextensions.k8s.io')) {
      const spec = crd.value.spec;
      if (!isObject(spec) || typeof spec.group !== 'string' || !isObject(spec.names)) continue;
      const { kind, plural } = spec.names;
      if (typeof kind !== 'string' || typeof plural !== 'string') continue;
      this.crds.set(`${spec.group}/${kind}`, { resource: plural, namespaced: spec.scope !== 'Cluster' });
    }
  }

  /** The resource of `kind` in `group`, or undefined when neither a CRD in the tree nor the built-in table knows it. */
  of(group: string, kind: string): ResourceKind | undefined {
    const key = `${group}/${kind}`;
    return this.crds.get(key) ?? BUILT_IN.get(key);
  }
}

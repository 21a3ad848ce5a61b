/**
 * The API versions of the Kubernetes built-in kinds, newest schema first and, within one,
 * in the order of the Kubernetes OpenAPI definitions (`io.k8s.api.<group>.<version>.<Kind>`,
 * sorted): where one class name could stand for two groups, cdk8s's generator keeps the
 * first, so the first match here is the one a class builds.
 */
const BUILT_IN: Record<string, string> = {
  APIService: 'apiregistration.k8s.io/v1 apiregistration.k8s.io/v1beta1',
  AuditSink: 'auditregistration.k8s.io/v1alpha1',
  Binding: 'v1',
  CSIDriver: 'storage.k8s.io/v1 storage.k8s.io/v1beta1',
  CSINode: 'storage.k8s.io/v1 storage.k8s.io/v1beta1',
  CSIStorageCapacity: 'storage.k8s.io/v1 storage.k8s.io/v1beta1 storage.k8s.io/v1alpha1',
  CertificateSigningRequest: 'certificates.k8s.io/v1 certificates.k8s.io/v1beta1',
  ClusterCIDR: 'networking.k8s.io/v1alpha1',
  ClusterRole: 'rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1alpha1 rbac.authorization.k8s.io/v1beta1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1alpha1 rbac.authorization.k8s.io/v1beta1',
  ClusterTrustBundle: 'certificates.k8s.io/v1alpha1 certificates.k8s.io/v1beta1',
  ComponentStatus: 'v1',
  ConfigMap: 'v1',
  ControllerRevision: 'apps/v1 apps/v1beta1 apps/v1beta2',
  CronJob: 'batch/v1 batch/v1beta1 batch/v2alpha1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1 apiextensions.k8s.io/v1beta1',
  DaemonSet: 'apps/v1 apps/v1beta2 extensions/v1beta1',
  Deployment: 'apps/v1 apps/v1beta1 apps/v1beta2 extensions/v1beta1',
  DeviceClass: 'resource.k8s.io/v1 resource.k8s.io/v1beta1 resource.k8s.io/v1beta2 resource.k8s.io/v1alpha3',
  DeviceTaintRule: 'resource.k8s.io/v1alpha3 resource.k8s.io/v1beta2',
  EndpointSlice: 'discovery.k8s.io/v1 discovery.k8s.io/v1beta1 discovery.k8s.io/v1alpha1',
  Endpoints: 'v1',
  EphemeralContainers: 'v1',
  Event: 'v1 events.k8s.io/v1 events.k8s.io/v1beta1',
  Eviction: 'policy/v1 policy/v1beta1',
  FlowSchema: 'flowcontrol.apiserver.k8s.io/v1 flowcontrol.apiserver.k8s.io/v1beta3 flowcontrol.apiserver.k8s.io/v1beta2 flowcontrol.apiserver.k8s.io/v1beta1 flowcontrol.apiserver.k8s.io/v1alpha1',
  HorizontalPodAutoscaler: 'autoscaling/v1 autoscaling/v2 autoscaling/v2beta2 autoscaling/v2beta1',
  IPAddress: 'networking.k8s.io/v1 networking.k8s.io/v1beta1 networking.k8s.io/v1alpha1',
  Ingress: 'networking.k8s.io/v1 extensions/v1beta1 networking.k8s.io/v1beta1',
  IngressClass: 'networking.k8s.io/v1 networking.k8s.io/v1beta1',
  Job: 'batch/v1',
  Lease: 'coordination.k8s.io/v1 coordination.k8s.io/v1beta1',
  LeaseCandidate: 'coordination.k8s.io/v1alpha2 coordination.k8s.io/v1beta1 coordination.k8s.io/v1alpha1',
  LimitRange: 'v1',
  LocalSubjectAccessReview: 'authorization.k8s.io/v1 authorization.k8s.io/v1beta1',
  MutatingAdmissionPolicy: 'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1alpha1 admissionregistration.k8s.io/v1beta1',
  MutatingAdmissionPolicyBinding: 'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1alpha1 admissionregistration.k8s.io/v1beta1',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1',
  Namespace: 'v1',
  NetworkPolicy: 'networking.k8s.io/v1 extensions/v1beta1',
  Node: 'v1',
  PersistentVolume: 'v1',
  PersistentVolumeClaim: 'v1',
  Pod: 'v1',
  PodCertificateRequest: 'certificates.k8s.io/v1beta1 certificates.k8s.io/v1alpha1',
  PodDisruptionBudget: 'policy/v1 policy/v1beta1',
  PodGroup: 'scheduling.k8s.io/v1alpha2',
  PodPreset: 'settings.k8s.io/v1alpha1',
  PodScheduling: 'resource.k8s.io/v1alpha1',
  PodSchedulingContext: 'resource.k8s.io/v1alpha3 resource.k8s.io/v1alpha2',
  PodSecurityPolicy: 'policy/v1beta1 extensions/v1beta1',
  PodTemplate: 'v1',
  PriorityClass: 'scheduling.k8s.io/v1 scheduling.k8s.io/v1alpha1 scheduling.k8s.io/v1beta1',
  PriorityLevelConfiguration: 'flowcontrol.apiserver.k8s.io/v1 flowcontrol.apiserver.k8s.io/v1beta3 flowcontrol.apiserver.k8s.io/v1beta2 flowcontrol.apiserver.k8s.io/v1beta1 flowcontrol.apiserver.k8s.io/v1alpha1',
  ReplicaSet: 'apps/v1 apps/v1beta2 extensions/v1beta1',
  ReplicationController: 'v1',
  ResourceClaim: 'resource.k8s.io/v1 resource.k8s.io/v1beta1 resource.k8s.io/v1beta2 resource.k8s.io/v1alpha3 resource.k8s.io/v1alpha2 resource.k8s.io/v1alpha1',
  ResourceClaimParameters: 'resource.k8s.io/v1alpha2',
  ResourceClaimTemplate: 'resource.k8s.io/v1 resource.k8s.io/v1beta1 resource.k8s.io/v1beta2 resource.k8s.io/v1alpha3 resource.k8s.io/v1alpha2 resource.k8s.io/v1alpha1',
  ResourceClass: 'resource.k8s.io/v1alpha2 resource.k8s.io/v1alpha1',
  ResourceClassParameters: 'resource.k8s.io/v1alpha2',
  ResourcePoolStatusRequest: 'resource.k8s.io/v1alpha3',
  ResourceQuota: 'v1',
  ResourceSlice: 'resource.k8s.io/v1 resource.k8s.io/v1beta1 resource.k8s.io/v1beta2 resource.k8s.io/v1alpha3 resource.k8s.io/v1alpha2',
  Role: 'rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1alpha1 rbac.authorization.k8s.io/v1beta1',
  RoleBinding: 'rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1alpha1 rbac.authorization.k8s.io/v1beta1',
  RuntimeClass: 'node.k8s.io/v1 node.k8s.io/v1beta1 node.k8s.io/v1alpha1',
  Scale: 'autoscaling/v1 apps/v1beta1 apps/v1beta2 extensions/v1beta1',
  Secret: 'v1',
  SelfSubjectAccessReview: 'authorization.k8s.io/v1 authorization.k8s.io/v1beta1',
  SelfSubjectReview: 'authentication.k8s.io/v1 authentication.k8s.io/v1beta1 authentication.k8s.io/v1alpha1',
  SelfSubjectRulesReview: 'authorization.k8s.io/v1 authorization.k8s.io/v1beta1',
  Service: 'v1',
  ServiceAccount: 'v1',
  ServiceCIDR: 'networking.k8s.io/v1 networking.k8s.io/v1beta1 networking.k8s.io/v1alpha1',
  StatefulSet: 'apps/v1 apps/v1beta1 apps/v1beta2',
  Status: 'v1',
  StorageClass: 'storage.k8s.io/v1 storage.k8s.io/v1beta1',
  StorageVersion: 'internal.apiserver.k8s.io/v1alpha1',
  StorageVersionMigration: 'storagemigration.k8s.io/v1beta1 storagemigration.k8s.io/v1alpha1',
  SubjectAccessReview: 'authorization.k8s.io/v1 authorization.k8s.io/v1beta1',
  TokenRequest: 'authentication.k8s.io/v1',
  TokenReview: 'authentication.k8s.io/v1 authentication.k8s.io/v1beta1',
  ValidatingAdmissionPolicy: 'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1 admissionregistration.k8s.io/v1alpha1',
  ValidatingAdmissionPolicyBinding: 'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1 admissionregistration.k8s.io/v1alpha1',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1beta1',
  VolumeAttachment: 'storage.k8s.io/v1 storage.k8s.io/v1alpha1 storage.k8s.io/v1beta1',
  VolumeAttributesClass: 'storage.k8s.io/v1 storage.k8s.io/v1beta1 storage.k8s.io/v1alpha1',
  Workload: 'scheduling.k8s.io/v1alpha2 scheduling.k8s.io/v1alpha1',
};

const versions = new Map(Object.entries(BUILT_IN).map(([kind, list]) => [kind, list.split(' ')]));

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

/**
 * The kind and apiVersion of a cdk8s construct imported from the Kubernetes API
 * (`cdk8s import k8s`): `Kube` + kind + the version in PascalCase, with no suffix for
 * `v1` (cdk8s-cli src/import/codegen.ts, `getTypeName`): `KubeDeployment` is apps/v1
 * Deployment, `KubeIngressV1Beta1` the first v1beta1 Ingress, `KubeHorizontalPodAutoscalerV2`
 * autoscaling/v2.
 */
export function cdk8sKind(className: string): { apiVersion: string; kind: string } | undefined {
  const m = /^Kube([A-Z][A-Za-z]*?)(V\d+(?:(?:Alpha|Beta|alpha|beta)\d+)?)?$/.exec(className);
  if (!m) return undefined;
  const kind = m[1]!;
  const version = (m[2] ?? 'v1').toLowerCase();
  const apiVersion = versions.get(kind)?.find((v) => versionOf(v) === version);
  return apiVersion ? { apiVersion, kind } : undefined;
}

/**
 * The apiVersion of a Pulumi Kubernetes class `k8s.<group>.<version>.<Kind>`: the group is
 * the first label of the API group (`core` for the core group, `networking` for
 * networking.k8s.io, `rbac` for rbac.authorization.k8s.io), as the SDK's modules are named
 * (pulumi-kubernetes sdk/nodejs/<group>/<version>).
 */
export function pulumiApiVersion(group: string, version: string, kind: string): string | undefined {
  return versions.get(kind)?.find((v) => {
    if (versionOf(v) !== version) return false;
    const g = v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
    return group === 'core' ? g === '' : g.split('.')[0] === group;
  });
}

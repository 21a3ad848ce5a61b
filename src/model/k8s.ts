import type { JsonPath } from './path.js';
import type { Range } from './range.js';
import { type Resource, splitApiVersion } from './resource.js';
import type { SourceFile } from './source.js';

export type StringMap = Record<string, unknown>;

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function metadataOf(value: unknown): StringMap | undefined {
  return isObject(value) && isObject(value.metadata) ? value.metadata : undefined;
}

export function annotationsAt(value: unknown): StringMap | undefined {
  const meta = metadataOf(value);
  return meta && isObject(meta.annotations) ? meta.annotations : undefined;
}

export function labelsAt(value: unknown): StringMap | undefined {
  const meta = metadataOf(value);
  return meta && isObject(meta.labels) ? meta.labels : undefined;
}

/** Workload kinds whose pods are built from a template, and where that template is. */
const POD_TEMPLATE_PATHS: Record<string, JsonPath> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  // Argo Rollouts carry a regular pod template.
  Rollout: ['spec', 'template'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_TEMPLATE_PATHS);

/** The object whose `metadata` and `spec` describe a pod: a bare Pod, or a workload's template. */
export interface PodTemplate {
  resource: Resource;
  /** Path of the template object (`[]` for a bare Pod). */
  path: JsonPath;
  value: StringMap;
}

export function podTemplateOf(resource: Resource): PodTemplate | undefined {
  if (resource.kind === 'Pod' && resource.group === '') {
    return { resource, path: [], value: resource.value };
  }
  const path = resource.kind ? POD_TEMPLATE_PATHS[resource.kind] : undefined;
  if (!path) return undefined;
  let cur: unknown = resource.value;
  for (const seg of path) cur = isObject(cur) ? cur[seg as string] : undefined;
  return isObject(cur) ? { resource, path, value: cur } : undefined;
}

export const POD_TEMPLATE_KINDS: readonly string[] = ['Pod', ...WORKLOAD_KINDS];

/**
 * Built-in and common add-on kinds that are cluster-scoped: a `metadata.namespace` on
 * them means nothing, so two with one name clash whatever namespace they spell.
 * Every Linkerd kind is namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'ClusterPolicy',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CustomResourceDefinition',
  'FlowSchema',
  'GatewayClass',
  'IngressClass',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** Names kustomize looks for in a directory. */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A resource's identity fields, read off its value as Kubernetes reads them: what every loader gives. */
export function resourceFields(
  file: SourceFile,
  docIndex: number,
  docPath: JsonPath,
  value: Record<string, unknown>,
  headRange: Range,
): Omit<Resource, 'syntax' | 'locate'> {
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : undefined;
  const { group, version } = splitApiVersion(apiVersion);
  return {
    file,
    docIndex,
    docPath,
    apiVersion,
    kind: value.kind as string,
    group,
    version,
    name: typeof metadata.name === 'string' ? metadata.name : undefined,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    value,
    headRange,
  };
}

import { annotationsAt, isObject, labelsAt } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';

export const INJECT_KEY = 'linkerd.io/inject';
export const INJECT_VALUES = ['enabled', 'disabled', 'ingress'] as const;
export const ADMISSION_WEBHOOKS_LABEL = 'config.linkerd.io/admission-webhooks';

/**
 * Namespaces that must never be meshed: the Kubernetes system namespaces, cert-manager
 * (which issues Linkerd's identity certificates), and the Linkerd control-plane and CNI
 * namespaces at their default names (the injector's `namespaceSelector` in linkerd2
 * `charts/linkerd-control-plane/values.yaml`; the namespaces of
 * `charts/linkerd-control-plane/templates/namespace.yaml` and `charts/linkerd2-cni/templates/cni-plugin.yaml`).
 */
export const SYSTEM_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'cert-manager',
  'linkerd',
  'linkerd-cni',
];

/** The `linkerd.io/inject` value at `metadata.annotations` of `value`, with its path below `base`. */
export function injectAnnotation(value: unknown, base: JsonPath): { value: unknown; path: JsonPath } | undefined {
  const annotations = annotationsAt(value);
  if (!annotations || !Object.prototype.hasOwnProperty.call(annotations, INJECT_KEY)) return undefined;
  return { value: annotations[INJECT_KEY], path: [...base, 'metadata', 'annotations', INJECT_KEY] };
}

/** True for a Namespace that Linkerd's webhooks skip because of its admission-webhooks label. */
export function webhooksDisabled(namespace: Resource): boolean {
  const labels = labelsAt(namespace.value);
  return isObject(labels) && labels[ADMISSION_WEBHOOKS_LABEL] === 'disabled';
}

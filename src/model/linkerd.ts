import { annotationsAt, isObject, labelsAt } from './k8s.js';
import type { JsonPath } from './path.js';
import type { Resource } from './resource.js';

export const INJECT_KEY = 'linkerd.io/inject';
export const INJECT_VALUES = ['enabled', 'disabled', 'ingress'] as const;
export const ADMISSION_WEBHOOKS_LABEL = 'config.linkerd.io/admission-webhooks';

/**
 * Namespaces that must never be meshed: the Kubernetes system namespaces, cert-manager
 * (which issues Linkerd's identity certificates), and the Linkerd control-plane and CNI
 * namespaces at their default names (LINKERD-FACTS §3.2).
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

export const LINKERD_CONFIG_NAME = 'linkerd-config';

/**
 * The data keys of the `linkerd-config` ConfigMap that Linkerd 2.10+ reads (LINKERD-FACTS
 * §3.9): the rendered Helm values, and the CRD chart version written since 2.12.
 */
export const LINKERD_CONFIG_KEYS: readonly string[] = ['values', 'linkerd-crds-chart-version'];

/** Keys of the pre-2.10 `linkerd-config` (JSON configs), which 2.10 replaced by `values`. */
export const LEGACY_LINKERD_CONFIG_KEYS: readonly string[] = ['global', 'proxy', 'install'];

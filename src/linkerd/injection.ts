import { annotationsAt, isObject, labelsAt } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type LinkerdTarget, atLeast } from './releases.js';

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

/** Namespaces the injector's `namespaceSelector` leaves out by name from 2.12 on (linkerd2 `charts/linkerd-control-plane/values.yaml`, `proxyInjector.namespaceSelector`). */
const SKIPPED_BY_NAME_SINCE_2_12: readonly string[] = ['kube-system', 'cert-manager'];

/**
 * Whether a pod gets a proxy, as the proxy injector decides (linkerd2 `pkg/inject/report.go`,
 * `disabledByAnnotation` and `Injectable`): `yes`, `no`, or `unknown` when it depends on a
 * Namespace the input does not hold. `pod` are the pod template's annotations, `namespace`
 * its Namespace object when known.
 */
export type Injection = 'yes' | 'no' | 'unknown';

export function injectionOf(
  pod: { annotations: Record<string, unknown>; spec: Record<string, unknown> },
  namespace: { name: string | undefined; resource: Resource | undefined },
  target: LinkerdTarget,
): Injection {
  const containers = Array.isArray(pod.spec.containers) ? pod.spec.containers : [];
  // A pod that carries its own proxy (the control plane's) is meshed without the injector.
  if (containers.some((c) => isObject(c) && c.name === 'linkerd-proxy')) return 'yes';
  if (pod.spec.hostNetwork === true) return 'no';
  if (namespace.resource && webhooksDisabled(namespace.resource)) return 'no';
  if (namespace.name && atLeast(target, '2.12') && SKIPPED_BY_NAME_SINCE_2_12.includes(namespace.name)) return 'no';
  const own = pod.annotations[INJECT_KEY];
  if (own !== undefined) return own === 'enabled' || own === 'ingress' ? 'yes' : 'no';
  if (!namespace.resource) return 'unknown';
  const inherited = annotationsAt(namespace.resource.value)?.[INJECT_KEY];
  return inherited === 'enabled' || inherited === 'ingress' ? 'yes' : 'no';
}

/** The proxy's inbound and admin ports unless an install changes Helm `proxy.ports` (linkerd2 `charts/linkerd-control-plane/values.yaml`). */
export const DEFAULT_PROXY_PORTS = { inbound: 4143, admin: 4191 } as const;

const PROXY_PORT_KEYS = { inbound: 'config.linkerd.io/proxy-inbound-port', admin: 'config.linkerd.io/proxy-admin-port' } as const;

/**
 * The proxy's inbound and admin ports for a pod: the pod's `config.linkerd.io/proxy-*-port`
 * annotation, else its Namespace's (the injector copies namespace config annotations onto
 * pods that lack them: linkerd2 `pkg/inject/inject.go`, `AppendNamespaceAnnotations`), else
 * the default. A value Go's `strconv.ParseInt` refuses is ignored, as `ApplyAnnotationOverrides` does.
 */
export function proxyPortsOf(pod: Record<string, unknown> | undefined, namespace: Record<string, unknown> | undefined): { inbound: number; admin: number } {
  const read = (key: string, fallback: number): number => {
    for (const source of [pod, namespace]) {
      const value = source?.[key];
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value) && Math.abs(Number(value)) < 2 ** 31) return Number(value);
      if (value !== undefined) return fallback;
    }
    return fallback;
  };
  return { inbound: read(PROXY_PORT_KEYS.inbound, DEFAULT_PROXY_PORTS.inbound), admin: read(PROXY_PORT_KEYS.admin, DEFAULT_PROXY_PORTS.admin) };
}

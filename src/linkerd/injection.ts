import { annotationsAt, isObject, labelsAt, type StringMap } from '../model/k8s.js';
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

/** A `linkerd.io/inject` value that asks for a proxy; `ingress` also selects ingress mode. */
export type InjectingValue = 'enabled' | 'ingress';

export interface InjectionRequest {
  /** The value that decides: the pod's own, or else its Namespace's. */
  value: InjectingValue;
  /** Whose annotation decides: the pod template's, or its Namespace's (copied onto pods that set none). */
  from: 'pod' | 'namespace';
}

/** The annotation as the injector sees it: absent, empty (YAML `key:` is empty to Kubernetes) or a value. */
function injectValue(annotations: StringMap | undefined): string | undefined {
  const value = annotations?.[INJECT_KEY];
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isInjecting(value: string | undefined): value is InjectingValue {
  return value === 'enabled' || value === 'ingress';
}

function isValid(value: string | undefined): boolean {
  return value === undefined || (INJECT_VALUES as readonly string[]).includes(value);
}

/**
 * Whether a pod asks for injection, by the webhook's truth table (linkerd2
 * `pkg/inject/report.go`, `disabledByAnnotation`): an invalid value on the Namespace or the
 * pod refuses; a Namespace that enables injects unless the pod says `disabled`; otherwise
 * the pod must enable it. The resulting mode (`ingress` or not) is the pod's own value, or
 * else the Namespace's (`ApplyAnnotationOverrides` in `pkg/inject/inject.go` reads the
 * annotations after the Namespace's are copied in). `namespace` is the pod's Namespace
 * object when the input holds it; without it, a pod that says nothing is `unknown`.
 */
export function injectionRequest(pod: StringMap | undefined, namespace: Resource | undefined): InjectionRequest | 'unknown' | undefined {
  const own = injectValue(pod);
  if (!isValid(own)) return undefined;
  if (!namespace) {
    if (isInjecting(own)) return { value: own, from: 'pod' };
    return own === undefined ? 'unknown' : undefined;
  }
  const inherited = injectValue(annotationsAt(namespace.value));
  if (!isValid(inherited)) return undefined;
  if (isInjecting(own)) return { value: own, from: 'pod' };
  if (own === undefined && isInjecting(inherited)) return { value: inherited, from: 'namespace' };
  return undefined;
}

/** Why the proxy injector never sees a pod, or undefined when it does. */
export type WebhookSkip = 'namespace-label' | 'namespace-name' | 'pod-label';

/** Namespaces the injector's `namespaceSelector` leaves out by name from 2.12 on (linkerd2 `charts/linkerd-control-plane/values.yaml`). */
const SKIPPED_BY_NAME: readonly string[] = ['kube-system', 'cert-manager'];

/** Pod labels the injector's `objectSelector` leaves out from 2.12 on (same file, `proxyInjector.objectSelector`). */
const SKIPPED_POD_LABELS: readonly string[] = ['linkerd.io/control-plane-component', 'linkerd.io/cni-resource'];

/**
 * Whether the injector's webhook is called at all for a pod: its `namespaceSelector` drops
 * Namespaces labelled `config.linkerd.io/admission-webhooks: disabled` (every release) and,
 * from 2.12, `kube-system` and `cert-manager`; its `objectSelector` drops Linkerd's own
 * control-plane and CNI pods from 2.12.
 */
export function webhookSkips(
  podLabels: Record<string, unknown>,
  namespace: { name: string | undefined; resource: Resource | undefined },
  target: LinkerdTarget,
): WebhookSkip | undefined {
  if (namespace.resource && webhooksDisabled(namespace.resource)) return 'namespace-label';
  if (!atLeast(target, '2.12')) return undefined;
  if (namespace.name && SKIPPED_BY_NAME.includes(namespace.name)) return 'namespace-name';
  if (SKIPPED_POD_LABELS.some((key) => Object.prototype.hasOwnProperty.call(podLabels, key))) return 'pod-label';
  return undefined;
}

/** True for a pod spec that carries its own `linkerd-proxy` container (`linkerd inject` output, the control plane): the injector leaves it alone. */
export function carriesProxy(spec: StringMap | undefined): boolean {
  const all = [spec?.containers, spec?.initContainers].flatMap((list) => (Array.isArray(list) ? list : []));
  return all.some((c) => isObject(c) && c.name === 'linkerd-proxy');
}

/** `Deployment web`, `Pod debug`: a workload as messages name it. */
export function describeWorkload(resource: Resource): string {
  return resource.name ? `${resource.kind} ${resource.name}` : `a ${resource.kind}`;
}

/**
 * Whether a pod gets a proxy: `yes`, `no`, or `unknown` when it depends on a Namespace the
 * input does not hold. A pod that carries its own proxy (`linkerd inject` output, the
 * control plane) is meshed; otherwise it must ask for one (`injectionRequest`), not use the
 * host network (linkerd2 `pkg/inject/report.go`, `Injectable`), and be seen by the webhook
 * (`webhookSkips`). The one answer every rule asking "is this workload meshed?" uses.
 */
export type Injection = 'yes' | 'no' | 'unknown';

export function injectionOf(
  pod: { annotations: StringMap | undefined; labels?: StringMap | undefined; spec: StringMap | undefined },
  namespace: { name: string | undefined; resource: Resource | undefined },
  target: LinkerdTarget,
): Injection {
  if (carriesProxy(pod.spec)) return 'yes';
  if (pod.spec?.hostNetwork === true) return 'no';
  if (webhookSkips(pod.labels ?? {}, namespace, target) !== undefined) return 'no';
  const request = injectionRequest(pod.annotations, namespace.resource);
  return request === undefined ? 'no' : request === 'unknown' ? 'unknown' : 'yes';
}

/** `injectionOf` for a workload's pod template (or a bare Pod), with its Namespace object when the input holds it. */
export function podInjection(
  resource: Resource,
  template: { value: StringMap },
  namespace: Resource | undefined,
  target: LinkerdTarget,
): Injection {
  const spec = isObject(template.value.spec) ? template.value.spec : undefined;
  const pod = { annotations: annotationsAt(template.value), labels: labelsAt(template.value), spec };
  return injectionOf(pod, { name: resource.namespace, resource: namespace }, target);
}

/** False when a pod certainly runs without a proxy; true also when it depends on a Namespace the input does not hold. */
export function mayBeMeshed(
  resource: Resource,
  template: { value: StringMap },
  namespace: Resource | undefined,
  target: LinkerdTarget,
): boolean {
  return podInjection(resource, template, namespace, target) !== 'no';
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

import { annotationsAt, isObject, labelsAt, type StringMap } from '../model/k8s.js';
import type { Resource } from '../model/resource.js';
import { INJECT_KEY, INJECT_VALUES, webhooksDisabled } from './injection.js';
import { type LinkerdTarget, atLeast } from './releases.js';

/**
 * What a pod asks of the proxy injector, apart from whether the injector can then do it.
 * `injectionOf` (./injection.ts) answers whether a pod ends up with a proxy; rules about
 * pods that ask for one and do not get it (hostNetwork) need the question before the
 * answer.
 */

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
 * False when a pod certainly runs without a proxy: it carries none, and it asks for none,
 * uses the host network, or the webhook never sees it. True otherwise, also when it depends
 * on a Namespace the input does not hold.
 */
export function mayBeMeshed(
  resource: Resource,
  template: { value: StringMap },
  namespace: Resource | undefined,
  target: LinkerdTarget,
): boolean {
  const spec = isObject(template.value.spec) ? template.value.spec : undefined;
  if (carriesProxy(spec)) return true;
  if (spec?.hostNetwork === true) return false;
  if (injectionRequest(annotationsAt(template.value), namespace) === undefined) return false;
  return webhookSkips(labelsAt(template.value) ?? {}, { name: resource.namespace, resource: namespace }, target) === undefined;
}

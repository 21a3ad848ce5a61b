import { annotationsAt, type StringMap } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';

/** A pod template as the injector reads its configuration: the resource, where the template is, its annotations. */
export interface PodConfigSite {
  resource: Resource;
  templatePath: JsonPath;
  annotations: StringMap | undefined;
}

export interface EffectiveAnnotation {
  value: unknown;
  /** Whose annotation it is: the pod template's own, or its Namespace's. */
  from: 'pod' | 'namespace';
  resource: Resource;
  path: JsonPath;
}

/**
 * The value of an injection-time key that a pod starts with: its own when it has the key
 * at all (whatever the value), or else its Namespace's, which the injector copies onto pods
 * without it (linkerd2 `pkg/inject/inject.go`, `AppendNamespaceAnnotations` and
 * `GetConfigOverride`; only for keys in its inheritance list). Undefined when neither says.
 */
export function effectiveAnnotation(key: string, pod: PodConfigSite, namespace: Resource | undefined): EffectiveAnnotation | undefined {
  if (pod.annotations && Object.prototype.hasOwnProperty.call(pod.annotations, key)) {
    return { value: pod.annotations[key], from: 'pod', resource: pod.resource, path: [...pod.templatePath, 'metadata', 'annotations', key] };
  }
  const inherited = namespace ? annotationsAt(namespace.value) : undefined;
  if (namespace && inherited && Object.prototype.hasOwnProperty.call(inherited, key)) {
    return { value: inherited[key], from: 'namespace', resource: namespace, path: ['metadata', 'annotations', key] };
  }
  return undefined;
}

function directoryOf(resource: Resource): string {
  const path = resource.file.path;
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

/**
 * True when two namespaced resources land in one namespace. Resources that set no
 * namespace go wherever they are applied (`kubectl -n`, a kustomize or Helm namespace), so
 * two such are taken as one namespace only when they sit in one directory, the unit
 * `kubectl apply -f`, Flux and Argo CD apply.
 */
export function sameNamespace(a: Resource, b: Resource): boolean {
  if (a.namespace !== b.namespace) return false;
  return a.namespace !== undefined || directoryOf(a) === directoryOf(b);
}

/** A key two resources share exactly when `sameNamespace` holds, to index resources by it. */
export function namespaceScope(resource: Resource): string {
  return resource.namespace !== undefined ? `n\0${resource.namespace}` : `d\0${directoryOf(resource)}`;
}

/**
 * How an injected proxy ends with its pod: wait-before-exit, the native-sidecar key a
 * release reads, and whether a Job shuts its proxy down itself.
 */
import { isBoolToken } from './annotation-values.js';
import { isObject, type StringMap } from '../model/k8s.js';
import { type LinkerdTarget, atLeast } from './releases.js';

export const WAIT_BEFORE_EXIT_KEY = 'config.alpha.linkerd.io/proxy-wait-before-exit-seconds';

/** A config annotation as the injector sees it: the pod's own, else its Namespace's (linkerd2 `pkg/inject/inject.go`, `AppendNamespaceAnnotations`). */
export function effectiveAnnotation(
  pod: StringMap | undefined,
  namespace: StringMap | undefined,
  key: string,
): { value: unknown; from: 'pod' | 'namespace' } | undefined {
  if (pod && Object.prototype.hasOwnProperty.call(pod, key)) return { value: pod[key], from: 'pod' };
  if (namespace && Object.prototype.hasOwnProperty.call(namespace, key)) return { value: namespace[key], from: 'namespace' };
  return undefined;
}

/**
 * The proxy's wait before exit in seconds, when non-zero: a value Go's `strconv.ParseUint`
 * refuses is ignored (`ApplyAnnotationOverrides` in linkerd2 `pkg/inject/inject.go`), and
 * zero renders no preStop hook (`charts/partials/templates/_proxy.tpl`).
 */
export function waitBeforeExitOf(
  pod: StringMap | undefined,
  namespace: StringMap | undefined,
): { seconds: number; text: string; from: 'pod' | 'namespace' } | undefined {
  const found = effectiveAnnotation(pod, namespace, WAIT_BEFORE_EXIT_KEY);
  if (!found || typeof found.value !== 'string' || !/^\+?\d+$/.test(found.value)) return undefined;
  const seconds = Number(found.value);
  if (seconds === 0 || seconds >= 2 ** 64) return undefined;
  return { seconds, text: found.value, from: found.from };
}

/**
 * The native-sidecar key a release reads first (linkerd2 `pkg/k8s/labels.go` at each tag):
 * the alpha key from 2.15, the beta key from 2.19, `config.linkerd.io/…` from 2.20.
 * Undefined before 2.15, which has no native sidecars.
 */
export function nativeSidecarKeyFor(target: LinkerdTarget): string | undefined {
  if (atLeast(target, '2.20')) return 'config.linkerd.io/proxy-enable-native-sidecar';
  if (atLeast(target, '2.19')) return 'config.beta.linkerd.io/proxy-enable-native-sidecar';
  if (atLeast(target, '2.15')) return 'config.alpha.linkerd.io/proxy-enable-native-sidecar';
  return undefined;
}

const NATIVE_KEYS = [
  { key: 'config.linkerd.io/proxy-enable-native-sidecar', since: '2.20' },
  { key: 'config.beta.linkerd.io/proxy-enable-native-sidecar', since: '2.19' },
  { key: 'config.alpha.linkerd.io/proxy-enable-native-sidecar', since: '2.15' },
] as const;

/** The native-sidecar annotation that decides for a pod (in `nativeSidecarOn`'s precedence), when one does. */
export function decidingNativeKey(
  pod: StringMap | undefined,
  namespace: StringMap | undefined,
  target: LinkerdTarget,
): { key: string; value: string; from: 'pod' | 'namespace' } | undefined {
  for (const { key, since } of NATIVE_KEYS) {
    if (!atLeast(target, since)) continue;
    // From 2.20 the injector no longer copies the beta key from Namespaces (native-sidecar.ts).
    const inherited = key.startsWith('config.beta.') && atLeast(target, '2.20') ? undefined : namespace;
    const found = effectiveAnnotation(pod, inherited, key);
    if (found && typeof found.value === 'string' && isBoolToken(found.value)) return { key, value: found.value, from: found.from };
  }
  return undefined;
}

/**
 * True when a container of the pod ends the proxy itself: `linkerd-await` with its shutdown
 * flag, or a request to the proxy admin server's `/shutdown` endpoint (linkerd/website
 * `linkerd.io/content/2.18/tasks/graceful-shutdown.md`, "Graceful shutdown of Job and Cronjob Resources").
 */
export function shutsProxyDown(spec: StringMap | undefined): boolean {
  const containers = [spec?.containers, spec?.initContainers].flatMap((list) => (Array.isArray(list) ? list : []));
  return containers.some((c) => {
    if (!isObject(c)) return false;
    const words = [c.command, c.args].flatMap((list) => (Array.isArray(list) ? list : [])).filter((w) => typeof w === 'string');
    return words.some((w) => /linkerd-await|\/shutdown\b/.test(w));
  });
}

/**
 * Whether the injector runs a pod's proxy as a native sidecar (linkerd2 `pkg/inject/inject.go`
 * `ApplyAnnotationOverrides`; Helm `proxy.nativeSidecar` in `charts/linkerd-control-plane/values.yaml`):
 * `config.linkerd.io/…` beats `config.beta.linkerd.io/…` beats `config.alpha.linkerd.io/…`;
 * a value Go's ParseBool refuses is ignored; without any key the install default applies
 * (on from 2.20, assuming the Helm default).
 */
import { isBoolToken } from './annotation-values.js';
import type { StringMap } from '../model/k8s.js';
import { type LinkerdTarget, atLeast } from './releases.js';

const BY_PRECEDENCE = [
  { key: 'config.linkerd.io/proxy-enable-native-sidecar', since: '2.20', inherited: true },
  { key: 'config.beta.linkerd.io/proxy-enable-native-sidecar', since: '2.19', inherited: false },
  { key: 'config.alpha.linkerd.io/proxy-enable-native-sidecar', since: '2.15', inherited: true },
] as const;

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

/** `pod` are the pod template's annotations, `namespace` its Namespace's (when known). */
export function nativeSidecarOn(pod: StringMap | undefined, namespace: StringMap | undefined, target: LinkerdTarget): boolean {
  for (const { key, since, inherited } of BY_PRECEDENCE) {
    if (!atLeast(target, since)) continue;
    const own = pod?.[key];
    const value = own !== undefined ? own : inherited || !atLeast(target, '2.20') ? namespace?.[key] : undefined;
    if (typeof value === 'string' && isBoolToken(value)) return TRUE.has(value);
  }
  return atLeast(target, '2.20');
}

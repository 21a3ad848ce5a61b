/**
 * Which ports Linkerd treats as opaque (no protocol detection), for a pod and for a
 * Service. The `config.linkerd.io/opaque-ports` value replaces the install's default list,
 * it never adds to it (linkerd2 `pkg/inject/inject.go`, `CreateOpaquePortsPatch`;
 * `controller/api/destination/watcher/opaque_ports_watcher.go`).
 */
import { annotationsAt, type StringMap } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { isPortName, portsIn } from './annotation-values.js';
import { type LinkerdTarget, atLeast } from './releases.js';

export const OPAQUE_PORTS_KEY = 'config.linkerd.io/opaque-ports';

/**
 * Helm `proxy.opaquePorts` of each release (linkerd2 `charts/linkerd-control-plane/values.yaml`,
 * `charts/linkerd2/values.yaml` at 2.10): 2.11 dropped 443 and added 4444 (Galera), 6379
 * (Redis) and 9300 (Elasticsearch), and the list has not changed since.
 */
export function defaultOpaquePorts(target: LinkerdTarget): readonly number[] {
  return atLeast(target, '2.11') ? [25, 587, 3306, 4444, 5432, 6379, 9300, 11211] : [25, 443, 587, 3306, 5432, 11211];
}

/** Where an effective list comes from: a pod's or Service's own annotation, its Namespace's, or the install default. */
export interface OpaqueList {
  ports: ReadonlySet<number>;
  from: 'own' | 'namespace' | 'default';
  /** The annotation value as written (absent for the default). */
  value?: string;
  resource?: Resource;
  path?: JsonPath;
}

/** A port list with port names resolved through `names` (names nothing declares are dropped, as the injector and the destination controller do). */
export function opaquePortsIn(text: string, names: ReadonlyMap<string, number>): Set<number> {
  const out = portsIn(text);
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    const port = isPortName(entry) ? names.get(entry) : undefined;
    if (port !== undefined) out.add(port);
  }
  return out;
}

/**
 * The opaque list that applies to a pod or Service: its own annotation whatever its value,
 * else its Namespace's (the injector copies it onto pods and Services that lack it:
 * `CreateOpaquePortsPatch`, `GetConfigOverride`), else the release default. `names` maps
 * the port names the annotation may use: container port names on a pod (`util.ParseContainerOpaquePorts`),
 * Service port names on a Service (the destination controller's `getServiceOpaquePortsAnnotation`).
 */
export function effectiveOpaquePorts(
  site: { resource: Resource; annotations: StringMap | undefined; annotationsPath: JsonPath },
  namespace: Resource | undefined,
  target: LinkerdTarget,
  names: ReadonlyMap<string, number>,
): OpaqueList {
  const own = site.annotations?.[OPAQUE_PORTS_KEY];
  if (typeof own === 'string') {
    return { ports: opaquePortsIn(own, names), from: 'own', value: own, resource: site.resource, path: [...site.annotationsPath, OPAQUE_PORTS_KEY] };
  }
  const inherited = namespace ? annotationsAt(namespace.value)?.[OPAQUE_PORTS_KEY] : undefined;
  if (namespace && typeof inherited === 'string') {
    return { ports: opaquePortsIn(inherited, names), from: 'namespace', value: inherited, resource: namespace, path: ['metadata', 'annotations', OPAQUE_PORTS_KEY] };
  }
  return { ports: new Set(defaultOpaquePorts(target)), from: 'default' };
}

/**
 * How a Service port's `appProtocol` decides its protocol from 2.18, over the opaque-ports
 * annotation (linkerd2 `policy-controller/core/src/outbound.rs`, `AppProtocol::from_str`):
 * `http` and `kubernetes.io/h2c` are detected as HTTP, any other value is opaque; unset
 * leaves it to the annotation. Undefined when the target does not read it.
 */
export function appProtocolOpaque(appProtocol: unknown, target: LinkerdTarget): boolean | undefined {
  if (!atLeast(target, '2.18') || typeof appProtocol !== 'string' || appProtocol === '') return undefined;
  const value = appProtocol.toLowerCase();
  return value !== 'http' && value !== 'kubernetes.io/h2c';
}

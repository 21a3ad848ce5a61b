import { isObject } from '../../model/k8s.js';
import type { Resource } from '../../model/resource.js';
import { portsIn } from '../annotation-values.js';
import { effectiveAnnotation } from '../pod-config.js';
import { type LinkerdTarget, atLeast } from '../releases.js';
import { PROXY_PORT_NAMES, type ProxyView, type Workload, serverPortOn } from '../workloads.js';

/**
 * The inbound ports of a meshed pod the policy model reports, and the ports a Server's
 * `port` selects on it.
 */

export interface InboundPort {
  port: number;
  /** The container port names of that number. */
  names: string[];
  /** Declared only as the port of an HTTP probe. */
  probeOnly: boolean;
}

function isTcp(protocol: string): boolean {
  return protocol.toUpperCase() === 'TCP';
}

/**
 * The ports the proxy asks the policy controller about: every `containerPort` and every HTTP
 * probe port given as a number (linkerd2 `pkg/inject/inject.go`, `getPodInboundPorts`; probe
 * ports from 2.12), of regular containers and, from 2.20, of init containers (#14767). UDP
 * and SCTP ports are left out: the proxy redirects only TCP.
 */
export function inboundPorts(workload: Workload, target: LinkerdTarget): InboundPort[] {
  const initSeen = atLeast(target, '2.20');
  const byPort = new Map<number, InboundPort>();
  for (const p of workload.ports) {
    if ((p.init && !initSeen) || !isTcp(p.protocol)) continue;
    const entry = byPort.get(p.port) ?? { port: p.port, names: [], probeOnly: false };
    if (p.name && !entry.names.includes(p.name)) entry.names.push(p.name);
    byPort.set(p.port, entry);
  }
  if (atLeast(target, '2.12')) {
    for (const p of workload.probePorts) {
      if ((p.init && !initSeen) || byPort.has(p.port)) continue;
      byPort.set(p.port, { port: p.port, names: [], probeOnly: true });
    }
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

/**
 * The port numbers a Server's `port` selects on a pod, with the release rules of
 * `serverPortOn`: a number selects itself; a name the TCP container ports of that name
 * (init containers' from 2.20) and the proxy's own port names.
 */
export function serverPortNumbers(workload: Workload, port: unknown, proxy: ProxyView, target: LinkerdTarget): number[] {
  if (typeof port !== 'number' && typeof port !== 'string') return [];
  if (typeof port === 'string' && port === '') return [];
  if (serverPortOn(workload, port, proxy, target).kind !== 'selected') return [];
  if (typeof port === 'number') return [port];
  const initSeen = atLeast(target, '2.20');
  const out = new Set(workload.ports.filter((p) => p.name === port && isTcp(p.protocol) && (!p.init || initSeen)).map((p) => p.port));
  if (proxy.injected && PROXY_PORT_NAMES.includes(port)) out.add(port === 'linkerd-proxy' ? proxy.inbound : proxy.admin);
  return [...out];
}

const SKIP_INBOUND_KEY = 'config.linkerd.io/skip-inbound-ports';

/**
 * Ports iptables leaves out of the proxy's redirect (`config.linkerd.io/skip-inbound-ports`,
 * the pod's or its Namespace's): no policy applies to them.
 */
export function skippedInboundPorts(workload: Workload, namespace: Resource | undefined): ReadonlySet<number> {
  const site = { resource: workload.resource, templatePath: workload.template.path, annotations: workload.annotations };
  const found = effectiveAnnotation(SKIP_INBOUND_KEY, site, namespace);
  return typeof found?.value === 'string' ? portsIn(found.value) : new Set();
}

/**
 * The paths the kubelet probes on each port (linkerd2
 * `policy-controller/k8s/index/src/inbound/workload.rs`, `pod_http_probes`): the `httpGet`
 * of liveness, readiness and startup probes of every container, the port by number or by the
 * name of a TCP port of the same container, the path without its query (`/` when unset).
 */
export function probePaths(workload: Workload): Map<number, string[]> {
  const spec = isObject(workload.template.value.spec) ? workload.template.value.spec : {};
  const out = new Map<number, string[]>();
  for (const list of [spec.containers, spec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObject(c)) continue;
      for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const probe = c[key];
        const get = isObject(probe) && isObject(probe.httpGet) ? probe.httpGet : undefined;
        if (!get) continue;
        let port: number | undefined;
        if (typeof get.port === 'number') port = get.port;
        else if (typeof get.port === 'string') {
          const name = get.port.toLowerCase();
          const ports = Array.isArray(c.ports) ? c.ports : [];
          const hit = ports.find(
            (p) => isObject(p) && typeof p.name === 'string' && p.name.toLowerCase() === name && (typeof p.protocol !== 'string' || isTcp(p.protocol)),
          );
          if (isObject(hit) && typeof hit.containerPort === 'number') port = hit.containerPort;
        }
        if (port === undefined || port < 1 || port > 65535) continue;
        const path = (typeof get.path === 'string' ? get.path : '/').split('?')[0]!;
        const paths = out.get(port) ?? [];
        if (!paths.includes(path)) paths.push(path);
        out.set(port, paths.sort());
      }
    }
  }
  return out;
}

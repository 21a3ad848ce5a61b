import { isObject } from '../model/k8s.js';
import type { Resource } from '../model/resource.js';
import { asSelector } from '../model/selectors.js';
import type { ManifestTree } from '../model/tree.js';
import { DEFAULT_PROXY_PORTS } from './injection.js';
import type { PolicyAttachment, ServerRef } from './policy-targets.js';
import { type Workload, workloadModel } from './workloads.js';

/**
 * Kubelet probes and the routes that authorize them. Once a route attaches to a Server,
 * Linkerd no longer authorizes probes by itself, and its docs authorize them with an
 * AuthorizationPolicy on a route matching the probe paths that requires only a
 * NetworkAuthentication of every network: the kubelet has no mesh identity (linkerd/website
 * linkerd.io/content/2.12/features/server-policy.md "Default authorizations" and
 * 2-edge/tasks/configuring-per-route-policy.md).
 */

/** Health endpoints common enough to count as probe paths without seeing the pods: Kubernetes' own and Linkerd's demo apps'. */
export const WELL_KNOWN_PROBE_PATHS: readonly string[] = ['/health', '/healthz', '/live', '/livez', '/ping', '/ready', '/readyz'];

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];

/** A path as a route match compares it: no query, no trailing slash (Gateway API path prefixes ignore one). */
function normalize(path: string): string {
  const bare = path.split('?')[0]!;
  return bare.length > 1 && bare.endsWith('/') ? bare.slice(0, -1) : bare;
}

function portNumbers(workload: Workload, port: unknown, container?: string): number[] {
  if (typeof port === 'number') return [port];
  if (typeof port !== 'string') return [];
  if (/^\d+$/.test(port)) return [Number(port)];
  return workload.ports.filter((p) => p.name === port && (container === undefined || p.container === container)).map((p) => p.port);
}

/**
 * The paths the kubelet requests for a pod's HTTP probes on `serverPort` (number or name).
 * A probe whose port, or a Server port whose name, the template does not resolve counts:
 * this only decides whether a route looks like a probe route. `/` is never a probe path here:
 * a route on it serves the application.
 */
export function probePathsOf(workload: Workload, serverPort: unknown): string[] {
  const spec = isObject(workload.template.value.spec) ? workload.template.value.spec : {};
  const serverPorts = portNumbers(workload, serverPort);
  const out: string[] = [];
  for (const list of [spec.containers, spec.initContainers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObject(c)) continue;
      for (const key of PROBES) {
        const probe = c[key];
        const get = isObject(probe) && isObject(probe.httpGet) ? probe.httpGet : undefined;
        if (!get || typeof get.path !== 'string') continue;
        const ports = portNumbers(workload, get.port, typeof c.name === 'string' ? c.name : undefined);
        if (serverPorts.length && ports.length && !ports.some((p) => serverPorts.includes(p))) continue;
        const path = normalize(get.path);
        if (path !== '/' && path !== '') out.push(path);
      }
    }
  }
  return out;
}

/**
 * The paths an HTTP route matches when every match of every rule is an `Exact` or
 * `PathPrefix` path in `paths`; undefined when some match reaches further (another path, a
 * regular expression, no path, a rule without matches, no rules: each matches more).
 */
export function probeOnlyPaths(route: Resource, paths: ReadonlySet<string>): string[] | undefined {
  const spec = isObject(route.value.spec) ? route.value.spec : {};
  if (!Array.isArray(spec.rules) || spec.rules.length === 0) return undefined;
  const found: string[] = [];
  for (const rule of spec.rules) {
    if (!isObject(rule) || !Array.isArray(rule.matches) || rule.matches.length === 0) return undefined;
    for (const match of rule.matches) {
      const path = isObject(match) && isObject(match.path) ? match.path : undefined;
      if (!path) return undefined;
      const type = path.type ?? 'PathPrefix';
      if ((type !== 'Exact' && type !== 'PathPrefix') || typeof path.value !== 'string') return undefined;
      const value = normalize(path.value);
      // A prefix of `/` is every path, whatever the configured list says.
      if (value === '/' || !paths.has(value)) return undefined;
      if (!found.includes(value)) found.push(value);
    }
  }
  return found;
}

/**
 * The probe paths an AuthorizationPolicy authorizes when it is the probe pattern's policy:
 * it targets an HTTPRoute of the input whose parents include a Server and whose matches are
 * only probe paths (`wellKnown`, or what the kubelet requests from the pods those Servers
 * select). Undefined otherwise. Says nothing about the policy's authentications.
 */
export function probeRoutePaths(tree: ManifestTree, attachment: PolicyAttachment, wellKnown: readonly string[]): string[] | undefined {
  const target = attachment.target;
  if (target.kind !== 'HTTPRoute' || !target.route || target.servers.length === 0) return undefined;
  const paths = new Set(wellKnown.map(normalize));
  const model = workloadModel(tree);
  for (const server of target.servers) {
    const spec = server.resource && isObject(server.resource.value.spec) ? server.resource.value.spec : undefined;
    const selector = spec ? asSelector(spec.podSelector) : undefined;
    if (!spec || !selector) continue;
    for (const w of model.selectWorkloads(server.namespace, selector)) for (const p of probePathsOf(w, spec.port)) paths.add(p);
  }
  return probeOnlyPaths(target.route, paths);
}

/**
 * True when every Server is one on the proxy's admin port (`linkerd-admin`, or 4191 unless
 * the install moved it), where the kubelet probes the proxy itself (`/live`, `/ready`, from
 * linkerd2 charts/partials/templates/_proxy.tpl). Linkerd 2.11's docs (linkerd/website
 * linkerd.io/content/2.11/tasks/restricting-access.md) and linkerd2's smoke test
 * (test/integration/install/testdata/smoke_test.yaml) authorize those probes
 * with an unauthenticated ServerAuthorization on such a Server. A Server the input does not
 * hold is not known to be one.
 */
export function onProxyAdminPort(servers: readonly ServerRef[]): boolean {
  return (
    servers.length > 0 &&
    servers.every((s) => {
      const spec = s.resource && isObject(s.resource.value.spec) ? s.resource.value.spec : undefined;
      return spec !== undefined && (spec.port === 'linkerd-admin' || spec.port === DEFAULT_PROXY_PORTS.admin);
    })
  );
}

/** How an AuthorizationPolicy serves kubelet probes, when it does: a probe-path route, or the proxy's admin port. */
export type ProbeUse = { kind: 'route'; paths: string[] } | { kind: 'adminPort' };

export function probeUse(tree: ManifestTree, attachment: PolicyAttachment, wellKnown: readonly string[]): ProbeUse | undefined {
  const paths = probeRoutePaths(tree, attachment, wellKnown);
  if (paths) return { kind: 'route', paths };
  const target = attachment.target;
  return target.kind === 'Server' && onProxyAdminPort([target.server]) ? { kind: 'adminPort' } : undefined;
}

/** The JSON Schema of the `probePaths` option of the rules that recognise the probe pattern. */
export const PROBE_PATHS_OPTION = {
  type: 'array',
  items: { type: 'string', pattern: '^/' },
  description: "Paths that count as kubelet probe paths without seeing the pods (the paths the selected pods' probes request always count).",
};

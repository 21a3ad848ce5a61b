import { isObject } from '../../model/k8s.js';
import type { Resource } from '../../model/resource.js';
import { asSelector, matchesSelector } from '../../model/selectors.js';
import type { ManifestTree } from '../../model/tree.js';
import { POLICY_GROUP } from '../admission/coverage.js';
import type { Injection } from '../injection.js';
import { effectiveOpaquePorts } from '../opaque-ports.js';
import { resolveNearest } from '../policy-targets.js';
import { type LinkerdTarget, atLeast } from '../releases.js';
import { type Workload, proxyViewOf, workloadInjection, workloadModel } from '../workloads.js';
import { type Applied, appliedOn } from './applied.js';
import { type Authorization, type AuthorizationSet, type Ignored, routeAuthorizations, serverAccessPolicy, serverAuthorizations } from './authorizations.js';
import { type ClusterDefault, type DefaultPolicy, type PodDefault, defaultPolicyRule, podDefaultPolicy, requireIdentityPorts } from './defaults.js';
import type { IdentityDomain } from './identities.js';
import { inboundPorts, probePaths, serverPortNumbers, skippedInboundPorts } from './ports.js';
import { type InboundRoute, type ServerRoutes, byteOrder, created, serverRoutes } from './routes.js';

/**
 * What Linkerd does with a request to each port of each meshed workload of a tree: the
 * Server that selects the port or the default policy, the routes the proxy matches requests
 * against, and the authorizations that admit clients to each. Built from the workload and
 * injection model and the policy references the security rules read, so the two agree.
 */

export interface AccessOptions {
  target: LinkerdTarget;
  /** The cluster-wide `defaultInboundPolicy`. */
  clusterDefault: ClusterDefault;
  domain: IdentityDomain;
}

/** How the proxy reads a port: protocol detection (HTTP routes for HTTP traffic), a declared HTTP or gRPC protocol, or opaque TCP. */
export type PortProtocol = 'detect' | 'HTTP/1' | 'HTTP/2' | 'gRPC' | 'opaque' | 'TLS';

/** One route requests are matched against: a route of the input, or one of Linkerd's own (`default`: every request; `probe`: the kubelet's probe paths). */
export interface RouteAccess {
  route?: InboundRoute;
  builtin?: 'default' | 'probe';
  /** For the probe route: the paths it matches, each with `GET`. */
  probePaths?: string[];
  /** The route's own authorizations; the Server's apply too. */
  authorizations: Authorization[];
  ignored: Ignored[];
}

export interface ServerChoice {
  resource: Resource;
  accessPolicy: DefaultPolicy;
  /** Other Servers that select the same port and lose to this one. */
  shadows: Resource[];
  /** `undefined` before 2.18, when the policy controller took whichever Server its hash map gave first. */
  precedence: 'oldest-then-name' | 'undefined';
}

export interface PortAccess {
  port: number;
  names: string[];
  probeOnly: boolean;
  /** Left out of the proxy's redirect by `skip-inbound-ports`: no policy applies. */
  skipped: boolean;
  /** The paths the kubelet probes on the port. */
  probePaths: string[];
  server?: ServerChoice;
  /** The default policy, for a port no Server selects. */
  default?: PodDefault;
  protocol: PortProtocol;
  /** Authorizations that apply to every route and to non-HTTP traffic. */
  serverAuthorizations: Authorization[];
  /** Empty for opaque and TLS ports: only the Server-level authorizations decide. */
  routes: RouteAccess[];
  ignored: Ignored[];
}

export interface WorkloadAccess {
  workload: Workload;
  namespace: string | undefined;
  /** `unknown`: its Namespace is not in the input, and decides. */
  meshed: Injection;
  defaultPolicy: PodDefault;
  ports: PortAccess[];
}

/** A Server with everything that names it, whether or not it selects a pod of the input. */
export interface ServerAccess {
  resource: Resource;
  applied: Applied;
  accessPolicy: DefaultPolicy;
  authorizations: AuthorizationSet;
  routes: ServerRoutes;
  /** The authorizations of each attached route (HTTP and gRPC). */
  routeAuthorizations: Map<Resource, AuthorizationSet>;
  /** No authorization of the Server or of any of its routes: every client is refused (kubelet probes pass while no route attaches). */
  admitsNobody: boolean;
}

export interface AccessModel {
  options: AccessOptions;
  tree: ManifestTree;
  workloads: WorkloadAccess[];
  servers: ServerAccess[];
}

const PROTOCOLS: Record<string, PortProtocol> = { 'HTTP/1': 'HTTP/1', 'HTTP/2': 'HTTP/2', gRPC: 'gRPC', opaque: 'opaque', TLS: 'TLS' };

function serverProtocol(server: Resource): PortProtocol {
  const spec = isObject(server.value.spec) ? server.value.spec : {};
  return (typeof spec.proxyProtocol === 'string' && PROTOCOLS[spec.proxyProtocol]) || 'detect';
}

function buildServer(tree: ManifestTree, server: Resource, options: AccessOptions): ServerAccess {
  const { target, domain } = options;
  const applied = appliedOn(server, target);
  const authorizations = serverAuthorizations(tree, server, target, domain);
  const routes = serverRoutes(tree, server, target);
  const byRoute = new Map<Resource, AuthorizationSet>();
  for (const r of [...routes.http, ...routes.grpc]) byRoute.set(r.resource, routeAuthorizations(tree, r.resource, target, domain));
  const admitsNobody = authorizations.list.length === 0 && [...byRoute.values()].every((s) => s.list.length === 0);
  return { resource: server, applied, accessPolicy: serverAccessPolicy(server, target), authorizations, routes, routeAuthorizations: byRoute, admitsNobody };
}

/** The Servers of a workload's namespace that select it, one per name (the copy nearest the workload), oldest first, then by name. */
function candidateServers(tree: ManifestTree, workload: Workload, servers: Map<Resource, ServerAccess>): ServerAccess[] {
  const names = new Set<string>();
  for (const s of tree.inNamespace('Server', workload.namespace, POLICY_GROUP)) if (s.name) names.add(s.name);
  const out: ServerAccess[] = [];
  for (const name of names) {
    const resource = resolveNearest(tree, workload.resource, 'Server', POLICY_GROUP, workload.namespace, name);
    const access = resource && servers.get(resource);
    if (!access || !access.applied.applied) continue;
    const spec = isObject(resource.value.spec) ? resource.value.spec : {};
    const selector = asSelector(spec.podSelector);
    if (!selector || !matchesSelector(selector, workload.labels)) continue;
    out.push(access);
  }
  // linkerd2 `policy-controller/k8s/index/src/inbound/index.rs`, `reindex_servers` (2.18, #13676).
  return out.sort((a, b) => byteOrder(created(a.resource), created(b.resource)) || byteOrder(a.resource.name ?? '', b.resource.name ?? ''));
}

function builtinRoutes(paths: readonly string[] | undefined, target: LinkerdTarget, grpc: boolean): RouteAccess[] {
  const out: RouteAccess[] = [{ builtin: 'default', authorizations: [], ignored: [] }];
  // `ClusterInfo::default_inbound_http_routes`: GET on each probe path, from the probe networks (2.12 on, #9008).
  if (!grpc && paths?.length && atLeast(target, '2.12')) {
    out.push({
      builtin: 'probe',
      probePaths: [...paths],
      authorizations: [{ source: { kind: 'probe' }, rule: { authentication: { kind: 'none' }, networks: { kind: 'probe' } }, audit: false }],
      ignored: [],
    });
  }
  return out;
}

function routesFor(server: ServerAccess, protocol: PortProtocol, paths: readonly string[] | undefined, target: LinkerdTarget): { routes: RouteAccess[]; ignored: Ignored[] } {
  if (protocol === 'opaque' || protocol === 'TLS') return { routes: [], ignored: [] };
  const grpc = protocol === 'gRPC';
  const used = grpc ? server.routes.grpc : server.routes.http;
  const unused = grpc ? server.routes.http : server.routes.grpc;
  const ignored: Ignored[] = [
    ...server.routes.ignored,
    ...unused.map((r) => ({ resource: r.resource, why: `Server ${server.resource.name} has proxyProtocol ${grpc ? 'gRPC' : protocol}, so its ${r.kind}s are not used` })),
  ];
  if (used.length === 0) return { routes: builtinRoutes(paths, target, grpc), ignored };
  return {
    routes: used.map((route) => {
      const set = server.routeAuthorizations.get(route.resource)!;
      return { route, authorizations: set.list, ignored: set.ignored };
    }),
    ignored,
  };
}

function portAccessList(workload: Workload, namespace: Resource | undefined, candidates: ServerAccess[], options: AccessOptions, defaults: PodDefault): PortAccess[] {
  const { target } = options;
  const proxy = proxyViewOf(workload, namespace, target);
  const ports = inboundPorts(workload, target);
  const numbers = new Set(ports.map((p) => p.port));
  const selections = candidates.map((s) => ({ server: s, ports: serverPortNumbers(workload, (s.resource.value.spec as Record<string, unknown>).port, proxy, target) }));
  // A Server on one of the proxy's own ports adds that port to the report.
  for (const s of selections) {
    for (const p of s.ports) {
      if (!numbers.has(p) && (p === proxy.admin || p === proxy.inbound)) {
        numbers.add(p);
        ports.push({ port: p, names: [p === proxy.admin ? 'linkerd-admin' : 'linkerd-proxy'], probeOnly: false });
      }
    }
  }
  ports.sort((a, b) => a.port - b.port);
  const skipped = skippedInboundPorts(workload, namespace);
  const requireIdentity = requireIdentityPorts(workload, namespace);
  const probes = probePaths(workload);
  const names = new Map(workload.ports.flatMap((p) => (p.name ? [[p.name, p.port] as const] : [])));
  const opaque = effectiveOpaquePorts(
    { resource: workload.resource, annotations: workload.annotations, annotationsPath: [...workload.template.path, 'metadata', 'annotations'] },
    namespace,
    target,
    names,
  ).ports;
  return ports.map((p): PortAccess => {
    const paths = probes.get(p.port);
    const base = { port: p.port, names: p.names, probeOnly: p.probeOnly, skipped: skipped.has(p.port), probePaths: paths ?? [] };
    const selecting = selections.filter((s) => s.ports.includes(p.port)).map((s) => s.server);
    const winner = selecting[0];
    if (!winner) {
      const protocol: PortProtocol = opaque.has(p.port) ? 'opaque' : 'detect';
      const rule = defaultPolicyRule(defaults.value, requireIdentity.has(p.port));
      return {
        ...base,
        default: defaults,
        protocol,
        serverAuthorizations: rule ? [{ source: { kind: 'default', value: defaults.value }, rule, audit: defaults.value === 'audit' }] : [],
        routes: protocol === 'opaque' ? [] : builtinRoutes(paths, target, false),
        ignored: [],
      };
    }
    const protocol = serverProtocol(winner.resource);
    const { routes, ignored } = routesFor(winner, protocol, paths, target);
    return {
      ...base,
      server: {
        resource: winner.resource,
        accessPolicy: winner.accessPolicy,
        shadows: selecting.slice(1).map((s) => s.resource),
        precedence: atLeast(target, '2.18') ? 'oldest-then-name' : 'undefined',
      },
      protocol,
      serverAuthorizations: winner.authorizations.list,
      routes,
      ignored: [...winner.authorizations.ignored, ...ignored],
    };
  });
}

export function buildAccessModel(tree: ManifestTree, options: AccessOptions): AccessModel {
  const { target } = options;
  const servers = new Map<Resource, ServerAccess>();
  for (const s of tree.ofKind('Server', POLICY_GROUP)) servers.set(s, buildServer(tree, s, options));
  const workloads: WorkloadAccess[] = [];
  for (const workload of workloadModel(tree).workloads) {
    // Context is read to resolve references; its workloads are not reported on.
    if (tree.isContext(workload.resource)) continue;
    const namespace = workload.namespace === undefined ? undefined : tree.namespace(workload.namespace);
    const meshed = proxyViewOf(workload, namespace, target).injected ? workloadInjection(workload, namespace, target) : 'no';
    // Before 2.11 there is no inbound policy: every port admits every client.
    const defaults: PodDefault = atLeast(target, '2.11')
      ? podDefaultPolicy(workload, namespace, options.clusterDefault)
      : { value: 'all-unauthenticated', from: 'cluster', clusterFrom: 'install' };
    const candidates = meshed === 'no' ? [] : candidateServers(tree, workload, servers);
    const ports = meshed === 'no' ? [] : portAccessList(workload, namespace, candidates, options, defaults);
    workloads.push({ workload, namespace: workload.namespace, meshed: meshed === 'no' ? 'no' : meshed === 'unknown' ? 'unknown' : 'yes', defaultPolicy: defaults, ports });
  }
  return { options, tree, workloads, servers: [...servers.values()] };
}

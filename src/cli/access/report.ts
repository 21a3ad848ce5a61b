import type { Resource } from '../../model/resource.js';
import type { Authorization, Ignored } from '../../linkerd/access/authorizations.js';
import { type ClientRule, describeEntries, describeRule } from '../../linkerd/access/clients.js';
import type { ClusterDefault, PodDefault } from '../../linkerd/access/defaults.js';
import { type IdentityDomain, type IdentityMatch, identityMatchText, identityMeaning, wildcardKind } from '../../linkerd/access/identities.js';
import type { AccessModel, PortAccess, RouteAccess, WorkloadAccess } from '../../linkerd/access/model.js';
import { describeMatches } from '../../linkerd/access/routes.js';
import { WELL_KNOWN_PROBE_PATHS, probeOnlyPaths } from '../../linkerd/probes.js';

/**
 * The access report as data: the JSON format (schema documented in docs/access.md, version
 * 1), and what the table and graph formats draw from, so they show the same edges.
 */

export interface Location {
  file: string;
  line: number;
}

export interface Ref {
  kind: string;
  name: string;
  namespace: string | null;
  location: Location;
}

export type ClientKind = 'serviceAccount' | 'namespace' | 'anyMeshed' | 'identity' | 'anyTLS' | 'unauthenticated' | 'kubelet';

export interface ClientNode {
  id: string;
  kind: ClientKind;
  label: string;
}

export interface AuthorizationReport {
  source: 'AuthorizationPolicy' | 'ServerAuthorization' | 'accessPolicy' | 'defaultPolicy' | 'probe';
  /** The AuthorizationPolicy or ServerAuthorization, or the Server whose accessPolicy it is. */
  resource: Ref | null;
  /** The accessPolicy or default policy value. */
  value: string | null;
  /** The MeshTLSAuthentication and NetworkAuthentication an AuthorizationPolicy requires. */
  authentications: Ref[];
  clients: string[];
  /** Where clients must connect from, when limited: `10.0.0.0/8`, `the cluster networks`. */
  networks: string | null;
  description: string;
  audit: boolean;
}

export interface RouteReport {
  /** `default` and `probe` are Linkerd's own routes of a port without routes. */
  kind: 'HTTPRoute' | 'GRPCRoute' | 'default' | 'probe';
  resource: Ref | null;
  group: string | null;
  matches: string[];
  authorizations: AuthorizationReport[];
}

export type Access = 'bypassed' | 'unauthenticated' | 'anyTLS' | 'authenticated' | 'restricted' | 'denied';

export interface PortReport {
  port: number;
  names: string[];
  protocol: string;
  server: (Ref & { accessPolicy: string; precedence: string; shadows: Ref[] }) | null;
  /** For a port no Server selects: the default policy, and whose it is (`pod`, `namespace`, or `cluster`: see `clusterDefaultPolicy`). */
  defaultPolicy: { value: string; from: 'pod' | 'namespace' | 'cluster'; location: Location | null } | null;
  /** The most open access any route of the port (or its non-HTTP traffic) gives; `bypassed` for a skipped port. */
  access: Access;
  audit: boolean;
  authorizations: AuthorizationReport[];
  routes: RouteReport[];
  ignored: { resource: Ref; reason: string }[];
}

export interface WorkloadReport {
  kind: string;
  name: string;
  location: Location;
  serviceAccount: string;
  meshed: 'yes' | 'no' | 'unknown';
  ports: PortReport[];
}

export interface NamespaceReport {
  name: string | null;
  workloads: WorkloadReport[];
}

export interface Edge {
  from: string;
  /** `<namespace>/<Kind>/<name>`, the workload's node. */
  to: string;
  port: number;
  route: string | null;
  via: string;
  networks: string | null;
  audit: boolean;
}

export type HighlightKind = 'unauthenticated' | 'wildcardIdentity' | 'deniesEverything' | 'uncovered' | 'bypassed' | 'shadowedServer' | 'ignored';

export interface Highlight {
  kind: HighlightKind;
  message: string;
  location: Location | null;
}

/** A Server with whom it admits, whether or not it selects a workload of the input. */
export interface ServerReport extends Ref {
  accessPolicy: string;
  /** False when the target release does not serve it or admission refuses it (`reason` says which). */
  applied: boolean;
  reason: string | null;
  /** The workloads (`<namespace>/<Kind>/<name>`) it governs a port of. */
  selects: string[];
  authorizations: AuthorizationReport[];
  routes: RouteReport[];
  ignored: { resource: Ref; reason: string }[];
}

export interface AccessReport {
  schemaVersion: 1;
  linkerdVersion: string;
  linkerdRelease: string;
  clusterDefaultPolicy: { value: string; from: string };
  identityDomain: IdentityDomain;
  namespaces: NamespaceReport[];
  servers: ServerReport[];
  clients: ClientNode[];
  edges: Edge[];
  highlights: Highlight[];
}

export function locationOf(r: Resource): Location {
  return { file: r.file.displayPath, line: r.headRange.start.line };
}

export function refOf(r: Resource): Ref {
  return { kind: r.kind ?? '', name: r.name ?? '(unnamed)', namespace: r.namespace ?? null, location: locationOf(r) };
}

export function where(loc: Location | null): string {
  return loc ? `${loc.file}:${loc.line}` : '';
}

/** `Server web-http (web/policy.yaml:3)`. */
export function cite(r: Resource): string {
  return `${r.kind} ${r.name ?? '(unnamed)'} (${where(locationOf(r))})`;
}

function identityClient(match: IdentityMatch, domain: IdentityDomain): ClientNode {
  const meaning = identityMeaning(match, domain);
  switch (meaning.kind) {
    case 'serviceAccount':
      return { id: `sa:${meaning.namespace}/${meaning.name}`, kind: 'serviceAccount', label: `serviceaccount ${meaning.namespace}/${meaning.name}` };
    case 'namespace':
      return { id: `ns:${meaning.namespace}`, kind: 'namespace', label: `every serviceaccount of ${meaning.namespace}` };
    case 'anyMeshed':
      return { id: 'any-meshed', kind: 'anyMeshed', label: 'any meshed client' };
    case 'other':
      return { id: `identity:${meaning.text}`, kind: 'identity', label: `identity ${meaning.text}` };
  }
}

export function clientsOf(rule: ClientRule, domain: IdentityDomain, probe: boolean): ClientNode[] {
  if (probe) return [{ id: 'kubelet', kind: 'kubelet', label: 'kubelet probes (any client on the probe paths)' }];
  switch (rule.authentication.kind) {
    case 'none':
      return [{ id: 'unauthenticated', kind: 'unauthenticated', label: 'any client, unauthenticated' }];
    case 'tls':
      return [{ id: 'any-tls', kind: 'anyTLS', label: 'any TLS client' }];
    case 'identities': {
      const seen = new Map<string, ClientNode>();
      for (const m of rule.authentication.matches) {
        const node = identityClient(m, domain);
        seen.set(node.id, node);
      }
      return [...seen.values()];
    }
  }
}

function networksOf(rule: ClientRule): string | null {
  switch (rule.networks.kind) {
    case 'all':
    case 'probe':
      return null;
    case 'cluster':
      return 'the cluster networks';
    case 'listed':
      return describeEntries(rule.networks.entries);
  }
}

function authorizationReport(a: Authorization, domain: IdentityDomain, clients: Map<string, ClientNode>): AuthorizationReport {
  const nodes = clientsOf(a.rule, domain, a.source.kind === 'probe');
  for (const n of nodes) clients.set(n.id, n);
  const s = a.source;
  const resource = s.kind === 'AuthorizationPolicy' || s.kind === 'ServerAuthorization' || s.kind === 'accessPolicy' ? refOf(s.resource) : null;
  return {
    source: s.kind === 'default' ? 'defaultPolicy' : s.kind,
    resource,
    value: s.kind === 'accessPolicy' || s.kind === 'default' ? s.value : null,
    authentications: s.kind === 'AuthorizationPolicy' ? s.authentications.map(refOf) : [],
    clients: nodes.map((n) => n.id),
    networks: s.kind === 'probe' ? null : networksOf(a.rule),
    description: s.kind === 'probe' ? 'kubelet probes: any client, unauthenticated, from the probe networks' : describeRule(a.rule, domain),
    audit: a.audit,
  };
}

const OPENNESS: Access[] = ['denied', 'restricted', 'authenticated', 'anyTLS', 'unauthenticated'];

function accessOfRule(rule: ClientRule): Access {
  if (rule.authentication.kind === 'none') return 'unauthenticated';
  if (rule.authentication.kind === 'tls') return 'anyTLS';
  return rule.authentication.matches.some((m) => m.kind === 'suffix' && m.parts.length === 0) ? 'authenticated' : 'restricted';
}

function mostOpen(list: readonly Access[]): Access {
  return list.reduce<Access>((a, b) => (OPENNESS.indexOf(b) > OPENNESS.indexOf(a) ? b : a), 'denied');
}

/** The authorizations that reach a port's requests: per route (without Linkerd's probe route), or the Server's alone for an opaque port. */
function reaching(port: PortAccess): Authorization[][] {
  if (port.routes.length === 0) return [port.serverAuthorizations];
  return port.routes.filter((r) => r.builtin !== 'probe').map((r) => [...r.authorizations, ...port.serverAuthorizations]);
}

function routeName(r: RouteAccess): string {
  return r.route ? `${r.route.kind} ${r.route.name}` : r.builtin!;
}

function defaultReport(d: PodDefault): PortReport['defaultPolicy'] {
  return { value: d.value, from: d.from, location: d.resource ? { file: d.resource.file.displayPath, line: d.resource.locate(d.path ?? []).range.start.line } : null };
}

function workloadNode(w: WorkloadAccess): string {
  return `${w.namespace ?? ''}/${w.workload.resource.kind}/${w.workload.resource.name ?? ''}`;
}

function describeWorkload(w: WorkloadAccess): string {
  return `${w.workload.resource.kind} ${w.workload.resource.name ?? '(unnamed)'}${w.namespace ? ` in ${w.namespace}` : ''}`;
}

function viaOf(a: Authorization): string {
  const s = a.source;
  switch (s.kind) {
    case 'AuthorizationPolicy':
    case 'ServerAuthorization':
      return `${s.kind} ${s.resource.name ?? '(unnamed)'}`;
    case 'accessPolicy':
      return `accessPolicy ${s.value}`;
    case 'default':
      return `default policy ${s.value}`;
    case 'probe':
      return 'probe authorization';
  }
}

/** `namespaceFilter`: the namespaces the report is limited to (`--namespace`), if any. */
export function buildReport(model: AccessModel, clusterDefault: ClusterDefault & { flag?: boolean }, namespaceFilter?: readonly string[]): AccessReport {
  const { domain, target } = model.options;
  const clients = new Map<string, ClientNode>();
  const edges: Edge[] = [];
  const highlights: Highlight[] = [];
  const byNamespace = new Map<string | null, WorkloadReport[]>();
  const seenWildcards = new Set<Resource>();

  const withServers = new Set(model.servers.filter((s) => s.applied.applied).map((s) => s.resource.namespace ?? null));
  const uncovered = new Map<string, { namespace: string | null; decides: string; effect: string; workloads: WorkloadAccess[] }>();
  for (const w of model.workloads) {
    const r = w.workload.resource;
    const node = workloadNode(w);
    const ports: PortReport[] = w.ports.map((p) => {
      const authorizations = p.serverAuthorizations.map((a) => authorizationReport(a, domain, clients));
      const routes: RouteReport[] = p.routes.map((route) => ({
        kind: route.route ? route.route.kind : route.builtin!,
        resource: route.route ? refOf(route.route.resource) : null,
        group: route.route ? route.route.group : null,
        matches: route.route ? describeMatches(route.route) : route.builtin === 'probe' ? route.probePaths!.map((path) => `GET ${path}`) : ['every request'],
        authorizations: route.authorizations.map((a) => authorizationReport(a, domain, clients)),
      }));
      const reach = reaching(p);
      const access: Access = p.skipped ? 'bypassed' : mostOpen(reach.map((list) => mostOpen(list.map((a) => accessOfRule(a.rule)))));
      const audit = !p.skipped && reach.some((list) => list.some((a) => a.audit));
      const ignored = p.ignored.map((i: Ignored) => ({ resource: refOf(i.resource), reason: i.why }));
      const server = p.server
        ? { ...refOf(p.server.resource), accessPolicy: p.server.accessPolicy, precedence: p.server.precedence, shadows: p.server.shadows.map(refOf) }
        : null;

      // Edges: who reaches the port, through which route and authorization.
      if (!p.skipped) {
        const add = (a: Authorization, route: string | null) => {
          for (const c of clientsOf(a.rule, domain, a.source.kind === 'probe')) {
            edges.push({ from: c.id, to: node, port: p.port, route, via: viaOf(a), networks: a.source.kind === 'probe' ? null : networksOf(a.rule), audit: a.audit });
          }
        };
        const named = p.routes.some((x) => x.route);
        for (const a of p.serverAuthorizations) add(a, named ? '*' : null);
        for (const route of p.routes) for (const a of route.authorizations) add(a, routeName(route));
      }

      // Highlights.
      const portText = `${describeWorkload(w)} port ${p.port}${p.names.length ? ` (${p.names.join(', ')})` : ''}`;
      if (p.skipped) highlights.push({ kind: 'bypassed', message: `${portText} is in config.linkerd.io/skip-inbound-ports: it bypasses the proxy, and every client reaches it without mTLS or authorization`, location: locationOf(r) });
      for (const list of [p.serverAuthorizations, ...p.routes.filter((x) => x.route).map((x) => x.authorizations)]) {
        for (const a of list) {
          const s = a.source;
          if (a.rule.authentication.kind === 'none' && (s.kind === 'AuthorizationPolicy' || s.kind === 'ServerAuthorization' || s.kind === 'accessPolicy')) {
            const onRoute = p.routes.find((x) => x.authorizations.includes(a));
            const probeOnly = onRoute && probeOnlyPaths(onRoute.route!.resource, new Set([...WELL_KNOWN_PROBE_PATHS, ...p.probePaths]));
            const scope = onRoute
              ? ` on ${routeName(onRoute)} (${describeMatches(onRoute.route!).join(', ')})${probeOnly ? ", which matches only probe paths: how Linkerd's docs authorize kubelet probes" : ''}`
              : '';
            const who = s.kind === 'accessPolicy' ? `Server ${s.resource.name} (accessPolicy ${s.value})` : `${s.kind} ${s.resource.name}`;
            highlights.push({ kind: 'unauthenticated', message: `${portText}: ${who} admits ${describeRule(a.rule, domain)}${scope}${a.audit ? ' (audit: the proxy logs these)' : ''}`, location: locationOf(s.resource) });
          }
          if (a.rule.authentication.kind === 'identities' && (s.kind === 'AuthorizationPolicy' || s.kind === 'ServerAuthorization')) {
            const wild = a.rule.authentication.matches.filter((m) => wildcardKind(identityMatchText(m), domain.trustDomain));
            const at = s.kind === 'AuthorizationPolicy' ? (s.authentications.find((x) => x.kind === 'MeshTLSAuthentication') ?? s.resource) : s.resource;
            if (wild.length && !seenWildcards.has(at)) {
              seenWildcards.add(at);
              highlights.push({ kind: 'wildcardIdentity', message: `${at.kind} ${at.name} admits identity ${wild.map(identityMatchText).join(', ')}: every meshed workload of every namespace`, location: locationOf(at) });
            }
          }
        }
      }
      for (const s of p.server?.shadows ?? []) {
        highlights.push({
          kind: 'shadowedServer',
          message: `${portText}: Server ${s.name ?? '(unnamed)'} also selects it, but Server ${p.server!.resource.name} ${p.server!.precedence === 'undefined' ? `applies (Linkerd ${target.release} picks one of them unpredictably; from 2.18 the oldest wins, then the first by name)` : 'wins (the oldest Server wins, then the first by name)'}`,
          location: locationOf(s),
        });
      }
      for (const i of p.ignored) highlights.push({ kind: 'ignored', message: `${cite(i.resource)} does not apply to ${portText}: ${i.why}`, location: locationOf(i.resource) });
      return { port: p.port, names: p.names, protocol: p.protocol, server, defaultPolicy: p.default ? defaultReport(p.default) : null, access, audit, authorizations, routes, ignored };
    });

    if (w.meshed !== 'no' && ports.length > 0 && ports.every((p) => p.server === null && p.access !== 'bypassed')) {
      const d = w.defaultPolicy;
      const source = d.from === 'cluster' ? (d.clusterFrom === 'config' ? 'the configured cluster default' : "the install's default") : d.from === 'pod' ? 'its pod template' : `namespace ${w.namespace}`;
      const effect = d.value === 'deny' ? 'only kubelet probes get in' : `it admits ${defaultDescription(d.value)}`;
      const key = w.namespace ?? null;
      // In a namespace without Servers every workload is uncovered: one highlight says it for all.
      if (!withServers.has(key)) {
        const decides = `the default policy ${d.value} from ${source === `namespace ${w.namespace}` ? 'the namespace' : source} decides`;
        const id = `${key ?? ''}\0${decides}\0${effect}`;
        const group = uncovered.get(id) ?? { namespace: key, decides, effect, workloads: [] };
        group.workloads.push(w);
        uncovered.set(id, group);
      } else {
        highlights.push({
          kind: 'uncovered',
          message: `${describeWorkload(w)}: no Server covers its ports (${ports.map((p) => p.port).join(', ')}), so the default policy ${d.value} from ${source} decides: ${effect}`,
          location: locationOf(r),
        });
      }
    }
    const list = byNamespace.get(w.namespace ?? null) ?? [];
    list.push({ kind: r.kind ?? '', name: r.name ?? '(unnamed)', location: locationOf(r), serviceAccount: w.workload.serviceAccount, meshed: w.meshed, ports });
    byNamespace.set(w.namespace ?? null, list);
  }

  for (const { namespace, decides, effect, workloads } of uncovered.values()) {
    const where = namespace === null ? 'among resources that set no namespace' : `in namespace ${namespace}`;
    const names = workloads.map((w) => `${w.workload.resource.kind} ${w.workload.resource.name ?? '(unnamed)'}`);
    const shown = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
    highlights.push({
      kind: 'uncovered',
      message: `no Server ${where}, so ${decides} for ${names.length === 1 ? shown : `its ${names.length} workloads (${shown})`}: ${effect}`,
      location: locationOf(workloads[0]!.workload.resource),
    });
  }

  for (const s of model.servers) {
    if (!s.applied.applied || !s.admitsNobody) continue;
    const selects = model.workloads.some((w) => w.ports.some((p) => p.server?.resource === s.resource));
    if (!selects) continue;
    const routes = s.routes.http.length + s.routes.grpc.length;
    highlights.push({
      kind: 'deniesEverything',
      message: `Server ${s.resource.name} admits no client: its accessPolicy is ${s.accessPolicy} and nothing authorizes it or its routes${routes ? ', and routes attach, so even kubelet probes are refused' : ' (only kubelet probes get through)'}`,
      location: locationOf(s.resource),
    });
  }

  const servers: ServerReport[] = model.servers
    .filter((s) => !namespaceFilter || (s.resource.namespace !== undefined && namespaceFilter.includes(s.resource.namespace)))
    .map((s) => {
      const selects = model.workloads.filter((w) => w.ports.some((p) => p.server?.resource === s.resource)).map(workloadNode);
      const routes: RouteReport[] = [...s.routes.http, ...s.routes.grpc].map((route) => ({
        kind: route.kind,
        resource: refOf(route.resource),
        group: route.group,
        matches: describeMatches(route),
        authorizations: (s.routeAuthorizations.get(route.resource)?.list ?? []).map((a) => authorizationReport(a, domain, clients)),
      }));
      const ignored = [...s.authorizations.ignored, ...s.routes.ignored, ...[...s.routeAuthorizations.values()].flatMap((x) => x.ignored)];
      return {
        ...refOf(s.resource),
        accessPolicy: s.accessPolicy,
        applied: s.applied.applied,
        reason: s.applied.applied ? null : s.applied.why,
        selects: [...new Set(selects)].sort(),
        authorizations: s.authorizations.list.map((a) => authorizationReport(a, domain, clients)),
        routes,
        ignored: ignored.map((i) => ({ resource: refOf(i.resource), reason: i.why })),
      };
    })
    .sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name) || a.location.file.localeCompare(b.location.file));

  const namespaces = [...byNamespace]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
    .map(([name, workloads]) => ({ name, workloads: workloads.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind)) }));
  const order = (h: Highlight) => `${h.location?.file ?? ''}\0${String(h.location?.line ?? 0).padStart(8, '0')}\0${h.message}`;
  const unique = [...new Map(highlights.map((h) => [`${h.kind}\0${h.message}`, h])).values()];
  return {
    schemaVersion: 1,
    linkerdVersion: target.input,
    linkerdRelease: target.release,
    clusterDefaultPolicy: { value: clusterDefault.value, from: clusterDefault.flag ? 'flag' : clusterDefault.from },
    identityDomain: domain,
    namespaces,
    servers,
    clients: [...clients.values()].sort((a, b) => a.id.localeCompare(b.id)),
    edges: dedupeEdges(edges),
    highlights: unique.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)),
  };
}

function defaultDescription(value: string): string {
  switch (value) {
    case 'all-unauthenticated':
    case 'audit':
      return 'any client, unauthenticated';
    case 'cluster-unauthenticated':
      return 'any client from the cluster networks, unauthenticated';
    case 'all-authenticated':
      return 'any meshed client';
    case 'cluster-authenticated':
      return 'any meshed client from the cluster networks';
    default:
      return 'nobody';
  }
}

function dedupeEdges(edges: Edge[]): Edge[] {
  const seen = new Map<string, Edge>();
  for (const e of edges) seen.set(JSON.stringify(e), e);
  return [...seen.values()].sort((a, b) => a.to.localeCompare(b.to) || a.port - b.port || a.from.localeCompare(b.from) || (a.route ?? '').localeCompare(b.route ?? '') || a.via.localeCompare(b.via));
}

import { defineRule } from '../src/engine/rule.js';
import { describeWorkload } from '../src/linkerd/injection.js';
import { OPAQUE_PORTS_KEY, type OpaqueList, appProtocolOpaque, defaultOpaquePorts, effectiveOpaquePorts } from '../src/linkerd/opaque-ports.js';
import { namespaceScope } from '../src/linkerd/pod-config.js';
import { type ServiceInfo, type Workload, workloadInjection, workloadModel } from '../src/linkerd/workloads.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import { type LabelSelector, asSelector, matchesSelector } from '../src/model/selectors.js';
import { type ManifestTree, nameKey } from '../src/model/tree.js';

/**
 * NATS client and cluster ports: the server sends `INFO` first, so detection waits its
 * 10 s for client bytes (linkerd/website `features/protocol-detection.md`; linkerd2 #13364).
 * Its monitoring port 8222, listed there too, is plain HTTP and detected fine.
 */
const NATS_PORTS: ReadonlySet<number> = new Set([4222, 6222]);

function siteOf(list: OpaqueList, own: string): string {
  return list.from === 'own' ? `on ${own}` : `on namespace ${list.resource?.name ?? ''}, inherited by ${own},`;
}

/** The Servers of one namespace with `proxyProtocol: opaque` and one selector, and the ports they name. */
interface OpaqueServers {
  selector: LabelSelector;
  ports: Set<unknown>;
}

/** The groups of one namespace, by the first label their selector requires (`''` for those that require none). */
type OpaqueServerIndex = Map<string, OpaqueServers[]>;

const labelKey = (key: string, value: unknown) => `${key}\0${String(value)}`;

/**
 * The ports, as numbers and names, that Servers selecting a pod set to `proxyProtocol: opaque`
 * (their own inbound override). Servers are grouped by namespace and selector, and a pod's
 * answer is kept by namespace and labels: copies of one Server or pod are judged once.
 */
function opaqueServerPorts(tree: ManifestTree): (workload: Workload) => ReadonlySet<unknown> {
  const byScope = new Map<string, OpaqueServerIndex>();
  const indexed = new Set<string | undefined>();
  const answers = new Map<string, ReadonlySet<unknown>>();
  const index = (namespace: string | undefined) => {
    indexed.add(namespace);
    const groups = new Map<string, OpaqueServers>();
    for (const server of tree.inNamespace('Server', namespace, 'policy.linkerd.io')) {
      if (!isObject(server.value.spec)) continue;
      const spec = server.value.spec;
      if (typeof spec.proxyProtocol !== 'string' || spec.proxyProtocol.toLowerCase() !== 'opaque') continue;
      const selector = asSelector(spec.podSelector);
      if (!selector) continue;
      const scope = namespaceScope(server);
      const key = nameKey(scope, JSON.stringify(selector) ?? '');
      let group = groups.get(key);
      if (!group) {
        groups.set(key, (group = { selector, ports: new Set() }));
        let byLabel = byScope.get(scope);
        if (!byLabel) byScope.set(scope, (byLabel = new Map()));
        // Only pods carrying a selector's first required label can match it: file it there.
        const first = Object.entries(selector.matchLabels ?? {})[0];
        const label = first ? labelKey(first[0], first[1]) : '';
        const list = byLabel.get(label);
        if (list) list.push(group);
        else byLabel.set(label, [group]);
      }
      if (typeof spec.port === 'string' || (typeof spec.port === 'number' && !Number.isNaN(spec.port))) group.ports.add(spec.port);
    }
  };
  return (workload) => {
    if (!indexed.has(workload.namespace)) index(workload.namespace);
    const scope = namespaceScope(workload.resource);
    const key = nameKey(scope, JSON.stringify(workload.labels));
    let ports = answers.get(key);
    if (!ports) {
      const found = new Set<unknown>();
      const byLabel = byScope.get(scope);
      const candidates = [...(byLabel?.get('') ?? []), ...Object.entries(workload.labels).flatMap(([k, v]) => byLabel?.get(labelKey(k, v)) ?? [])];
      for (const group of candidates) {
        if (matchesSelector(group.selector, workload.labels)) for (const port of group.ports) found.add(port);
      }
      answers.set(key, (ports = found));
    }
    return ports;
  };
}

export default defineRule({
  meta: {
    id: 'opaque-port-required',
    description: 'Warn when a port whose server speaks first is not opaque, so protocol detection stalls on it',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['Service', ...POD_TEMPLATE_KINDS],
    messages: {
      dropped:
        '{{what}} is in Linkerd\'s default opaque ports, but {{key}} "{{value}}" {{site}} replaces that list without it: ' +
        'connections to it go through protocol detection, which stalls or misreads them; add {{port}} to the annotation',
      nats:
        '{{what}} is NATS, where the server speaks first, and is not in {{listSite}}: each connection ' +
        'waits 10s for protocol detection; list {{port}} in {{key}} (the annotation replaces the default list, so keep the defaults you need)',
    },
    docs: {
      why:
        'The proxy detects a connection\'s protocol by reading the first bytes the client sends, and gives up after 10 ' +
        'seconds. Protocols where the server speaks first (SMTP, MySQL, NATS, ...) or that detection misreads ' +
        '(PostgreSQL, Redis, Memcached, ...) must be marked opaque. Linkerd ships a default list of such ports (25, 587, ' +
        '3306, 4444, 5432, 6379, 9300, 11211 since 2.11; 2.10 had 25, 443, 587, 3306, 5432, 11211), but a ' +
        '`config.linkerd.io/opaque-ports` annotation on a pod template, a Service or their Namespace **replaces** that ' +
        'list rather than adding to it: `opaque-ports: "8443"` on a pod that also serves PostgreSQL on 5432 turns 5432 ' +
        'back into detected traffic. NATS (4222 client, 6222 cluster) is not in the default list at all, so an injected ' +
        'NATS server needs the annotation. A Server with `proxyProtocol: opaque` on the port, and from 2.18 a Service ' +
        'port `appProtocol` other than `http` or `kubernetes.io/h2c`, also make the port opaque and are honoured.',
      howToFix:
        'Write the full list you need in `config.linkerd.io/opaque-ports`: your own ports plus the default ones the ' +
        'workload or Service serves, e.g. `"8443,5432"`. Put it on the Service for meshed clients and on the pod ' +
        'template for the server side (`opaque-ports-consistency` checks that they agree).',
    },
  },
  check(ctx) {
    const model = workloadModel(ctx.tree);
    const defaults = new Set(defaultOpaquePorts(ctx.target));
    const base = { key: OPAQUE_PORTS_KEY };
    const serverOpaque = opaqueServerPorts(ctx.tree);
    // Services of one namespace and selector share their backends: whether one is meshed is asked once.
    const meshed = new Map<readonly Workload[], boolean>();
    const meshedBackend = (service: ServiceInfo, namespace: Resource | undefined): boolean => {
      const backends = model.backendsOf(service);
      if (backends.length === 0) return false;
      let verdict = meshed.get(backends);
      if (verdict === undefined) meshed.set(backends, (verdict = backends.some((w) => workloadInjection(w, namespace, ctx.target) === 'yes')));
      return verdict;
    };

    for (const resource of ctx.resources) {
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;

      if (resource.kind === 'Service' && resource.group === '') {
        const service = model.serviceFor(resource);
        if (!service) continue;
        const names = new Map(service.ports.flatMap((p) => (p.name ? [[p.name, p.port] as const] : [])));
        const list = effectiveOpaquePorts({ resource, annotations: annotationsAt(resource.value), annotationsPath: ['metadata', 'annotations'] }, namespace, ctx.target, names);
        const specPorts = isObject(resource.value.spec) && Array.isArray(resource.value.spec.ports) ? resource.value.spec.ports : [];
        for (const port of service.ports) {
          if (port.protocol.toUpperCase() !== 'TCP' || list.ports.has(port.port)) continue;
          const raw = specPorts[port.index];
          if (appProtocolOpaque(isObject(raw) ? raw.appProtocol : undefined, ctx.target) !== undefined) continue;
          const what = `port ${port.port} of Service ${resource.name ?? ''}`;
          const via = (t: number) => (t === port.port ? what : `${what} targets ${t}, which`);
          const path = ['spec', 'ports', port.index, 'port'];
          const target = typeof port.targetPort === 'number' ? port.targetPort : port.port;
          if (list.from !== 'default' && (defaults.has(port.port) || defaults.has(target))) {
            ctx.report({ resource, path, messageId: 'dropped', data: { ...base, what: via(defaults.has(port.port) ? port.port : target), port: port.port, value: list.value ?? '', site: siteOf(list, `Service ${resource.name ?? ''}`) } });
          } else if ((NATS_PORTS.has(port.port) || NATS_PORTS.has(target)) && meshedBackend(service, namespace)) {
            ctx.report({ resource, path, messageId: 'nats', data: { ...base, what: via(NATS_PORTS.has(port.port) ? port.port : target), port: port.port, listSite: listSiteOf(list, `Service ${resource.name ?? ''}`) } });
          }
        }
        continue;
      }

      const workload = model.workloadFor(resource);
      if (!workload) continue;
      const injection = workloadInjection(workload, namespace, ctx.target);
      if (injection === 'no') continue;
      const names = new Map(workload.ports.flatMap((p) => (p.name ? [[p.name, p.port] as const] : [])));
      const list = effectiveOpaquePorts(
        { resource, annotations: workload.annotations, annotationsPath: [...workload.template.path, 'metadata', 'annotations'] },
        namespace,
        ctx.target,
        names,
      );
      const own = describeWorkload(resource);
      const seen = new Set<number>();
      for (const port of workload.ports) {
        if (port.protocol.toUpperCase() !== 'TCP' || list.ports.has(port.port) || seen.has(port.port)) continue;
        if (port.container === 'linkerd-proxy') continue;
        const byServer = serverOpaque(workload);
        if (byServer.has(port.port) || (port.name !== undefined && byServer.has(port.name))) continue;
        const what = `container port ${port.port} of ${own}`;
        if (list.from !== 'default' && defaults.has(port.port)) {
          seen.add(port.port);
          ctx.report({ resource, path: [...port.path, 'containerPort'], messageId: 'dropped', data: { ...base, what, port: port.port, value: list.value ?? '', site: siteOf(list, own) } });
        } else if (injection === 'yes' && NATS_PORTS.has(port.port)) {
          seen.add(port.port);
          ctx.report({ resource, path: [...port.path, 'containerPort'], messageId: 'nats', data: { ...base, what, port: port.port, listSite: listSiteOf(list, own) } });
        }
      }
    }
  },
});

function listSiteOf(list: OpaqueList, own: string): string {
  if (list.from === 'default') return "the install's default opaque ports";
  return `${OPAQUE_PORTS_KEY} "${list.value ?? ''}" ${siteOf(list, own).replace(/,$/, '')}`;
}

import { defineRule } from '../src/engine/rule.js';
import { describeWorkload } from '../src/linkerd/injection.js';
import { OPAQUE_PORTS_KEY, type OpaqueList, appProtocolOpaque, defaultOpaquePorts, effectiveOpaquePorts } from '../src/linkerd/opaque-ports.js';
import { type ServiceInfo, type ServicePort, type Workload, targetPortsOn, workloadInjection, workloadModel } from '../src/linkerd/workloads.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';

/** One side's verdict on a port: opaque or not, why, and whether only the install default says so. */
interface Verdict {
  opaque: boolean;
  why: string;
  byDefault: boolean;
  /** A replacing annotation dropped a default port here: `opaque-port-required` reports that. */
  dropped: boolean;
}

function listWhy(list: OpaqueList): string {
  if (list.from === 'default') return "the install's default opaque ports";
  const value = `${OPAQUE_PORTS_KEY} "${list.value ?? ''}"`;
  return list.from === 'own' ? value : `${value} of namespace ${list.resource?.name ?? ''}`;
}

/**
 * A Service port as meshed clients see it, undefined when from 2.18 its `appProtocol`
 * decides instead (linkerd2 `policy-controller/core/src/outbound.rs`). Otherwise the Service's list, or its Namespace's; with neither, the injector writes the default
 * ports the Service exposes, judging a port by its numeric `targetPort` when it has one
 * (linkerd2 `pkg/inject/inject.go`, `CreateOpaquePortsPatch`).
 */
function serviceVerdict(port: ServicePort, raw: unknown, list: OpaqueList, defaults: ReadonlySet<number>, ctxTarget: Parameters<typeof appProtocolOpaque>[1]): Verdict | undefined {
  // A port's appProtocol names its protocol, and the proxies carry a client-speaks-first
  // protocol either way; only the two annotations, as `linkerd check --proxy` compares them, are judged.
  if (appProtocolOpaque(isObject(raw) ? raw.appProtocol : undefined, ctxTarget) !== undefined) return undefined;
  if (list.from === 'default') {
    const judged = typeof port.targetPort === 'number' ? port.targetPort : port.port;
    return { opaque: defaults.has(judged), why: listWhy(list), byDefault: true, dropped: false };
  }
  const opaque = list.ports.has(port.port);
  const target = typeof port.targetPort === 'number' ? port.targetPort : port.port;
  return { opaque, why: listWhy(list), byDefault: false, dropped: !opaque && (defaults.has(port.port) || defaults.has(target)) };
}

/** Meshed backends of one selection that `disagreeing` judges alike, with their places among the backends. */
interface BackendGroup {
  members: { workload: Workload; order: number }[];
}

/** A backend that disagrees with a Service port, and the target ports it disagrees on. */
interface Hit {
  workload: Workload;
  order: number;
  targets: readonly number[];
}

export default defineRule({
  meta: {
    id: 'opaque-ports-consistency',
    description: 'Warn when a Service port and the pod port it targets disagree on being opaque',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['Service', ...POD_TEMPLATE_KINDS],
    messages: {
      serviceOnly:
        'port {{port}} of Service {{service}} is opaque ({{serviceWhy}}), but the port it targets, {{target}} on {{workload}}, ' +
        'is not ({{podWhy}}): the server\'s proxy runs protocol detection on connections its clients send as opaque TCP; ' +
        'add {{target}} to {{key}} on the pod template',
      podOnly:
        'port {{target}} on {{workload}} is opaque ({{podWhy}}), but port {{port}} of Service {{service}}, which targets it, ' +
        'is not ({{serviceWhy}}): meshed clients of the Service run protocol detection on a port the server treats as opaque TCP; ' +
        'add {{port}} to {{key}} on the Service',
    },
    docs: {
      why:
        'Whether a port is opaque is decided twice: by the Service, for meshed clients that connect through it (its ' +
        '`config.linkerd.io/opaque-ports`, from 2.18 its port\'s `appProtocol`), and by the pod, for its own proxy and ' +
        'for clients that reach it by pod IP (the pod template\'s `config.linkerd.io/opaque-ports`). Either may ' +
        'come from the Namespace\'s annotation or the install\'s default list. When a Service port and the container ' +
        'port it targets disagree, one side detects the protocol while the other does not: server-speaks-first ' +
        'protocols stall for the 10 s detection timeout, and HTTP policy and metrics apply on one side only. ' +
        '`linkerd check --proxy` reports the same mismatch on a running cluster (linkerd2 `pkg/healthcheck/healthcheck.go`, ' +
        '`checkMisconfiguredOpaquePortAnnotations`). Both ends must be in the input; named target ports are resolved ' +
        'through the container ports, and the Service annotation lists Service port numbers, not target ports. From ' +
        '2.18 a Service port with an `appProtocol` takes its protocol from it and is not judged.',
      howToFix:
        'Mark the port opaque on both: the container port number in the pod template\'s annotation, the Service port ' +
        'number in the Service\'s annotation (or, from 2.18, `appProtocol: linkerd.io/opaque` on the Service port). ' +
        'Or remove it from both.',
    },
  },
  check(ctx) {
    const model = workloadModel(ctx.tree);
    const defaults = new Set(defaultOpaquePorts(ctx.target));
    const mine = new Set<Resource>(ctx.resources);

    const podLists = new Map<Workload, OpaqueList>();
    const podList = (w: Workload): OpaqueList => {
      let list = podLists.get(w);
      if (!list) {
        const namespace = w.namespace ? ctx.tree.namespace(w.namespace) : undefined;
        const names = new Map(w.ports.flatMap((p) => (p.name ? [[p.name, p.port] as const] : [])));
        list = effectiveOpaquePorts({ resource: w.resource, annotations: w.annotations, annotationsPath: [...w.template.path, 'metadata', 'annotations'] }, namespace, ctx.target, names);
        podLists.set(w, list);
      }
      return list;
    };

    /** The targets of a Service port on which `workload` disagrees with the Service side, in the order reported. */
    const disagreeing = (workload: Workload, port: ServicePort, serviceSide: Verdict): number[] => {
      const pods = podList(workload);
      const out: number[] = [];
      for (const target of new Set(targetPortsOn(workload, port))) {
        const declared = workload.ports.find((p) => p.port === target);
        if (!declared || declared.protocol.toUpperCase() !== 'TCP') continue;
        const podOpaque = pods.ports.has(target);
        if (podOpaque === serviceSide.opaque) continue;
        // The injector fills both sides from one default list; only a written list can disagree.
        if (serviceSide.byDefault && pods.from === 'default') continue;
        const podDropped = !podOpaque && pods.from !== 'default' && defaults.has(target);
        if (serviceSide.dropped || podDropped) continue;
        out.push(target);
      }
      return out;
    };

    // Services of one namespace and selector share their backends: the meshed ones are picked once.
    const meshedOf = new Map<readonly Workload[], readonly Workload[]>();
    const meshed = (backends: readonly Workload[]): readonly Workload[] => {
      if (backends.length === 0) return backends;
      let found = meshedOf.get(backends);
      if (!found) {
        found = backends.filter((w) => workloadInjection(w, w.namespace ? ctx.tree.namespace(w.namespace) : undefined, ctx.target) !== 'no');
        meshedOf.set(backends, found);
      }
      return found;
    };

    // Copies of one pod are judged once: meshed backends are grouped by what `disagreeing`
    // reads (declared ports, effective list), and a group's members are walked only when
    // its first one disagrees.
    const groupsOf = new Map<readonly Workload[], BackendGroup[]>();
    const backendGroups = (backends: readonly Workload[]): BackendGroup[] => {
      let groups = groupsOf.get(backends);
      if (!groups) {
        const byKey = new Map<string, BackendGroup>();
        backends.forEach((workload, order) => {
          const pods = podList(workload);
          const key = JSON.stringify([workload.ports.map((p) => [p.port, p.name ?? null, p.protocol]), pods.from, [...pods.ports].sort((a, b) => a - b)]);
          const group = byKey.get(key);
          if (group) group.members.push({ workload, order });
          else byKey.set(key, { members: [{ workload, order }] });
        });
        groupsOf.set(backends, (groups = [...byKey.values()]));
      }
      return groups;
    };

    // Copies of one Service ask the same of the same backends: the answer is kept by what
    // decides it, the Service side's verdict and the port's `targetPort`.
    const hitsOf = new Map<readonly Workload[], Map<string, readonly Hit[]>>();
    const disagreeingBackends = (backends: readonly Workload[], port: ServicePort, serviceSide: Verdict): readonly Hit[] => {
      let byVerdict = hitsOf.get(backends);
      if (!byVerdict) hitsOf.set(backends, (byVerdict = new Map()));
      const key = JSON.stringify([serviceSide.opaque, serviceSide.byDefault, serviceSide.dropped, port.targetPort]);
      let hits = byVerdict.get(key);
      if (!hits) {
        const found = backendGroups(backends).flatMap((group) => {
          const targets = disagreeing(group.members[0]!.workload, port, serviceSide);
          return targets.length === 0 ? [] : group.members.map((member) => ({ ...member, targets }));
        });
        // Backends in input order, as the findings of one Service port are listed.
        found.sort((a, b) => a.order - b.order);
        byVerdict.set(key, (hits = found));
      }
      return hits;
    };

    for (const service of model.services as readonly ServiceInfo[]) {
      if (service.resource.group !== '') continue;
      const backends = meshed(model.backendsOf(service));
      if (backends.length === 0) continue;
      const namespace = service.namespace ? ctx.tree.namespace(service.namespace) : undefined;
      const names = new Map(service.ports.flatMap((p) => (p.name ? [[p.name, p.port] as const] : [])));
      const list = effectiveOpaquePorts({ resource: service.resource, annotations: annotationsAt(service.resource.value), annotationsPath: ['metadata', 'annotations'] }, namespace, ctx.target, names);
      const specPorts = isObject(service.resource.value.spec) && Array.isArray(service.resource.value.spec.ports) ? service.resource.value.spec.ports : [];

      for (const port of service.ports) {
        if (port.protocol.toUpperCase() !== 'TCP') continue;
        const serviceSide = serviceVerdict(port, specPorts[port.index], list, defaults, ctx.target);
        if (!serviceSide) continue;
        for (const { workload, targets } of disagreeingBackends(backends, port, serviceSide)) {
          const pods = podList(workload);
          for (const target of targets) {
            const declared = workload.ports.find((p) => p.port === target)!;
            const data = {
              key: OPAQUE_PORTS_KEY,
              port: port.port,
              service: service.resource.name ?? '',
              target,
              workload: describeWorkload(workload.resource),
              serviceWhy: serviceSide.why,
              podWhy: listWhy(pods),
            };
            const onService = mine.has(service.resource) && !ctx.tree.isContext(service.resource);
            const report = onService
              ? { resource: service.resource, path: ['spec', 'ports', port.index] }
              : mine.has(workload.resource) && !ctx.tree.isContext(workload.resource)
                ? { resource: workload.resource, path: [...declared.path, 'containerPort'] }
                : undefined;
            if (!report) continue;
            if (serviceSide.opaque) ctx.report({ ...report, messageId: 'serviceOnly', data });
            else ctx.report({ ...report, messageId: 'podOnly', data });
          }
        }
      }
    }
  },
});

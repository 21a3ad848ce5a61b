import { annotationsAt, isObject, labelsAt, podTemplateOf, type PodTemplate, type StringMap } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type LabelSelector, matchesSelector } from '../model/selectors.js';
import { type ManifestTree, nameKey } from '../model/tree.js';
import { type Injection, injectionOf, proxyPortsOf } from './injection.js';
import { nativeSidecarOn } from './native-sidecar.js';
import { type LinkerdTarget, atLeast } from './releases.js';

/**
 * The pods and Services a tree describes, as the cross-resource rules see them: which
 * pods a selector picks, which ports their containers declare (by number and name), and
 * how a Service's ports reach them. Built once per tree and shared by every rule.
 */

/** One port a pod declares, as `containerPort` in `containers` or `initContainers`. */
export interface DeclaredPort {
  port: number;
  name?: string;
  protocol: string;
  container: string;
  /** Declared by an init container (a native sidecar when its `restartPolicy` is `Always`). */
  init: boolean;
  path: JsonPath;
}

/**
 * A port an HTTP readiness or liveness probe names by number: the injector adds it to the
 * proxy's inbound ports like a declared one (linkerd2 `pkg/inject/inject.go`, `getPodInboundPorts`).
 */
export interface ProbePort {
  port: number;
  container: string;
  init: boolean;
}

/** A pod, bare or from a workload's template. */
export interface Workload {
  resource: Resource;
  template: PodTemplate;
  namespace: string | undefined;
  labels: Record<string, string>;
  annotations: StringMap;
  /** `spec.serviceAccountName`, `default` when unset (as the API server defaults it). */
  serviceAccount: string;
  ports: DeclaredPort[];
  probePorts: ProbePort[];
}

/** An ExternalWorkload (`workload.linkerd.io`): a meshed process outside Kubernetes, selected by labels. */
export interface ExternalWorkloadInfo {
  resource: Resource;
  namespace: string | undefined;
  labels: Record<string, string>;
  /** `spec.ports`: one set for the whole workload, so each name is one port. */
  ports: { port: number; name?: string; protocol: string }[];
}

export interface ServicePort {
  port: number;
  name?: string;
  protocol: string;
  /** `targetPort` as written; absent means the same number as `port`. */
  targetPort: number | string;
  index: number;
}

export interface ServiceInfo {
  resource: Resource;
  namespace: string | undefined;
  /** `spec.selector` as labels; undefined for a Service without one (endpoints managed by hand, ExternalName). */
  selector: Record<string, string> | undefined;
  type: string;
  ports: ServicePort[];
}

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

function portsOf(containers: unknown, init: boolean, base: JsonPath): DeclaredPort[] {
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((c, ci) => {
    if (!isObject(c) || !Array.isArray(c.ports)) return [];
    const container = typeof c.name === 'string' ? c.name : `#${ci}`;
    return c.ports.flatMap((p, pi): DeclaredPort[] => {
      if (!isObject(p) || typeof p.containerPort !== 'number') return [];
      return [
        {
          port: p.containerPort,
          ...(typeof p.name === 'string' ? { name: p.name } : {}),
          protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
          container,
          init,
          path: [...base, ci, 'ports', pi],
        },
      ];
    });
  });
}

function probePortsOf(containers: unknown, init: boolean): ProbePort[] {
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((c, ci) => {
    if (!isObject(c)) return [];
    const container = typeof c.name === 'string' ? c.name : `#${ci}`;
    return [c.readinessProbe, c.livenessProbe].flatMap((probe): ProbePort[] => {
      // Only a port given as a number: a named one is already a declared port.
      const port = isObject(probe) && isObject(probe.httpGet) ? probe.httpGet.port : undefined;
      return typeof port === 'number' ? [{ port, container, init }] : [];
    });
  });
}

function workloadOf(resource: Resource): Workload | undefined {
  const template = podTemplateOf(resource);
  if (!template) return undefined;
  const spec = isObject(template.value.spec) ? template.value.spec : {};
  return {
    resource,
    template,
    namespace: resource.namespace,
    labels: strings(labelsAt(template.value)),
    annotations: annotationsAt(template.value) ?? {},
    serviceAccount: typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : 'default',
    ports: [
      ...portsOf(spec.containers, false, [...template.path, 'spec', 'containers']),
      ...portsOf(spec.initContainers, true, [...template.path, 'spec', 'initContainers']),
    ],
    probePorts: [...probePortsOf(spec.containers, false), ...probePortsOf(spec.initContainers, true)],
  };
}

function externalWorkloadOf(resource: Resource): ExternalWorkloadInfo {
  const spec = isObject(resource.value.spec) ? resource.value.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  return {
    resource,
    namespace: resource.namespace,
    labels: strings(labelsAt(resource.value)),
    ports: ports.flatMap((p) =>
      isObject(p) && typeof p.port === 'number'
        ? [{ port: p.port, ...(typeof p.name === 'string' ? { name: p.name } : {}), protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP' }]
        : [],
    ),
  };
}

function serviceOf(resource: Resource): ServiceInfo {
  const spec = isObject(resource.value.spec) ? resource.value.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  return {
    resource,
    namespace: resource.namespace,
    selector: isObject(spec.selector) ? strings(spec.selector) : undefined,
    type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
    ports: ports.flatMap((p, index): ServicePort[] => {
      if (!isObject(p) || typeof p.port !== 'number') return [];
      const target = typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : p.port;
      return [
        {
          port: p.port,
          ...(typeof p.name === 'string' ? { name: p.name } : {}),
          protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
          targetPort: target,
          index,
        },
      ];
    }),
  };
}

/** The workloads and Services of one tree, with the lookups rules need. */
export class WorkloadModel {
  readonly workloads: readonly Workload[];
  readonly services: readonly ServiceInfo[];
  readonly externalWorkloads: readonly ExternalWorkloadInfo[];

  constructor(private readonly tree: ManifestTree) {
    this.workloads = tree.resources.flatMap((r) => {
      const w = r.group === '' || r.group === 'apps' || r.group === 'batch' || r.group === 'argoproj.io' ? workloadOf(r) : undefined;
      return w ? [w] : [];
    });
    this.services = tree.ofKind('Service', '').map(serviceOf);
    this.externalWorkloads = tree.ofKind('ExternalWorkload', 'workload.linkerd.io').map(externalWorkloadOf);
    for (const w of this.workloads) {
      push(this.byNamespace, w.namespace, w);
      let labels = this.byLabel.get(w.namespace);
      if (!labels) this.byLabel.set(w.namespace, (labels = new Map()));
      for (const [k, v] of Object.entries(w.labels)) push(labels, `${k}=${v}`, w);
      if (!this.byResource.has(w.resource)) this.byResource.set(w.resource, w);
    }
    for (const s of this.services) this.serviceByResource.set(s.resource, s);
  }

  // Indexes, so that a selector or name lookup does not scan every workload of a large tree.
  private readonly byNamespace = new Map<string | undefined, Workload[]>();
  private readonly byLabel = new Map<string | undefined, Map<string, Workload[]>>();
  private readonly byResource = new Map<Resource, Workload>();
  private readonly serviceByResource = new Map<Resource, ServiceInfo>();

  /** ExternalWorkloads in `namespace` whose labels `selector` matches. */
  selectExternalWorkloads(namespace: string | undefined, selector: LabelSelector): readonly ExternalWorkloadInfo[] {
    return this.memo(this.externalSelections, namespace, selector, () =>
      this.externalWorkloads.filter((w) => w.namespace === namespace && matchesSelector(selector, w.labels)),
    );
  }

  /** True when the tree holds at least one ExternalWorkload in `namespace`. */
  hasExternalWorkloads(namespace: string | undefined): boolean {
    return this.externalWorkloads.some((w) => w.namespace === namespace);
  }

  /** Pods in `namespace` whose template labels `selector` matches (an empty selector picks them all). */
  selectWorkloads(namespace: string | undefined, selector: LabelSelector): readonly Workload[] {
    return this.memo(this.selections, namespace, selector, () => {
      // Only pods carrying one of the required labels can match: start from those.
      const first = Object.entries(selector.matchLabels ?? {})[0];
      const candidates = first ? (this.byLabel.get(namespace)?.get(`${first[0]}=${first[1]}`) ?? []) : (this.byNamespace.get(namespace) ?? []);
      return candidates.filter((w) => matchesSelector(selector, w.labels));
    });
  }

  // Selections are remembered by namespace and selector text: copies of one Server or
  // Service (overlays, or a generated file of many) select once, not once each, and callers
  // may key their own verdicts on the array they get back.
  private readonly selections = new Map<string, readonly Workload[]>();
  private readonly externalSelections = new Map<string, readonly ExternalWorkloadInfo[]>();

  private memo<T>(cache: Map<string, readonly T[]>, namespace: string | undefined, selector: LabelSelector, select: () => T[]): readonly T[] {
    const key = nameKey(namespace, JSON.stringify(selector) ?? '');
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = select()));
    return hit;
  }

  /** True when the tree holds at least one pod template in `namespace`. */
  hasWorkloads(namespace: string | undefined): boolean {
    return this.byNamespace.has(namespace);
  }

  /** The workload a resource describes, if it is one. */
  workloadFor(resource: Resource): Workload | undefined {
    return this.byResource.get(resource);
  }

  /** The Service model of a Service resource. */
  serviceFor(resource: Resource): ServiceInfo | undefined {
    return this.serviceByResource.get(resource);
  }

  /** Pods in `namespace`, in input order. */
  workloadsIn(namespace: string | undefined): readonly Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  service(namespace: string | undefined, name: string): ServiceInfo | undefined {
    const resource = this.tree.find('Service', namespace, name, '');
    return resource && this.serviceByResource.get(resource);
  }

  /** The pods a Service sends traffic to: its selector's matches in its namespace (none without a selector). */
  backendsOf(service: ServiceInfo): readonly Workload[] {
    return service.selector ? this.selectWorkloads(service.namespace, { matchLabels: service.selector }) : [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const models = new WeakMap<ManifestTree, WorkloadModel>();

/** The workload model of a tree, built the first time a rule asks for it. */
export function workloadModel(tree: ManifestTree): WorkloadModel {
  let model = models.get(tree);
  if (!model) models.set(tree, (model = new WorkloadModel(tree)));
  return model;
}

/** A Server's or Service's port reference as written: a number, or a port name. */
export function declaresPort(workload: Workload, port: number | string, extra: readonly { name: string; port: number }[] = []): boolean {
  const all = [...workload.ports, ...extra];
  return typeof port === 'number' ? all.some((p) => p.port === port) : all.some((p) => p.name === port);
}

/** The container port numbers a Service port reaches on a pod: its `targetPort` by number, or by name. */
export function targetPortsOn(workload: Workload, servicePort: ServicePort): number[] {
  const target = servicePort.targetPort;
  if (typeof target === 'number') return [target];
  if (/^\d+$/.test(target)) return [Number(target)];
  return workload.ports.filter((p) => p.name === target).map((p) => p.port);
}


/**
 * Pod labels no template carries: the proxy injector adds Linkerd's (linkerd2
 * `pkg/inject/inject.go`, `pkg/k8s/labels.go`), and Kubernetes' controllers add theirs
 * (`pod-template-hash`, the StatefulSet, DaemonSet and Job labels). A selector on them can
 * match pods whose templates it does not match.
 */
const RUNTIME_POD_LABELS: ReadonlySet<string> = new Set([
  'linkerd.io/control-plane-ns',
  'linkerd.io/workload-ns',
  'linkerd.io/proxy-deployment',
  'linkerd.io/proxy-replicaset',
  'linkerd.io/proxy-statefulset',
  'linkerd.io/proxy-daemonset',
  'linkerd.io/proxy-job',
  'linkerd.io/proxy-cronjob',
  'linkerd.io/proxy-replicationcontroller',
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

/** True when a selector key is a label that pods get at runtime rather than from their template. */
export function isRuntimePodLabel(key: string): boolean {
  return RUNTIME_POD_LABELS.has(key);
}

/** The names the injector gives the proxy's own ports (linkerd2 `charts/partials/templates/_proxy.tpl`). */
export const PROXY_PORT_NAMES: readonly string[] = ['linkerd-proxy', 'linkerd-admin'];

/** What a pod's proxy adds to its ports, as far as the input tells. */
export interface ProxyView {
  /** The pod may get a proxy: injection `yes`, or `unknown` (no finding may rest on a guess). */
  injected: boolean;
  /** The proxy runs as a native sidecar, in `initContainers`. */
  nativeSidecar: boolean;
  /** Its inbound and admin port numbers. */
  inbound: number;
  admin: number;
}

/** `injectionOf` for a workload of the model, with its Namespace object when the input holds it. */
export function workloadInjection(workload: Workload, namespace: Resource | undefined, target: LinkerdTarget): Injection {
  // Rules ask once per Service or Server that selects the pod: decide once per pod, namespace and target.
  let byNamespace = injections.get(workload);
  if (!byNamespace) injections.set(workload, (byNamespace = new Map()));
  let byTarget = byNamespace.get(namespace);
  if (!byTarget) byNamespace.set(namespace, (byTarget = new Map()));
  let verdict = byTarget.get(target.input);
  if (verdict === undefined) {
    const spec = isObject(workload.template.value.spec) ? workload.template.value.spec : undefined;
    verdict = injectionOf({ annotations: workload.annotations, labels: workload.labels, spec }, { name: workload.namespace, resource: namespace }, target);
    byTarget.set(target.input, verdict);
  }
  return verdict;
}

const injections = new WeakMap<Workload, Map<Resource | undefined, Map<string, Injection>>>();

/**
 * The proxy of a pod as the injector would make it, from the pod's and its Namespace's
 * annotations (`namespace` when the input holds it). A pod rendered with its proxy as an
 * init container (`linkerd inject` output) runs it as a native sidecar.
 */
export function proxyViewOf(workload: Workload, namespace: Resource | undefined, target: LinkerdTarget): ProxyView {
  const spec = isObject(workload.template.value.spec) ? workload.template.value.spec : {};
  const nsAnnotations = namespace ? annotationsAt(namespace.value) : undefined;
  const renderedInit =
    Array.isArray(spec.initContainers) && spec.initContainers.some((c) => isObject(c) && c.name === 'linkerd-proxy');
  const injection = workloadInjection(workload, namespace, target);
  return {
    injected: renderedInit || injection !== 'no',
    nativeSidecar: renderedInit || nativeSidecarOn(workload.annotations, nsAnnotations, target),
    ...proxyPortsOf(workload.annotations, nsAnnotations),
  };
}

/**
 * How a Server's `port` meets one pod: `selected` when the Server governs that port;
 * `proxyNativeSidecar` when it names a proxy port that the target's policy controller does
 * not see; `initOnly` when only init containers declare it and the target ignores those;
 * `none` otherwise.
 */
export type ServerPortMatch =
  | { kind: 'selected' }
  | { kind: 'proxyNativeSidecar'; number: number }
  | { kind: 'initOnly'; containers: string[] }
  | { kind: 'none' };

/**
 * Whether a Server's `port` selects a port of `workload` on `target`. A name matches the
 * TCP container ports of that name (linkerd2 `policy-controller/k8s/index/src/inbound/workload.rs`,
 * `pod_tcp_ports_by_name`); before 2.19 only those of `containers`, so the proxy's named
 * ports were unseen when it ran as a native sidecar (#14144). A number is selected by the
 * policy controller whatever the pod declares, but the proxy asks for a Server only on its
 * inbound ports, which the injector fills from `containerPort`s and, from 2.12, HTTP probe
 * ports given as numbers (`pkg/inject/inject.go`, `getPodInboundPorts`); from 2.20 init
 * containers' too (#14767). Ports only init containers declare count from 2.20 by name as
 * well: the 2.19 policy controller resolves the name, but the proxy still ignores the port.
 */
export function serverPortOn(workload: Workload, port: number | string, proxy: ProxyView, target: LinkerdTarget): ServerPortMatch {
  const initSeen = atLeast(target, '2.20');
  if (typeof port === 'number') {
    const regular =
      workload.ports.some((p) => !p.init && p.port === port) ||
      (atLeast(target, '2.12') && workload.probePorts.some((p) => !p.init && p.port === port));
    if (regular || (proxy.injected && (port === proxy.inbound || port === proxy.admin))) return { kind: 'selected' };
    const init = [
      ...workload.ports.filter((p) => p.init && p.port === port).map((p) => p.container),
      ...(atLeast(target, '2.12') ? workload.probePorts.filter((p) => p.init && p.port === port).map((p) => p.container) : []),
    ];
    if (init.length === 0) return { kind: 'none' };
    return initSeen ? { kind: 'selected' } : { kind: 'initOnly', containers: [...new Set(init)] };
  }
  const named = (p: DeclaredPort) => p.name === port && p.protocol.toUpperCase() === 'TCP';
  if (workload.ports.some((p) => !p.init && named(p))) return { kind: 'selected' };
  if (proxy.injected && PROXY_PORT_NAMES.includes(port)) {
    const hidden = proxy.nativeSidecar && atLeast(target, '2.15') && !atLeast(target, '2.19');
    return hidden ? { kind: 'proxyNativeSidecar', number: port === 'linkerd-proxy' ? proxy.inbound : proxy.admin } : { kind: 'selected' };
  }
  const init = workload.ports.filter((p) => p.init && named(p)).map((p) => p.container);
  if (init.length === 0) return { kind: 'none' };
  return initSeen ? { kind: 'selected' } : { kind: 'initOnly', containers: [...new Set(init)] };
}

/** Whether a Server's `port` selects a port of an ExternalWorkload: by number always, by name a TCP port of that name. */
export function serverPortOnExternal(workload: ExternalWorkloadInfo, port: number | string): boolean {
  // linkerd2 `policy-controller/k8s/index/src/inbound/index.rs`, `ExternalWorkloadIndex::selects_port`;
  // names from `workload.rs`, `external_tcp_ports_by_name`.
  if (typeof port === 'number') return true;
  return workload.ports.some((p) => p.name === port && p.protocol.toUpperCase() === 'TCP');
}

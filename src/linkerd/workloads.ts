import { annotationsAt, isObject, labelsAt, podTemplateOf, type PodTemplate, type StringMap } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type LabelSelector, matchesSelector } from '../model/selectors.js';
import type { ManifestTree } from '../model/tree.js';

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

  constructor(tree: ManifestTree) {
    this.workloads = tree.resources.flatMap((r) => {
      const w = r.group === '' || r.group === 'apps' || r.group === 'batch' || r.group === 'argoproj.io' ? workloadOf(r) : undefined;
      return w ? [w] : [];
    });
    this.services = tree.ofKind('Service', '').map(serviceOf);
  }

  /** Pods in `namespace` whose template labels `selector` matches (an empty selector picks them all). */
  selectWorkloads(namespace: string | undefined, selector: LabelSelector): Workload[] {
    return this.workloads.filter((w) => w.namespace === namespace && matchesSelector(selector, w.labels));
  }

  /** True when the tree holds at least one pod template in `namespace`. */
  hasWorkloads(namespace: string | undefined): boolean {
    return this.workloads.some((w) => w.namespace === namespace);
  }

  service(namespace: string | undefined, name: string): ServiceInfo | undefined {
    return this.services.find((s) => s.namespace === namespace && s.resource.name === name);
  }

  /** The pods a Service sends traffic to: its selector's matches in its namespace (none without a selector). */
  backendsOf(service: ServiceInfo): Workload[] {
    return service.selector ? this.selectWorkloads(service.namespace, { matchLabels: service.selector }) : [];
  }
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


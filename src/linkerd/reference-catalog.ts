import { isObject } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type LabelSelector, asSelector } from '../model/selectors.js';
import { ManifestTree } from '../model/tree.js';
import { GATEWAY_GROUP, POLICY_GROUP } from './admission/coverage.js';

/**
 * Every reference one Linkerd-related object makes to another, as one table: which
 * field holds it, what kinds it may name, and what the API server fills in when a part
 * is left out. Rules that follow references (dangling targets, route parents, who may
 * call what) read this table instead of walking specs themselves.
 */

export const SMI_GROUP = 'split.smi-spec.io';

/** A kind a reference may name; `group` is `''` for the core group. */
export interface RefTarget {
  kind: string;
  group: string;
  /** Cluster-scoped (Namespace): the reference has no namespace. */
  clusterScoped?: boolean;
}

/** How a field names its target. */
export type RefForm =
  /** An object `{ group?, kind?, name, namespace? }`. */
  | 'ref'
  /** A plain string: the name of a Service in the referrer's namespace (TrafficSplit). */
  | 'name'
  /** ServerAuthorization `spec.server`: `{ name }` or `{ selector }` over Servers. */
  | 'server';

/** What a reference is for, as a message says it: "targets", "attaches to", ... */
export type RefRole = 'target' | 'parent' | 'backend' | 'authentication' | 'identity' | 'client' | 'server' | 'apex';

/** One place in one kind where references live. */
export interface ReferenceSite {
  /** The referring kind and its API group. */
  kind: string;
  group: string;
  /** Only these API versions of the referring kind (all when absent). */
  versions?: readonly string[];
  /** Where the references are: keys, and `'*'` for every item of a list. */
  path: readonly string[];
  form: RefForm;
  role: RefRole;
  /**
   * What the API server (CRD schema defaults) or Linkerd assume for a part left out.
   * A group default of `'self'` is the referrer's own API group.
   */
  defaults: { group?: string; kind?: string; namespace?: string };
  /** The reference may name another namespace with its own `namespace` field. */
  crossNamespace: boolean;
  /** The kinds Linkerd follows through this field; a reference to another kind it ignores or refuses. */
  targets: readonly RefTarget[];
}

const SERVICE: RefTarget = { kind: 'Service', group: '' };
const SERVER: RefTarget = { kind: 'Server', group: POLICY_GROUP };
const EGRESS_NETWORK: RefTarget = { kind: 'EgressNetwork', group: POLICY_GROUP };
const SERVICE_ACCOUNT: RefTarget = { kind: 'ServiceAccount', group: '' };
const NAMESPACE: RefTarget = { kind: 'Namespace', group: '', clusterScoped: true };

/** The route kinds Linkerd reads, with their groups. */
export const ROUTE_KINDS: readonly { kind: string; group: string }[] = [
  { kind: 'HTTPRoute', group: GATEWAY_GROUP },
  { kind: 'GRPCRoute', group: GATEWAY_GROUP },
  { kind: 'TCPRoute', group: GATEWAY_GROUP },
  { kind: 'TLSRoute', group: GATEWAY_GROUP },
  { kind: 'HTTPRoute', group: POLICY_GROUP },
];

export function isRoute(resource: Pick<Resource, 'kind' | 'group'>): boolean {
  return ROUTE_KINDS.some((r) => r.kind === resource.kind && r.group === resource.group);
}

/**
 * Route references. Parents: the CRDs default a parentRef's `group` to the route's own
 * group and `kind` to `Gateway` (gateway-api `apis/v1/shared_types.go` ParentReference;
 * linkerd2 `charts/linkerd-crds/templates/policy/httproute.yaml`); Linkerd follows Service
 * and EgressNetwork parents outbound (`is_parent_service`, `is_parent_egress_network` in
 * linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`) and Server parents inbound
 * for HTTP and gRPC routes only (`policy-controller/k8s/index/src/inbound/routes.rs`).
 * Backends default to `group: ""`, `kind: Service`; the reduced backendRefs of
 * policy.linkerd.io v1alpha1 and v1beta1 have neither and default `namespace` to
 * `"default"` (linkerd2 #10485).
 */
function routeSites(): ReferenceSite[] {
  return ROUTE_KINDS.flatMap(({ kind, group }): ReferenceSite[] => {
    const inbound = kind === 'HTTPRoute' || kind === 'GRPCRoute';
    const sites: ReferenceSite[] = [
      {
        kind,
        group,
        path: ['spec', 'parentRefs', '*'],
        form: 'ref',
        role: 'parent',
        defaults: { group: 'self', kind: 'Gateway' },
        crossNamespace: true,
        targets: inbound ? [SERVICE, EGRESS_NETWORK, SERVER] : [SERVICE, EGRESS_NETWORK],
      },
    ];
    const backends = { kind, group, path: ['spec', 'rules', '*', 'backendRefs', '*'], form: 'ref', role: 'backend', crossNamespace: true } as const;
    if (group === POLICY_GROUP) {
      sites.push(
        { ...backends, versions: ['v1alpha1', 'v1beta1'], defaults: { group: '', kind: 'Service', namespace: 'default' }, targets: [SERVICE] },
        { ...backends, versions: ['v1beta2', 'v1beta3'], defaults: { group: '', kind: 'Service' }, targets: [SERVICE, EGRESS_NETWORK] },
      );
    } else {
      sites.push({ ...backends, defaults: { group: '', kind: 'Service' }, targets: [SERVICE, EGRESS_NETWORK] });
    }
    return sites;
  });
}

/**
 * The catalog. Policy references: linkerd2 `policy-controller/k8s/index/src/inbound/`
 * (`authorization_policy.rs` `target` and `authentication_ref`, `meshtls_authentication.rs`,
 * `server_authorization.rs`, `ratelimit_policy.rs`); a targetRef has no default group, so
 * an omitted one is the core group (`targets_kind` in `policy-controller/k8s/api/src/policy.rs`).
 * TrafficSplit: linkerd-smi `pkg/adaptor/controller.go` reads `spec.service` and
 * `spec.backends[].service` as Services of the split's namespace.
 */
export const REFERENCE_SITES: readonly ReferenceSite[] = [
  {
    kind: 'AuthorizationPolicy',
    group: POLICY_GROUP,
    path: ['spec', 'targetRef'],
    form: 'ref',
    role: 'target',
    defaults: {},
    crossNamespace: false,
    targets: [SERVER, { kind: 'HTTPRoute', group: POLICY_GROUP }, { kind: 'HTTPRoute', group: GATEWAY_GROUP }, { kind: 'GRPCRoute', group: GATEWAY_GROUP }, NAMESPACE],
  },
  {
    kind: 'AuthorizationPolicy',
    group: POLICY_GROUP,
    path: ['spec', 'requiredAuthenticationRefs', '*'],
    form: 'ref',
    role: 'authentication',
    defaults: {},
    crossNamespace: true,
    targets: [{ kind: 'MeshTLSAuthentication', group: POLICY_GROUP }, { kind: 'NetworkAuthentication', group: POLICY_GROUP }, SERVICE_ACCOUNT],
  },
  {
    kind: 'HTTPLocalRateLimitPolicy',
    group: POLICY_GROUP,
    path: ['spec', 'targetRef'],
    form: 'ref',
    role: 'target',
    defaults: {},
    crossNamespace: false,
    targets: [SERVER],
  },
  {
    kind: 'HTTPLocalRateLimitPolicy',
    group: POLICY_GROUP,
    path: ['spec', 'overrides', '*', 'clientRefs', '*'],
    form: 'ref',
    role: 'client',
    defaults: {},
    crossNamespace: true,
    targets: [SERVICE_ACCOUNT],
  },
  {
    kind: 'MeshTLSAuthentication',
    group: POLICY_GROUP,
    path: ['spec', 'identityRefs', '*'],
    form: 'ref',
    role: 'identity',
    defaults: {},
    crossNamespace: true,
    targets: [SERVICE_ACCOUNT, NAMESPACE],
  },
  {
    kind: 'ServerAuthorization',
    group: POLICY_GROUP,
    path: ['spec', 'server'],
    form: 'server',
    role: 'server',
    defaults: { group: POLICY_GROUP, kind: 'Server' },
    crossNamespace: false,
    targets: [SERVER],
  },
  {
    kind: 'ServerAuthorization',
    group: POLICY_GROUP,
    path: ['spec', 'client', 'meshTLS', 'serviceAccounts', '*'],
    form: 'ref',
    role: 'identity',
    defaults: { group: '', kind: 'ServiceAccount' },
    crossNamespace: true,
    targets: [SERVICE_ACCOUNT],
  },
  ...routeSites(),
  {
    kind: 'TrafficSplit',
    group: SMI_GROUP,
    path: ['spec', 'service'],
    form: 'name',
    role: 'apex',
    defaults: { group: '', kind: 'Service' },
    crossNamespace: false,
    targets: [SERVICE],
  },
  {
    kind: 'TrafficSplit',
    group: SMI_GROUP,
    path: ['spec', 'backends', '*', 'service'],
    form: 'name',
    role: 'backend',
    defaults: { group: '', kind: 'Service' },
    crossNamespace: false,
    targets: [SERVICE],
  },
];

/** The kinds that make references, for a rule's `meta.kinds`. */
export const REFERRING_KINDS: readonly string[] = [...new Set(REFERENCE_SITES.map((s) => s.kind))].sort();

/** One reference found in one resource, with the schema defaults applied. */
export interface FoundReference {
  site: ReferenceSite;
  /** Path to the reference: the ref object, the name string, or `spec.server`. */
  path: JsonPath;
  /** The object as written (`undefined` for the `name` form). */
  ref: Record<string, unknown> | undefined;
  /** Group after defaults, `''` for the core group (also when written `core`); lower case. */
  group: string;
  /** Kind after defaults, as written (compare case-insensitively). */
  kind: string | undefined;
  name: string | undefined;
  /** For `server` refs by labels: the selector. */
  selector?: LabelSelector;
  /** Namespace after defaults: the ref's own, the site's default, or the referrer's; undefined for cluster-scoped targets. */
  namespace: string | undefined;
  /** Which of `site.targets` the reference names, if any (group and kind case-insensitively, as Linkerd compares). */
  target: RefTarget | undefined;
}

function normalizeGroup(group: string): string {
  const lower = group.toLowerCase();
  return lower === 'core' ? '' : lower;
}

/** The group a reference names after defaults, or undefined when `group` is not a string. */
export function effectiveGroup(ref: Record<string, unknown>, defaultGroup: string | undefined, ownGroup: string): string | undefined {
  const g = ref.group;
  if (g === undefined || g === null) return normalizeGroup(defaultGroup === 'self' ? ownGroup : (defaultGroup ?? ''));
  return typeof g === 'string' ? normalizeGroup(g) : undefined;
}

function matchTarget(site: ReferenceSite, group: string | undefined, kind: string | undefined): RefTarget | undefined {
  if (group === undefined || kind === undefined) return undefined;
  return site.targets.find((t) => t.group === group && t.kind.toLowerCase() === kind.toLowerCase());
}

function* walk(value: unknown, path: readonly string[], at: JsonPath): Generator<[unknown, JsonPath]> {
  if (path.length === 0) {
    yield [value, at];
    return;
  }
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) yield* walk(value[i], rest, [...at, i]);
    return;
  }
  if (!isObject(value) || !(head in value)) return;
  yield* walk(value[head], rest, [...at, head]);
}

export function sitesFor(resource: Pick<Resource, 'kind' | 'group' | 'version'>): ReferenceSite[] {
  return REFERENCE_SITES.filter(
    (s) => s.kind === resource.kind && s.group === resource.group && (!s.versions || s.versions.includes(resource.version)),
  );
}

/** Every reference `resource` makes, in catalog order. Malformed entries (not objects, no name) are skipped: the schema reports them. */
export function referencesIn(resource: Resource): FoundReference[] {
  const out: FoundReference[] = [];
  for (const site of sitesFor(resource)) {
    for (const [value, path] of walk(resource.value, site.path, [])) {
      const found = readReference(site, resource, value, path);
      if (found) out.push(found);
    }
  }
  return out;
}

function readReference(site: ReferenceSite, resource: Resource, value: unknown, path: JsonPath): FoundReference | undefined {
  if (site.form === 'name') {
    if (typeof value !== 'string' || value === '') return undefined;
    return { site, path, ref: undefined, group: '', kind: site.defaults.kind, name: value, namespace: resource.namespace, target: site.targets[0] };
  }
  if (!isObject(value)) return undefined;
  const group = effectiveGroup(value, site.defaults.group, resource.group);
  const kind = typeof value.kind === 'string' ? value.kind : value.kind === undefined || value.kind === null ? site.defaults.kind : undefined;
  const target = matchTarget(site, group, kind);
  const ownNamespace = typeof value.namespace === 'string' && value.namespace !== '' ? value.namespace : undefined;
  const namespace = target?.clusterScoped ? undefined : site.crossNamespace ? (ownNamespace ?? site.defaults.namespace ?? resource.namespace) : resource.namespace;
  const name = typeof value.name === 'string' && value.name !== '' ? value.name : undefined;
  if (site.form === 'server') {
    const selector = name === undefined ? asSelector(value.selector) : undefined;
    if (name === undefined && !selector) return undefined;
    return { site, path, ref: value, group: group ?? '', kind, name, ...(selector ? { selector } : {}), namespace, target };
  }
  if (name === undefined) return undefined;
  return { site, path, ref: value, group: group ?? '', kind, name, namespace, target };
}

/** The API group of Link, the multicluster extension's kind. */
export const MULTICLUSTER_GROUP = 'multicluster.linkerd.io';

/** Namespaces every cluster has. */
const BUILTIN_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * The suffixes of the Services the multicluster service mirror creates for the Links in
 * `tree`: `<name>-<targetClusterName>` for each mirrored Service, in the namespace of the
 * exported one, and `<name>-federated` for federated Services (linkerd2
 * `multicluster/service-mirror/cluster_watcher.go`, `mirrorServiceName` and
 * `federatedServiceName`). A Link without `targetClusterName` is taken to be named after
 * its cluster, as `linkerd multicluster link` names it.
 */
export function mirrorSuffixes(tree: { ofKind(kind: string, group?: string): readonly Resource[] }): string[] | undefined {
  const links = tree.ofKind('Link', MULTICLUSTER_GROUP);
  if (links.length === 0) return undefined;
  const out = new Set<string>(['-federated']);
  for (const link of links) {
    const spec = isObject(link.value.spec) ? link.value.spec : {};
    const cluster = typeof spec.targetClusterName === 'string' && spec.targetClusterName !== '' ? spec.targetClusterName : link.name;
    if (cluster) out.add(`-${cluster}`);
  }
  return [...out];
}

/** What the input says about objects that exist without a manifest of their own. */
export interface ImplicitFacts {
  /** `namespace/name` of every ServiceAccount a pod template of the input runs as. */
  serviceAccountsInUse: ReadonlySet<string>;
  /** Every namespace some resource of the input lives in. */
  namespacesInUse: ReadonlySet<string>;
  /** The suffixes of mirrored Services (`mirrorSuffixes`); undefined when the input holds no Link. */
  mirrorSuffixes: readonly string[] | undefined;
  /** `namespace/name` of every Service of the input. */
  services: ReadonlySet<string>;
}

/**
 * Why an object that the input does not define exists all the same: the `default`
 * ServiceAccount of every namespace, a ServiceAccount a pod template of the input runs as
 * (it must exist for the pods to start), the built-in namespaces, Linkerd's own (`linkerd`,
 * `linkerd-viz`, ..., installed by the CLI or Helm rather than applied with the app), a
 * namespace some resource of the input lives in, and the Services the service mirror
 * creates: for the Links of the input, `<name>-<cluster>` and `<name>-federated`; when the
 * input holds no Link (links are mostly made with `linkerd multicluster link`, outside the
 * repository), any `<service>-<suffix>` whose `<service>` the input defines in that
 * namespace (the mirror keeps the namespace of the exported Service), unless the input
 * defines a Service with that suffix there, which makes the suffix its own naming.
 */
export function existsImplicitly(target: RefTarget, namespace: string | undefined, name: string, facts: ImplicitFacts): boolean {
  if (target.group !== '') return false;
  switch (target.kind) {
    case 'ServiceAccount':
      return name === 'default' || facts.serviceAccountsInUse.has(`${namespace ?? ''}/${name}`);
    case 'Namespace':
      return BUILTIN_NAMESPACES.has(name) || name === 'linkerd' || name.startsWith('linkerd-') || facts.namespacesInUse.has(name);
    case 'Service': {
      if (facts.mirrorSuffixes) return facts.mirrorSuffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
      const prefix = `${namespace ?? ''}/`;
      for (let dash = name.lastIndexOf('-'); dash > 0; dash = name.lastIndexOf('-', dash - 1)) {
        if (!facts.services.has(prefix + name.slice(0, dash))) continue;
        // A suffix the input itself gives a Service (`authors-clone`) is its own naming, not a cluster's.
        const suffix = name.slice(dash);
        return ![...facts.services].some((s) => s.startsWith(prefix) && s.endsWith(suffix));
      }
      return false;
    }
    default:
      return false;
  }
}

/**
 * Where the closed world holds (see `canJudgeReference` in `references.ts`): one file, one
 * directory (what `kubectl apply -f`, Flux and Argo CD apply as a unit), or the whole input.
 */
export type ReferenceScope = 'file' | 'directory' | 'tree';

function directoryOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash === -1 ? '' : path.slice(0, slash);
}

/**
 * For each resource, the tree its references are judged in: the resources of its file,
 * its directory or the whole input, always with the context ones (which describe the
 * cluster, so they count everywhere). Built lazily, one tree per file or directory.
 */
export function scopedTrees(tree: ManifestTree, scope: ReferenceScope): (resource: Resource) => ManifestTree {
  if (scope === 'tree') return () => tree;
  // Several rules judge in the same scopes: they share one set of trees per input.
  let byScope = scopedCache.get(tree);
  if (!byScope) scopedCache.set(tree, (byScope = new Map()));
  let lookup = byScope.get(scope);
  if (!lookup) byScope.set(scope, (lookup = buildScopedTrees(tree, scope)));
  return lookup;
}

const scopedCache = new WeakMap<ManifestTree, Map<ReferenceScope, (resource: Resource) => ManifestTree>>();

function buildScopedTrees(tree: ManifestTree, scope: 'file' | 'directory'): (resource: Resource) => ManifestTree {
  const unitOf = (r: Resource) => (scope === 'file' ? r.file.path : directoryOf(r.file.path));
  const context = tree.resources.filter((r) => tree.isContext(r));
  const byUnit = new Map<string, Resource[]>();
  for (const r of tree.resources) {
    if (tree.isContext(r)) continue;
    const unit = unitOf(r);
    let list = byUnit.get(unit);
    if (!list) byUnit.set(unit, (list = []));
    list.push(r);
  }
  const trees = new Map<string, ManifestTree>();
  return (r) => {
    const unit = unitOf(r);
    let t = trees.get(unit);
    if (!t) trees.set(unit, (t = new ManifestTree(byUnit.get(unit) ?? [], context)));
    return t;
  };
}

/** The JSON Schema of a rule option that sets the reference scope. */
/** The options schema of a `scope` option, with what the scope means for the rule that has it. */
export function scopeOption<D extends string>(description: D) {
  return { enum: ['file', 'directory', 'tree'], description } as const;
}

export const REFERENCE_SCOPE_OPTION = {
  enum: ['file', 'directory', 'tree'],
  description:
    'Which manifests close the world around a resource: those of its file, its directory (the default) or the whole input, with the context manifests always. A reference to kind K in namespace N is judged only when this scope holds a K in N, and route parents are compared only with the Services of this scope; the target of a reference may be defined anywhere in the input.',
} as const;

import { type RuleContext, defineRule, optionDefaults } from '../src/engine/rule.js';
import { isObject } from '../src/model/k8s.js';
import { type JsonPath, formatPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';
import { type ManifestTree, nameKey, perTree } from '../src/model/tree.js';
import { admissionProblems } from '../src/linkerd/admission.js';
import { GATEWAY_GROUP, POLICY_GROUP } from '../src/linkerd/admission/coverage.js';
import {
  REFERENCE_SCOPE_OPTION,
  ROUTE_KINDS,
  type ReferenceScope,
  effectiveGroup,
  isRoute,
  referencesIn,
  scopedTrees,
} from '../src/linkerd/reference-catalog.js';

type MessageId = 'wrongGroup' | 'missingKind' | 'serverParent' | 'serverParentIgnored' | 'parentPort' | 'backendPort';
interface Options {
  scope: ReferenceScope;
}

type Ctx = RuleContext<Options, MessageId>;

/** What one route is checked against: the whole input for Gateways, its scope (`scopedTrees`) for Services. */
interface Trees {
  all: ManifestTree;
  local: ManifestTree;
}

/** The parent kinds Linkerd reads and the one group each must name (compared case-insensitively). */
const PARENT_GROUPS: Record<string, string> = { service: '', server: POLICY_GROUP, egressnetwork: POLICY_GROUP };
const CANONICAL_KIND: Record<string, string> = { service: 'Service', server: 'Server', egressnetwork: 'EgressNetwork' };

function spelledGroup(group: string): string {
  return group === '' ? 'core (or "")' : group;
}

function stringField(ref: Record<string, unknown>, key: string): string | undefined {
  const v = ref[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function portOf(ref: Record<string, unknown>): number | undefined {
  return typeof ref.port === 'number' && ref.port !== 0 ? ref.port : undefined;
}

/** What the Services called `name` in `namespace` expose (several overlays may define one). */
interface ServicePorts {
  /** How many such Services the tree holds. */
  count: number;
  /** True when one of them declares no port: it is partial (a patch, a template). */
  partial: boolean;
  /** The ports any of them declares, ascending. */
  ports: number[];
  portNames: Set<string>;
}

/** The ports of the Services of one namespace and name, gathered once per tree: every route to them asks alike. */
function servicesNamed(tree: ManifestTree, namespace: string | undefined, name: string): ServicePorts {
  return servicePortsOf(tree, nameKey(namespace, name), () => {
    const declared = tree.named('Service', namespace, name).filter((s) => s.group === '').map(servicePorts);
    return {
      count: declared.length,
      partial: declared.some((ports) => ports.length === 0),
      ports: [...new Set(declared.flat().map((p) => p.port))].sort((a, b) => a - b),
      portNames: new Set(declared.flat().flatMap((p) => (p.name === undefined ? [] : [p.name]))),
    };
  });
}

const servicePortsOf = perTree<ServicePorts>();

function servicePorts(service: Resource): { port: number; name?: string }[] {
  const spec = isObject(service.value.spec) ? service.value.spec : {};
  return (Array.isArray(spec.ports) ? spec.ports : []).flatMap((p) =>
    isObject(p) && typeof p.port === 'number' ? [{ port: p.port, ...(typeof p.name === 'string' ? { name: p.name } : {}) }] : [],
  );
}

/** The Gateways of a tree: the namespaces each name is used in (`undefined` for none set), and every listener name. */
interface Gateways {
  namespacesOf: Map<string, Set<string | undefined>>;
  listeners: Set<unknown>;
}

function gatewaysOf(tree: ManifestTree): Gateways {
  let found = gatewayIndex.get(tree);
  if (!found) {
    found = { namespacesOf: new Map(), listeners: new Set() };
    for (const g of tree.ofKind('Gateway', GATEWAY_GROUP)) {
      if (g.name !== undefined) {
        const namespaces = found.namespacesOf.get(g.name);
        if (namespaces) namespaces.add(g.namespace);
        else found.namespacesOf.set(g.name, new Set([g.namespace]));
      }
      const spec = isObject(g.value.spec) ? g.value.spec : {};
      if (Array.isArray(spec.listeners)) for (const l of spec.listeners) if (isObject(l)) found.listeners.add(l.name);
    }
    gatewayIndex.set(tree, found);
  }
  return found;
}

const gatewayIndex = new WeakMap<ManifestTree, Gateways>();

/** True when the tree holds a Gateway this parentRef can be meant for: by name, or by a listener its sectionName names. */
function gatewayMeant(tree: ManifestTree, ref: Record<string, unknown>, namespace: string | undefined, name: string): boolean {
  const { namespacesOf, listeners } = gatewaysOf(tree);
  const namespaces = namespacesOf.get(name);
  if (namespaces && (namespace === undefined || namespaces.has(namespace) || namespaces.has(undefined))) return true;
  const section = stringField(ref, 'sectionName');
  return section !== undefined && listeners.has(section);
}

/** The Services a route's rules send traffic to, by `namespace/name`. */
function backendServices(route: Resource): Set<string> {
  return new Set(
    referencesIn(route)
      .filter((r) => r.site.role === 'backend' && r.target?.kind === 'Service')
      .map((r) => `${r.namespace ?? ''}/${r.name ?? ''}`),
  );
}

/**
 * Why a parentRef without `kind` or `group` (so a Gateway of the route's group, by the CRD
 * defaults) is plainly meant for a Service of the tree, or undefined: no Gateway of the
 * tree can be meant, and besides the name something points to the Service (one of its
 * ports, one of its port names, or the same Service as a backend of the route).
 */
function serviceEvidence(trees: Trees, route: Resource, ref: Record<string, unknown>, namespace: string | undefined, name: string): string | undefined {
  if (gatewayMeant(trees.all, ref, namespace, name)) return undefined;
  const services = servicesNamed(trees.local, namespace, name);
  if (services.count === 0) return undefined;
  const port = portOf(ref);
  const section = stringField(ref, 'sectionName');
  if (port !== undefined && services.ports.some((p) => p === port)) return `it exposes port ${port}`;
  if (section !== undefined && services.portNames.has(section)) return `it has a port named ${section}`;
  if (backendServices(route).has(`${namespace ?? ''}/${name}`)) return "it is this route's backend too";
  return undefined;
}

export default defineRule({
  meta: {
    id: 'route-parent-ref',
    description: 'Report route parentRefs and backendRefs that Linkerd ignores or cannot use: a wrong group or kind, a port the Service lacks, a Service backend without a port',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'high',
    kinds: [...new Set(ROUTE_KINDS.map((r) => r.kind))],
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: REFERENCE_SCOPE_OPTION,
      },
    },
    defaultOptions: optionDefaults<Options>({ scope: 'directory' }),
    messages: {
      wrongGroup:
        '{{at}} names {{kind}} {{name}} {{groupSpelled}}, so Linkerd ignores this parent and the route never attaches to it: set group: {{expected}}',
      missingKind:
        '{{at}} has no kind, so it names Gateway {{name}}{{groupNote}}, which Linkerd ignores; Service {{name}} in namespace {{namespace}} is likely meant, as {{evidence}}: set kind: Service and group: core',
      serverParent:
        '{{at}} names Server {{name}} {{problem}}; Linkerd refuses such a Server parent and drops the whole route, with the authorizations that target it: {{remedy}}',
      serverParentIgnored:
        '{{at}} names Server {{name}}, but Linkerd reads Server parents only on HTTPRoute and GRPCRoute; a {{routeKind}} attaches only to a Service or EgressNetwork',
      parentPort:
        '{{at}} sets port {{port}}, which Service {{name}} does not expose (ports: {{ports}}); clients connect only to the Service\'s ports, so the route never applies',
      backendPort:
        '{{at}} sends traffic to Service {{name}} without a port; Linkerd fails every request routed to a Service backend with no port: set port to one of the Service\'s ports',
    },
    docs: {
      why:
        'Linkerd attaches a route only to the parents it recognises, and says nothing about the others. A Gateway ' +
        'API route\'s parentRef that leaves out `group` gets the route\'s own group (`gateway.networking.k8s.io`, or ' +
        '`policy.linkerd.io` for a policy.linkerd.io HTTPRoute) from the CRD, and one that leaves out `kind` becomes ' +
        'a Gateway, so a parentRef meant for a Service must spell `kind: Service` and `group: core` (or `""`), and ' +
        'one for a Server or an EgressNetwork `group: policy.linkerd.io`. A parentRef without `kind` is reported only ' +
        'when it is plainly meant for a Service of the input: no Gateway of the input has its name or a listener ' +
        'named by its `sectionName`, and it carries a port (or port name) of that Service, or the route sends ' +
        'traffic to the same Service.\n\n' +
        'A Server parent must not set `port` or `sectionName` nor name another namespace: the policy controller ' +
        'then rejects the route as a whole (TCPRoute and TLSRoute cannot have Server parents at all). A Service ' +
        'parent with a `port` the Service does not expose (when the Service is in the input) attaches the route to ' +
        'a port no client connects to. A Service backend without `port` makes Linkerd fail the requests routed to ' +
        'it; that is reported here only where admission does not refuse it already (the `schema` rule reports the ' +
        'Gateway API CRD rule and the policy webhook check, for the releases that have them).',
      howToFix:
        'Spell the parent as Linkerd reads it (`kind: Service` with `group: core`, or `kind: Server` / ' +
        '`kind: EgressNetwork` with `group: policy.linkerd.io`), give Service parents a port the Service exposes ' +
        '(or none, to attach to all its ports), drop `port` and `sectionName` from Server parents, and give every ' +
        'Service backend its port.',
    },
  },
  check(ctx) {
    const scoped = scopedTrees(ctx.tree, ctx.options.scope);
    for (const route of ctx.resources) {
      if (!isRoute(route) || !isObject(route.value.spec)) continue;
      const trees = { all: ctx.tree, local: scoped(route) };
      const spec = route.value.spec;
      const parents = Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
      let outbound = false;
      parents.forEach((ref, i) => {
        if (!isObject(ref)) return;
        if (checkParent(ctx, trees, route, ref, ['spec', 'parentRefs', i])) outbound = true;
      });
      if (outbound) checkBackendPorts(ctx, route);
    }
  },
});

/**
 * Checks one parentRef; true when it is (or is plainly meant as) an outbound parent, whose
 * backends Linkerd uses. Linkerd follows a parent only when its kind and group are those
 * of a Service, an EgressNetwork (linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`,
 * `is_parent_service`, `is_parent_egress_network`) or, on HTTP and gRPC routes, a Server
 * (`policy-controller/k8s/api/src/policy/httproute.rs`, `parent_ref_targets_kind`), after
 * the CRD defaults (gateway-api `apis/v1/shared_types.go`, ParentReference).
 */
function checkParent(ctx: Ctx, trees: Trees, route: Resource, ref: Record<string, unknown>, path: JsonPath): boolean {
  const name = stringField(ref, 'name');
  if (!name) return false;
  const at = formatPath(path);
  const namespace = stringField(ref, 'namespace') ?? route.namespace;
  const group = effectiveGroup(ref, 'self', route.group);
  if (group === undefined) return false;
  const kind = typeof ref.kind === 'string' ? ref.kind : undefined;
  const groupOmitted = ref.group === undefined || ref.group === null;
  if (kind === undefined) {
    // No kind: the CRD default makes it a Gateway. Report it only when plainly meant for a Service.
    const evidence = !groupOmitted ? (group === '' ? 'the group is core' : undefined) : serviceEvidence(trees, route, ref, namespace, name);
    if (!evidence) return false;
    ctx.report({
      resource: route,
      path,
      messageId: 'missingKind',
      data: { at, name, groupNote: group === '' ? ' in the core group' : '', namespace: namespace ?? '(unset)', evidence },
    });
    return true;
  }
  const lower = kind.toLowerCase();
  const expected = PARENT_GROUPS[lower];
  if (expected === undefined) return false;
  const canonical = CANONICAL_KIND[lower]!;
  if (group !== expected) {
    ctx.report({
      resource: route,
      path: groupOmitted ? [...path, 'kind'] : [...path, 'group'],
      messageId: 'wrongGroup',
      data: {
        at,
        kind: canonical,
        name,
        groupSpelled:
          groupOmitted
            ? `with no group, which the CRD fills in as ${route.group}`
            : `in group ${group === '' ? `"${String(ref.group)}"` : group}`,
        expected: spelledGroup(expected),
      },
    });
    return canonical !== 'Server';
  }
  if (canonical === 'Server') {
    checkServerParent(ctx, route, ref, path, name);
    return false;
  }
  if (canonical === 'Service') checkParentPort(ctx, trees.local, route, ref, path, namespace, name);
  return true;
}

function checkServerParent(ctx: Ctx, route: Resource, ref: Record<string, unknown>, path: JsonPath, name: string): void {
  const at = formatPath(path);
  if (route.kind === 'TCPRoute' || route.kind === 'TLSRoute') {
    ctx.report({ resource: route, path: [...path, 'kind'], messageId: 'serverParentIgnored', data: { at, name, routeKind: route.kind } });
    return;
  }
  // linkerd2 `policy-controller/k8s/index/src/inbound/routes.rs`, `InvalidParentRef`.
  const namespace = stringField(ref, 'namespace');
  let problem: string | undefined;
  let field: string | undefined;
  let remedy = '';
  if (namespace !== undefined && route.namespace !== undefined && namespace !== route.namespace) {
    problem = `in namespace ${namespace}, not the route's namespace ${route.namespace}`;
    field = 'namespace';
    remedy = 'a route must be in the namespace of its Server';
  } else if (ref.port !== undefined && ref.port !== null) {
    problem = `with port ${String(ref.port)}`;
    field = 'port';
    remedy = 'remove port (the Server already selects its port)';
  } else if (ref.sectionName !== undefined && ref.sectionName !== null) {
    problem = `with sectionName ${String(ref.sectionName)}`;
    field = 'sectionName';
    remedy = 'remove sectionName';
  }
  if (!problem || !field) return;
  ctx.report({ resource: route, path: [...path, field], messageId: 'serverParent', data: { at, name, problem, remedy } });
}

/**
 * A Service parent's `port` must be one the Service exposes: Linkerd keys routes by
 * Service and port, and clients look up only the ports the Service has (linkerd2
 * `policy-controller/k8s/index/src/outbound/index.rs`, `lookup_service`).
 */
function checkParentPort(ctx: Ctx, local: ManifestTree, route: Resource, ref: Record<string, unknown>, path: JsonPath, namespace: string | undefined, name: string): void {
  const port = portOf(ref);
  if (port === undefined) return;
  const services = servicesNamed(local, namespace, name);
  // A Service without ports in the input is partial (a patch, a template): nothing to compare with.
  if (services.count === 0 || services.partial) return;
  if (services.ports.some((p) => p === port)) return;
  ctx.report({
    resource: route,
    path: [...path, 'port'],
    messageId: 'parentPort',
    data: { at: formatPath(path), port, name, ports: services.ports.join(', ') },
  });
}

/**
 * Service backends without a port (linkerd2 `policy-controller/k8s/index/src/outbound/index/http.rs`,
 * `convert_backend`: "missing port for backend Service"), except where admission already
 * refuses them (`checkServiceBackendPort`, reported by the schema rule), so one problem
 * gives one finding. A port that is written but out of range (0) is the schema's to refuse:
 * the API server never stores the route.
 */
function checkBackendPorts(ctx: Ctx, route: Resource): void {
  const refused = new Set(admissionProblems(route, ctx.target).map((p) => JSON.stringify(p.path)));
  for (const ref of referencesIn(route)) {
    if (ref.site.role !== 'backend' || ref.target?.kind !== 'Service' || !ref.ref) continue;
    const written = ref.ref.port !== undefined && ref.ref.port !== null;
    if (written || refused.has(JSON.stringify(ref.path))) continue;
    ctx.report({
      resource: route,
      path: ref.path,
      messageId: 'backendPort',
      data: { at: formatPath(ref.path), name: ref.name ?? '' },
    });
  }
}

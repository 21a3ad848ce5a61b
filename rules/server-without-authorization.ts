import { defineRule } from '../src/engine/rule.js';
import { describeRef, refersTo } from '../src/linkerd/admission/refs.js';
import { proxyViewOf, workloadModel } from '../src/linkerd/workloads.js';
import { isObject, labelsAt } from '../src/model/k8s.js';
import { kustomizePatchFiles } from '../src/model/kustomize.js';
import type { Resource } from '../src/model/resource.js';
import { type LabelSelector, matchesSelector } from '../src/model/selectors.js';
import { type ManifestTree, nameKey, perTree } from '../src/model/tree.js';
import { closest, nearMissDistance } from '../src/model/text.js';

const POLICY = 'policy.linkerd.io';
const GATEWAY = 'gateway.networking.k8s.io';

/** Route kinds whose Server parents make them inbound routes (linkerd2 `policy-controller/k8s/index/src/inbound/index.rs`). */
const ROUTE_KINDS = [
  { kind: 'HTTPRoute', group: POLICY },
  { kind: 'HTTPRoute', group: GATEWAY },
  { kind: 'GRPCRoute', group: GATEWAY },
] as const;

/**
 * True when a route's parentRef attaches it to Server `name`: kind Server in
 * policy.linkerd.io (the ref's group defaults to the route's own), no port or sectionName,
 * and no other namespace (linkerd2 `policy-controller/k8s/index/src/inbound/routes.rs`).
 */
function attachesTo(route: Resource, ref: unknown, name: string): boolean {
  if (!isObject(ref) || !refersTo(ref, 'Server', POLICY, { group: route.group, kind: 'Gateway' })) return false;
  if (ref.name !== name || ref.port !== undefined || ref.sectionName !== undefined) return false;
  return ref.namespace === undefined || ref.namespace === route.namespace;
}

function parentRefs(route: Resource): unknown[] {
  const spec = route.value.spec;
  return isObject(spec) && Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
}

function targetRefOf(r: Resource): Record<string, unknown> | undefined {
  const spec = r.value.spec;
  return isObject(spec) && isObject(spec.targetRef) ? spec.targetRef : undefined;
}

const routesByServer = new WeakMap<ManifestTree, Map<string, Resource[]>>();

/**
 * The inbound routes in `namespace` attached to Server `name`, in input order. Indexed once
 * per tree by the Servers each route names, so that many Servers of one name (copies of an
 * object) cost one pass over the routes, not one each.
 */
function routesOf(tree: ManifestTree, namespace: string | undefined, name: string): Resource[] {
  let index = routesByServer.get(tree);
  if (!index) {
    index = new Map();
    for (const { kind, group } of ROUTE_KINDS) {
      for (const route of tree.ofKind(kind, group)) {
        for (const ref of parentRefs(route)) {
          if (!isObject(ref) || typeof ref.name !== 'string' || !attachesTo(route, ref, ref.name)) continue;
          const key = nameKey(route.namespace, ref.name);
          const list = index.get(key);
          if (!list) index.set(key, [route]);
          else if (list[list.length - 1] !== route) list.push(route);
        }
      }
    }
    routesByServer.set(tree, index);
  }
  return index.get(nameKey(namespace, name)) ?? [];
}

/**
 * True when an AuthorizationPolicy applies to Server `server` (linkerd2
 * `policy-controller/k8s/index/src/inbound/index.rs`, `client_authzs` and
 * `route_client_authzs`): it targets the Server, the Namespace (every Server in it), or a
 * route attached to the Server. A route the input does not hold may be attached: it counts.
 */
function authorizes(tree: ManifestTree, policy: Resource, server: Resource, routes: readonly Resource[]): boolean {
  const ref = targetRefOf(policy);
  if (!ref || typeof ref.name !== 'string') return false;
  if (refersTo(ref, 'Server', POLICY)) return ref.name === server.name;
  if (refersTo(ref, 'Namespace', '')) return policy.namespace === undefined || ref.name === policy.namespace;
  for (const { kind, group } of ROUTE_KINDS) {
    if (!refersTo(ref, kind, group)) continue;
    const route = tree.find(kind, policy.namespace, ref.name, group);
    return route === undefined || routes.includes(route);
  }
  return false;
}

/** True when a policy names the Server itself (not its Namespace or a route). */
function targetsByName(policy: Resource, server: Resource): boolean {
  const ref = targetRefOf(policy);
  return ref !== undefined && refersTo(ref, 'Server', POLICY) && ref.name === server.name;
}

/** True when a ServerAuthorization's `server` names the Server or selects it by its labels. */
function serverAuthorizationSelects(saz: Resource, server: Resource): boolean {
  const spec = saz.value.spec;
  const target = isObject(spec) && isObject(spec.server) ? spec.server : undefined;
  if (!target) return false;
  if (target.name !== undefined) return target.name === server.name;
  return isObject(target.selector) && matchesSelector(target.selector as LabelSelector, labelsAt(server.value) as Record<string, unknown>);
}

function inNamespace(namespace: string | undefined): string {
  return namespace === undefined ? 'among resources that set no namespace' : `in namespace ${namespace}`;
}

export default defineRule({
  meta: {
    id: 'server-without-authorization',
    description: 'Report Servers that deny every client because nothing authorizes them',
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    kinds: ['Server'],
    messages: {
      unauthorized:
        'Server {{server}} admits no client: its accessPolicy {{policy}}, and no AuthorizationPolicy or ServerAuthorization ' +
        '{{namespace}} authorizes it (only kubelet probes get through){{hint}}',
      unauthorizedWithRoutes:
        'Server {{server}} admits no client, not even kubelet probes: its accessPolicy {{policy}}, {{routes}} to it, ' +
        'and no AuthorizationPolicy or ServerAuthorization {{namespace}} authorizes it or its routes{{hint}}',
    },
    docs: {
      why:
        'Once a Server selects a port, traffic to it that no AuthorizationPolicy or ServerAuthorization allows is handled ' +
        'by the Server\'s `accessPolicy`, which defaults to `deny` (a Server before `v1beta3` has no `accessPolicy` and ' +
        'denies likewise). A Server with nothing authorizing it therefore refuses every client: HTTP requests get 403, ' +
        'other connections are refused. Linkerd still lets kubelet probes through while no route attaches to the ' +
        'Server; once an HTTPRoute or GRPCRoute does, probes are refused too and the pods go unready ' +
        '(linkerd/linkerd2#7143, #10877). A Server is authorized by an AuthorizationPolicy whose `targetRef` is the ' +
        'Server, its Namespace, or a route attached to it, and by a ServerAuthorization whose `server.name` or ' +
        '`server.selector` picks it.\n\n' +
        'A Server is judged only when the input (with `--context`) holds an AuthorizationPolicy or ServerAuthorization ' +
        'in its namespace: a Server linted alone, or in a repository whose policies live elsewhere, is not reported. ' +
        '`references: strict` judges every Server. A Server whose `accessPolicy` lets traffic through (`audit`, ' +
        '`all-unauthenticated`, ...) is never reported, nor one whose selected pods all run without a proxy.',
      howToFix:
        'Add an AuthorizationPolicy that targets the Server (or its Namespace, or its routes) with the clients that ' +
        'may call it, including probe paths when routes attach; or set `accessPolicy` to the access the port should ' +
        'allow, such as `all-authenticated`, or to `audit` while rolling out policy.',
    },
  },
  check(ctx) {
    const strict = ctx.references === 'strict';
    const model = workloadModel(ctx.tree);
    const patchFiles = kustomizePatchFiles(ctx.tree);

    for (const server of ctx.resources) {
      if (server.group !== POLICY || !server.name || patchFiles.has(server.file.path)) continue;
      const spec = server.value.spec;
      if (!isObject(spec)) continue;
      const access = spec.accessPolicy;
      // Any other value lets traffic through, or is the schema check's to report.
      if (access !== undefined && access !== 'deny') continue;
      const ns = server.namespace;
      const policies = ctx.tree.inNamespace('AuthorizationPolicy', ns, POLICY);
      const serverAuthorizations = ctx.tree.inNamespace('ServerAuthorization', ns, POLICY);
      const elsewhere = namedElsewhere(ctx.tree, server);
      if (!strict && policies.length === 0 && serverAuthorizations.length === 0 && elsewhere.length === 0) continue;

      const routes = routesOf(ctx.tree, ns, server.name);
      // A policy that sets no namespace lands wherever it is applied: it may be this Server's.
      const unplaced = ns === undefined ? [] : ctx.tree.inNamespace('AuthorizationPolicy', undefined, POLICY);
      const unplacedAuthorizations = ns === undefined ? [] : ctx.tree.inNamespace('ServerAuthorization', undefined, POLICY);
      if ([...serverAuthorizations, ...unplacedAuthorizations].some((saz) => serverAuthorizationSelects(saz, server))) continue;
      if (policies.some((p) => authorizes(ctx.tree, p, server, routes))) continue;
      if (unplaced.some((p) => authorizes(ctx.tree, p, server, routes) && targetsByName(p, server))) continue;

      // Linkerd enforces policy only on meshed pods.
      if (isObject(spec.podSelector)) {
        const selected = model.selectWorkloads(ns, spec.podSelector as LabelSelector);
        const namespace = ns === undefined ? undefined : ctx.tree.namespace(ns);
        if (selected.length && selected.every((w) => !proxyViewOf(w, namespace, ctx.target).injected)) continue;
      }

      const data = {
        server: server.name,
        policy: access === undefined ? 'defaults to deny' : 'is deny',
        namespace: inNamespace(ns),
        hint: nearMissHint(ctx.tree, server, [...policies, ...serverAuthorizations], elsewhere),
      };
      // The accessPolicy at fault, or the Server itself when it leaves the default.
      const path = access === undefined ? ['metadata', 'name'] : ['spec', 'accessPolicy'];
      if (routes.length) {
        const names = routes.map((r) => `${r.kind} ${r.name ?? '(unnamed)'}`);
        const shown =
          (names.length > 2 ? `${names.slice(0, 2).join(', ')} and ${names.length - 2} more` : names.join(' and ')) +
          (names.length > 1 ? ' attach' : ' attaches');
        ctx.report({ resource: server, path, messageId: 'unauthorizedWithRoutes', data: { ...data, routes: shown } });
      } else {
        ctx.report({ resource: server, path, messageId: 'unauthorized', data });
      }
    }
  },
});

/** The AuthorizationPolicies and ServerAuthorizations of a tree by the Server name they give. */
const byServerName = new WeakMap<ManifestTree, Map<string, Resource[]>>();

function policiesNaming(tree: ManifestTree, name: string): readonly Resource[] {
  let index = byServerName.get(tree);
  if (!index) {
    index = new Map();
    for (const r of [...tree.ofKind('AuthorizationPolicy', POLICY), ...tree.ofKind('ServerAuthorization', POLICY)]) {
      const ref = r.kind === 'AuthorizationPolicy' ? targetRefOf(r) : undefined;
      const named = ref ? (refersTo(ref, 'Server', POLICY) ? ref.name : undefined) : serverNameOf(r);
      if (typeof named !== 'string') continue;
      const list = index.get(named);
      if (list) list.push(r);
      else index.set(named, [r]);
    }
    byServerName.set(tree, index);
  }
  return index.get(name) ?? [];
}

/** AuthorizationPolicies and ServerAuthorizations in other namespaces that name this Server: they apply only in their own. */
function namedElsewhere(tree: ManifestTree, server: Resource): readonly Resource[] {
  return elsewhereOf(tree, nameKey(server.namespace, server.name ?? ''), () =>
    policiesNaming(tree, server.name ?? '').filter((r) => r.namespace !== undefined && r.namespace !== server.namespace),
  );
}
const elsewhereOf = perTree<readonly Resource[]>();

function labelText(selector: Record<string, unknown>): string {
  const labels = isObject(selector.matchLabels) ? Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${String(v)}`) : [];
  const more = Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0;
  return labels.length ? `labelled ${labels.join(', ')}${more ? ' (and more)' : ''}` : 'by label expressions';
}

/**
 * A policy that seems meant for this Server but misses it: one in another namespace that
 * names it; one naming it in a targetRef Linkerd does not match (a Server with no group); a
 * ServerAuthorization whose selector picks no Server; or one targeting a Server that is
 * not defined and whose name is a few edits from this one.
 */
function nearMissHint(tree: ManifestTree, server: Resource, candidates: readonly Resource[], elsewhere: readonly Resource[]): string {
  const name = server.name!;
  const other = elsewhere[0];
  if (other) {
    return `; ${other.kind} ${other.name ?? '(unnamed)'} ${inNamespace(other.namespace)} targets a Server of this name, but applies only in its own namespace`;
  }
  const servers = tree.inNamespace('Server', server.namespace, POLICY);
  const defined = new Set(servers.map((s) => s.name));
  for (const r of candidates) {
    const ref = r.kind === 'AuthorizationPolicy' ? targetRefOf(r) : undefined;
    if (ref && typeof ref.kind === 'string' && ref.kind.toLowerCase() === 'server' && !refersTo(ref, 'Server', POLICY) && ref.name === name) {
      return `; AuthorizationPolicy ${r.name ?? '(unnamed)'} targets ${describeRef(ref)}, which is not this Server`;
    }
  }
  for (const r of candidates) {
    const selector = r.kind === 'ServerAuthorization' ? serverSelectorOf(r) : undefined;
    if (selector && !servers.some((s) => matchesSelector(selector as LabelSelector, labelsAt(s.value) as Record<string, unknown>))) {
      return `; ServerAuthorization ${r.name ?? '(unnamed)'} selects Servers ${labelText(selector)}, and no Server there carries those labels`;
    }
  }
  for (const r of candidates) {
    const ref = r.kind === 'AuthorizationPolicy' ? targetRefOf(r) : undefined;
    const target = ref ? (refersTo(ref, 'Server', POLICY) && typeof ref.name === 'string' ? ref.name : undefined) : serverNameOf(r);
    if (target === undefined || defined.has(target)) continue;
    if (closest(target, [name], nearMissDistance(name)) === name) {
      return `; ${r.kind} ${r.name ?? '(unnamed)'} targets Server ${target}, which is not defined; did you mean "${name}"?`;
    }
  }
  return '';
}

function serverOf(saz: Resource): Record<string, unknown> | undefined {
  const spec = saz.value.spec;
  return isObject(spec) && isObject(spec.server) ? spec.server : undefined;
}

function serverNameOf(saz: Resource): string | undefined {
  const target = serverOf(saz);
  return target && typeof target.name === 'string' ? target.name : undefined;
}

function serverSelectorOf(saz: Resource): Record<string, unknown> | undefined {
  const target = serverOf(saz);
  return target && target.name === undefined && isObject(target.selector) ? target.selector : undefined;
}

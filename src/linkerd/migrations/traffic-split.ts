/**
 * Rewrites an SMI TrafficSplit as the HTTPRoute that does the same in Linkerd's client
 * policy: the apex Service as parent, one rule whose weighted `backendRefs` are the backends.
 *
 * What the split does today: the linkerd-smi adaptor reads it through the `v1alpha1` client
 * and writes its backends, with their weights unchanged and authorities without a port, as
 * the `dstOverrides` of the apex's ServiceProfile in the split's namespace (linkerd-smi
 * `pkg/adaptor/controller.go`, `toServiceProfile`, `updateDstOverrides`); it leaves a profile
 * annotated `smi.linkerd.io/skip` alone and clears `dstOverrides` when the split is deleted.
 * The destination controller adds the requested port to an authority without one and sends
 * each weight as `uint32(MilliValue() * 10)` (linkerd2 `controller/api/destination/profile_translator.go`,
 * `toDstOverrides`). A profile with routes or dstOverrides makes the proxy ignore client
 * policy, routes and Service annotations alike (linkerd2-proxy `linkerd/app/outbound/src/sidecar.rs`,
 * `should_override_policy`), which is why the shadowing profile and the Service's annotations
 * matter here.
 */
import { annotationsAt, isObject, labelsAt } from '../../model/k8s.js';
import type { Resource } from '../../model/resource.js';
import { type ManifestTree, nameKey, perTree } from '../../model/tree.js';
import { GATEWAY_GROUP, POLICY_GROUP } from '../admission/coverage.js';
import { crdAt } from '../api-versions.js';
import { clientPolicyAnnotations, overridingField, routeNames, routesOfParent } from '../effective-config.js';
import { resolveGatewayApiSource } from '../gateway-api.js';
import { type LinkerdTarget, atLeast } from '../releases.js';

export const SMI_GROUP = 'split.smi-spec.io';

/** The TrafficSplit versions the linkerd-smi CRD serves (`charts/linkerd-smi/templates/trafficsplit-crd.yaml`). */
const SERVED_VERSIONS = ['v1alpha1', 'v1alpha2'];

/** Gateway API `HTTPBackendRef.weight` maximum (gateway-api `apis/v1/httproute_types.go`, `+kubebuilder:validation:Maximum=1000000`). */
export const MAX_ROUTE_WEIGHT = 1_000_000;

/** The largest weight the destination controller sends without wrapping: a `uint32` of ten-thousandths. */
const MAX_DECIMILLIS = 2n ** 32n - 1n;

/** The label linkerd-failover selects the splits it manages by (linkerd-failover `controller/src/main.rs`, `--selector`). */
const FAILOVER_LABEL = 'failover.linkerd.io/controlled-by';
const FAILOVER_ANNOTATION = 'failover.linkerd.io/primary-service';
/** The profile annotation that makes the adaptor leave a profile alone (linkerd-smi `ignoreServiceProfileAnnotation`). */
const SKIP_ANNOTATION = 'smi.linkerd.io/skip';
/** Annotations that mean nothing on a TrafficSplit but configure an HTTPRoute: copying them would add behaviour. */
const ROUTE_POLICY_PREFIXES = ['retry.linkerd.io/', 'timeout.linkerd.io/'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type TrafficSplitMigration =
  | {
      ok: true;
      /** The HTTPRoute, in conventional key order. */
      manifests: Record<string, unknown>[];
      /** True when the input shows that clients route exactly as before. */
      safe: boolean;
      /** What changes, or what the input cannot rule out, when not safe. */
      notes: string[];
      /** `HTTPRoute web-split (gateway.networking.k8s.io/v1) with …`, for messages. */
      describe: string;
    }
  | { ok: false; reason: string };

interface Backend {
  service: string;
  /** The weight the proxies get, in ten-thousandths. */
  decimillis: bigint;
}

const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/**
 * `MilliValue()` of a Kubernetes quantity, exactly (it rounds up, as
 * k8s.io/apimachinery `resource.Quantity.ScaledValue` does), or undefined for text that is
 * no quantity. Negative quantities give a negative result.
 */
export function quantityMillis(text: string): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:([KMGTPE]i|[numkMGTPE])|[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  const digits = BigInt(`${m[2]}${frac}` || '0');
  let exponent = 3 - frac.length;
  let binary = 0;
  if (m[5] !== undefined) exponent += Number(m[5]);
  else if (m[4] !== undefined && m[4] in BINARY_EXPONENTS) binary = BINARY_EXPONENTS[m[4]]!;
  else exponent += DECIMAL_EXPONENTS[m[4] ?? '']!;
  if (Math.abs(exponent) > 400) return undefined;
  let num = digits * 2n ** BigInt(binary);
  let den = 1n;
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den = 10n ** BigInt(-exponent);
  const millis = (num + den - 1n) / den;
  return m[1] === '-' ? -millis : millis;
}

/**
 * A backend weight as the adaptor reads it: v1alpha1 takes an integer or a quantity string,
 * v1alpha2 a JSON number; both are the same stored object (conversion `None`), read as a
 * quantity. Undefined for a value the version's schema refuses.
 */
function weightMillis(weight: unknown, version: string): bigint | undefined {
  if (typeof weight === 'number') {
    if (!Number.isFinite(weight) || (version === 'v1alpha1' && !Number.isInteger(weight))) return undefined;
    return quantityMillis(String(weight).replace('e+', 'e'));
  }
  return version === 'v1alpha1' && typeof weight === 'string' ? quantityMillis(weight) : undefined;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The smallest integers in the same ratio; zeros stay zero. */
export function reduceWeights(values: readonly bigint[]): bigint[] {
  const g = values.reduce((acc, v) => gcd(acc, v), 0n);
  return g === 0n ? [...values] : values.map((v) => v / g);
}

/**
 * The HTTPRoute the target's policy controller reads for a Service parent: Gateway API `v1`
 * from 2.18 and `v1beta1` in 2.14–2.17 (linkerd2 `policy-controller/k8s/api/src/lib.rs`:
 * crate `k8s_gateway_api` up to 2.17, `gateway_api::apis::experimental` from 2.18), and
 * before that policy.linkerd.io `v1beta2`, the first version with weighted `backendRefs`
 * (2.13, linkerd2 #10485). Undefined before 2.13.
 */
function routeApiVersion(target: LinkerdTarget): { apiVersion: string } | { reason: string } {
  if (!atLeast(target, '2.13')) {
    return {
      reason: `Linkerd ${target.release} has no route with weighted backends (policy.linkerd.io HTTPRoute v1beta2 brings backendRefs in 2.13, Gateway API HTTPRoute is read from 2.14): keep the split until the upgrade`,
    };
  }
  if (!atLeast(target, '2.14')) return { apiVersion: `${POLICY_GROUP}/v1beta2` };
  const version = atLeast(target, '2.18') ? 'v1' : 'v1beta1';
  const source = resolveGatewayApiSource(target);
  // Gateway API releases newer than this linter knows all serve v1, the GA version.
  const served = source.kind === 'newer' ? version === 'v1' : (crdAt(GATEWAY_GROUP, 'HTTPRoute', target)?.served.includes(version) ?? false);
  if (!served) {
    return {
      reason: `Linkerd ${target.release} reads Gateway API HTTPRoute ${version}, which the Gateway API CRDs of the gatewayAPI setting do not serve`,
    };
  }
  return { apiVersion: `${GATEWAY_GROUP}/${version}` };
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function servicePorts(service: Resource): { port: number; name?: string }[] | undefined {
  const spec = service.value.spec;
  if (!isObject(spec) || !Array.isArray(spec.ports)) return [];
  const out: { port: number; name?: string }[] = [];
  for (const p of spec.ports) {
    if (!isObject(p) || typeof p.port !== 'number' || !Number.isInteger(p.port)) return undefined;
    out.push(typeof p.name === 'string' ? { port: p.port, name: p.name } : { port: p.port });
  }
  return out;
}

/** What the input says of the apex Service: its first copy and the ports every copy declares alike. */
type ApexService = { service: Resource; ports: { port: number; name?: string }[] } | 'missing' | 'portsDiffer';

function apexService(tree: ManifestTree, namespace: string | undefined, apex: string): ApexService {
  // The splits of one apex ask the same: its copies are compared once.
  return apexServices(tree, nameKey(namespace, apex), () => {
    const services = tree.named('Service', namespace, apex).filter((s) => s.group === '');
    if (services.length === 0) return 'missing';
    const portLists = services.map(servicePorts);
    const first = portLists[0];
    const text = JSON.stringify(first);
    if (!first || portLists.some((p) => !p || JSON.stringify(p) !== text)) return 'portsDiffer';
    return { service: services[0]!, ports: first };
  });
}

const apexServices = perTree<ApexService>();

/**
 * The first TrafficSplit of the apex with another name than `name`. The splits of each apex
 * are indexed once per tree by their first one and the first named otherwise: the one
 * sought is the first of the two not called `name`.
 */
function otherSplit(tree: ManifestTree, namespace: string | undefined, apex: string, name: string): Resource | undefined {
  let index = splitsByApex.get(tree);
  if (!index) {
    index = new Map();
    for (const t of tree.ofKind('TrafficSplit', SMI_GROUP)) {
      if (!isObject(t.value.spec) || typeof t.value.spec.service !== 'string') continue;
      const key = nameKey(t.namespace, t.value.spec.service);
      const entry = index.get(key);
      if (!entry) index.set(key, { first: t });
      else if (!entry.renamed && t.name !== entry.first.name) entry.renamed = t;
    }
    splitsByApex.set(tree, index);
  }
  const entry = index.get(nameKey(namespace, apex));
  if (!entry) return undefined;
  return entry.first.name !== name ? entry.first : entry.renamed;
}

const splitsByApex = new WeakMap<ManifestTree, Map<string, { first: Resource; renamed?: Resource }>>();

/** What the apex's ServiceProfiles mean for the migration. */
interface ApexProfiles {
  /** Why no route can replace the split: a profile of the split's namespace with routes or dstOverrides. */
  blocked?: string;
  /** Profiles in the split's namespace. */
  own: number;
  /** The first of them carrying the adaptor's skip annotation. */
  skipped?: Resource;
  /** Notes on profiles of client namespaces that kept their clients off the split. */
  clientNotes: string[];
}

/**
 * The profiles for the apex (named `<apex>.<namespace>.svc.<cluster domain>`, in the split's
 * namespace or a client's), judged once per apex: the profiles are indexed by the Service
 * their name gives.
 */
function apexProfiles(tree: ManifestTree, apex: string, namespace: string | undefined, clusterDomain: string): ApexProfiles {
  return apexProfileVerdicts(tree, `${clusterDomain}\0${nameKey(namespace, apex)}`, () => {
    const byApex = profilesByApex(tree, clusterDomain, () => {
      const suffix = `.svc.${clusterDomain}`;
      const index = new Map<string, { profile: Resource; namespace: string }[]>();
      for (const p of tree.ofKind('ServiceProfile', 'linkerd.io')) {
        if (!p.name?.endsWith(suffix)) continue;
        const labels = p.name.slice(0, -suffix.length).split('.');
        if (labels.length !== 2) continue;
        const list = index.get(labels[0]!);
        if (list) list.push({ profile: p, namespace: labels[1]! });
        else index.set(labels[0]!, [{ profile: p, namespace: labels[1]! }]);
      }
      return index;
    });
    // A split without a namespace lands where it is applied: match profiles written the same way.
    const profiles = (byApex.get(apex) ?? [])
      .filter((p) => (namespace === undefined ? p.profile.namespace === undefined : p.namespace === namespace))
      .map((p) => p.profile);
    const own = profiles.filter((p) => p.namespace === namespace);
    const out: ApexProfiles = { own: own.length, clientNotes: [] };
    for (const profile of own) {
      const field = overridingField(profile);
      if (field === 'routes') {
        out.blocked = `ServiceProfile ${profile.name} has spec.routes, so clients would route by it and ignore the HTTPRoute (the split would stop): move its routes to the HTTPRoute first`;
        break;
      }
      if (field === 'dstOverrides') {
        out.blocked = `ServiceProfile ${profile.name} sets spec.dstOverrides, which would keep overriding the HTTPRoute once the split is gone: remove them`;
        break;
      }
    }
    const skipped = own.find((p) => SKIP_ANNOTATION in (annotationsAt(p.value) ?? {}));
    if (skipped) out.skipped = skipped;
    for (const profile of profiles.filter((p) => p.namespace !== namespace)) {
      // A client-namespace profile replaces the server's for its clients: without routes or
      // dstOverrides it kept them off the split; with them, it keeps them off the route too.
      if (!overridingField(profile)) {
        out.clientNotes.push(`clients in namespace ${profile.namespace ?? '(none)'} did not get the split (their ServiceProfile ${profile.name} replaces the adaptor's) and get the HTTPRoute`);
      }
    }
    return out;
  });
}

const profilesByApex = perTree<Map<string, { profile: Resource; namespace: string }[]>>();
const apexProfileVerdicts = perTree<ApexProfiles>();

function metadataFor(split: Resource): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: split.name };
  if (split.namespace !== undefined) metadata.namespace = split.namespace;
  const labels = labelsAt(split.value);
  if (labels && Object.keys(labels).length) metadata.labels = { ...labels };
  const annotations = Object.entries(annotationsAt(split.value) ?? {}).filter(
    ([key]) => key !== LAST_APPLIED && !ROUTE_POLICY_PREFIXES.some((p) => key.startsWith(p)),
  );
  if (annotations.length) metadata.annotations = Object.fromEntries(annotations);
  return metadata;
}

/**
 * The HTTPRoute that replaces `split` on `target`, judged against the input `tree` (the
 * apex Service, its ServiceProfiles and other routes), or why none can be written.
 */
export function migrateTrafficSplit(split: Resource, tree: ManifestTree, target: LinkerdTarget, clusterDomain: string): TrafficSplitMigration {
  const fail = (reason: string): TrafficSplitMigration => ({ ok: false, reason });
  if (split.group !== SMI_GROUP || split.kind !== 'TrafficSplit') return fail('it is not an SMI TrafficSplit');
  if (!SERVED_VERSIONS.includes(split.version)) {
    return fail(`the linkerd-smi extension does not serve ${split.apiVersion}, so no split runs to keep: write the HTTPRoute by hand`);
  }
  const version = routeApiVersion(target);
  if ('reason' in version) return fail(version.reason);
  const name = split.name;
  if (!name) return fail('it has no metadata.name to give the HTTPRoute');
  const spec = split.value.spec;
  if (!isObject(spec) || typeof spec.service !== 'string' || spec.service === '') return fail('spec.service does not name the apex Service');
  const apex = spec.service;
  const namespace = split.namespace;

  const labels = labelsAt(split.value) ?? {};
  const annotations = annotationsAt(split.value) ?? {};
  if (FAILOVER_LABEL in labels || FAILOVER_ANNOTATION in annotations) {
    const key = FAILOVER_LABEL in labels ? `label ${FAILOVER_LABEL}` : `annotation ${FAILOVER_ANNOTATION}`;
    // linkerd-failover watches TrafficSplits only (linkerd/linkerd2#11472 asks for HTTPRoutes).
    return fail(`its ${key} hands its weights to linkerd-failover, which manages TrafficSplits only: an HTTPRoute would freeze them`);
  }
  // Linkerd's TrafficSplit CRD has no `matches` (HTTPRouteGroup refs, SMI v1alpha2+): the API
  // server prunes it and the split applies to every request, so no HTTPRoute keeps both.
  if ('matches' in spec) {
    return fail(
      'spec.matches is not a field of Linkerd\'s TrafficSplit CRD, so the API server drops it and the split applies to every request: decide whether the HTTPRoute rule should match (HTTPRouteGroup matches become rules[].matches) and write it by hand',
    );
  }

  if (!Array.isArray(spec.backends) || spec.backends.length === 0) return fail('spec.backends is empty');
  const backends: Backend[] = [];
  for (const [i, b] of spec.backends.entries()) {
    const field = `spec.backends[${i}]`;
    if (!isObject(b) || typeof b.service !== 'string' || b.service === '') return fail(`${field}.service does not name a Service`);
    const millis = weightMillis(b.weight, split.version);
    if (millis === undefined) return fail(`${field}.weight is not a ${split.version} weight (the schema rule reports it)`);
    const decimillis = millis * 10n;
    if (decimillis < 0n || decimillis > MAX_DECIMILLIS) return fail(`${field}.weight wraps around in Linkerd (traffic-split-weights reports it)`);
    // A repeated backend is rare and its meaning in a route is not the profile's to assume: leave it to the author.
    if (backends.some((x) => x.service === b.service)) return fail(`${field}.service names Service ${b.service} a second time`);
    backends.push({ service: b.service, decimillis });
  }
  if (backends.every((b) => b.decimillis === 0n)) return fail('every weight is 0, so the split does nothing (traffic-split-weights reports it)');
  const weights = reduceWeights(backends.map((b) => b.decimillis));
  if (weights.some((w) => w > BigInt(MAX_ROUTE_WEIGHT))) {
    return fail(`the ratio of the weights needs a backendRef weight above ${MAX_ROUTE_WEIGHT}, the Gateway API maximum`);
  }

  const found = apexService(tree, namespace, apex);
  const where = namespace === undefined ? '' : ` in namespace ${namespace}`;
  if (found === 'missing') {
    return fail(`the input does not hold the apex Service ${apex}${where}, whose port the HTTPRoute needs: add it to the input or --context`);
  }
  if (found === 'portsDiffer') {
    return fail(`the input holds Services ${apex}${where} whose spec.ports differ or are not numbers`);
  }
  const { service, ports: first } = found;
  const serviceSpec = isObject(service.value.spec) ? service.value.spec : {};
  if (serviceSpec.clusterIP === 'None') {
    return fail(`Service ${apex} is headless (clusterIP: None), and Linkerd applies neither a TrafficSplit nor an HTTPRoute to traffic sent to pod IPs`);
  }
  if (first.length === 0) return fail(`Service ${apex} declares no spec.ports`);
  if (first.length > 1) {
    const ports = list(first.map((p) => String(p.port)));
    return fail(
      `Service ${apex} has ${first.length} ports (${ports}): the split applies to each, but an HTTPRoute's backendRefs carry one port, so write one HTTPRoute per HTTP port (parentRefs[].port) by hand`,
    );
  }
  const port = first[0]!.port;
  const missing = [...new Set(backends.map((b) => b.service))].filter((b) => !tree.find('Service', namespace, b, ''));
  if (missing.length) {
    // The dangling-reference rule reports these; a route to them would be as broken as the split.
    return fail(`the input does not hold the backend Service${missing.length > 1 ? 's' : ''} ${list(missing)}${where}`);
  }

  // Splits of one apex overwrite each other's dstOverrides (the adaptor syncs them in turn), so none of them is what runs.
  const other = otherSplit(tree, namespace, apex, name);
  if (other) return fail(`TrafficSplit ${other.name ?? '(unnamed)'} splits Service ${apex} too, and the adaptor lets the last one synced win: keep one`);
  const profiles = apexProfiles(tree, apex, namespace, clusterDomain);
  if (profiles.blocked) return fail(profiles.blocked);
  const routes = routesOfParent(tree, target, clusterDomain, 'Service', namespace, apex);
  if (routes.length) {
    const names = list(routeNames(routes));
    return fail(`${names} already has Service ${apex} as parent and starts applying once the profile no longer overrides it: merge the weighted backendRefs into it by hand`);
  }
  const group = version.apiVersion.slice(0, version.apiVersion.lastIndexOf('/'));
  if (tree.find('HTTPRoute', namespace, name, group)) return fail(`the input already holds an HTTPRoute ${name}${where}`);

  const notes: string[] = [];
  const { skipped } = profiles;
  if (skipped) {
    // The split never ran: the route starts it, and nothing else the profile did changes.
    notes.push(`ServiceProfile ${skipped.name} carries ${SKIP_ANNOTATION}, so the adaptor never wrote this split into it and clients start splitting only now`);
  } else {
    if (profiles.own === 0) {
      notes.push(`the input holds no ServiceProfile for Service ${apex}, and one with routes in the cluster would make clients ignore the HTTPRoute`);
    }
    for (const note of profiles.clientNotes) notes.push(note);
    const keys = clientPolicyAnnotations(service, target);
    if (keys.length) {
      const them = keys.length > 1 ? 'them' : 'it';
      notes.push(`the annotation${keys.length > 1 ? 's' : ''} ${list(keys)} of Service ${apex} start${keys.length > 1 ? '' : 's'} to apply (the split's profile made clients ignore ${them})`);
    }
  }

  const ns = namespace === undefined ? {} : { namespace };
  const route = {
    apiVersion: version.apiVersion,
    kind: 'HTTPRoute',
    metadata: metadataFor(split),
    spec: {
      parentRefs: [{ name: apex, ...ns, kind: 'Service', group: 'core', port }],
      rules: [
        {
          backendRefs: backends.map((b, i) => ({ name: b.service, ...ns, port, weight: Number(weights[i]) })),
        },
      ],
    },
  };
  const describe =
    `HTTPRoute ${name} (${version.apiVersion}) with parent Service ${apex} port ${port} and backendRefs ` +
    list(backends.map((b, i) => `${b.service} (weight ${weights[i]})`));
  return { ok: true, manifests: [route], safe: notes.length === 0, notes, describe };
}

import { isObject, labelsAt } from '../../model/k8s.js';
import type { JsonPath } from '../../model/path.js';
import type { Resource } from '../../model/resource.js';
import type { ManifestTree } from '../../model/tree.js';
import { POLICY_GROUP } from '../admission/coverage.js';
import { parseBlock } from '../admission/networks.js';
import { crdAt } from '../api-versions.js';
import { type LinkerdTarget, minorOf } from '../releases.js';
import { serverAuthorizationServers } from '../policy-targets.js';

/**
 * ServerAuthorization → AuthorizationPolicy with its MeshTLSAuthentication and
 * NetworkAuthentication, as Linkerd's policy controller reads both forms (linkerd2
 * policy-controller/k8s/index/src/inbound/server_authorization.rs `client_authz`,
 * index.rs `client_authzs` and `policy_client_authz`, meshtls_authentication.rs,
 * network_authentication.rs; policy-controller/grpc/src/inbound.rs `to_authz`).
 *
 * What the conversion must keep:
 * - a ServerAuthorization admits a client when its address is in `networks` and it is
 *   unauthenticated (`unauthenticated: true`) or presents one of the `identities` or
 *   `serviceAccounts` (one list: ids and service accounts are chained, so either admits);
 * - with no `networks` it admits the install's `clusterNetworks` (`to_authz` fills an
 *   empty list with them), whereas an AuthorizationPolicy without a NetworkAuthentication
 *   admits every address (`policy_client_authz`: 0.0.0.0/0 and ::/0): the cluster networks
 *   must be written out;
 * - an AuthorizationPolicy ANDs its refs, several policies on one Server are ORed (each is
 *   an authorization of its own in `client_authzs`), and a MeshTLSAuthentication holds
 *   `identities` or `identityRefs`, not both (CRD `oneOf`): a ServerAuthorization with both
 *   lists becomes two policies with the same networks;
 * - `server.name` is a Server target; `server.selector` has no AuthorizationPolicy form,
 *   except the empty selector (every Server of the namespace), which a Namespace target says.
 */

export interface MigrationOptions {
  /** The install's `clusterNetworks`, when the user gave them; otherwise the release's default is written. */
  clusterNetworks?: readonly string[];
}

export type Manifest = Record<string, unknown>;

export type ServerAuthorizationMigration =
  | {
      ok: true;
      /**
       * The replacement: the authentication objects, then the AuthorizationPolicies, so that
       * applied in order no policy exists before what it requires (Linkerd does not apply a
       * policy whose authentication is missing, index.rs `policy_client_authz`).
       */
      manifests: Manifest[];
      /** True when the replacement admits exactly the clients the ServerAuthorization admits. */
      safe: boolean;
      /** What differs, when not safe: one sentence fragment each. */
      notes: string[];
      /** True when the NetworkAuthentication holds the release's default cluster networks, for want of the install's. */
      clusterNetworksAssumed: boolean;
    }
  | { ok: false; reason: string; path: JsonPath };

const API_VERSION = `${POLICY_GROUP}/v1alpha1`;

/** Metadata the API server writes; a manifest exported from a cluster carries it, the replacement must not. */
const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Kubernetes object names are DNS subdomains of at most 253 characters. */
const MAX_NAME = 253;

/**
 * The default `clusterNetworks` of a release's control-plane chart (linkerd2
 * charts/linkerd-control-plane/values.yaml): `fd00::/8` joined the four IPv4 ranges with
 * edge-24.3.4 (linkerd2 #12291), that is from 2.16.
 */
export function defaultClusterNetworks(target: LinkerdTarget): string[] {
  const v4 = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'];
  return target.minor >= minorOf('2.16') ? [...v4, 'fd00::/8'] : v4;
}

type Fail = { ok: false; reason: string; path: JsonPath };
const fail = (reason: string, path: JsonPath): Fail => ({ ok: false, reason, path });

interface ServiceAccountRef {
  name: string;
  namespace?: string;
}

interface Clients {
  unauthenticated: boolean;
  identities: string[];
  serviceAccounts: ServiceAccountRef[];
}

/** Whom `client` authenticates, or why Linkerd refuses or ignores it. */
function readClients(client: Record<string, unknown>): Clients | Fail {
  const base: JsonPath = ['spec', 'client'];
  const meshTLS = client.meshTLS;
  if (client.unauthenticated === true) {
    // Admission refuses the pair (policy-controller/runtime/src/admission.rs).
    if (meshTLS !== undefined) return fail('client sets both unauthenticated and meshTLS, which Linkerd refuses', [...base, 'meshTLS']);
    return { unauthenticated: true, identities: [], serviceAccounts: [] };
  }
  if (!isObject(meshTLS)) return fail('client sets neither meshTLS nor unauthenticated: true, so Linkerd ignores it', base);
  const at: JsonPath = [...base, 'meshTLS'];
  if (meshTLS.unauthenticatedTLS === true) {
    // `TlsUnauthenticated` exists only for ServerAuthorizations: a MeshTLSAuthentication always
    // requires a client identity (server_authorization.rs `client_mtls_authn`; meshtls_authentication.rs).
    return fail(
      'client.meshTLS.unauthenticatedTLS admits TLS clients without an identity, which no AuthorizationPolicy can express',
      [...at, 'unauthenticatedTLS'],
    );
  }
  const identities: string[] = [];
  const rawIds = meshTLS.identities ?? [];
  if (!Array.isArray(rawIds)) return fail('client.meshTLS.identities is not a list', [...at, 'identities']);
  for (const [i, id] of rawIds.entries()) {
    if (typeof id !== 'string' || id === '') return fail(`client.meshTLS.identities[${i}] is not an identity string`, [...at, 'identities', i]);
    identities.push(id);
  }
  const serviceAccounts: ServiceAccountRef[] = [];
  const rawSas = meshTLS.serviceAccounts ?? [];
  if (!Array.isArray(rawSas)) return fail('client.meshTLS.serviceAccounts is not a list', [...at, 'serviceAccounts']);
  for (const [i, sa] of rawSas.entries()) {
    const bad = fail(`client.meshTLS.serviceAccounts[${i}] does not name a ServiceAccount`, [...at, 'serviceAccounts', i]);
    if (!isObject(sa) || typeof sa.name !== 'string' || sa.name === '') return bad;
    if (sa.namespace !== undefined && (typeof sa.namespace !== 'string' || sa.namespace === '')) return bad;
    serviceAccounts.push(typeof sa.namespace === 'string' ? { name: sa.name, namespace: sa.namespace } : { name: sa.name });
  }
  if (identities.length === 0 && serviceAccounts.length === 0) {
    // "authorization authorizes no clients": the index drops it.
    return fail('client.meshTLS lists no identities or serviceAccounts, so Linkerd ignores it', at);
  }
  return { unauthenticated: false, identities, serviceAccounts };
}

type Network = { cidr: string; except?: string[] };

/** `client.networks` as written, or undefined when it lists none (then the cluster networks apply). */
function readNetworks(client: Record<string, unknown>): Network[] | undefined | Fail {
  const raw = client.networks;
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return undefined;
  if (!Array.isArray(raw)) return fail('client.networks is not a list', ['spec', 'client', 'networks']);
  const out: Network[] = [];
  for (const [i, net] of raw.entries()) {
    const bad = fail(`client.networks[${i}] is not a network with a cidr`, ['spec', 'client', 'networks', i]);
    if (!isObject(net) || typeof net.cidr !== 'string') return bad;
    if (net.except === undefined || net.except === null) {
      out.push({ cidr: net.cidr });
      continue;
    }
    if (!Array.isArray(net.except) || !net.except.every((e) => typeof e === 'string')) return bad;
    out.push(net.except.length ? { cidr: net.cidr, except: [...(net.except as string[])] } : { cidr: net.cidr });
  }
  return out;
}

type Target = { kind: 'Server'; name: string } | { kind: 'Namespace'; name: string };

function isEmptySelector(selector: Record<string, unknown>): boolean {
  const labels = selector.matchLabels;
  const exprs = selector.matchExpressions;
  return (
    (labels === undefined || labels === null || (isObject(labels) && Object.keys(labels).length === 0)) &&
    (exprs === undefined || exprs === null || (Array.isArray(exprs) && exprs.length === 0))
  );
}

/** What the replacement policies target, with a note when a selector had to be expanded. */
function readTargets(saz: Resource, tree: ManifestTree, server: unknown): { targets: Target[]; note?: string } | Fail {
  const at: JsonPath = ['spec', 'server'];
  if (!isObject(server)) return fail('spec.server is missing', at);
  if (typeof server.name === 'string' && server.name !== '') {
    if (server.selector !== undefined) return fail('spec.server sets both name and selector, which Linkerd refuses', [...at, 'selector']);
    return { targets: [{ kind: 'Server', name: server.name }] };
  }
  if (!isObject(server.selector)) return fail('spec.server has neither name nor selector', at);
  const selectorPath: JsonPath = [...at, 'selector'];
  if (isEmptySelector(server.selector)) {
    // An empty selector picks every Server of the namespace (server_authorization.rs
    // `ServerSelector`); a Namespace target does the same (index.rs `client_authzs`), but must
    // name the policy's own namespace (admission "cannot target another namespace").
    if (!saz.namespace) {
      return fail('the empty server.selector selects every Server of the namespace, and metadata.namespace is not set to name it', selectorPath);
    }
    return { targets: [{ kind: 'Namespace', name: saz.namespace }] };
  }
  const names = [...new Set(serverAuthorizationServers(tree, saz).servers.map((s) => s.name))].sort();
  if (names.length === 0) {
    return fail('server.selector matches no Server in the input, and an AuthorizationPolicy must name its Server', selectorPath);
  }
  const list = names.join(', ');
  return {
    targets: names.map((name) => ({ kind: 'Server', name })),
    note:
      `server.selector becomes a policy for each Server it matches in the input (${list}): a Server outside the input, ` +
      'or labelled to match later, is no longer authorized',
  };
}

/** The replacement's metadata: name, namespace, labels and the annotations that still mean something. */
function metadataFor(saz: Resource, name: string, notes: string[]): Record<string, unknown> {
  const meta = isObject(saz.value.metadata) ? saz.value.metadata : {};
  const out: Record<string, unknown> = { name };
  if (saz.namespace !== undefined) out.namespace = saz.namespace;
  const labels = labelsAt(saz.value);
  if (labels && Object.keys(labels).length) out.labels = { ...labels };
  if (isObject(meta.annotations)) {
    const kept = Object.fromEntries(Object.entries(meta.annotations).filter(([k]) => k !== LAST_APPLIED));
    if (Object.keys(kept).length) out.annotations = kept;
  }
  for (const key of Object.keys(meta)) {
    if (['name', 'namespace', 'labels', 'annotations'].includes(key) || SERVER_METADATA.has(key)) continue;
    const note = `metadata.${key} is not carried over`;
    if (!notes.includes(note)) notes.push(note);
  }
  return out;
}

function refTo(kind: 'MeshTLSAuthentication' | 'NetworkAuthentication', name: string): Record<string, unknown> {
  return { name, kind, group: POLICY_GROUP };
}

/**
 * The manifests that replace `saz` for `target`, or why there are none. Names: the
 * AuthorizationPolicy, MeshTLSAuthentication and NetworkAuthentication take the
 * ServerAuthorization's name; a second policy and MeshTLSAuthentication (for
 * `serviceAccounts` next to `identities`) add `-service-accounts`, and one policy per Server
 * of an expanded selector adds `-<server>`. A name that the input already uses for that kind
 * in the namespace (or that another ServerAuthorization there will take) blocks the migration.
 */
export function migrateServerAuthorization(
  saz: Resource,
  tree: ManifestTree,
  target: LinkerdTarget,
  options: MigrationOptions = {},
): ServerAuthorizationMigration {
  for (const kind of ['AuthorizationPolicy', 'MeshTLSAuthentication', 'NetworkAuthentication']) {
    if (!crdAt(POLICY_GROUP, kind, target)?.served.includes('v1alpha1')) {
      return fail(`Linkerd ${target.release} has no ${kind}; it arrives with 2.12`, ['kind']);
    }
  }
  const name = saz.name;
  if (!name) return fail('metadata.name is missing', ['metadata']);
  const spec = isObject(saz.value.spec) ? saz.value.spec : undefined;
  if (!spec) return fail('spec is missing', ['spec']);
  if (!isObject(spec.client)) return fail('spec.client is missing', ['spec', 'client']);

  const clients = readClients(spec.client);
  if ('ok' in clients) return clients;
  const networks = readNetworks(spec.client);
  if (networks && 'ok' in networks) return networks;
  const targets = readTargets(saz, tree, spec.server);
  if ('ok' in targets) return targets;

  const notes: string[] = [];
  let clusterNetworksAssumed = false;
  if (targets.note) notes.push(targets.note);
  let written: Network[];
  if (networks) {
    written = networks;
  } else if (options.clusterNetworks?.length) {
    const bad = options.clusterNetworks.find((n) => !parseBlock(n));
    if (bad !== undefined) return fail(`the clusterNetworks option lists "${bad}", which is not a network`, ['spec', 'client']);
    written = options.clusterNetworks.map((cidr) => ({ cidr }));
  } else {
    written = defaultClusterNetworks(target).map((cidr) => ({ cidr }));
    clusterNetworksAssumed = true;
    notes.push(
      `client.networks is not set, so the ServerAuthorization admits the install's clusterNetworks, written as the default ` +
        `of Linkerd ${target.release} (${written.map((n) => n.cidr).join(', ')})`,
    );
  }

  // One authentication group per MeshTLSAuthentication; an unauthenticated client needs none.
  const groups: { suffix: string; spec: Record<string, unknown> }[] = [];
  if (clients.identities.length) groups.push({ suffix: '', spec: { identities: clients.identities } });
  if (clients.serviceAccounts.length) {
    groups.push({
      suffix: groups.length ? '-service-accounts' : '',
      spec: { identityRefs: clients.serviceAccounts.map((sa) => ({ kind: 'ServiceAccount', ...sa })) },
    });
  }

  const wanted: { kind: string; name: string }[] = [];
  const policies: Manifest[] = [];
  const authentications: Manifest[] = [];
  const perServer = targets.targets.length > 1;
  for (const t of targets.targets) {
    for (const group of clients.unauthenticated ? [{ suffix: '', spec: undefined }] : groups) {
      const policyName = `${name}${perServer ? `-${t.name}` : ''}${group.suffix}`;
      wanted.push({ kind: 'AuthorizationPolicy', name: policyName });
      const refs = group.spec ? [refTo('MeshTLSAuthentication', `${name}${group.suffix}`)] : [];
      refs.push(refTo('NetworkAuthentication', name));
      policies.push({
        apiVersion: API_VERSION,
        kind: 'AuthorizationPolicy',
        metadata: metadataFor(saz, policyName, notes),
        spec: {
          targetRef: t.kind === 'Server' ? { group: POLICY_GROUP, kind: 'Server', name: t.name } : { kind: 'Namespace', name: t.name },
          requiredAuthenticationRefs: refs,
        },
      });
    }
  }
  if (!clients.unauthenticated) {
    for (const group of groups) {
      wanted.push({ kind: 'MeshTLSAuthentication', name: `${name}${group.suffix}` });
      authentications.push({
        apiVersion: API_VERSION,
        kind: 'MeshTLSAuthentication',
        metadata: metadataFor(saz, `${name}${group.suffix}`, notes),
        spec: group.spec,
      });
    }
  }
  wanted.push({ kind: 'NetworkAuthentication', name });
  authentications.push({
    apiVersion: API_VERSION,
    kind: 'NetworkAuthentication',
    metadata: metadataFor(saz, name, notes),
    spec: { networks: written },
  });

  for (const w of wanted) {
    if (w.name.length > MAX_NAME) return fail(`the name ${w.name} for the ${w.kind} is longer than ${MAX_NAME} characters`, ['metadata', 'name']);
    if (tree.find(w.kind, saz.namespace, w.name, POLICY_GROUP)) {
      return fail(`${w.kind} ${w.name} already exists ${where(saz)}`, ['metadata', 'name']);
    }
    const other = w.name !== name ? tree.find('ServerAuthorization', saz.namespace, w.name, POLICY_GROUP) : undefined;
    if (other) return fail(`the name ${w.name} for the ${w.kind} is the name of another ServerAuthorization ${where(saz)}`, ['metadata', 'name']);
  }

  return { ok: true, manifests: [...authentications, ...policies], safe: notes.length === 0, notes, clusterNetworksAssumed };
}

function where(saz: Resource): string {
  return saz.namespace === undefined ? 'among the resources that set no namespace' : `in namespace ${saz.namespace}`;
}

import { type RuleContext, defineRule, optionDefaults } from '../src/engine/rule.js';
import type { Resource } from '../src/model/resource.js';
import type { LabelSelector } from '../src/model/selectors.js';
import { type ManifestTree, nameKey, perTree } from '../src/model/tree.js';
import {
  type FoundReference,
  type ImplicitFacts,
  REFERENCE_SCOPE_OPTION,
  type ReferenceScope,
  type RefRole,
  type RefTarget,
  REFERRING_KINDS,
  existsImplicitly,
  mirrorSuffixes,
  referencesIn,
  scopedTrees,
} from '../src/linkerd/reference-catalog.js';
import { canJudgeReference, namesIn, nearMiss } from '../src/linkerd/references.js';
import { WorkloadModel } from '../src/linkerd/workloads.js';

const RELATION: Record<RefRole, string> = {
  target: 'targets',
  parent: 'attaches to',
  backend: 'sends traffic to',
  authentication: 'requires',
  identity: 'names the identity of',
  client: 'names the identity of',
  server: 'applies to',
  apex: 'splits traffic for',
};

/** At most this many names of what does exist, so a message stays one readable line. */
const MAX_NAMES = 6;

function listNames(names: readonly string[]): string {
  if (names.length <= MAX_NAMES) return names.join(', ');
  return `${names.slice(0, MAX_NAMES).join(', ')} and ${names.length - MAX_NAMES} more`;
}

function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of selector.matchExpressions ?? []) {
    parts.push(`${String(e.key)} ${String(e.operator)}${Array.isArray(e.values) ? ` (${e.values.join(', ')})` : ''}`);
  }
  return parts.length ? parts.join(', ') : 'an empty selector';
}

function factsOf(tree: ManifestTree): ImplicitFacts {
  const model = new WorkloadModel(tree);
  return {
    serviceAccountsInUse: new Set(model.workloads.map((w) => `${w.namespace ?? ''}/${w.serviceAccount}`)),
    namespacesInUse: new Set(tree.resources.flatMap((r) => (r.namespace ? [r.namespace] : []))),
    mirrorSuffixes: mirrorSuffixes(tree),
    services: new Set(tree.ofKind('Service', '').map((s) => `${s.namespace ?? ''}/${s.name ?? ''}`)),
  };
}

interface Options {
  scope: ReferenceScope;
}

/** The same kind and name in another API group the field accepts: an HTTPRoute of the other group, usually. */
function inOtherGroup(local: ManifestTree, ref: FoundReference, target: RefTarget, name: string): Resource | undefined {
  return ref.site.targets
    .filter((t) => t.kind === target.kind && t.group !== target.group)
    .map((t) => local.find(t.kind, ref.namespace, name, t.group))
    .find((r) => r !== undefined);
}

export default defineRule({
  meta: {
    id: 'dangling-reference',
    description: 'Report policy, route and traffic-split references to Servers, routes, authentications, Services, ServiceAccounts and Namespaces that the input does not define',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'high',
    kinds: REFERRING_KINDS,
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: REFERENCE_SCOPE_OPTION,
      },
    },
    defaultOptions: optionDefaults<Options>({ scope: 'directory' }),
    messages: {
      missing: '{{referrer}} {{relation}} {{kind}} {{name}}, which is not defined {{where}}{{known}}{{hint}}',
      noServerSelected:
        'ServerAuthorization {{name}} applies to the Servers with {{selector}}, and no Server in namespace {{namespace}} has those labels{{known}}',
    },
    docs: {
      why:
        'Linkerd resolves references by name, and a name that matches nothing is an error nowhere: an ' +
        'AuthorizationPolicy whose `targetRef` names a missing Server or route authorizes nobody, and one whose ' +
        '`requiredAuthenticationRefs` name a missing MeshTLSAuthentication or NetworkAuthentication is not applied; ' +
        'a route whose parent Service, Server or EgressNetwork is missing never attaches, and a backend Service that ' +
        'does not exist fails the requests sent to it; a ServerAuthorization whose `server` matches no Server does ' +
        'nothing; an identity reference to a missing ServiceAccount or Namespace authorizes an identity no workload ' +
        'holds; a TrafficSplit whose Services are missing sends traffic nowhere. A typo is enough.\n\n' +
        'The rule follows `targetRef`, route `parentRefs` and `backendRefs`, `requiredAuthenticationRefs`, ' +
        'MeshTLSAuthentication `identityRefs`, ServerAuthorization `server` (by name or by selector) and ' +
        '`client.meshTLS.serviceAccounts`, HTTPLocalRateLimitPolicy `clientRefs` and TrafficSplit `service` and ' +
        '`backends`, with the defaults the CRDs apply (a policy.linkerd.io v1alpha1 or v1beta1 HTTPRoute backend ' +
        'without `namespace` is in namespace `default`). It judges a reference to kind K in namespace N only when the ' +
        'directory of the referring file (option `scope`: its file, or the whole input) holds at least one K in N, ' +
        'the `--context` manifests counting everywhere: linting a few changed files does not report what lives ' +
        'elsewhere, and unrelated projects of one repository do not vouch for each other\'s namespaces. The target ' +
        'may be defined anywhere in the input or its context; `references: strict` in the config judges every ' +
        'reference. An object of that kind and name in another namespace of the directory, or of the other API ' +
        'group the field accepts (a policy.linkerd.io HTTPRoute for a Gateway API one), is reported as the mistake ' +
        'it is even where the closed world does not hold.\n\n' +
        'Never reported, as they exist without a manifest: the `default` ServiceAccount, a ServiceAccount that a pod ' +
        'template of the input runs as, the built-in namespaces and Linkerd\'s own (`linkerd`, `linkerd-*`), ' +
        'namespaces that resources of the input live in, and the Services the multicluster service mirror creates: ' +
        'with a Link in the input or context, `<service>-<target cluster>` and `<service>-federated`; without one ' +
        '(Links are mostly made with `linkerd multicluster link`), any `<service>-<suffix>` whose `<service>` the ' +
        'input defines in that namespace, unless the input gives another Service there that suffix itself.',
      howToFix:
        'Correct the name (the message names the near miss when there is one), or add the missing object. For a ' +
        'Service mirrored from another cluster, give the Link to the linter with `--context`.',
      messages: {
        missing: 'A reference names an object that the input does not define where the reference looks for it.',
      },
    },
  },
  check(ctx) {
    let facts: ImplicitFacts | undefined;
    let judging: ((r: Resource) => ManifestTree) | undefined;
    for (const resource of ctx.resources) {
      for (const ref of referencesIn(resource)) {
        const target = ref.target;
        // Kinds Linkerd does not follow here are the schema's, or route-parent-ref's, to report.
        if (!target) continue;
        // An AuthorizationPolicy may target only its own namespace, which exists if it does (admission checks the name).
        if (ref.site.role === 'target' && target.clusterScoped) continue;
        facts ??= factsOf(ctx.tree);
        judging ??= scopedTrees(ctx.tree, ctx.options.scope);
        const local = judging(resource);
        if (ref.selector) checkSelector(ctx, local, resource, ref, ref.selector);
        else if (ref.name !== undefined) checkName(ctx, local, resource, ref, target, ref.name, facts);
      }
    }
  },
});

type Ctx = RuleContext<Options, 'missing' | 'noServerSelected'>;

/** `existsImplicitly`, asked once per reference target: for a Service named like a mirror (`<service>-<suffix>`) it goes through every Service. */
function existsWithoutManifest(target: RefTarget, namespace: string | undefined, name: string, facts: ImplicitFacts): boolean {
  let answers = implicitAnswers.get(facts);
  if (!answers) implicitAnswers.set(facts, (answers = new Map()));
  const key = `${target.kind}\0${target.group}\0${nameKey(namespace, name)}`;
  let found = answers.get(key);
  if (found === undefined) answers.set(key, (found = existsImplicitly(target, namespace, name, facts)));
  return found;
}

const implicitAnswers = new WeakMap<ImplicitFacts, Map<string, boolean>>();

/** True when a Server of `group` in `namespace` has the labels `selector` asks for; one answer per tree and selector, as copies ask alike. */
function selectsServer(tree: ManifestTree, namespace: string | undefined, group: string, selector: LabelSelector): boolean {
  return selections(tree, `${group}\0${nameKey(namespace, exactKey(selector))}`, () =>
    tree.selectByLabels('Server', namespace, selector).some((s) => s.group === group),
  );
}

const selections = perTree<boolean>();

/** JSON with each number and string tagged, so that values `matchesSelector` tells apart (`.nan`, `"NaN"`) get different keys. */
function exactKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? `n${v}` : typeof v === 'string' ? `s${v}` : v));
}

/**
 * The same kind and name in another namespace of the judging tree: a namespace mistake,
 * usually. Indexed once per tree, as copies of one object miss alike: per name, the first
 * object with a namespace set and the first in another namespace than that one, so the first
 * not in `namespace` is one of the two.
 */
function inOtherNamespace(local: ManifestTree, target: RefTarget, namespace: string | undefined, name: string): Resource | undefined {
  if (target.clusterScoped) return undefined;
  let index = namespacedByName.get(local);
  if (!index) namespacedByName.set(local, (index = new Map()));
  const kindKey = `${target.kind}\0${target.group}`;
  let byName = index.get(kindKey);
  if (!byName) {
    byName = new Map();
    for (const r of local.ofKind(target.kind, target.group)) {
      if (r.name === undefined || r.namespace === undefined) continue;
      const entry = byName.get(r.name);
      if (!entry) byName.set(r.name, { first: r });
      else if (!entry.elsewhere && r.namespace !== entry.first.namespace) entry.elsewhere = r;
    }
    index.set(kindKey, byName);
  }
  const entry = byName.get(name);
  return entry && (entry.first.namespace !== namespace ? entry.first : entry.elsewhere);
}

const namespacedByName = new WeakMap<ManifestTree, Map<string, Map<string, { first: Resource; elsewhere?: Resource }>>>();

function checkName(ctx: Ctx, local: ManifestTree, resource: Resource, ref: FoundReference, target: RefTarget, name: string, facts: ImplicitFacts): void {
  const namespace = ref.namespace;
  if (ctx.tree.find(target.kind, namespace, name, target.group)) return;
  if (existsWithoutManifest(target, namespace, name, facts)) return;
  const otherGroup = inOtherGroup(local, ref, target, name);
  const otherNamespace = otherGroup ? undefined : inOtherNamespace(local, target, namespace, name);
  if (!otherGroup && !otherNamespace && !canJudgeReference(local, ctx.references, target.kind, target.group, namespace)) return;
  const { names, didYouMean } = nearMiss(local, target.kind, target.group, target.clusterScoped ? undefined : namespace, name);
  const plural = `${target.kind}s`;
  const known = target.clusterScoped
    ? names.length
      ? `; ${plural} in the input: ${listNames(names)}`
      : `; the input defines no ${target.kind}`
    : names.length
      ? `; ${plural} there: ${listNames(names)}`
      : `; no ${target.kind} is defined there`;
  const hint = otherGroup
    ? `; ${otherGroup.kind} ${name} of group ${otherGroup.group || 'core'} has that name: set group: ${otherGroup.group || 'core'}`
    : otherNamespace
      ? `; ${target.kind} ${name} is defined in namespace ${otherNamespace.namespace!}`
      : didYouMean
        ? `; did you mean "${didYouMean}"?`
        : '';
  ctx.report({
    resource,
    path: ref.ref ? [...ref.path, 'name'] : ref.path,
    messageId: 'missing',
    data: {
      referrer: `${resource.kind} ${resource.name ?? '(unnamed)'}`,
      relation: target.clusterScoped && ref.site.role === 'identity' ? 'names the identities of' : RELATION[ref.site.role],
      kind: target.kind,
      name,
      where: target.clusterScoped ? 'in the input' : namespace ? `in namespace ${namespace}` : 'in the same (unset) namespace',
      known,
      hint,
    },
  });
}

function checkSelector(ctx: Ctx, local: ManifestTree, resource: Resource, ref: FoundReference, selector: LabelSelector): void {
  const namespace = ref.namespace;
  if (!canJudgeReference(local, ctx.references, 'Server', ref.group, namespace)) return;
  if (selectsServer(ctx.tree, namespace, ref.group, selector)) return;
  const names = namesIn(local, 'Server', ref.group, namespace);
  ctx.report({
    resource,
    path: [...ref.path, 'selector'],
    messageId: 'noServerSelected',
    data: {
      name: resource.name ?? '(unnamed)',
      selector: describeSelector(selector),
      namespace: namespace ?? '(none)',
      known: names.length ? `; Servers there: ${listNames(names)}` : '',
    },
  });
}

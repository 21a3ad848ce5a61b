// Whether an admission policy's match criteria take in a resource being created, as the API
// server decides it: k8s.io/apiserver/pkg/admission/plugin/policy/matching/matching.go
// (namespace selector, object selector, exclude rules, then resource rules), with the rule
// matcher of k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules/rules.go and the
// namespace matcher of .../predicates/namespace/matcher.go.
import { isObject, labelsAt } from '../model/k8s.js';
import { asSelector, matchesSelector } from '../model/selectors.js';

/** The resource a CREATE request is about, as the matchers see it. */
export interface AdmissionTarget {
  group: string;
  version: string;
  /** The plural resource name (`deployments`). */
  resource: string;
  namespaced: boolean;
  name: string;
  /** The namespace of a namespaced object, undefined when the manifest does not say. */
  namespace: string | undefined;
  labels: Record<string, string> | undefined;
}

/** `unknown`: the answer depends on what the tree does not hold (a namespace's labels). */
export type Verdict = 'match' | 'no-match' | 'unknown';

/** The labels of a namespace by name: undefined when the tree has no such Namespace. */
export type NamespaceLabels = (name: string) => Record<string, string> | undefined;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * The groups a resource is served under besides its own, for `matchPolicy: Equivalent`: the
 * API server converts a request to a matching equivalent version or group. Offline the object
 * is not converted; it is judged as written.
 */
const EQUIVALENT_GROUPS: Record<string, readonly string[]> = {
  'apps/deployments': ['extensions'],
  'apps/daemonsets': ['extensions'],
  'apps/replicasets': ['extensions'],
  'networking.k8s.io/ingresses': ['extensions'],
  'networking.k8s.io/networkpolicies': ['extensions'],
  'extensions/deployments': ['apps'],
  'extensions/daemonsets': ['apps'],
  'extensions/replicasets': ['apps'],
  'extensions/ingresses': ['networking.k8s.io'],
  'extensions/networkpolicies': ['networking.k8s.io'],
};

/** rules.go's Matcher for one RuleWithOperations (a NamedRuleWithOperations in VAP), exactly. */
function ruleMatches(rule: Record<string, unknown>, t: Pick<AdmissionTarget, 'group' | 'version' | 'resource' | 'namespaced' | 'name'>): boolean {
  const any = (list: string[], value: string) => list.includes('*') || list.includes(value);
  if (!any(strings(rule.operations), 'CREATE')) return false;
  if (!any(strings(rule.apiGroups), t.group)) return false;
  if (!any(strings(rule.apiVersions), t.version)) return false;
  // A resource `pods/status` names a subresource; a created object is none (subresource "").
  const resourceMatches = strings(rule.resources).some((r) => {
    const slash = r.indexOf('/');
    const [res, sub] = slash < 0 ? [r, ''] : [r.slice(0, slash), r.slice(slash + 1)];
    return (res === '*' || res === t.resource) && (sub === '*' || sub === '');
  });
  if (!resourceMatches) return false;
  const scope = typeof rule.scope === 'string' ? rule.scope : '*';
  if ((scope === 'Cluster' && t.namespaced) || (scope === 'Namespaced' && !t.namespaced)) return false;
  const names = strings(rule.resourceNames);
  return names.length === 0 || names.includes(t.name);
}

function rulesMatch(rules: unknown, t: AdmissionTarget, matchPolicy: string): boolean {
  if (!Array.isArray(rules)) return false;
  const list = rules.filter(isObject);
  if (list.some((r) => ruleMatches(r, t))) return true;
  if (matchPolicy === 'Exact') return false;
  // Equivalent (the default): the same resource in another version of its group, or in an equivalent group.
  const groups = [t.group, ...(EQUIVALENT_GROUPS[`${t.group}/${t.resource}`] ?? [])];
  return list.some((r) => {
    const versions = strings(r.apiVersions);
    return groups.some((group) => versions.some((version) => ruleMatches(r, { ...t, group, version })));
  });
}

/**
 * Whether `criteria` (a policy's matchConstraints or a binding's matchResources) takes in the
 * target. Without resource rules a policy matches nothing, while a binding narrows nothing
 * (`rulesRequired` false).
 */
export function matchCriteria(criteria: unknown, t: AdmissionTarget, namespaceLabels: NamespaceLabels, rulesRequired: boolean): Verdict {
  if (!isObject(criteria)) return rulesRequired ? 'no-match' : 'match';
  let unknown = false;
  // namespace/matcher.go: a cluster-scoped object other than a Namespace is never exempted.
  const namespaceSelector = asSelector(criteria.namespaceSelector);
  const selective = namespaceSelector && (Object.keys(namespaceSelector.matchLabels ?? {}).length > 0 || (namespaceSelector.matchExpressions ?? []).length > 0);
  if (selective && (t.namespaced || t.resource === 'namespaces')) {
    const labels = t.resource === 'namespaces' && t.group === '' ? (t.labels ?? {}) : t.namespace === undefined ? undefined : namespaceLabels(t.namespace);
    if (labels === undefined) unknown = true;
    else if (!matchesSelector(namespaceSelector, labels)) return 'no-match';
  }
  const objectSelector = asSelector(criteria.objectSelector);
  if (objectSelector && !matchesSelector(objectSelector, t.labels ?? {})) return 'no-match';
  const matchPolicy = typeof criteria.matchPolicy === 'string' ? criteria.matchPolicy : 'Equivalent';
  if (Array.isArray(criteria.excludeResourceRules) && rulesMatch(criteria.excludeResourceRules, t, matchPolicy)) return 'no-match';
  const rules = criteria.resourceRules;
  const hasRules = Array.isArray(rules) && rules.length > 0;
  if (hasRules ? !rulesMatch(rules, t, matchPolicy) : rulesRequired) return 'no-match';
  return unknown ? 'unknown' : 'match';
}

/** The labels of a Namespace resource's value. */
export function namespaceLabelsOf(value: unknown): Record<string, string> {
  return (labelsAt(value) as Record<string, string> | undefined) ?? {};
}

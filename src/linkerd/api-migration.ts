import { isObject } from '../model/k8s.js';
import type { Resource } from '../model/resource.js';
import type { ResourceSchemas } from '../model/schema.js';
import { validateResource } from './resource-schemas.js';

/**
 * Whether moving a resource to a newer apiVersion, with no other change, keeps it valid
 * and keeps what it means: the condition for the `deprecated-api-version` fix (its
 * `meta.docs` in rules/deprecated-api-version.ts). Versions and their defaults are those of
 * the CRDs in linkerd2 `charts/linkerd-crds/templates/` (for HTTPRoute, `policy/httproute.yaml`
 * since 2.13, linkerd/linkerd2#10485).
 */
export function bumpKeepsMeaning(resource: Resource, toVersion: string, schemas: ResourceSchemas): boolean {
  const { group, kind } = resource;
  if (!kind) return false;
  const moved = { ...resource.value, apiVersion: `${group}/${toVersion}` };
  const problems = validateResource(schemas, group, toVersion, kind, moved);
  if (!problems || problems.length > 0) return false;
  if (group === 'policy.linkerd.io' && kind === 'HTTPRoute') return backendNamespacesSurvive(resource, toVersion);
  return true;
}

/**
 * policy.linkerd.io HTTPRoute v1alpha1/v1beta1 default an omitted backendRef `namespace`
 * to "default"; v1beta2 and later mean the route's own namespace. The move keeps the
 * meaning only when every backendRef names its namespace, or the route lives in "default".
 */
function backendNamespacesSurvive(resource: Resource, toVersion: string): boolean {
  const reduced = (v: string) => v === 'v1alpha1' || v === 'v1beta1';
  if (!reduced(resource.version) || reduced(toVersion)) return true;
  if (resource.namespace === 'default') return true;
  const spec = resource.value.spec;
  const rules = isObject(spec) && Array.isArray(spec.rules) ? spec.rules : [];
  return rules.every((rule) => {
    const refs = isObject(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : [];
    return refs.every((ref) => isObject(ref) && typeof ref.namespace === 'string');
  });
}

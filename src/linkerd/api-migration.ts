import { isObject } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import type { ResourceSchemas } from '../model/schema.js';
import { validateResource } from './resource-schemas.js';

/**
 * Whether moving a resource to a newer apiVersion, with no other change, keeps it valid
 * and keeps what it means: the condition for the `deprecated-api-version` fix. Versions and
 * their defaults are those of the CRDs in linkerd2 `charts/linkerd-crds/templates/` (for
 * HTTPRoute, `policy/httproute.yaml` since 2.13, linkerd/linkerd2#10485).
 *
 * The document must first be valid under its own version as written. The API server prunes
 * the fields a CRD version's structural schema does not know, so a field only the newer
 * version knows is inert today and in force after the move: a Server `v1beta1` with
 * `accessPolicy: all-unauthenticated` keeps the default policy, the same Server as `v1beta3`
 * opens the port to unauthenticated clients (`accessPolicy` arrived with v1beta3, linkerd2
 * #12845). The schemas in schemas/linkerd/ are closed wherever the CRDs prune, so such a
 * field fails the first check.
 */
export function bumpKeepsMeaning(resource: Resource, toVersion: string, schemas: ResourceSchemas): boolean {
  const { group, kind } = resource;
  if (!kind) return false;
  const asWritten = validateResource(schemas, group, resource.version, kind, resource.value);
  if (!asWritten || asWritten.length > 0) return false;
  const moved = { ...resource.value, apiVersion: `${group}/${toVersion}` };
  const problems = validateResource(schemas, group, toVersion, kind, moved);
  if (!problems || problems.length > 0) return false;
  if (group === 'policy.linkerd.io' && kind === 'HTTPRoute') return backendNamespacesSurvive(resource, toVersion);
  return true;
}

/**
 * The fields of the resource its own version does not know (the API server prunes them) and
 * `toVersion` does: they do nothing as written and take effect once the apiVersion moves.
 */
export function fieldsTheBumpEnables(resource: Resource, toVersion: string, schemas: ResourceSchemas): JsonPath[] {
  const { group, kind } = resource;
  if (!kind) return [];
  const unknown = (version: string, value: unknown) =>
    validateResource(schemas, group, version, kind, value)
      ?.filter((p) => p.keyword === 'additionalProperties')
      .map((p) => p.path);
  const pruned = unknown(resource.version, resource.value);
  // Without a schema of either version nothing is known of what the move enables.
  const after = pruned?.length ? unknown(toVersion, { ...resource.value, apiVersion: `${group}/${toVersion}` }) : undefined;
  if (!pruned || !after) return [];
  const stillUnknown = new Set(after.map((p) => JSON.stringify(p)));
  return pruned.filter((p) => !stillUnknown.has(JSON.stringify(p)));
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

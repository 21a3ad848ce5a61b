import { defineRule } from '../src/engine/rule.js';
import { type FoundKey, formatFor, linkerdKeys, placesFor, readByTarget, routeParentsAreOnlyServers } from '../src/linkerd/annotation-sites.js';
import { valueProblem } from '../src/linkerd/annotation-values.js';
import { KEYS, type Place } from '../src/linkerd/annotations.js';
import type { Resource } from '../src/model/resource.js';

function yamlType(value: unknown): string {
  if (Array.isArray(value)) return 'sequence';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

/** Where the key stands, when the target release reads it there (elsewhere it is `annotation-placement`'s business). */
function effectivePlace(resource: Resource, found: FoundKey, places: readonly Place[]): Place | undefined {
  const place = places.find((p) => p === found.site.role);
  if (!place) return undefined;
  return (place === 'httproute' || place === 'grpcroute') && routeParentsAreOnlyServers(resource) ? undefined : place;
}

export default defineRule({
  meta: {
    id: 'invalid-annotation-value',
    description: 'Disallow Linkerd annotation values that Linkerd would ignore or reject',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    kinds: '*',
    messages: {
      invalid: '"{{key}}" is "{{value}}"; expected {{expected}}',
      valueTooNew: '"{{key}}" is "{{value}}", which Linkerd accepts only from {{since}} on (target {{target}}); expected {{expected}}',
      notString: '"{{key}}" is {{value}}, a YAML {{type}}; annotation and label values must be strings, so quote it',
    },
    docs: {
      why:
        'Linkerd reads its annotations with several parsers. The proxy injector takes Go durations (`1.5s`, `1m30s`) and ' +
        'silently keeps its default when a value does not parse; the policy controller takes only a whole number with one ' +
        'unit (`5s`, `200ms`) for `retry.*`, `timeout.*` and `balancer.*` keys and treats anything else as unset, or ' +
        'rejects the route at admission. Port lists, quantities, booleans and enums fail the same quiet way: the setting ' +
        'you wrote is not the one that runs. YAML adds a trap of its own: an unquoted `true` or `3` is not a string, and ' +
        'Kubernetes refuses annotations and labels whose values are not strings.',
      howToFix:
        'Write the value in the syntax the message names, and quote numbers and booleans (`retry.linkerd.io/limit: "3"`).',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      for (const found of linkerdKeys(resource)) {
        const info = KEYS.get(found.key);
        if (!info || info.written || info.as !== found.field.slice(0, -1) || !readByTarget(info, ctx.target)) continue;
        const place = effectivePlace(resource, found, placesFor(info, ctx.target));
        if (!place) continue;
        const { value } = found;
        // An empty `key:` is null in YAML and an empty string to Kubernetes.
        if (value !== null && typeof value !== 'string') {
          ctx.report({
            resource,
            path: found.path,
            messageId: 'notString',
            data: { key: found.key, value: JSON.stringify(value), type: yamlType(value) },
          });
          continue;
        }
        const text = value ?? '';
        const problem = valueProblem(formatFor(info, place, ctx.target), text, ctx.target);
        if (!problem) continue;
        const data = { key: found.key, value: text, expected: problem.expected };
        if (problem.since) ctx.report({ resource, path: found.path, messageId: 'valueTooNew', data: { ...data, since: problem.since, target: ctx.target.release } });
        else ctx.report({ resource, path: found.path, messageId: 'invalid', data });
      }
    }
  },
});

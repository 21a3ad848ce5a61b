import { defineRule } from '../src/engine/rule.js';
import { bumpKeepsMeaning, fieldsTheBumpEnables } from '../src/linkerd/api-migration.js';
import { LINKERD_KINDS, apiVersionStatus, servingSource } from '../src/linkerd/api-versions.js';
import { type JsonPath, formatPath } from '../src/model/path.js';

/** The first few fields, by path, for a message. */
function listFields(paths: readonly JsonPath[]): string {
  const shown = paths.slice(0, 3).map(formatPath).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}

export default defineRule({
  meta: {
    id: 'deprecated-api-version',
    description: 'Warn about deprecated or superseded apiVersions of Linkerd resources',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fix: 'safe',
    precision: 'very-high',
    kinds: LINKERD_KINDS,
    messages: {
      deprecated: '"{{apiVersion}}" is deprecated for {{kind}} in {{source}}; use {{replacement}}',
      superseded: '"{{apiVersion}}" is superseded for {{kind}} in {{source}}; use {{replacement}}',
      prunedFields:
        '"{{apiVersion}}" is {{state}} for {{kind}} in {{source}}; use {{replacement}}, but review first what {{fromVersion}} prunes and {{toVersion}} applies: {{fields}}',
    },
    docs: {
      fixSafety:
        'Safe: the version is changed only when the document, as written, is valid under its own version (the API ' +
        'server prunes nothing from it) and under the newer one, and means the same there. A field only the newer ' +
        'version knows is pruned today and would take effect after the move, so then no fix is offered and the ' +
        'message names the field.',
      why:
        'Deprecated versions (Server `v1alpha1` and `v1beta1`, ServerAuthorization `v1alpha1`, GRPCRoute `v1alpha2`) ' +
        'make the API server print a warning on every apply and are the next to be removed; upstream Gateway API ' +
        'no longer serves GRPCRoute `v1alpha2` from v1.2.0. Superseded versions (older ServiceProfile, ' +
        'policy.linkerd.io HTTPRoute, ExternalWorkload and Link versions, Gateway HTTPRoute `v1beta1` from 2.18) ' +
        'still work but lack the fields the current version has, and the docs only describe the current one.',
      howToFix:
        'Change `apiVersion` to the version the message names. `--fix` does it only when the resource is valid under ' +
        'its current version as written and, unchanged, valid under the newer version with the same meaning. A field ' +
        'the current version does not know is pruned by the API server (or, with strict field validation, rejected), ' +
        'while the newer version applies it: a Server `v1beta1` with `accessPolicy: all-unauthenticated` keeps the ' +
        'default policy, but as `v1beta3` opens its port to unauthenticated clients. Such resources are not moved, and ' +
        'the message names the fields: remove them, or make sure you want them in force, before you change the version ' +
        '(policy.linkerd.io HTTPRoute `backendRefs` `weight`, `group` and `kind` arrive with `v1beta2` and `timeouts` ' +
        'with `v1beta3`; Server `externalWorkloadSelector` with `v1beta2`; Link `federatedServiceSelector` with ' +
        '`v1alpha2` and `excludedLabels`/`excludedAnnotations` with `v1alpha3`). A policy.linkerd.io HTTPRoute ' +
        '`v1alpha1`/`v1beta1` whose `backendRefs` leave out `namespace` is not moved either, because the older versions ' +
        'default it to `default` and the newer ones to the route\'s own namespace: add `namespace` first. ExternalWorkload ' +
        '`v1alpha1` spells `meshTls`, which `v1beta1` renames to `meshTLS`.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const status = apiVersionStatus(resource.group, resource.version, resource.kind, ctx.target);
      if (status.state !== 'served' || !status.replacedBy) continue;
      const { version: toVersion, why } = status.replacedBy;
      const replacement = `${status.group}/${toVersion}`;
      const data = { apiVersion: resource.apiVersion ?? '', kind: status.kind, source: servingSource(status.era, ctx.target), replacement };
      // Fields the current version prunes come alive with the new one (a Server's `accessPolicy`): say so, as there is no fix.
      const enabled = fieldsTheBumpEnables(resource, toVersion, ctx.schemas);
      ctx.report({
        resource,
        path: ['apiVersion'],
        ...(enabled.length > 0
          ? { messageId: 'prunedFields', data: { ...data, state: why, fromVersion: resource.version, toVersion, fields: listFields(enabled) } }
          : { messageId: why, data }),
        fix: (fixer) =>
          bumpKeepsMeaning(resource, toVersion, ctx.schemas) ? { kind: 'safe', edits: fixer.setScalar(resource, ['apiVersion'], replacement) } : null,
      });
    }
  },
});

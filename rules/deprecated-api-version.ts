import { defineRule } from '../src/engine/rule.js';
import { bumpKeepsMeaning } from '../src/linkerd/api-migration.js';
import { LINKERD_KINDS, apiVersionStatus, servingSource } from '../src/linkerd/api-versions.js';

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
    },
    docs: {
      fixSafety:
        'Safe: the version is changed only when the document, as written, is valid under the newer version and ' +
        'means the same there; otherwise the finding is reported with no fix.',
      why:
        'Deprecated versions (Server `v1alpha1` and `v1beta1`, ServerAuthorization `v1alpha1`, GRPCRoute `v1alpha2`) ' +
        'make the API server print a warning on every apply and are the next to be removed; upstream Gateway API ' +
        'no longer serves GRPCRoute `v1alpha2` from v1.2.0. Superseded versions (older ServiceProfile, ' +
        'policy.linkerd.io HTTPRoute, ExternalWorkload and Link versions, Gateway HTTPRoute `v1beta1` from 2.18) ' +
        'still work but lack the fields the current version has, and the docs only describe the current one.',
      howToFix:
        'Change `apiVersion` to the version the message names. `--fix` does it when the resource is valid under the ' +
        'newer version unchanged and means the same there; a policy.linkerd.io HTTPRoute `v1alpha1`/`v1beta1` whose ' +
        '`backendRefs` leave out `namespace` is not moved, because the older versions default it to `default` and the ' +
        'newer ones to the route\'s own namespace: add `namespace` first. ExternalWorkload `v1alpha1` spells ' +
        '`meshTls`, which `v1beta1` renames to `meshTLS`.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const status = apiVersionStatus(resource.group, resource.version, resource.kind, ctx.target);
      if (status.state !== 'served' || !status.replacedBy) continue;
      const replacement = `${status.group}/${status.replacedBy.version}`;
      ctx.report({
        resource,
        path: ['apiVersion'],
        messageId: status.replacedBy.why,
        data: { apiVersion: resource.apiVersion ?? '', kind: status.kind, source: servingSource(status.era, ctx.target), replacement },
        fix: (fixer) =>
          bumpKeepsMeaning(resource, status.replacedBy!.version, ctx.schemas)
            ? { kind: 'safe', edits: fixer.setScalar(resource, ['apiVersion'], replacement) }
            : null,
      });
    }
  },
});

import { defineRule } from '../src/engine/rule.js';
import { isObject } from '../src/model/k8s.js';
import type { JsonPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';
import { describeServers, isPolicyResource, serverAuthorizationServers } from '../src/linkerd/policy-targets.js';
import { wildcardKind } from '../src/linkerd/access/identities.js';

export default defineRule({
  meta: {
    id: 'no-wildcard-identity',
    description: 'Warn about identity wildcards that admit every meshed workload of every namespace',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'none',
    securitySeverity: 5.0,
    cwe: ['CWE-284'],
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['MeshTLSAuthentication', 'ServerAuthorization'],
    messages: {
      identityWildcard:
        '{{kind}} {{name}} lists identity "*", which matches every meshed workload of every namespace; list the ' +
        'identities or ServiceAccounts of the clients that need access, or "*.<namespace>.serviceaccount.identity.…" for one namespace',
      suffixWildcard:
        '{{kind}} {{name}} lists identity "{{identity}}", which matches every meshed workload of every namespace; ' +
        'name a namespace ("*.<namespace>.serviceaccount.identity.…") or list the identities of the clients that need access',
      unauthenticatedTLS:
        'ServerAuthorization {{name}} sets meshTLS.unauthenticatedTLS: true, which admits any client that connects over TLS, ' +
        'with or without a mesh identity, to {{servers}}; list identities or serviceAccounts instead',
    },
    docs: {
      why:
        'An identity of `*` in a MeshTLSAuthentication or a ServerAuthorization\'s `meshTLS.identities` matches every ' +
        'meshed workload of every namespace (and of every linked cluster that shares the trust root), so one compromised ' +
        'or careless workload anywhere in the mesh reaches the port. A suffix such as ' +
        '`*.serviceaccount.identity.linkerd.cluster.local` or `*.cluster.local` is the same thing written longer. ' +
        '`meshTLS.unauthenticatedTLS: true` goes further: it accepts TLS connections without checking a client identity ' +
        'at all, which only Linkerd\'s identity service needs (its clients have no certificate yet).\n\n' +
        'Wildcards scoped to one namespace (`*.emojivoto.serviceaccount.identity.linkerd.cluster.local`) are not reported.',
      howToFix:
        'List the identities (or `identityRefs` of ServiceAccounts, or of a Namespace) of the clients that need the port; ' +
        'in a ServerAuthorization, list `identities` or `serviceAccounts` instead of `unauthenticatedTLS`. Where every ' +
        'meshed client really is meant (a port that only requires mTLS), suppress the finding with a comment that says so.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      if (isPolicyResource(resource, 'MeshTLSAuthentication')) {
        const spec = isObject(resource.value.spec) ? resource.value.spec : {};
        checkIdentities(resource, spec.identities, ['spec', 'identities']);
      } else if (isPolicyResource(resource, 'ServerAuthorization')) {
        const spec = isObject(resource.value.spec) ? resource.value.spec : {};
        const client = isObject(spec.client) ? spec.client : {};
        if (client.unauthenticated === true || !isObject(client.meshTLS)) continue;
        const meshTLS = client.meshTLS;
        if (meshTLS.unauthenticatedTLS === true) {
          ctx.report({
            resource,
            path: ['spec', 'client', 'meshTLS', 'unauthenticatedTLS'],
            messageId: 'unauthenticatedTLS',
            data: { name: resource.name ?? '(unnamed)', servers: describeServers(serverAuthorizationServers(ctx.tree, resource)) },
          });
        } else {
          checkIdentities(resource, meshTLS.identities, ['spec', 'client', 'meshTLS', 'identities']);
        }
      }
    }

    function checkIdentities(resource: Resource, identities: unknown, base: JsonPath): void {
      if (!Array.isArray(identities)) return;
      identities.forEach((identity, i) => {
        if (typeof identity !== 'string') return;
        const wildcard = wildcardKind(identity, ctx.clusterDomain);
        if (!wildcard) return;
        ctx.report({
          resource,
          path: [...base, i],
          messageId: wildcard === 'all' ? 'identityWildcard' : 'suffixWildcard',
          data: { kind: resource.kind ?? '', name: resource.name ?? '(unnamed)', identity },
        });
      });
    }
  },
});

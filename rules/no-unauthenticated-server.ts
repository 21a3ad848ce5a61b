import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import {
  type PolicyAttachment,
  describeNetworks,
  describeServers,
  describeTarget,
  isPolicyResource,
  policyAccess,
  policyAttachment,
  serverAuthorizationAccess,
  serverAuthorizationServers,
} from '../src/linkerd/policy-targets.js';
import { PROBE_PATHS_OPTION, WELL_KNOWN_PROBE_PATHS, onProxyAdminPort, probeUse } from '../src/linkerd/probes.js';

interface Options {
  probePaths: string[];
}

/** Server versions without `accessPolicy`: the API server prunes it there, so the port stays `deny`. */
const NO_ACCESS_POLICY = new Set(['v1alpha1', 'v1beta1', 'v1beta2']);

/** Each unauthenticated default and its authenticated counterpart, the smallest change that closes it. */
const UNAUTHENTICATED: Record<string, { clients: string; authenticated: string }> = {
  'all-unauthenticated': { clients: 'from any network', authenticated: 'all-authenticated' },
  'cluster-unauthenticated': { clients: 'from the cluster networks', authenticated: 'cluster-authenticated' },
};

export default defineRule({
  meta: {
    id: 'no-unauthenticated-server',
    description: 'Disallow Servers, ServerAuthorizations and AuthorizationPolicies that admit clients without authentication',
    category: 'security',
    defaultSeverity: 'error',
    fix: 'none',
    securitySeverity: 7.5,
    cwe: ['CWE-306'],
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['Server', 'ServerAuthorization', 'AuthorizationPolicy'],
    messages: {
      accessPolicy:
        'Server {{server}} sets accessPolicy {{value}}, so any client {{clients}} reaches port {{port}} without authentication; ' +
        'set accessPolicy to {{authenticated}} or deny and authorize the clients that need the port',
      serverAuthorization:
        'ServerAuthorization {{name}} sets client.unauthenticated: true, so any client {{clients}} reaches {{servers}} ' +
        'without authentication; require meshTLS identities or serviceAccounts instead',
      noAuthentication:
        'AuthorizationPolicy {{name}} has empty requiredAuthenticationRefs, so any client from any network reaches {{target}} ' +
        'without authentication; require a MeshTLSAuthentication or ServiceAccount',
      networkOnly:
        'AuthorizationPolicy {{name}} requires only NetworkAuthentication {{authn}}, so any client {{clients}} reaches {{target}} ' +
        'without authentication; add a MeshTLSAuthentication or ServiceAccount to requiredAuthenticationRefs',
      probe:
        'AuthorizationPolicy {{name}} lets any client {{clients}} reach {{target}} without authentication, and the route ' +
        'matches only probe paths ({{paths}}): this is how Linkerd\'s docs authorize kubelet probes, which carry no mesh identity',
      adminProbe:
        '{{kind}} {{name}} lets any client {{clients}} reach {{target}} on the proxy\'s admin port without authentication: ' +
        'this is how Linkerd\'s docs let kubelet probes reach the proxy, though it also opens the proxy\'s metrics to those clients',
    },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        probePaths: PROBE_PATHS_OPTION,
      },
    },
    defaultOptions: optionDefaults<Options>({ probePaths: [...WELL_KNOWN_PROBE_PATHS] }),
    docs: {
      why:
        'A Server admits clients through its `accessPolicy` and the ServerAuthorizations and AuthorizationPolicies that ' +
        'authorize it. Some of those let any client in without a mesh identity: `accessPolicy: all-unauthenticated` or ' +
        '`cluster-unauthenticated` (clients from anywhere, or from the cluster networks); a ServerAuthorization with ' +
        '`client.unauthenticated: true`; an AuthorizationPolicy with empty `requiredAuthenticationRefs`, which Linkerd reads ' +
        'as every client from every network; and an AuthorizationPolicy whose only authentication is a NetworkAuthentication, ' +
        'which checks the source address and nothing else. Any pod, and anything that can reach the pod network, then ' +
        'gets to the port, and mTLS and identity-based policy no longer protect it.\n\n' +
        'Linkerd\'s docs authorize kubelet probes this way on purpose: once a route attaches to a Server, probes are no ' +
        'longer authorized by default, and the kubelet has no mesh identity. An AuthorizationPolicy on an HTTPRoute whose ' +
        'parent is a Server and whose matches are only probe paths (the `probePaths` option, or the `httpGet` paths of ' +
        'the probes of the pods the Server selects) is reported at `info` with that explanation, and so is an ' +
        'unauthenticated authorization of a Server on the proxy\'s admin port (`linkerd-admin`, 4191), which is how ' +
        'Linkerd 2.11\'s docs let the kubelet probe the proxy (since 2.12 Linkerd authorizes probes of Servers without ' +
        'routes itself, and that port also serves the proxy\'s metrics). The route or Server must be in the input (or ' +
        '`--context`) for the rule to see it.',
      howToFix:
        'Require an identity: reference a MeshTLSAuthentication (or a ServiceAccount) in `requiredAuthenticationRefs`, use ' +
        '`meshTLS` instead of `unauthenticated` in a ServerAuthorization, or set the Server\'s `accessPolicy` to an ' +
        '`-authenticated` policy or `deny` and authorize the clients that need the port. For a port that must be public ' +
        '(an ingress controller that is not meshed), suppress the finding with a comment that says why.',
      messages: {
        probe: 'An AuthorizationPolicy on a route that matches only probe paths: the probe pattern of Linkerd\'s docs, at info.',
        adminProbe:
          'A ServerAuthorization or AuthorizationPolicy on a Server of the proxy\'s admin port (`linkerd-admin`, 4191): ' +
          'how Linkerd 2.11\'s docs and its own tests let kubelet probes reach the proxy, at info.',
      },
    },
  },
  check(ctx) {
    const probePaths = ctx.options.probePaths;
    for (const resource of ctx.resources) {
      if (isPolicyResource(resource, 'Server')) checkServer(resource);
      else if (isPolicyResource(resource, 'ServerAuthorization')) checkServerAuthorization(resource);
      else if (isPolicyResource(resource, 'AuthorizationPolicy')) checkPolicy(policyAttachment(ctx.tree, resource));
    }

    function checkServer(server: Resource): void {
      if (NO_ACCESS_POLICY.has(server.version)) return;
      const spec = isObject(server.value.spec) ? server.value.spec : {};
      const value = spec.accessPolicy;
      const open = typeof value === 'string' ? UNAUTHENTICATED[value] : undefined;
      if (!open) return;
      ctx.report({
        resource: server,
        path: ['spec', 'accessPolicy'],
        messageId: 'accessPolicy',
        data: { server: server.name ?? '(unnamed)', value: String(value), port: String(spec.port ?? '(none)'), ...open },
      });
    }

    function checkServerAuthorization(saz: Resource): void {
      const access = serverAuthorizationAccess(saz);
      if (!access || access.authentication !== 'none') return;
      const found = serverAuthorizationServers(ctx.tree, saz);
      const name = saz.name ?? '(unnamed)';
      const clients = describeNetworks(access.networks);
      const servers = describeServers(found);
      const path = ['spec', 'client', 'unauthenticated'];
      if (onProxyAdminPort(found.servers)) {
        const data = { kind: 'ServerAuthorization', name, clients, target: servers };
        ctx.report({ resource: saz, path, messageId: 'adminProbe', severity: 'info', data });
      } else {
        ctx.report({ resource: saz, path, messageId: 'serverAuthorization', data: { name, clients, servers } });
      }
    }

    function checkPolicy(attachment: PolicyAttachment): void {
      const access = policyAccess(attachment);
      if (!access || access.authentication !== 'none') return;
      const { policy, target } = attachment;
      // A route that attaches to no Server authorizes nothing inbound.
      if ((target.kind === 'HTTPRoute' || target.kind === 'GRPCRoute') && target.route && target.servers.length === 0) return;
      const name = policy.name ?? '(unnamed)';
      const network = attachment.authentications[0];
      const path = network ? ['spec', 'requiredAuthenticationRefs', network.index] : ['spec', 'requiredAuthenticationRefs'];
      const clients = describeNetworks(access.networks);
      const probe = probeUse(ctx.tree, attachment, probePaths);
      if (probe?.kind === 'route') {
        ctx.report({
          resource: policy,
          path,
          messageId: 'probe',
          severity: 'info',
          data: { name, clients, target: describeTarget(target), paths: probe.paths.join(', ') },
        });
      } else if (probe?.kind === 'adminPort') {
        const data = { kind: 'AuthorizationPolicy', name, clients, target: describeTarget(target) };
        ctx.report({ resource: policy, path, messageId: 'adminProbe', severity: 'info', data });
      } else if (network) {
        const authn = network.resource ? network.name : `${network.name} (not in the input)`;
        ctx.report({ resource: policy, path, messageId: 'networkOnly', data: { name, authn, clients, target: describeTarget(target) } });
      } else {
        ctx.report({ resource: policy, path, messageId: 'noAuthentication', data: { name, target: describeTarget(target) } });
      }
    }
  },
});

import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import {
  type NetworkEntry,
  type PolicyAttachment,
  describeServers,
  describeTarget,
  isPolicyResource,
  networkEntries,
  policiesRequiring,
  policyAccess,
  serverAuthorizationAccess,
  serverAuthorizationServers,
  wholeFamily,
} from '../src/linkerd/policy-targets.js';
import { type ProbeUse, PROBE_PATHS_OPTION, WELL_KNOWN_PROBE_PATHS, onProxyAdminPort, probeUse } from '../src/linkerd/probes.js';

interface Options {
  probePaths: string[];
}

/** How a probe policy uses a NetworkAuthentication, for a message. */
function describeUse(attachment: PolicyAttachment, use: ProbeUse): string {
  return use.kind === 'route'
    ? `whose route matches only probe paths (${use.paths.join(', ')})`
    : `on the proxy's admin port (${describeTarget(attachment.target)})`;
}

/** `every IPv4 address (cidr 0.0.0.0/0)`, naming the exceptions when there are some. */
function describeRange(entry: NetworkEntry, family: 4 | 6): string {
  const but = entry.except.length ? ` except ${entry.except.join(', ')}` : '';
  return `every IPv${family} address${but} (cidr ${entry.cidr})`;
}

export default defineRule({
  meta: {
    id: 'no-open-network',
    description: 'Disallow NetworkAuthentication and ServerAuthorization networks that cover every IPv4 or IPv6 address',
    category: 'security',
    defaultSeverity: 'error',
    fix: 'none',
    securitySeverity: 7.0,
    cwe: ['CWE-306'],
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['NetworkAuthentication', 'ServerAuthorization'],
    messages: {
      networkAuthentication:
        'NetworkAuthentication {{name}} allows {{range}}, and AuthorizationPolicy {{policy}} requires nothing else, so ' +
        '{{target}} admits any of those clients without authentication; list only the networks its clients connect from, ' +
        'or also require a MeshTLSAuthentication in the policy',
      unreferenced:
        'NetworkAuthentication {{name}} allows {{range}}; an AuthorizationPolicy that requires only it admits any of those ' +
        'clients without authentication; list only the networks its clients connect from',
      serverAuthorization:
        'ServerAuthorization {{name}} admits {{range}} {{how}} to {{servers}}; list only the networks its clients connect ' +
        'from, or require meshTLS identities',
      probe:
        'NetworkAuthentication {{name}} allows {{range}} for AuthorizationPolicy {{policy}}, {{use}}: this is how ' +
        'Linkerd\'s docs authorize kubelet probes; listing only the nodes\' networks is stricter',
      adminProbe:
        'ServerAuthorization {{name}} admits {{range}} {{how}} to {{servers}} on the proxy\'s admin port: this is how ' +
        'Linkerd\'s docs let kubelet probes reach the proxy; listing only the nodes\' networks is stricter',
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
        'A network of `0.0.0.0/0` or `::/0` matches every source address of its family, so it restricts nothing. Where ' +
        'no identity is required as well, that is the whole protection gone: a ServerAuthorization with ' +
        '`client.unauthenticated: true` (or `meshTLS.unauthenticatedTLS: true`) and such a network admits anyone who can ' +
        'reach the pod, from inside the cluster or out; a NetworkAuthentication with one admits anyone to whatever an ' +
        'AuthorizationPolicy that requires only it targets. An `except` list does not change that much (it still leaves ' +
        'everything else open), so the finding stays and names the exceptions. A bare IP address is one address, and ' +
        'several blocks that only add up to a whole family are not reported.\n\n' +
        'A NetworkAuthentication that every AuthorizationPolicy in the input pairs with a MeshTLSAuthentication or a ' +
        'ServiceAccount is not reported: the identity is the protection there. One that is used only for the probe ' +
        'pattern of Linkerd\'s docs (an AuthorizationPolicy on an HTTPRoute of a Server that matches only probe paths, or ' +
        'on a Server of the proxy\'s admin port, see `no-unauthenticated-server`) is reported at `info`, and so is a ' +
        'ServerAuthorization of the proxy\'s admin port.',
      howToFix:
        'List only the networks the clients really connect from (for kubelet probes, the nodes\' addresses), or require an ' +
        'identity: a MeshTLSAuthentication next to the NetworkAuthentication in the AuthorizationPolicy, `meshTLS` instead ' +
        'of `unauthenticated` in the ServerAuthorization.',
      messages: {
        unreferenced: 'A NetworkAuthentication of every address that no AuthorizationPolicy in the input uses.',
        probe: 'A NetworkAuthentication used only by AuthorizationPolicies of the probe pattern of Linkerd\'s docs, at info.',
        adminProbe: 'A ServerAuthorization of every address on a Server of the proxy\'s admin port, at info.',
      },
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      if (isPolicyResource(resource, 'NetworkAuthentication')) checkNetworkAuthentication(resource);
      else if (isPolicyResource(resource, 'ServerAuthorization')) checkServerAuthorization(resource);
    }

    function checkNetworkAuthentication(authn: Resource): void {
      const spec = isObject(authn.value.spec) ? authn.value.spec : {};
      const open = networkEntries(spec.networks).flatMap((entry) => {
        const family = wholeFamily(entry.block);
        return family ? [{ entry, family }] : [];
      });
      if (open.length === 0) return;
      const name = authn.name ?? '(unnamed)';
      // Uses that Linkerd applies, sorted so the policy a message names does not depend on file order.
      const uses = policiesRequiring(ctx.tree, authn)
        .filter((a) => policyAccess(a) !== undefined)
        .sort((a, b) => (a.policy.name ?? '').localeCompare(b.policy.name ?? ''));
      const alone = uses.filter((a) => a.authentications.every((x) => x.kind === 'NetworkAuthentication'));
      if (uses.length > 0 && alone.length === 0) return;
      const probes = new Map<PolicyAttachment, ProbeUse>();
      for (const a of alone) {
        const use = probeUse(ctx.tree, a, ctx.options.probePaths);
        if (use) probes.set(a, use);
      }
      const exposed = alone.find((a) => !probes.has(a));
      for (const { entry, family } of open) {
        const path = ['spec', 'networks', entry.index, 'cidr'];
        const range = describeRange(entry, family);
        if (exposed) {
          ctx.report({
            resource: authn,
            path,
            messageId: 'networkAuthentication',
            data: { name, range, policy: exposed.policy.name ?? '(unnamed)', target: describeTarget(exposed.target) },
          });
        } else if (alone.length > 0) {
          const [first, use] = [...probes][0]!;
          ctx.report({
            resource: authn,
            path,
            messageId: 'probe',
            severity: 'info',
            data: { name, range, policy: first.policy.name ?? '(unnamed)', use: describeUse(first, use) },
          });
        } else {
          ctx.report({ resource: authn, path, messageId: 'unreferenced', data: { name, range } });
        }
      }
    }

    function checkServerAuthorization(saz: Resource): void {
      const access = serverAuthorizationAccess(saz);
      if (!access || access.authentication === 'identity' || access.networks.kind !== 'listed') return;
      const how = access.authentication === 'none' ? 'without authentication' : 'over TLS without checking client identities';
      const found = serverAuthorizationServers(ctx.tree, saz);
      const servers = describeServers(found);
      const admin = onProxyAdminPort(found.servers);
      for (const entry of access.networks.entries) {
        const family = wholeFamily(entry.block);
        if (!family) continue;
        ctx.report({
          resource: saz,
          path: ['spec', 'client', 'networks', entry.index, 'cidr'],
          messageId: admin ? 'adminProbe' : 'serverAuthorization',
          ...(admin ? { severity: 'info' as const } : {}),
          data: { name: saz.name ?? '(unnamed)', range: describeRange(entry, family), how, servers },
        });
      }
    }
  },
});

import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { type Manifest, migrateServerAuthorization } from '../src/linkerd/migrations/server-authorization.js';
import { isPolicyResource } from '../src/linkerd/policy-targets.js';
import { REFERENCE_SCOPE_OPTION, type ReferenceScope, scopedTrees } from '../src/linkerd/reference-catalog.js';
import { isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';

interface Options {
  clusterNetworks: string[];
  scope: ReferenceScope;
}

function nameOf(m: Manifest): string {
  return isObject(m.metadata) && typeof m.metadata.name === 'string' ? m.metadata.name : '';
}

/** `Server web-http`, `Namespace emojivoto`. */
function targetOf(m: Manifest): string {
  const ref = isObject(m.spec) && isObject(m.spec.targetRef) ? m.spec.targetRef : {};
  return `${String(ref.kind)} ${String(ref.name)}`;
}

function joinAll(parts: string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** What the fix writes, for a message: `AuthorizationPolicy a on Server s, MeshTLSAuthentication a and NetworkAuthentication a`. */
function describeReplacement(manifests: Manifest[]): string {
  const policies = manifests.filter((m) => m.kind === 'AuthorizationPolicy');
  const head = `${policies.length === 1 ? 'AuthorizationPolicy' : 'AuthorizationPolicies'} ${joinAll(
    policies.map((p) => `${nameOf(p)} on ${targetOf(p)}`),
  )}`;
  const rest = manifests.filter((m) => m.kind !== 'AuthorizationPolicy').map((m) => `${String(m.kind)} ${nameOf(m)}`);
  return policies.length > 1 ? `${head}, with ${joinAll(rest)}` : joinAll([head, ...rest]);
}

/** Why the fixer cannot write `count` manifests in place of the resource, if it cannot. */
function unwritable(resource: Resource, count: number): string | undefined {
  if (!resource.syntax) return 'the ServerAuthorization is not written in YAML or JSON, which the fix does not rewrite';
  if (resource.docPath.length > 0) return 'the ServerAuthorization is an item of a List, which the fix does not rewrite';
  if (resource.file.language === 'json' && count > 1) {
    return `the replacement is ${count} manifests and a JSON file holds one: write them as YAML`;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'no-server-authorization',
    description: 'Warn about ServerAuthorizations, superseded by AuthorizationPolicy with MeshTLSAuthentication and NetworkAuthentication',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fix: 'both',
    precision: 'very-high',
    since: '2.12',
    skipLinkerdOutput: true,
    kinds: ['ServerAuthorization'],
    messages: {
      superseded: 'ServerAuthorization {{name}} is superseded by AuthorizationPolicy since Linkerd 2.12; replace it with {{replacement}}',
      supersededInexact:
        'ServerAuthorization {{name}} is superseded by AuthorizationPolicy since Linkerd 2.12; replace it with {{replacement}}, ' +
        'but check what differs: {{notes}}',
      noFix:
        'ServerAuthorization {{name}} is superseded by AuthorizationPolicy since Linkerd 2.12, and no replacement is offered: ' +
        '{{reason}}',
    },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: REFERENCE_SCOPE_OPTION,
        clusterNetworks: {
          type: 'array',
          items: { type: 'string' },
          description: "The install's clusterNetworks, for ServerAuthorizations without networks.",
        },
      },
    },
    defaultOptions: optionDefaults<Options>({ clusterNetworks: [], scope: 'directory' }),
    docs: {
      why:
        'ServerAuthorization is the authorization form of Linkerd 2.11. Since 2.12 an AuthorizationPolicy says the same ' +
        'with a MeshTLSAuthentication (identities) and a NetworkAuthentication (networks), and can also target routes ' +
        'and namespaces; Linkerd\'s docs prefer it and say ServerAuthorization will be deprecated. The rule is silent ' +
        'for targets before 2.12, where ServerAuthorization is the only form.',
      howToFix:
        'Write an AuthorizationPolicy on the Server with a MeshTLSAuthentication and a NetworkAuthentication, then delete ' +
        'the ServerAuthorization. Without `networks` it admits only the install\'s `clusterNetworks`; write them out.',
      fixSafety:
        'The fix replaces the ServerAuthorization with a MeshTLSAuthentication (none for `unauthenticated: true`), a ' +
        'NetworkAuthentication and an AuthorizationPolicy (`policy.linkerd.io/v1alpha1`) with its name, namespace, labels ' +
        'and annotations (not `kubectl.kubernetes.io/last-applied-configuration`). `identities` stay `identities`, ' +
        '`serviceAccounts` become `identityRefs`; with both, a second MeshTLSAuthentication and AuthorizationPolicy ' +
        '`<name>-service-accounts` (either policy admits, as the one list did). `networks` are copied with `except`; ' +
        '`server.name` becomes a Server target, an empty `server.selector` a Namespace target. Servers and taken names ' +
        'are looked up in the `scope` option\'s manifests (the directory, by default).\n\n' +
        'Safe when that is all. Unsafe when `client.networks` is not set and the `clusterNetworks` option is empty (the ' +
        'release\'s default cluster networks are written); when `server.selector` is expanded to one policy per Server it ' +
        'matches in the input (`<name>-<server>` for several: Servers outside the input are left out); and when other ' +
        'metadata is dropped.\n\n' +
        'No fix for `meshTLS.unauthenticatedTLS` (no AuthorizationPolicy admits TLS clients without an identity), a ' +
        '`server.selector` that matches no Server in the input, a ServerAuthorization Linkerd refuses or ignores, a name ' +
        'the replacement needs that is taken in the namespace, or a ServerAuthorization in a JSON file (one manifest ' +
        'only), a List or TypeScript.',
      messages: { noFix: 'With the field or taken name that blocks the fix.' },
    },
  },
  check(ctx) {
    const options = ctx.options.clusterNetworks.length ? { clusterNetworks: ctx.options.clusterNetworks } : {};
    // The Servers a selector expands to and the names already taken are looked up where the
    // ServerAuthorization is applied with (its directory, by default), not in unrelated projects.
    const scoped = scopedTrees(ctx.tree, ctx.options.scope);
    for (const saz of ctx.resources) {
      if (!isPolicyResource(saz, 'ServerAuthorization')) continue;
      const name = saz.name ?? '(unnamed)';
      const migration = migrateServerAuthorization(saz, scoped(saz), ctx.target, options);
      if (!migration.ok) {
        ctx.report({ resource: saz, path: migration.path, messageId: 'noFix', data: { name, reason: migration.reason } });
        continue;
      }
      const { manifests, safe, clusterNetworksAssumed } = migration;
      const notes = [...migration.notes];
      if (clusterNetworksAssumed) notes.push("set this rule's clusterNetworks option to the install's value to migrate safely");
      const blocked = unwritable(saz, manifests.length);
      if (blocked) {
        ctx.report({ resource: saz, path: ['kind'], messageId: 'noFix', data: { name, reason: blocked } });
        continue;
      }
      const replacement = describeReplacement(manifests);
      ctx.report({
        resource: saz,
        path: ['kind'],
        ...(safe
          ? { messageId: 'superseded' as const, data: { name, replacement } }
          : { messageId: 'supersededInexact' as const, data: { name, replacement, notes: notes.join('; ') } }),
        fix: (fixer) => {
          const edits = fixer.replaceDocument(saz, manifests);
          return edits.length ? { kind: safe ? 'safe' : 'unsafe', edits } : null;
        },
      });
    }
  },
});

import { type Fixer, defineRule, optionDefaults } from '../src/engine/rule.js';
import { overridingField } from '../src/linkerd/effective-config.js';
import { migrateServiceProfile } from '../src/linkerd/migrations/service-profile.js';
import { type ReferenceScope, scopeOption, scopedTrees } from '../src/linkerd/reference-catalog.js';
import { isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import type { ManifestTree } from '../src/model/tree.js';

interface Options {
  /** Which manifests hold the Service and routes a profile is migrated against. */
  scope: ReferenceScope;
}

function names(manifests: readonly Record<string, unknown>[]): string {
  const list = manifests.map((m) => `HTTPRoute ${isObject(m.metadata) ? String(m.metadata.name) : '?'}`);
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

const SUPERSEDED = 'ServiceProfiles are superseded by HTTPRoutes with retry.linkerd.io/* and timeout.linkerd.io/* annotations from Linkerd 2.16';

export default defineRule({
  meta: {
    id: 'no-service-profile',
    description: 'Report ServiceProfiles, superseded by HTTPRoutes with retry and timeout annotations from Linkerd 2.16',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fix: 'both',
    precision: 'very-high',
    since: '2.16',
    skipLinkerdOutput: true,
    kinds: ['ServiceProfile'],
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: scopeOption(
          'Which manifests the profile\'s Service and its other routes are looked for in: those of its file, its directory (the default) or the whole input, with the context manifests always.',
        ),
      },
    },
    defaultOptions: optionDefaults<Options>({ scope: 'directory' }),
    messages: {
      migrate: `ServiceProfile {{name}}: ${SUPERSEDED}; the fix writes {{routes}}{{notes}}`,
      blocked: `ServiceProfile {{name}}: ${SUPERSEDED}; no fix: {{reason}}`,
      inert: 'ServiceProfile {{name}} sets {{what}}, so it does nothing (a retry budget applies only to retryable profile routes); delete it',
    },
    docs: {
      why:
        'From Linkerd 2.16 HTTPRoutes and GRPCRoutes with the `retry.linkerd.io/*` and `timeout.linkerd.io/*` annotations ' +
        'do what ServiceProfiles did, and the docs call ServiceProfiles fully supplanted: they get no new features, and ' +
        'while a profile with `routes` or `dstOverrides` exists for a Service its clients ignore every HTTPRoute, ' +
        'GRPCRoute and retry, timeout and circuit-breaking annotation of that Service (see `service-profile-shadows-routes`). ' +
        'Reported on targets from 2.16, the first release with the replacement. A profile that sets only `retryBudget` ' +
        '(or nothing) is reported as doing nothing: the budget applies only to retryable profile routes. One that sets ' +
        'only `opaquePorts` is not reported: no HTTPRoute carries that field, and it is what the fix leaves.\n\n' +
        'The migration compares how the proxy routes both ways. A profile tries its routes in order, first match wins, ' +
        'and a `pathRegex` must match the whole path; an HTTPRoute picks its most specific rule (the longest path match, ' +
        'then a method match; Exact and PathPrefix of the same length tie, and ties go to the earlier rule) and refuses a ' +
        'request that matches no rule with 404 (linkerd2-proxy `linkerd/http/route/src/lib.rs`, `linkerd/service-profiles/src/http.rs`). ' +
        'Each profile route becomes one rule: `method` → `matches[].method`; a literal `pathRegex` → `Exact`; a literal ' +
        'prefix followed by `(/.*)?` → `PathPrefix` (which matches whole path segments: `/api(/.*)?` is `PathPrefix /api`, ' +
        'while `/api.*` and `/api/.*` are not); `.*` and `/.*` → `PathPrefix /`; `all` of these is fine. A catch-all rule ' +
        '(`PathPrefix /`, no timeout, no retry) keeps the requests that matched no profile route flowing. The rules are then ' +
        'checked on a sample request of every region the paths and methods cut the request space into, and the fix is ' +
        'given up when one would get another timeout, retry or backend than before, with that request in the message.',
      howToFix:
        'Write HTTPRoutes with the Service as parent, one rule per profile route, `timeouts.request` (Gateway API HTTPRoute ' +
        'from 2.20) or `timeout.linkerd.io/request`, and `retry.linkerd.io/http` with `retry.linkerd.io/limit` for the ' +
        'retryable routes; then delete the profile (keep only `opaquePorts`, or better mark the ports with ' +
        '`config.linkerd.io/opaque-ports`).',
      fixSafety:
        'The fix replaces the profile with one or more `gateway.networking.k8s.io` HTTPRoutes (`v1beta1` on 2.16–2.17, ' +
        '`v1` from 2.18) in the profile\'s namespace, named after the Service (`<service>`, then `<service>-2` …), with the ' +
        'parentRef `{group: core, kind: Service, name: <service>}` (plus `namespace` for a profile in a client namespace; ' +
        'no `port`, as a profile covers every port), keeping the profile\'s labels and annotations. Each profile route is a ' +
        'rule (routes of the same timeout and retry share one rule when there would be more than 16), and a last ' +
        '`PathPrefix /` rule stands for the profile\'s default route. A route `timeout` is written as `timeouts.request` on ' +
        'its rule on 2.20 and as the route\'s `timeout.linkerd.io/request` before, rewritten into the policy duration syntax ' +
        '(`1m30s` → `90s`, `1.5s` → `1500ms`; `0s` means none); `isRetryable` becomes `retry.linkerd.io/http` with the statuses ' +
        'its response classes call failures (5xx by default, e.g. `500-504,429`) and `retry.linkerd.io/limit` (the retry ' +
        'ratio rounded up, 1 to 3). Annotations are per HTTPRoute, so routes with different retries (or, before 2.20, ' +
        'timeouts) go to different HTTPRoutes. `dstOverrides` become weighted `backendRefs` on every rule. A profile that ' +
        'also sets `opaquePorts` is kept with only that field, the HTTPRoutes written after it.\n\n' +
        '**Safe** only when every request is handled exactly as before: no route sets a timeout or a retry, no ' +
        '`dstOverrides`, the profile is in the Service\'s namespace and the Service is in the input without retry, timeout ' +
        'or balancer annotations (which the profile hides now). Route metrics change names either way. **Unsafe** ' +
        'otherwise, and the message says why: a profile timeout ends at the response headers, an HTTPRoute request timeout ' +
        'at the end of the response; a retry budget caps retries across all requests, `retry.linkerd.io/limit` per request; ' +
        'profile backends never use failure accrual; a route in a client namespace is a consumer route, used together ' +
        'with the Service\'s own routes; the Service\'s hidden annotations start to apply.\n\n' +
        '**No fix**, with the blocking route and why in the message: `any` or `not` conditions, a `pathRegex` that is not ' +
        'a literal path or a literal segment prefix, a method outside the HTTPRoute methods, a path the Gateway API refuses ' +
        '(`//`, `/./`, `%2F`, `#`), a timeout that is not a whole number of milliseconds, response classes the proxy cannot ' +
        'read, routes whose rules would win for other requests than in the profile (an earlier, shorter profile route ' +
        'that a later, longer rule would overtake, or a tie between two HTTPRoutes, whose order depends on creation time), ' +
        'more than 16 rules, dstOverrides to another namespace, to a host that is not a Service, without a port unless the ' +
        'Service has a single one, or all of weight zero; another HTTPRoute already attached to the Service (merge by ' +
        'hand); a client-namespace profile while the Service\'s namespace has its own; a name that clashes; a profile ' +
        'whose name is not a Service FQDN. In a JSON file the fix can write only one manifest.',
      messages: {
        migrate: 'The profile converts; the message lists what the fix writes and what differs.',
        blocked: 'The profile cannot be converted exactly; the message names the route or field and why.',
      },
    },
  },
  check(ctx) {
    let scoped: ((resource: Resource) => ManifestTree) | undefined;
    for (const profile of ctx.resources) {
      if (profile.group !== 'linkerd.io') continue;
      const name = profile.name ?? '(unnamed)';
      const spec = isObject(profile.value.spec) ? profile.value.spec : {};
      if (!overridingField(profile)) {
        // A profile left with only `opaquePorts` is what the migration keeps: nothing replaces that field.
        const opaque = Array.isArray(spec.opaquePorts) ? spec.opaquePorts.length > 0 : spec.opaquePorts !== undefined;
        if (!opaque) ctx.report({ resource: profile, messageId: 'inert', data: { name, what: spec.retryBudget !== undefined ? 'only spec.retryBudget' : 'no routes or dstOverrides' } });
        continue;
      }
      const tree = (scoped ??= scopedTrees(ctx.tree, ctx.options.scope))(profile);
      const result = migrateServiceProfile(profile, tree, ctx.target, ctx.clusterDomain);
      if (!result.ok) {
        ctx.report({ resource: profile, path: result.path, messageId: 'blocked', data: { name, reason: result.reason } });
        continue;
      }
      const { manifests, keepProfile, safe, notes } = result;
      const kind = safe ? 'safe' : 'unsafe';
      const data = {
        name,
        routes: names(manifests) + (keepProfile ? ' after it and keeps it with spec.opaquePorts only' : ''),
        notes: notes.length ? `; ${safe ? 'note' : 'unsafe'}: ${notes.join('; ')}` : '',
      };
      ctx.report({
        resource: profile,
        messageId: 'migrate',
        data,
        fix: (fixer: Fixer) => {
          if (!keepProfile) {
            const edits = fixer.replaceDocument(profile, manifests);
            return edits.length ? { kind, edits } : null;
          }
          const added = fixer.insertManifestsAfter(profile, manifests);
          if (!added.length) return null;
          const removed = (['routes', 'dstOverrides', 'retryBudget'] as const).filter((k) => k in spec).flatMap((k) => fixer.removeKey(profile, ['spec', k]));
          return { kind, edits: [...removed, ...added] };
        },
      });
    }
  },
});

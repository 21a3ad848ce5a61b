import { type Fixer, defineRule, optionDefaults } from '../src/engine/rule.js';
import {
  type OutboundRoute,
  type ParentSettings,
  REQUEST_TIMEOUT_KEY,
  type RuleSettings,
  canCarryTimeout,
  outboundRoutes,
  ruleTimeoutsRead,
} from '../src/linkerd/effective-config.js';
import { atLeast } from '../src/linkerd/releases.js';
import { annotationsAt, isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';

interface Options {
  /** The timeout the fix adds. */
  defaultTimeout: string;
}

/** What a parent contributes to the message when it sets no usable request timeout. */
function parentDetail(parent: ParentSettings): string {
  if (parent.badRequestTimeout !== undefined) {
    return `${parent.describe}'s ${REQUEST_TIMEOUT_KEY} "${parent.badRequestTimeout}" is not a policy duration, so Linkerd ignores it`;
  }
  if (!parent.resource) return `${parent.describe} is not in the input`;
  return `${parent.describe} sets no ${REQUEST_TIMEOUT_KEY}`;
}

type Where = 'rule' | 'annotation' | 'none';

/** Where the fix puts the timeout: the rule's own field where the target reads it, else the route annotation. */
function fixSite(out: OutboundRoute, rule: RuleSettings, ctxTarget: Parameters<typeof atLeast>[0]): Where {
  const route = out.route;
  const hasRules = rule.path.length === 3;
  if (ruleTimeoutsRead(route, ctxTarget).read && hasRules) return rule.ignored ? 'none' : 'rule';
  if (!atLeast(ctxTarget, '2.16')) return 'none';
  const annotations = annotationsAt(route.value);
  return isObject(annotations) && REQUEST_TIMEOUT_KEY in annotations ? 'none' : 'annotation';
}

function expected(where: Where, rule: RuleSettings): string {
  if (where === 'rule') return `timeouts.request on rule ${rule.index + 1}`;
  if (where === 'annotation') return `${REQUEST_TIMEOUT_KEY} on the route`;
  return rule.ignored ? 'timeouts.request to a duration such as "10s"' : `${REQUEST_TIMEOUT_KEY} on the route`;
}

export default defineRule({
  meta: {
    id: 'require-timeout',
    description: 'Require a request timeout on every outbound HTTP and gRPC route',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    precision: 'high',
    kinds: ['ServiceProfile', 'HTTPRoute', 'GRPCRoute'],
    skipLinkerdOutput: true,
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        defaultTimeout: {
          type: 'string',
          pattern: '^[1-9][0-9]*(ms|s|m|h)$',
          description: 'The request timeout the fix adds (a duration both the policy controller and ServiceProfiles accept).',
        },
      },
    },
    defaultOptions: optionDefaults<Options>({ defaultTimeout: '10s' }),
    messages: {
      profileRoute:
        'ServiceProfile route "{{route}}" has no timeout, and a profile route has no default one, so its requests may wait forever; set spec.routes[{{index}}].timeout',
      profileRoutes:
        'ServiceProfile {{name}}: route "{{route}}" and {{more}} more have no timeout, and a profile route has no default one, so their requests may wait forever; set timeout on each route',
      rule: 'no timeout: {{rule}} of {{route}} has none and {{parent}}; set {{expected}}',
      ignored: 'no timeout: {{rule}} of {{route}} sets timeouts.request "{{value}}", which {{why}}, and {{parent}}; set {{expected}}',
      replaced:
        'no timeout: {{rule}} of {{route}} has none, and the route\'s {{key}} replaces all timeouts of {{parent}}, so its {{timeoutKey}} "{{parentValue}}" does not apply; set {{expected}}',
    },
    docs: {
      why:
        'Linkerd sets no request timeout by default: a ServiceProfile route without `timeout`, or an outbound HTTPRoute or ' +
        'GRPCRoute rule that gets no request timeout from any source, lets a request to a stuck backend hold its caller ' +
        'for as long as the connection lives, and retries and circuit breaking never see the failure.\n\n' +
        'For a route attached to a Service or EgressNetwork the rule works out the timeout the proxy gets as the policy ' +
        'controller does: the route\'s `timeout.linkerd.io/request` annotation, else the rule\'s `timeouts.request`, else — ' +
        'only when the route sets no `timeout.linkerd.io/*` key at all, since any route timeout replaces the parent\'s as a ' +
        'whole — the parent\'s `timeout.linkerd.io/request`. A `timeouts.request` the target ignores counts as none and the ' +
        'message says why: on Gateway API HTTPRoutes before Linkerd 2.20, on GRPCRoutes and policy.linkerd.io HTTPRoutes ' +
        'older than v1beta3 (no such field), and a value outside the policy duration syntax (`1m30s`). An explicit `0s` is ' +
        'a deliberate opt-out and is not reported. The annotations are read from 2.16; before it, only policy.linkerd.io ' +
        'v1beta3 rules can carry a timeout and only they are judged.\n\n' +
        'Not reported: routes whose parents are only Servers (inbound routes carry no outbound timeout) or Gateways; routes ' +
        'of a Service that a ServiceProfile with routes or dstOverrides shadows (the proxy ignores them; the profile\'s ' +
        'routes are judged instead); routes whose parent Service is not in the input (its annotations are unknown; ' +
        '`references: strict` judges them as setting none); and retryable profile routes, which `retry-without-timeout` ' +
        'reports. A profile with several untimed routes gets one finding, at the first of them.',
      howToFix:
        'Set `timeout` on the ServiceProfile route; on an HTTPRoute rule set `timeouts.request` where the target reads it, ' +
        'or the `timeout.linkerd.io/request` annotation on the route (or on its Service, for every route of it without ' +
        'timeouts of its own). Set `0s` to say a route deliberately has no timeout.',
      fixSafety:
        'Unsafe: a timeout fails requests that took longer before. The fix adds `timeout: <defaultTimeout>` (option, ' +
        'default `10s`) to every untimed route of the profile, `timeouts.request` to the rule where the target reads it, or else the ' +
        '`timeout.linkerd.io/request` annotation to the route (which covers all its rules). No fix is offered for a ' +
        '`timeouts.request` value the controller cannot parse (what was meant is unknown) or where the route already has ' +
        'an unreadable annotation.',
      messages: {
        profileRoutes: 'Several routes of one profile have no timeout: one finding for the profile, at the first of them.',
        rule: 'A route rule gets no request timeout from the route, its rule or its parent.',
        ignored: 'A rule sets `timeouts.request`, but the target does not read it.',
        replaced: 'The route sets other `timeout.linkerd.io/*` keys, which hide the parent\'s request timeout.',
      },
    },
  },
  check(ctx) {
    const mine = new Set<Resource>(ctx.resources);
    const value = ctx.options.defaultTimeout;
    for (const profile of ctx.resources) {
      if (profile.kind !== 'ServiceProfile' || profile.group !== 'linkerd.io') continue;
      const spec = profile.value.spec;
      const routes = isObject(spec) && Array.isArray(spec.routes) ? spec.routes : [];
      // Retryable routes are retry-without-timeout's: the same gap, reported once.
      const untimed = routes.flatMap((route, index) =>
        isObject(route) && !('timeout' in route) && route.isRetryable !== true ? [{ index, name: typeof route.name === 'string' ? route.name : `#${index + 1}` }] : [],
      );
      const first = untimed[0];
      if (!first) continue;
      // One finding per profile: generated profiles list dozens of routes, none with a timeout.
      const more = untimed.length - 1;
      ctx.report({
        resource: profile,
        path: ['spec', 'routes', first.index],
        messageId: more ? 'profileRoutes' : 'profileRoute',
        data: { route: first.name, index: first.index, more, name: profile.name ?? '(unnamed)' },
        fix: (fixer: Fixer) => ({ kind: 'unsafe', edits: untimed.flatMap((r) => fixer.insertKey(profile, ['spec', 'routes', r.index], 'timeout', value)) }),
      });
    }
    const seen = new Set<string>();
    for (const out of outboundRoutes(ctx.tree, ctx.target, ctx.clusterDomain)) {
      const { route, parent } = out;
      if (!mine.has(route) || !canCarryTimeout(route, ctx.target)) continue;
      if (parent.profile) continue;
      if (!parent.resource && ctx.references !== 'strict') continue;
      for (const rule of out.rules) {
        if (rule.timeout) continue;
        const key = `${route.file.path}#${route.docIndex}#${rule.index}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const where = fixSite(out, rule, ctx.target);
        const fix =
          where === 'none'
            ? undefined
            : (fixer: Fixer) => ({
                kind: 'unsafe' as const,
                edits:
                  where === 'rule'
                    ? fixer.insertKey(route, [...rule.path, 'timeouts'], 'request', value)
                    : fixer.insertKey(route, ['metadata', 'annotations'], REQUEST_TIMEOUT_KEY, value),
              });
        const base = { rule: `rule ${rule.index + 1}`, route: out.describe, expected: expected(where, rule) };
        const parentRequest = parent.timeouts[REQUEST_TIMEOUT_KEY];
        if (rule.replacedBy && parentRequest) {
          ctx.report({
            resource: route,
            path: rule.path,
            messageId: 'replaced',
            data: { ...base, key: rule.replacedBy, parent: parent.describe, timeoutKey: REQUEST_TIMEOUT_KEY, parentValue: parentRequest.text },
            ...(fix ? { fix } : {}),
          });
        } else if (rule.ignored) {
          ctx.report({
            resource: route,
            path: rule.ignored.path,
            messageId: 'ignored',
            data: { ...base, value: rule.ignored.value, why: rule.ignored.why, parent: parentDetail(parent) },
            ...(fix ? { fix } : {}),
          });
        } else {
          ctx.report({ resource: route, path: rule.path, messageId: 'rule', data: { ...base, parent: parentDetail(parent) }, ...(fix ? { fix } : {}) });
        }
      }
    }
  },
});

import { type Fixer, defineRule, optionDefaults } from '../src/engine/rule.js';
import {
  RETRY_TIMEOUT_KEY,
  type RetrySettings,
  defaultRouteSettings,
  outboundRoutes,
  parentSettings,
  parentsWithRoutes,
} from '../src/linkerd/effective-config.js';
import { atLeast } from '../src/linkerd/releases.js';
import { annotationsAt, isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';

interface Options {
  /** The ServiceProfile route `timeout` the fix adds: it bounds a request with all its retries. */
  profileTimeout: string;
  /** The `retry.linkerd.io/timeout` (per try) the fix adds. */
  retryTimeout: string;
}

const DURATION = { type: 'string', pattern: '^[1-9][0-9]*(ms|s|m|h)$' };

export default defineRule({
  meta: {
    id: 'retry-without-timeout',
    description: 'Require a timeout bounding every route that retries',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    precision: 'high',
    kinds: ['ServiceProfile', 'Service', 'EgressNetwork', 'HTTPRoute', 'GRPCRoute'],
    skipLinkerdOutput: true,
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        profileTimeout: { ...DURATION, description: 'The ServiceProfile route timeout the fix adds.' },
        retryTimeout: { ...DURATION, description: 'The retry.linkerd.io/timeout (per-try timeout) the fix adds.' },
      },
    },
    defaultOptions: optionDefaults<Options>({ profileTimeout: '10s', retryTimeout: '5s' }),
    messages: {
      profileRoute:
        'ServiceProfile route "{{route}}" is retryable (isRetryable: true) but has no timeout, so a request and its retries are bounded by nothing; set spec.routes[{{index}}].timeout',
      profileRoutes:
        'ServiceProfile {{name}}: route "{{route}}" and {{more}} more are retryable (isRetryable: true) but have no timeout, so a request and its retries are bounded by nothing; set timeout on each route',
      annotation:
        '{{source}} retries ({{keys}}) with nothing bounding the time: it sets no {{timeoutKey}} and {{where}} gets no request timeout; set {{timeoutKey}}',
    },
    docs: {
      why:
        'A retried request that hangs is retried only after it fails, so without a timeout a retry never starts and the ' +
        'caller waits forever; with one it is cut off and tried again. On a ServiceProfile the route `timeout` bounds a ' +
        'request with all its retries and there is no default, so a route with `isRetryable: true` and no `timeout` ' +
        'retries only the fast failures. With the `retry.linkerd.io/*` annotations (read from Linkerd 2.16; timed-out ' +
        'tries are retried from then on) the bound is `retry.linkerd.io/timeout`, per try, or the request timeout the ' +
        'route rule gets.\n\n' +
        'The rule resolves retries and timeouts as the policy controller does: a route with any retry key uses its own ' +
        'retry settings wholesale, else its parent Service\'s or EgressNetwork\'s (`retry.linkerd.io/http` only on ' +
        'HTTPRoutes, `/grpc` only on GRPCRoutes; zero `limit` and `timeout` are unset); the request timeout comes from ' +
        'the route annotation, the rule\'s `timeouts.request` where the target reads it, or the parent, as ' +
        '`require-timeout` explains. A Service no route attaches to gets a default route with its own retries and ' +
        'timeouts. One finding per object carrying the retry annotations, naming the first route rule left unbounded, and one per profile, at its first unbounded retryable route. ' +
        'Not reported: retries a ServiceProfile with routes or dstOverrides shadows, routes attached only to Servers or ' +
        'Gateways (their annotations are not read), and routes whose parent is not in the input, unless ' +
        '`references: strict`.',
      howToFix:
        'Set `timeout` on the retryable ServiceProfile route; for annotation retries set `retry.linkerd.io/timeout` ' +
        'beside the retry keys, or give the route a request timeout (`timeout.linkerd.io/request`, `timeouts.request`).',
      fixSafety:
        'Unsafe: a timeout fails requests that took longer before. The fix adds `timeout: <profileTimeout>` (option, ' +
        'default `10s`) to each retryable profile route without one, or `retry.linkerd.io/timeout: <retryTimeout>` (option, default `5s`: with ' +
        'the default limit of one retry a request is cut off after 10s at most, the bound `require-timeout`\'s fix gives) ' +
        'to the object that carries the retry keys.',
      messages: {
        profileRoutes: 'Several retryable routes of one profile have no timeout: one finding for the profile, at the first of them.',
        annotation: 'A Service, EgressNetwork or route sets `retry.linkerd.io/*` and nothing bounds a route rule that uses it.',
      },
    },
  },
  check(ctx) {
    const mine = new Set<Resource>(ctx.resources);
    for (const profile of ctx.resources) {
      if (profile.kind !== 'ServiceProfile' || profile.group !== 'linkerd.io') continue;
      const spec = profile.value.spec;
      const routes = isObject(spec) && Array.isArray(spec.routes) ? spec.routes : [];
      const unbounded = routes.flatMap((route, index) =>
        isObject(route) && route.isRetryable === true && !('timeout' in route) ? [{ index, name: typeof route.name === 'string' ? route.name : `#${index + 1}` }] : [],
      );
      const first = unbounded[0];
      if (!first) continue;
      // One finding per profile: generated profiles mark dozens of routes retryable at once.
      const more = unbounded.length - 1;
      ctx.report({
        resource: profile,
        path: ['spec', 'routes', first.index, 'isRetryable'],
        messageId: more ? 'profileRoutes' : 'profileRoute',
        data: { route: first.name, index: first.index, more, name: profile.name ?? '(unnamed)' },
        fix: (fixer: Fixer) => ({
          kind: 'unsafe',
          edits: unbounded.flatMap((r) => fixer.insertKey(profile, ['spec', 'routes', r.index], 'timeout', ctx.options.profileTimeout)),
        }),
      });
    }
    if (!atLeast(ctx.target, '2.16')) return;

    // The first unbounded rule for each object carrying retry keys.
    const unbounded = new Map<Resource, { retry: RetrySettings; where: string }>();
    const note = (retry: RetrySettings, where: string) => {
      if (!mine.has(retry.resource) || unbounded.has(retry.resource)) return;
      unbounded.set(retry.resource, { retry, where });
    };
    const routes = outboundRoutes(ctx.tree, ctx.target, ctx.clusterDomain);
    for (const out of routes) {
      if (out.parent.profile) continue;
      if (!out.parent.resource && ctx.references !== 'strict') continue;
      for (const rule of out.rules) {
        const retry = rule.retry;
        if (!retry || retry.perTryTimeout !== undefined) continue;
        if (rule.timeout && rule.timeout.ms > 0) continue;
        note(retry, `rule ${rule.index + 1} of ${out.describe}`);
      }
    }
    const attached = parentsWithRoutes(routes);
    for (const resource of ctx.resources) {
      if (resource.name === undefined) continue;
      const kind = resource.kind === 'Service' && resource.group === '' ? 'Service' : resource.kind === 'EgressNetwork' ? 'EgressNetwork' : undefined;
      if (!kind || attached.has(`${kind}/${resource.namespace ?? ''}/${resource.name}`)) continue;
      if (kind === 'EgressNetwork' && !atLeast(ctx.target, '2.17')) continue;
      const parent = parentSettings(ctx.tree, kind, resource.name, resource.namespace, ctx.target, ctx.clusterDomain);
      if (parent.profile) continue;
      const { timeout, retry } = defaultRouteSettings(parent);
      if (!retry || retry.perTryTimeout !== undefined || (timeout && timeout.ms > 0)) continue;
      note(retry, 'its default route (no route attaches to it)');
    }

    for (const [resource, { retry, where }] of unbounded) {
      const annotations = annotationsAt(resource.value);
      const present = isObject(annotations) && RETRY_TIMEOUT_KEY in annotations;
      ctx.report({
        resource,
        path: ['metadata', 'annotations', retry.keys[0]!],
        at: 'key',
        messageId: 'annotation',
        data: { source: retry.describe, keys: retry.keys.join(', '), timeoutKey: RETRY_TIMEOUT_KEY, where },
        fix: (fixer: Fixer) => ({
          kind: 'unsafe',
          edits: present
            ? fixer.setScalar(resource, ['metadata', 'annotations', RETRY_TIMEOUT_KEY], ctx.options.retryTimeout)
            : fixer.insertKey(resource, ['metadata', 'annotations'], RETRY_TIMEOUT_KEY, ctx.options.retryTimeout),
        }),
      });
    }
  },
});

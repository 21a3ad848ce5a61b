import { defineRule, optionDefaults } from '../src/engine/rule.js';
import type { Fixer } from '../src/engine/rule.js';
import { parseGoDuration } from '../src/linkerd/annotation-values.js';
import { RETRY_LIMIT_KEY, type RetrySettings, outboundRoutes, ownParentSettings } from '../src/linkerd/effective-config.js';
import { isObject } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';

interface Options {
  /** The largest `retryBudget.retryRatio` accepted. */
  maxRetryRatio: number;
  /** The largest `retryBudget.minRetriesPerSecond` accepted. */
  maxMinRetriesPerSecond: number;
  /** The largest `retry.linkerd.io/limit` accepted. */
  maxRetryLimit: number;
}

/** The window a budget counts requests over: shorter hardly bounds bursts, longer spends credit earned long ago. */
const TTL_MIN_MS = 1000;
const TTL_MAX_MS = 60_000;


export default defineRule({
  meta: {
    id: 'no-unbounded-retries',
    description: 'Disallow retry budgets and retry limits that let retries multiply the load on a failing service',
    category: 'reliability',
    defaultSeverity: 'error',
    fix: 'unsafe',
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['ServiceProfile', 'Service', 'HTTPRoute', 'GRPCRoute', 'EgressNetwork'],
    messages: {
      retryRatio:
        'ServiceProfile {{name}} has retryBudget.retryRatio {{value}}, above the maximum {{max}}: retries may add ' +
        '{{percent}}% to the load of a service that is already failing; lower it to at most {{max}}',
      minRetries:
        'ServiceProfile {{name}} has retryBudget.minRetriesPerSecond {{value}}, above the maximum {{max}}: that many ' +
        'retries per second are allowed whatever the request rate; lower it to at most {{max}}',
      ttlShort:
        'ServiceProfile {{name}} has retryBudget.ttl {{value}}, below 1s: the budget counts requests over so short a ' +
        'window that it hardly bounds a burst of retries; set it within 1s–60s',
      ttlLong:
        'ServiceProfile {{name}} has retryBudget.ttl {{value}}, above 60s: the budget lets a failing service be retried ' +
        'on the strength of requests made up to {{value}} ago; set it within 1s–60s',
      limit:
        '{{kind}} {{name}} has retry.linkerd.io/limit {{value}}, above the maximum {{max}}: each request may be sent ' +
        '{{attempts}} times, multiplying the load on a failing backend; lower it to at most {{max}}',
    },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxRetryRatio: { type: 'number', minimum: 0, description: 'The largest `retryBudget.retryRatio` accepted.' },
        maxMinRetriesPerSecond: { type: 'integer', minimum: 0, description: 'The largest `retryBudget.minRetriesPerSecond` accepted.' },
        maxRetryLimit: { type: 'integer', minimum: 0, maximum: 65535, description: 'The largest `retry.linkerd.io/limit` accepted.' },
      },
    },
    defaultOptions: optionDefaults<Options>({ maxRetryRatio: 0.2, maxMinRetriesPerSecond: 10, maxRetryLimit: 3 }),
    docs: {
      why:
        'Retries are extra requests sent to a service that has just failed. Without a tight bound they turn a slow or ' +
        'failing service into an overloaded one: a retry storm. A ServiceProfile bounds the retries of its `isRetryable` ' +
        'routes with `retryBudget`: `retryRatio` is the share of extra load retries may add (Linkerd\'s default 0.2, 20%), ' +
        '`minRetriesPerSecond` a floor allowed whatever the traffic (default 10), and `ttl` the window requests are counted ' +
        'over (default 10s) (linkerd2 `controller/api/destination/profile_translator.go`, `defaultRetryBudget`). Annotation ' +
        'retries (`retry.linkerd.io/*`, 2.16+) have no budget: `retry.linkerd.io/limit` is how many times each request may ' +
        'be retried, so a limit of 10 can send every failing request eleven times (linkerd2 ' +
        '`policy-controller/k8s/index/src/outbound/index/http.rs`, `parse_http_retry`). The maxima are options; a ' +
        '`ttl` outside 1s–60s is reported because a shorter window hardly bounds bursts and a longer one spends credit ' +
        'earned long ago. Only a limit clients get is reported: not on a route attached only to Servers or Gateways, ' +
        'on a release before 2.16, under a ServiceProfile with routes or dstOverrides (which clients follow instead), ' +
        'or in a retry the controller drops because one of its values does not parse (`invalid-annotation-value` ' +
        'reports that).',
      howToFix:
        'Lower `retryRatio`, `minRetriesPerSecond` and `retry.linkerd.io/limit` to the maximum or below, and keep `ttl` ' +
        'within 1s–60s.',
      fixSafety:
        'The fix sets the value to the maximum (the nearest bound for `ttl`). It is unsafe: fewer retries change which ' +
        'requests fail.',
    },
  },
  check(ctx) {
    const { maxRetryRatio, maxMinRetriesPerSecond, maxRetryLimit } = ctx.options;
    const clamp = (resource: Resource, path: (string | number)[], value: string | number) => (fixer: Fixer) => ({
      kind: 'unsafe' as const,
      edits: fixer.setScalar(resource, path, value),
    });
    for (const resource of ctx.resources) {
      const name = resource.name ?? '(unnamed)';
      if (resource.kind === 'ServiceProfile') {
        const spec = resource.value.spec;
        const budget = isObject(spec) && isObject(spec.retryBudget) ? spec.retryBudget : undefined;
        if (!budget) continue;
        const at = ['spec', 'retryBudget'];
        const ratio = budget.retryRatio;
        if (typeof ratio === 'number' && ratio > maxRetryRatio) {
          const path = [...at, 'retryRatio'];
          const data = { name, value: ratio, max: maxRetryRatio, percent: Math.round(ratio * 100) };
          ctx.report({ resource, path, messageId: 'retryRatio', data, fix: clamp(resource, path, maxRetryRatio) });
        }
        const min = budget.minRetriesPerSecond;
        if (typeof min === 'number' && min > maxMinRetriesPerSecond) {
          const path = [...at, 'minRetriesPerSecond'];
          const data = { name, value: min, max: maxMinRetriesPerSecond };
          ctx.report({ resource, path, messageId: 'minRetries', data, fix: clamp(resource, path, maxMinRetriesPerSecond) });
        }
        // A ttl Go cannot parse is the webhook's to refuse (the schema rule reports it).
        const ttl = typeof budget.ttl === 'string' ? parseGoDuration(budget.ttl) : undefined;
        if (ttl !== undefined && (ttl < TTL_MIN_MS || ttl > TTL_MAX_MS)) {
          const path = [...at, 'ttl'];
          const short = ttl < TTL_MIN_MS;
          const data = { name, value: String(budget.ttl) };
          ctx.report({ resource, path, messageId: short ? 'ttlShort' : 'ttlLong', data, fix: clamp(resource, path, short ? '1s' : '60s') });
        }
      }
    }
    // Annotation retries: the limit of each retry the model says a client gets, at the object that sets it.
    const mine = new Set<Resource>(ctx.resources);
    const reported = new Set<Resource>();
    const report = (retry: RetrySettings | undefined) => {
      if (!retry || retry.limit === undefined || retry.limit <= maxRetryLimit) return;
      const resource = retry.resource;
      if (!mine.has(resource) || reported.has(resource)) return;
      reported.add(resource);
      const path = ['metadata', 'annotations', RETRY_LIMIT_KEY];
      const data = { kind: resource.kind ?? '?', name: resource.name ?? '(unnamed)', value: retry.limit, max: maxRetryLimit, attempts: retry.limit + 1 };
      ctx.report({ resource, path, messageId: 'limit', data, fix: clamp(resource, path, String(maxRetryLimit)) });
    };
    for (const out of outboundRoutes(ctx.tree, ctx.target, ctx.clusterDomain)) {
      if (out.parent.profile) continue;
      for (const rule of out.rules) report(rule.retry);
    }
    // A parent's HTTP retry applies to its default route too, whether or not a route attaches
    // (its gRPC retry only to GRPCRoutes, which the loop above covers).
    for (const resource of ctx.resources) {
      const parent = ownParentSettings(ctx.tree, resource, ctx.target, ctx.clusterDomain);
      if (parent && !parent.profile) report(parent.httpRetry);
    }
  },
});

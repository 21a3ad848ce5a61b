import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { clientPolicyAnnotations, overridingField, profileService, routeNames, routesOfParent } from '../src/linkerd/effective-config.js';
import { type ReferenceScope, scopeOption, scopedTrees } from '../src/linkerd/reference-catalog.js';
import type { Resource } from '../src/model/resource.js';
import type { ManifestTree } from '../src/model/tree.js';

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

interface Options {
  /** Which manifests hold the Service and routes a profile is compared with. */
  scope: ReferenceScope;
}

export default defineRule({
  meta: {
    id: 'service-profile-shadows-routes',
    description: 'Warn when a ServiceProfile with routes or dstOverrides makes clients ignore the HTTPRoutes, GRPCRoutes and policy annotations of its Service',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['ServiceProfile'],
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        scope: scopeOption(
          'Which manifests a profile is compared with: those of its file, its directory (the default) or the whole input, with the context manifests always.',
        ),
      },
    },
    defaultOptions: optionDefaults<Options>({ scope: 'directory' }),
    messages: {
      shadows:
        'ServiceProfile {{name}} sets {{field}}, so clients{{scope}} route to Service {{service}} by the profile and ' +
        'ignore {{ignored}}; move what the profile does into routes and annotations and drop its routes and dstOverrides',
    },
    docs: {
      why:
        'When a client proxy resolves a Service whose ServiceProfile has `routes` or `dstOverrides`, it routes by the ' +
        'profile and drops the client policy the policy controller serves for that Service: HTTPRoutes and GRPCRoutes ' +
        'with the Service as parent (with their `retry.*` and `timeout.*` annotations) and the `retry.linkerd.io/*`, ' +
        '`timeout.linkerd.io/*` and `balancer.linkerd.io/*` annotations of the Service itself, so their routing, ' +
        'retries, timeouts and circuit breaking silently do nothing (linkerd2-proxy ' +
        '`linkerd/app/outbound/src/http/logical/profile.rs`, `should_override_policy`; `has_routes_or_targets` in ' +
        '`linkerd/service-profiles/src/lib.rs`). A profile that sets only `retryBudget` does not do this. Routes and ' +
        'annotations count from the release that reads them: policy.linkerd.io HTTPRoute 2.13, Gateway API HTTPRoute ' +
        '2.14, GRPCRoute 2.16, retry and timeout annotations 2.16, failure accrual 2.13. The profile is matched to its ' +
        'Service by name (`<service>.<namespace>.svc.<cluster domain>`); a profile in another namespace applies to ' +
        'the clients of that namespace. The Service, routes and annotations are looked for in the profile\'s directory ' +
        '(option `scope`: its file, or the whole input) and `--context`, as one input often holds unrelated ' +
        'variants of the same app; nothing is reported unless the Service is found there.',
      howToFix:
        'Move the profile\'s routes, timeouts and retries into HTTPRoutes/GRPCRoutes and `retry.*`/`timeout.*` ' +
        'annotations and remove `routes` and `dstOverrides` from the profile (or the profile), or drop the routes ' +
        'and annotations that the profile overrides.',
    },
  },
  check(ctx) {
    let scoped: ((resource: Resource) => ManifestTree) | undefined;
    for (const resource of ctx.resources) {
      const target = profileService(resource, ctx.clusterDomain);
      if (!target) continue;
      const field = overridingField(resource);
      if (!field) continue;
      const { service: serviceName, namespace } = target;
      const tree = (scoped ??= scopedTrees(ctx.tree, ctx.options.scope))(resource);
      const service = tree.find('Service', namespace, serviceName, '');
      if (!service) continue;
      const routes = routeNames(routesOfParent(tree, ctx.target, ctx.clusterDomain, 'Service', namespace, serviceName));
      const annotations = clientPolicyAnnotations(service, ctx.target);
      if (!routes.length && !annotations.length) continue;
      const ignored = [...routes, ...(annotations.length ? [`the Service's annotation${annotations.length > 1 ? 's' : ''} ${annotations.join(', ')}`] : [])];
      const data = {
        name: resource.name ?? '',
        field: `spec.${field}`,
        scope: resource.namespace === namespace ? '' : ` in namespace ${resource.namespace ?? '(none)'}`,
        service: `${namespace}/${serviceName}`,
        ignored: list(ignored),
      };
      ctx.report({ resource, path: ['spec', field], at: 'key', messageId: 'shadows', data });
    }
  },
});

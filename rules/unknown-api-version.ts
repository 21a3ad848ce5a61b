import { defineRule } from '../src/engine/rule.js';
import { LINKERD_API_GROUPS, LINKERD_KINDS, apiVersionStatus, isKnownKind, kindSource, servingSource } from '../src/linkerd/api-versions.js';

export default defineRule({
  meta: {
    id: 'unknown-api-version',
    description: 'Report Linkerd apiVersions and kinds that the target Linkerd release does not serve',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    kinds: '*',
    messages: {
      unknownKind: '"{{kind}}" is not a kind of {{group}}{{hint}}',
      kindAbsent: 'kind "{{kind}}" of {{group}} is not served by {{source}}{{since}}',
      unserved: '"{{apiVersion}}" is not served for {{kind}} by {{source}}; served versions: {{served}}{{since}}',
    },
    docs: {
      why:
        'The API server refuses a resource whose apiVersion its CRD does not serve, so `kubectl apply` fails ' +
        '(or, in a GitOps tool, the whole sync does). Linkerd adds versions release by release: Server ' +
        '`policy.linkerd.io/v1beta3` arrived in 2.16, HTTPLocalRateLimitPolicy and EgressNetwork in 2.17, GRPCRoute ' +
        '`v1` with the Gateway API CRDs bundled in 2.18. A manifest written for a newer release fails on an older ' +
        'control plane. Gateway API routes are judged against every Gateway API install the target release supports ' +
        'unless the `gatewayAPI` setting names one (see Configuration).',
      howToFix:
        'Use an apiVersion the target release serves (the message lists them), or set `linkerdVersion` to the ' +
        'release the cluster runs.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const status = apiVersionStatus(resource.group, resource.version, resource.kind, ctx.target);
      const apiVersion = resource.apiVersion ?? '';
      switch (status.state) {
        case 'unknown-kind': {
          const home = LINKERD_API_GROUPS.find((g) => isKnownKind(g, status.kind));
          ctx.report({
            resource,
            path: ['kind'],
            messageId: 'unknownKind',
            data: {
              kind: status.kind,
              group: status.group,
              hint: home ? `; ${status.kind} is in ${home}` : `; expected one of ${LINKERD_KINDS.filter((k) => isKnownKind(status.group, k)).join(', ')}`,
            },
          });
          break;
        }
        case 'kind-absent':
          ctx.report({
            resource,
            path: ['apiVersion'],
            messageId: 'kindAbsent',
            data: {
              kind: status.kind,
              group: status.group,
              source: kindSource(status.group, status.kind, ctx.target),
              since: status.since ? `; it arrives in Linkerd ${status.since}` : '',
            },
          });
          break;
        case 'unserved':
          ctx.report({
            resource,
            path: ['apiVersion'],
            messageId: 'unserved',
            data: {
              apiVersion,
              kind: status.kind,
              source: servingSource(status.era, ctx.target),
              served: status.era.served.join(', '),
              since: status.since ? `; ${status.version} is served from Linkerd ${status.since}` : '',
            },
          });
          break;
        default:
          break;
      }
    }
  },
});

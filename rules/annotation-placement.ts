import { defineRule } from '../src/engine/rule.js';
import {
  type FoundKey,
  anyPlacesFor,
  describePlaces,
  linkerdKeys,
  placesFor,
  readByTarget,
  routeParentsAreOnlyServers,
} from '../src/linkerd/annotation-sites.js';
import { type KeyInfo, KEYS, type Place } from '../src/linkerd/annotations.js';
import { podTemplateOf } from '../src/model/k8s.js';
import { formatPath, getAt } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';
import type { LinkerdTarget } from '../src/linkerd/releases.js';

function siteName(resource: Resource, found: FoundKey): string {
  const kind = resource.kind ?? 'object';
  if (found.site.role === 'workload') return found.site.path.length ? `the ${kind}'s job template metadata` : `the ${kind}'s own metadata`;
  if (found.site.role === 'pod' && found.site.path.length) return 'a pod template';
  return `${/^(?:[AEIOU]|HTTP)/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** Where to judge a key: where the target reads it, or, for a key the target does not read at all, where any release does. */
function placesToJudge(info: KeyInfo, target: LinkerdTarget): Place[] {
  return readByTarget(info, target) ? placesFor(info, target) : anyPlacesFor(info);
}

export default defineRule({
  meta: {
    id: 'annotation-placement',
    description: 'Disallow Linkerd annotations and labels where Linkerd never reads them',
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'safe',
    precision: 'high',
    kinds: '*',
    messages: {
      workload:
        '"{{key}}" on {{site}} has no effect: the proxy injector reads only the pod template; move it to {{where}}',
      workloadShadowed: '"{{key}}" on {{site}} has no effect; the pod template sets it to "{{templateValue}}"',
      notHere: '"{{key}}" on {{site}} has no effect; Linkerd reads it on {{places}}',
      serverParents:
        '"{{key}}" on {{site}} whose parents are all Servers has no effect; retries and timeouts apply to outbound routes with a Service or EgressNetwork parent',
      asLabel: '"{{key}}" is set as a label; Linkerd reads it only as an annotation',
      asAnnotation: '"{{key}}" is set as an annotation; Linkerd reads it only as a label',
    },
    docs: {
      why:
        'The proxy injector sees only the pod it admits and that pod\'s Namespace: an injection or proxy key on a ' +
        'Deployment\'s own `metadata.annotations` (rather than `spec.template.metadata.annotations`) never reaches it, so ' +
        'pods start without a proxy or with default settings (linkerd/linkerd2#4125). Retry, timeout and balancer keys ' +
        'are read only on Services, HTTPRoutes/GRPCRoutes and EgressNetworks, and not on routes that attach only to ' +
        'Servers (inbound); `retry.linkerd.io/http` is not read on a GRPCRoute nor `retry.linkerd.io/grpc` on an ' +
        'HTTPRoute. Linkerd reads `linkerd.io/inject` and `config.*` keys only as annotations, and ' +
        '`mirror.linkerd.io/exported` only as a label (the namespace label `config.linkerd.io/admission-webhooks` is a ' +
        'label by design). In each case the setting is silently ignored.',
      howToFix:
        'Move the key to where the message says Linkerd reads it. `--fix` moves injection and proxy keys from a ' +
        'workload\'s own metadata into its pod template annotations (creating the mapping when missing), and removes ' +
        'the workload copy when the template already holds the same value.',
      fixSafety:
        'Safe. A key on the workload\'s own metadata is never read, so moving it into the pod template gives it the ' +
        'effect its author meant and changes nothing else, and removing a copy the template already holds with the ' +
        'same value changes nothing at all. When the template holds a different value, nothing is fixed: which of ' +
        'the two was meant is the author\'s call. Keys on the wrong kind of resource are not moved.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      for (const found of linkerdKeys(resource)) {
        const info = KEYS.get(found.key);
        if (!info || info.written) continue;
        const key = found.key;
        const report = (messageId: 'notHere' | 'serverParents' | 'asLabel' | 'asAnnotation', places?: string) =>
          ctx.report({ resource, path: found.path, at: 'key', messageId, data: { key, site: siteName(resource, found), places: places ?? '' } });

        if (found.field === 'labels' && info.as === 'annotation') {
          report('asLabel');
          continue;
        }
        if (found.field === 'annotations' && info.as === 'label') {
          report('asAnnotation');
          continue;
        }
        const role = found.site.role;
        if (role === 'other') continue;
        const places = placesToJudge(info, ctx.target);
        if (role === 'workload') {
          if (anyPlacesFor(info).includes('pod')) reportWorkload(resource, found, info);
          else report('notHere', describePlaces(places));
          continue;
        }
        if (!places.includes(role)) {
          report('notHere', describePlaces(places));
          continue;
        }
        if ((role === 'httproute' || role === 'grpcroute') && routeParentsAreOnlyServers(resource)) report('serverParents');
      }
    }

    function reportWorkload(resource: Resource, found: FoundKey, info: KeyInfo) {
      const template = podTemplateOf(resource);
      const site = siteName(resource, found);
      // Workload sites exist only for resources with a pod template.
      if (!template) return;
      const toMap = [...template.path, 'metadata', 'annotations'];
      const existing = getAt(resource.value, [...toMap, info.key]);
      if (existing === undefined) {
        // Two moves that both create the missing mapping insert at the same offset; the fix
        // engine applies one per pass and recomputes the other on the next.
        ctx.report({
          resource,
          path: found.path,
          at: 'key',
          messageId: 'workload',
          data: { key: info.key, site, where: formatPath(toMap) },
          fix: (fixer) => ({ kind: 'safe', edits: fixer.moveKey(resource, found.path, toMap) }),
        });
        return;
      }
      ctx.report({
        resource,
        path: found.path,
        at: 'key',
        messageId: 'workloadShadowed',
        data: { key: info.key, site, templateValue: String(existing) },
        // The workload copy does nothing; removing it changes nothing only when both say the same.
        fix: existing === found.value ? (fixer) => ({ kind: 'safe', edits: fixer.removeKey(resource, found.path) }) : undefined,
      });
    }
  },
});

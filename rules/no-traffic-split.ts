import { type Fixer, defineRule } from '../src/engine/rule.js';
import { SMI_GROUP, migrateTrafficSplit } from '../src/linkerd/migrations/traffic-split.js';

const HEAD = 'TrafficSplit {{name}} is SMI, which Linkerd moved out of its core in 2.12 into the deprecated linkerd-smi extension';

export default defineRule({
  meta: {
    id: 'no-traffic-split',
    description: 'Report SMI TrafficSplits, which Linkerd replaced with HTTPRoutes whose backendRefs carry weights',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fix: 'both',
    precision: 'very-high',
    since: '2.12',
    kinds: ['TrafficSplit'],
    messages: {
      replace: `${HEAD}; replace it with {{replacement}}`,
      replaceChanges: `${HEAD}; replace it with {{replacement}}, though {{changes}}`,
      noFix: `${HEAD}; no HTTPRoute can replace it as written: {{reason}}`,
    },
    docs: {
      why:
        'Linkerd 2.12 moved TrafficSplit out of its core into the linkerd-smi extension, now deprecated. Its adaptor ' +
        'writes each split into the `dstOverrides` of the apex Service\'s ServiceProfile, which also makes clients ' +
        'ignore the HTTPRoutes and `retry.*`, `timeout.*`, `balancer.*` annotations of that Service. From 2.13 an ' +
        'HTTPRoute with the apex as parent and weighted `backendRefs` splits traffic natively.',
      howToFix:
        'Write an HTTPRoute with the split\'s name and namespace, the apex Service and its port as parent, and one ' +
        'rule whose `backendRefs` are the backends with that port and their weights. Apply it and delete the ' +
        'TrafficSplit while the adaptor still runs (it then clears the profile\'s `dstOverrides`), then uninstall ' +
        'the extension.',
      fixSafety:
        'The fix replaces the TrafficSplit with one HTTPRoute (JSON in a JSON file) of the same name, namespace and ' +
        'labels, keeping annotations but `kubectl.kubernetes.io/last-applied-configuration` and `retry.linkerd.io/*`/' +
        '`timeout.linkerd.io/*` (they would start configuring the route). Its apiVersion is the one the target ' +
        'reads: policy.linkerd.io/v1beta2 in 2.13, gateway.networking.k8s.io/v1beta1 in 2.14–2.17, /v1 from 2.18. ' +
        'The parent is the apex Service (`group: core`) with its one port; each backend gets that port (the adaptor ' +
        'writes authorities without one, so requests keep their port) and its weight as proxies get it, from ' +
        'either version\'s format, reduced to the smallest integers in the same ratio.\n\n' +
        'It is safe only when the input shows clients route as before: it holds the apex\'s ServiceProfile, without ' +
        '`smi.linkerd.io/skip`; no client namespace has a profile for the apex without routes or dstOverrides; the ' +
        'Service has no retry, timeout or balancer annotations (they apply once no profile overrides them). Else it ' +
        'is unsafe and the message says what differs: without the profile in the input, one with routes in the ' +
        'cluster would make clients ignore the route and stop the split.\n\n' +
        'No fix before 2.13; when the apex Service is not in the input (or `--context`), is headless or has several ' +
        'ports (a route\'s backendRefs carry one: write one route per HTTP port); when its profile has routes or ' +
        'dstOverrides, another route has it as parent, an HTTPRoute of that name exists or another split has the ' +
        'same apex; for splits linkerd-failover manages, with `spec.matches` (not in Linkerd\'s CRD, so the split ' +
        'covers every request), with a backend missing or repeated, with weights `traffic-split-weights` or ' +
        '`schema` reports or whose ratio needs a weight above 1,000,000; for versions the extension does not ' +
        'serve; and in a `kind: List`.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      if (resource.group !== SMI_GROUP) continue;
      const name = resource.name ?? '(unnamed)';
      const migration = migrateTrafficSplit(resource, ctx.tree, ctx.target, ctx.clusterDomain);
      if (!migration.ok) {
        ctx.report({ resource, messageId: 'noFix', data: { name, reason: migration.reason } });
        continue;
      }
      const { manifests, safe, notes, describe } = migration;
      const fix = (fixer: Fixer) => {
        return { kind: safe ? ('safe' as const) : ('unsafe' as const), edits: fixer.replaceDocument(resource, manifests) };
      };
      if (safe) ctx.report({ resource, messageId: 'replace', data: { name, replacement: describe }, fix });
      else ctx.report({ resource, messageId: 'replaceChanges', data: { name, replacement: describe, changes: notes.join('; ') }, fix });
    }
  },
});

import { defineRule } from '../src/engine/rule.js';
import { ADMITS, DEFAULT_INBOUND_POLICY_KEY, isAuthenticating, isUnauthenticated } from '../src/linkerd/inbound-policy.js';
import { describeWorkload, mayBeMeshed } from '../src/linkerd/injection.js';
import { POD_TEMPLATE_KINDS, annotationsAt, podTemplateOf } from '../src/model/k8s.js';

const FIX = 'use "all-authenticated" or "cluster-authenticated", or "deny" with Servers and AuthorizationPolicies for what must stay open';

export default defineRule({
  meta: {
    id: 'insecure-default-inbound-policy',
    description: 'Warn about Namespaces and pods whose default inbound policy admits unauthenticated clients',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'none',
    since: '2.11',
    securitySeverity: 5.3,
    cwe: ['CWE-306'],
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['Namespace', ...POD_TEMPLATE_KINDS],
    messages: {
      namespace:
        'namespace {{namespace}} sets {{key}}: {{value}}, so every port of its meshed pods that no Server covers admits {{who}}; ' + FIX,
      pod: '{{workload}} sets {{key}}: {{value}} on its pod template, so every port no Server covers admits {{who}}; ' + FIX,
      podOverride:
        '{{workload}} sets {{key}}: {{value}} on its pod template, overriding namespace {{namespace}}\'s "{{inherited}}": ' +
        'every port no Server covers admits {{who}}; ' + FIX,
    },
    docs: {
      why:
        'The default inbound policy decides who may connect to every port of a meshed pod that no Server selects. ' +
        '`all-unauthenticated` admits any client from any address, meshed or not; `cluster-unauthenticated` any client ' +
        'from the cluster networks. Neither asks for mTLS, so a pod that joins the mesh for identity-based access control ' +
        'gets none on those ports. `all-unauthenticated` is also what a stock install uses cluster-wide; the rule reports ' +
        'only the annotation that chooses it explicitly for a Namespace or a pod, which keeps those pods open even after ' +
        'the cluster default is tightened, and overrides a stricter Namespace when set on a pod. `audit` (admit, but log ' +
        'what relied on the default) is a step towards `deny` and is not reported.',
      howToFix:
        'Use `all-authenticated` (meshed clients only) or `cluster-authenticated` (meshed clients from the cluster ' +
        'networks). Where some ports must take unmeshed clients (ingress traffic, kubelet-style callers), use `deny` or ' +
        'an authenticated default and open exactly those ports with a Server and an AuthorizationPolicy. Pods pick the ' +
        'value up when they are recreated.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      if (resource.kind === 'Namespace') {
        if (resource.group !== '') continue;
        const value = annotationsAt(resource.value)?.[DEFAULT_INBOUND_POLICY_KEY];
        if (!isUnauthenticated(value)) continue;
        ctx.report({
          resource,
          path: ['metadata', 'annotations', DEFAULT_INBOUND_POLICY_KEY],
          messageId: 'namespace',
          data: { namespace: resource.name ?? '', key: DEFAULT_INBOUND_POLICY_KEY, value, who: ADMITS[value] },
        });
        continue;
      }
      const template = podTemplateOf(resource);
      if (!template) continue;
      const annotations = annotationsAt(template.value);
      const value = annotations?.[DEFAULT_INBOUND_POLICY_KEY];
      if (!isUnauthenticated(value)) continue;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      // Only a proxy reads the key: on a pod that never gets one it changes nothing.
      if (!mayBeMeshed(resource, template, namespace, ctx.target)) continue;
      const inherited = namespace ? annotationsAt(namespace.value)?.[DEFAULT_INBOUND_POLICY_KEY] : undefined;
      const data = { workload: describeWorkload(resource), key: DEFAULT_INBOUND_POLICY_KEY, value, who: ADMITS[value] };
      const path = [...template.path, 'metadata', 'annotations', DEFAULT_INBOUND_POLICY_KEY];
      if (isAuthenticating(inherited)) {
        ctx.report({ resource, path, messageId: 'podOverride', data: { ...data, namespace: resource.namespace ?? '', inherited } });
      } else {
        ctx.report({ resource, path, messageId: 'pod', data });
      }
    }
  },
});

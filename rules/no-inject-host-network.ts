import { defineRule } from '../src/engine/rule.js';
import { carriesProxy, describeWorkload, injectionRequest, webhookSkips } from '../src/linkerd/injection.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject, labelsAt, podTemplateOf } from '../src/model/k8s.js';

export default defineRule({
  meta: {
    id: 'no-inject-host-network',
    description: 'Warn when proxy injection is requested for a pod that uses the host network, which the injector skips',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'none',
    securitySeverity: 5.0,
    cwe: ['CWE-319'],
    precision: 'very-high',
    skipLinkerdOutput: true,
    kinds: POD_TEMPLATE_KINDS,
    messages: {
      pod:
        '{{workload}} asks for a proxy (linkerd.io/inject: {{value}} on its pod template) but sets spec.hostNetwork: true, ' +
        'which the injector skips: its pods run unmeshed, without mTLS or policy; drop hostNetwork, or set linkerd.io/inject: disabled to say so',
      namespace:
        '{{workload}} gets linkerd.io/inject: {{value}} from namespace {{namespace}} but sets spec.hostNetwork: true, ' +
        'which the injector skips: its pods run unmeshed, without mTLS or policy; drop hostNetwork, or set linkerd.io/inject: disabled on its pod template to say so',
    },
    docs: {
      why:
        'The proxy injector never injects a pod with `spec.hostNetwork: true`: the proxy\'s iptables rules would capture ' +
        'the node\'s traffic, so the injector records the reason (`hostNetwork is enabled`) and admits the pod unchanged. ' +
        'Nothing fails: the pod runs without a proxy although `linkerd.io/inject` (on the pod template or inherited from ' +
        'its Namespace) asks for one. Its traffic is plain text, Servers and AuthorizationPolicies do not apply to it, and ' +
        'Servers elsewhere that admit only meshed clients refuse its requests.',
      howToFix:
        'Drop `hostNetwork: true` if the pod does not need the node\'s network namespace. If it does (node agents, CNI ' +
        'plugins, node exporters), set `linkerd.io/inject: disabled` on its pod template so that the manifest says what ' +
        'runs, and allow it explicitly where Servers require meshed clients.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const template = podTemplateOf(resource);
      const spec = template && isObject(template.value.spec) ? template.value.spec : undefined;
      if (!template || spec?.hostNetwork !== true || carriesProxy(spec)) continue;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      const request = injectionRequest(annotationsAt(template.value), namespace);
      if (request === undefined || request === 'unknown') continue;
      // Where the webhook is never called, the annotation is moot for another reason (no-inject-system-namespace).
      if (webhookSkips(labelsAt(template.value) ?? {}, { name: resource.namespace, resource: namespace }, ctx.target)) continue;
      const data = { workload: describeWorkload(resource), value: request.value, namespace: resource.namespace ?? '' };
      ctx.report({ resource, path: [...template.path, 'spec', 'hostNetwork'], messageId: request.from, data });
    }
  },
});

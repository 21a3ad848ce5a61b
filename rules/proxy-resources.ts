import { defineRule } from '../src/engine/rule.js';
import { carriesProxy, describeWorkload, podInjection } from '../src/linkerd/injection.js';
import { effectiveAnnotation } from '../src/linkerd/proxy-shutdown.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject, podTemplateOf } from '../src/model/k8s.js';

const RESOURCE_KEYS = [
  'config.linkerd.io/proxy-cpu-request',
  'config.linkerd.io/proxy-cpu-limit',
  'config.linkerd.io/proxy-memory-request',
  'config.linkerd.io/proxy-memory-limit',
] as const;

export default defineRule({
  meta: {
    id: 'proxy-resources',
    description: 'Report meshed workloads that do not set the proxy\'s CPU and memory requests and limits',
    category: 'reliability',
    defaultSeverity: 'info',
    fix: 'none',
    precision: 'medium',
    notRecommended: true,
    skipLinkerdOutput: true,
    kinds: POD_TEMPLATE_KINDS,
    messages: {
      missing:
        '{{workload}} gets a Linkerd proxy without {{missing}}: the proxy runs with the install\'s resources ' +
        '(none unless Helm proxy.resources sets them); set them on the pod template or its Namespace',
    },
    docs: {
      why:
        'The injected proxy gets CPU and memory requests and limits from the `config.linkerd.io/proxy-cpu-request`, ' +
        '`proxy-cpu-limit`, `proxy-memory-request` and `proxy-memory-limit` annotations, else from the install\'s Helm ' +
        '`proxy.resources`, which sets none by default. A proxy without requests is scheduled as if it cost nothing and ' +
        'is throttled or evicted first under pressure; without limits it can take what the application needs; a ' +
        'namespace ResourceQuota may refuse pods whose containers lack them. The CPU values also size the proxy\'s worker ' +
        'threads. A Namespace\'s annotations count, as the injector copies them onto its pods. Off in `recommended`: ' +
        'the install-wide Helm values are not visible in manifests.',
      howToFix:
        'Set the four annotations on the pod template (or once on the Namespace), sized from the proxy\'s observed use.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const template = podTemplateOf(resource);
      if (!template) continue;
      const spec = isObject(template.value.spec) ? template.value.spec : undefined;
      // A pod that carries its own proxy has its resources in the container spec, not in annotations.
      if (carriesProxy(spec)) continue;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      const pod = annotationsAt(template.value);
      const injection = podInjection(resource, template, namespace, ctx.target);
      if (injection !== 'yes') continue;
      const nsAnnotations = namespace ? annotationsAt(namespace.value) : undefined;
      const missing = RESOURCE_KEYS.filter((key) => !effectiveAnnotation(pod, nsAnnotations, key));
      if (missing.length === 0) continue;
      const data = { workload: describeWorkload(resource), missing: missing.join(', ') };
      ctx.report({ resource, path: [...template.path, 'metadata', 'annotations'], messageId: 'missing', data });
    }
  },
});

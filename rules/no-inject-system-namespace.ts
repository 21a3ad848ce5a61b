import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { POD_TEMPLATE_KINDS, podTemplateOf } from '../src/model/k8s.js';
import { SYSTEM_NAMESPACES, injectAnnotation, webhooksDisabled } from '../src/linkerd/injection.js';
import type { Resource } from '../src/model/resource.js';

interface Options {
  namespaces: string[];
}

const INJECTING = new Set(['enabled', 'ingress']);

export default defineRule({
  meta: {
    id: 'no-inject-system-namespace',
    description: 'Disallow proxy injection into kube-system, cert-manager, Linkerd and other system namespaces',
    category: 'security',
    defaultSeverity: 'error',
    fix: 'unsafe',
    securitySeverity: 7.5,
    precision: 'very-high',
    kinds: ['Namespace', ...POD_TEMPLATE_KINDS],
    messages: {
      namespace: '"linkerd.io/inject: {{value}}" on system namespace "{{namespace}}"; system namespaces must not be meshed',
      pod: '"linkerd.io/inject: {{value}}" on a pod template in system namespace "{{namespace}}"; system namespaces must not be meshed',
      webhooksOff:
        '"linkerd.io/inject: {{value}}" in namespace "{{namespace}}", which is labelled config.linkerd.io/admission-webhooks=disabled; Linkerd never injects there',
    },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        namespaces: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          description: 'More namespaces to treat as system namespaces (a renamed control plane, platform namespaces).',
        },
      },
    },
    defaultOptions: optionDefaults<Options>({ namespaces: [] }),
    docs: {
      why:
        'Meshing `kube-system`, `kube-public`, `kube-node-lease`, `cert-manager` or Linkerd\'s own namespaces puts a proxy ' +
        'in front of the components the mesh itself depends on: DNS, the API server\'s helpers, the certificate issuer ' +
        'that signs the identity issuer, the control plane. A failing proxy there can take the whole mesh down, and ' +
        'injection into the control plane is circular. Since 2.12 the injector skips `kube-system`, `cert-manager` and ' +
        'namespaces labelled `config.linkerd.io/admission-webhooks: disabled`, so there the annotation silently does ' +
        'nothing; before 2.12, and for the other namespaces, it really injects.',
      howToFix:
        'Set `linkerd.io/inject: disabled` (or remove the annotation). `--fix --unsafe-fixes` sets `disabled`: it is ' +
        'unsafe because, where injection did work, pods start without a proxy.',
      fixSafety:
        'Unsafe. Setting `disabled` changes what runs: where the annotation did inject (before 2.12, or in a system ' +
        'namespace the injector does not skip), pods restarted after the change come up without a proxy, so mTLS, ' +
        'policy and metrics stop for them and Servers that only admit meshed clients refuse them.',
    },
  },
  check(ctx) {
    const system = new Set([...SYSTEM_NAMESPACES, ...ctx.options.namespaces]);
    const webhooksOff = new Set(
      ctx.tree.ofKind('Namespace', '').filter(webhooksDisabled).map((ns) => ns.name).filter((n) => n !== undefined),
    );
    const reportAt = (resource: Resource, found: { value: unknown; path: readonly (string | number)[] }, messageId: 'namespace' | 'pod' | 'webhooksOff', namespace: string) =>
      ctx.report({
        resource,
        path: found.path,
        messageId,
        data: { value: String(found.value), namespace },
        fix: (fixer) => ({ kind: 'unsafe', edits: fixer.setScalar(resource, found.path, 'disabled') }),
      });

    for (const resource of ctx.resources) {
      if (resource.kind === 'Namespace') {
        if (resource.group !== '' || !resource.name) continue;
        const found = injectAnnotation(resource.value, []);
        if (!found || !INJECTING.has(String(found.value))) continue;
        if (system.has(resource.name)) reportAt(resource, found, 'namespace', resource.name);
        else if (webhooksOff.has(resource.name)) reportAt(resource, found, 'webhooksOff', resource.name);
        continue;
      }
      const namespace = resource.namespace;
      if (!namespace) continue;
      const template = podTemplateOf(resource);
      if (!template) continue;
      const found = injectAnnotation(template.value, template.path);
      if (!found || !INJECTING.has(String(found.value))) continue;
      if (system.has(namespace)) reportAt(resource, found, 'pod', namespace);
      else if (webhooksOff.has(namespace)) reportAt(resource, found, 'webhooksOff', namespace);
    }
  },
});

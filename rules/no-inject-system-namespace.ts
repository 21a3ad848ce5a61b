import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { POD_TEMPLATE_KINDS, podTemplateOf } from '../src/model/k8s.js';
import { SYSTEM_NAMESPACES, carriesProxy, injectAnnotation, webhooksDisabled } from '../src/linkerd/injection.js';
import { isObject, labelsAt } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';

interface Options {
  namespaces: string[];
}

const INJECTING = new Set(['enabled', 'ingress']);

/**
 * The labels Linkerd puts on its control-plane and CNI namespaces, whatever they are
 * called (linkerd2 `charts/linkerd-control-plane/templates/namespace.yaml`,
 * `charts/linkerd2-cni/templates/cni-plugin.yaml`). Extension namespaces
 * (`linkerd.io/extension`) are meshed on purpose and carry neither.
 */
const LINKERD_NAMESPACE_LABELS: readonly { key: string; value: string; what: string }[] = [
  { key: 'linkerd.io/is-control-plane', value: 'true', what: 'the Linkerd control plane' },
  { key: 'linkerd.io/cni-resource', value: 'true', what: 'the Linkerd CNI plugin' },
];

/** The Linkerd namespace label a Namespace carries, if any. */
function linkerdLabel(namespace: Resource): { label: string; what: string } | undefined {
  const labels = labelsAt(namespace.value);
  const found = LINKERD_NAMESPACE_LABELS.find(({ key, value }) => labels?.[key] === value);
  return found && { label: `${found.key}=${found.value}`, what: found.what };
}

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
      labelledNamespace:
        '"linkerd.io/inject: {{value}}" on namespace "{{namespace}}", which is labelled {{label}} ({{what}}); system namespaces must not be meshed',
      labelledPod:
        '"linkerd.io/inject: {{value}}" on a pod template in namespace "{{namespace}}", which is labelled {{label}} ({{what}}); system namespaces must not be meshed',
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
        'that signs the identity issuer, the control plane. Linkerd\'s namespaces are recognised by name and, under any ' +
        'name, by the labels its install puts on them (`linkerd.io/is-control-plane`, `linkerd.io/cni-resource`). A ' +
        'failing proxy there can take the whole mesh down, and ' +
        'injection into the control plane is circular. The injector skips namespaces labelled ' +
        '`config.linkerd.io/admission-webhooks: disabled` (as Linkerd labels its own) and, since 2.12, `kube-system` and ' +
        '`cert-manager`, so there the annotation silently does nothing; before 2.12, and for the other namespaces, it ' +
        'really injects. A pod template that carries its own `linkerd-proxy` container (`linkerd inject` output) is ' +
        'meshed wherever it runs.',
      howToFix:
        'Set `linkerd.io/inject: disabled` (or remove the annotation). `--fix --unsafe-fixes` sets `disabled`: it is ' +
        'unsafe because, where injection did work, pods start without a proxy.',
      fixSafety:
        'Unsafe. Setting `disabled` changes what runs: where the annotation did inject (before 2.12, or in a system ' +
        'namespace the injector does not skip), pods restarted after the change come up without a proxy, so mTLS, ' +
        'policy and metrics stop for them and Servers that only admit meshed clients refuse them. No fix is offered for ' +
        'a pod template that carries its own `linkerd-proxy` container: the annotation does not decide there, and ' +
        'unmeshing it means removing the injected containers (`linkerd uninject`).',
    },
  },
  check(ctx) {
    const system = new Set([...SYSTEM_NAMESPACES, ...ctx.options.namespaces]);
    const namespaces = new Map(ctx.tree.ofKind('Namespace', '').flatMap((ns) => (ns.name ? [[ns.name, ns] as const] : [])));
    type MessageId = 'namespace' | 'pod' | 'labelledNamespace' | 'labelledPod' | 'webhooksOff';
    const reportAt = (
      resource: Resource,
      found: { value: unknown; path: readonly (string | number)[] },
      messageId: MessageId,
      data: Record<string, string>,
      fixable = true,
    ) =>
      ctx.report({
        resource,
        path: found.path,
        messageId,
        data: { value: String(found.value), ...data },
        fix: fixable ? (fixer) => ({ kind: 'unsafe', edits: fixer.setScalar(resource, found.path, 'disabled') }) : undefined,
      });

    /** Judges one annotation in namespace `name`: `pod` for a pod template's, with whether it carries its own proxy. */
    const judge = (resource: Resource, found: { value: unknown; path: readonly (string | number)[] }, name: string, pod?: { carriesProxy: boolean }) => {
      const ns = namespaces.get(name);
      const labelled = ns && linkerdLabel(ns);
      // A pod that carries its own proxy is meshed whatever the annotation says: setting it to disabled would not unmesh it.
      const fixable = !pod?.carriesProxy;
      if (system.has(name)) reportAt(resource, found, pod ? 'pod' : 'namespace', { namespace: name }, fixable);
      else if (labelled) reportAt(resource, found, pod ? 'labelledPod' : 'labelledNamespace', { namespace: name, ...labelled }, fixable);
      // There the annotation is moot, unless the pod was injected by hand (`linkerd inject`), when it is a record of that.
      else if (ns && webhooksDisabled(ns) && !pod?.carriesProxy) reportAt(resource, found, 'webhooksOff', { namespace: name });
    };

    for (const resource of ctx.resources) {
      if (resource.kind === 'Namespace') {
        if (resource.group !== '' || !resource.name) continue;
        const found = injectAnnotation(resource.value, []);
        if (found && INJECTING.has(String(found.value))) judge(resource, found, resource.name);
        continue;
      }
      const namespace = resource.namespace;
      if (!namespace) continue;
      const template = podTemplateOf(resource);
      if (!template) continue;
      const found = injectAnnotation(template.value, template.path);
      if (!found || !INJECTING.has(String(found.value))) continue;
      judge(resource, found, namespace, { carriesProxy: carriesProxy(isObject(template.value.spec) ? template.value.spec : undefined) });
    }
  },
});

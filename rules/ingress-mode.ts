import { defineRule } from '../src/engine/rule.js';
import { INJECT_KEY, describeWorkload, mayBeMeshed, webhookSkips } from '../src/linkerd/injection.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject, podTemplateOf, type StringMap } from '../src/model/k8s.js';

/**
 * Ingress controllers recognised by their container image, with what Linkerd's ingress
 * guide (linkerd/website `linkerd.io/content/2-edge/tasks/using-ingress.md`) says to
 * configure for them. Where the stripping lives (per-route Middlewares, plugins, Ingress
 * annotations) is not tied to the workload in a way a manifest shows, so the rule names
 * it rather than looking for it.
 */
const CONTROLLERS: readonly { image: RegExp; name: string; configure?: string; notNeeded?: string }[] = [
  {
    image: /(^|\/)(ingress-nginx|nginx-ingress)(\/|:|@|$)/,
    name: 'an NGINX ingress controller',
    notNeeded: ' and nginx.ingress.kubernetes.io/service-upstream: "true" on its Ingresses (F5 NGINX: use-cluster-ip: true on its VirtualServer upstreams)',
  },
  { image: /(^|\/)(emissary|ambassador)[^/]*(:|@|$)/, name: 'Emissary-ingress', notNeeded: '' },
  { image: /(^|\/)traefik[^/]*(:|@|$)/, name: 'Traefik', configure: 'a headers Middleware on every route that sets l5d-dst-override (customRequestHeaders; an empty value removes it)' },
  { image: /(^|\/)kong[^/]*(:|@|$)/, name: 'Kong', configure: 'a request-transformer KongPlugin on every route that removes l5d-dst-override (and may add its own)' },
  { image: /(^|\/)gloo[^/]*(:|@|$)/, name: 'Gloo', configure: 'Gloo\'s Linkerd integration (Settings spec.linkerd: true), which sets l5d-dst-override on every Kubernetes upstream' },
  { image: /(^|\/)(contour|envoy)[^/]*(:|@|$)/, name: 'Contour/Envoy', configure: 'a requestHeadersPolicy on every HTTPProxy route that sets or removes l5d-dst-override' },
  { image: /(^|\/)haproxy[^/]*(\/|:|@|$)/, name: 'HAProxy', configure: 'haproxy.org/request-set-header: l5d-dst-override <service FQDN>:<port> on every Ingress' },
];

const DEFAULT_CONFIGURE = 'it to remove l5d-dst-override from every client request (or to overwrite it with the destination it chose)';

function images(spec: StringMap | undefined): string[] {
  const containers = Array.isArray(spec?.containers) ? spec.containers : [];
  return containers.flatMap((c) => (isObject(c) && typeof c.image === 'string' && c.name !== 'linkerd-proxy' ? [c.image] : []));
}

function controllerOf(spec: StringMap | undefined) {
  const all = images(spec);
  return CONTROLLERS.find((c) => all.some((image) => c.image.test(image.split('@')[0]!)));
}

export default defineRule({
  meta: {
    id: 'ingress-mode',
    description: 'Warn about proxies in ingress mode, which relay to whatever the l5d-dst-override header names unless the ingress strips it',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'none',
    securitySeverity: 6.5,
    cwe: ['CWE-441'],
    precision: 'medium',
    skipLinkerdOutput: true,
    kinds: ['Namespace', ...POD_TEMPLATE_KINDS],
    messages: {
      pod:
        '{{workload}} runs its proxy in ingress mode (linkerd.io/inject: ingress), which sends each request wherever its ' +
        'l5d-dst-override header says: unless {{workload}} strips that header from client requests, any client that reaches it ' +
        'reaches every cluster-local and external endpoint through it (an open relay); configure {{configure}}',
      notNeeded:
        '{{workload}} runs {{controller}} with its proxy in ingress mode (linkerd.io/inject: ingress), which {{controller}} ' +
        'does not need: in ingress mode the proxy sends each request wherever a client-supplied l5d-dst-override header says ' +
        '(an open relay unless the ingress strips it); mesh it with linkerd.io/inject: enabled{{extra}}',
      namespace:
        'namespace {{namespace}} sets linkerd.io/inject: ingress, so every pod there that sets no linkerd.io/inject of its own ' +
        'gets an ingress-mode proxy, which sends each request wherever its l5d-dst-override header says (an open relay unless ' +
        'the pod strips that header); set linkerd.io/inject: enabled here and ingress only on the ingress controller\'s pod template, and make the controller strip that header',
    },
    docs: {
      why:
        'An ingress-mode proxy (`linkerd.io/inject: ingress`) does not send a request to the address the ingress connected ' +
        'to: it routes by the `l5d-dst-override` header, or else by `:authority`/`Host`. Ingresses that pick endpoints ' +
        'themselves need this to get Linkerd\'s routing and mTLS. But if the ingress forwards a client\'s own ' +
        '`l5d-dst-override` header, any client that can reach the ingress can name any service in the cluster, or any ' +
        'external host, and the proxy takes it there with the ingress\'s identity: an open relay past the ingress\'s own ' +
        'routing rules and past authorization policies that trust the ingress. Linkerd\'s ingress guide requires the ' +
        'ingress to strip the header. That configuration lives in the controller\'s route objects (Middlewares, plugins, ' +
        'Ingress annotations) and must cover every route, which a manifest does not show, so each ingress-mode proxy is a ' +
        'finding to confirm. A Namespace in ingress mode puts every pod there in ingress mode, which the guide advises ' +
        'against.',
      howToFix:
        'Configure the ingress to remove (or overwrite) `l5d-dst-override` on every client request: a Traefik headers ' +
        'Middleware, a Kong request-transformer plugin, a Contour `requestHeadersPolicy`, `haproxy.org/request-set-header`, ' +
        'Gloo\'s Linkerd integration. Controllers that route to Services themselves (ingress-nginx with ' +
        '`service-upstream`, F5 NGINX with `use-cluster-ip`, Emissary) do not need ingress mode: use ' +
        '`linkerd.io/inject: enabled`. Set ingress mode on the controller\'s pod template, not on its Namespace. Once ' +
        'the header is stripped, silence the finding with a disable comment that says where.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      if (resource.kind === 'Namespace') {
        if (resource.group !== '' || annotationsAt(resource.value)?.[INJECT_KEY] !== 'ingress') continue;
        if (webhookSkips({}, { name: resource.name, resource }, ctx.target)) continue;
        ctx.report({
          resource,
          path: ['metadata', 'annotations', INJECT_KEY],
          messageId: 'namespace',
          data: { namespace: resource.name ?? '' },
        });
        continue;
      }
      const template = podTemplateOf(resource);
      if (!template) continue;
      const annotations = annotationsAt(template.value);
      if (annotations?.[INJECT_KEY] !== 'ingress') continue;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      // A pod that gets no proxy has no ingress mode either; other rules say why it gets none.
      if (!mayBeMeshed(resource, template, namespace, ctx.target)) continue;
      const path = [...template.path, 'metadata', 'annotations', INJECT_KEY];
      const workload = describeWorkload(resource);
      const controller = controllerOf(isObject(template.value.spec) ? template.value.spec : undefined);
      if (controller?.notNeeded !== undefined) {
        ctx.report({ resource, path, messageId: 'notNeeded', data: { workload, controller: controller.name, extra: controller.notNeeded } });
      } else {
        ctx.report({ resource, path, messageId: 'pod', data: { workload, configure: controller?.configure ?? DEFAULT_CONFIGURE } });
      }
    }
  },
});

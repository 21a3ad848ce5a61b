import { defineRule } from '../src/engine/rule.js';
import { parseIntegerIn, portsIn } from '../src/linkerd/annotation-values.js';
import { REQUIRES, effectiveDefaultPolicy, isAuthenticating } from '../src/linkerd/inbound-policy.js';
import { describeWorkload, mayBeMeshed } from '../src/linkerd/injection.js';
import { type PodConfigSite, effectiveAnnotation, sameNamespace } from '../src/linkerd/pod-config.js';
import { workloadModel } from '../src/linkerd/workloads.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject, podTemplateOf } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import { asSelector, matchesSelector } from '../src/model/selectors.js';

const SKIP_KEY = 'config.linkerd.io/skip-inbound-ports';

/**
 * The proxy's own ports, which it serves itself whatever iptables does: proxy-init always
 * leaves the admin and control ports out of the redirect (linkerd2
 * `charts/partials/templates/_proxy-init.tpl`, `--inbound-ports-to-ignore`), and the
 * inbound port is where meshed clients connect directly. Listing them changes nothing.
 */
const PROXY_PORTS = [
  { key: 'config.linkerd.io/inbound-port', port: 4143 },
  { key: 'config.linkerd.io/admin-port', port: 4191 },
  { key: 'config.linkerd.io/control-port', port: 4190 },
] as const;

function proxyPorts(pod: PodConfigSite, namespace: Resource | undefined): Set<number> {
  return new Set(
    PROXY_PORTS.map(({ key, port }) => {
      const set = effectiveAnnotation(key, pod, namespace)?.value;
      return (typeof set === 'string' ? parseIntegerIn(set, 1, 65535) : undefined) ?? port;
    }),
  );
}

/** The entries of a port list, each with the ports it covers. */
function entries(text: string): { text: string; ports: Set<number> }[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((e) => ({ text: e, ports: portsIn(e) }))
    .filter((e) => e.ports.size > 0);
}

function pronoun(list: readonly { ports: Set<number> }[]): string {
  return list.length > 1 || list[0]!.ports.size > 1 ? 'them' : 'it';
}

function describePorts(list: readonly string[]): string {
  const many = list.length > 1 || list.some((e) => e.includes('-'));
  return `${many ? 'ports' : 'port'} ${list.join(', ')}`;
}

export default defineRule({
  meta: {
    id: 'skip-ports-bypass-policy',
    description: 'Warn when skip-inbound-ports lets traffic bypass a Server or a namespace that requires authentication',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'none',
    securitySeverity: 6.5,
    cwe: ['CWE-284'],
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['Namespace', ...POD_TEMPLATE_KINDS],
    messages: {
      serverPort:
        '{{key}} "{{value}}" {{site}} lets port {{port}} bypass the proxy, so Server {{server}}, which selects it, never applies: ' +
        'clients reach it without mTLS or authorization; remove {{number}} from the list',
      authRequired:
        '{{key}} "{{value}}" {{site}} lets {{ports}} bypass the proxy although {{policySite}} default-inbound-policy "{{policy}}" ' +
        'requires {{requirement}}: clients reach {{them}} without mTLS or authorization; remove the skip, and open a port that ' +
        'must take unmeshed clients with a Server and an AuthorizationPolicy instead',
    },
    docs: {
      why:
        'Ports in `config.linkerd.io/skip-inbound-ports` are left out of the proxy\'s iptables redirect: connections to ' +
        'them go straight to the application. The proxy never sees them, so they get no mTLS, no metrics, and no policy: ' +
        'a Server that selects such a port (with its AuthorizationPolicies, routes and rate limits) has no effect, and a ' +
        'Namespace or pod whose `default-inbound-policy` is `all-authenticated`, `cluster-authenticated` or `deny` is open ' +
        'on those ports to any client that can reach the pod. The destination controller also stops telling meshed ' +
        'clients to use mTLS for them, so even meshed traffic to those ports is plain text. Skip ports are meant for ' +
        'debugging and for protocols the proxy cannot carry, not for letting unmeshed clients in.',
      howToFix:
        'Remove the port from `skip-inbound-ports` (the pod picks the change up when it is recreated). If the port must ' +
        'accept unmeshed clients, leave it to the proxy and admit them explicitly: a Server on the port and an ' +
        'AuthorizationPolicy with a NetworkAuthentication for their networks, or a Server `accessPolicy` that fits. ' +
        'A pod\'s own annotation replaces its Namespace\'s, so an empty `skip-inbound-ports: ""` on the pod template ' +
        'undoes a Namespace-wide skip for that workload.',
    },
  },
  check(ctx) {
    const model = workloadModel(ctx.tree);

    for (const resource of ctx.resources) {
      if (resource.kind === 'Namespace') {
        if (resource.group !== '') continue;
        const annotations = annotationsAt(resource.value);
        const skip = annotations?.[SKIP_KEY];
        const policy = annotations?.['config.linkerd.io/default-inbound-policy'];
        if (typeof skip !== 'string' || !isAuthenticating(policy)) continue;
        const site: PodConfigSite = { resource, templatePath: [], annotations: {} };
        const excluded = proxyPorts(site, resource);
        const left = entries(skip).filter((e) => [...e.ports].some((p) => !excluded.has(p)));
        if (left.length === 0) continue;
        ctx.report({
          resource,
          path: ['metadata', 'annotations', SKIP_KEY],
          messageId: 'authRequired',
          data: {
            key: SKIP_KEY,
            value: skip,
            site: `on namespace ${resource.name ?? ''}`,
            ports: describePorts(left.map((e) => e.text)),
            policySite: 'its',
            policy,
            requirement: REQUIRES[policy],
            them: pronoun(left),
          },
        });
        continue;
      }

      const template = podTemplateOf(resource);
      if (!template) continue;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      const pod: PodConfigSite = { resource, templatePath: template.path, annotations: annotationsAt(template.value) };
      const skip = effectiveAnnotation(SKIP_KEY, pod, namespace);
      if (!skip || typeof skip.value !== 'string') continue;
      if (!mayBeMeshed(resource, template, namespace, ctx.target)) continue;
      const excluded = proxyPorts(pod, namespace);
      const skipped = new Set([...portsIn(skip.value)].filter((p) => !excluded.has(p)));
      if (skipped.size === 0) continue;

      const workload = model.workloadFor(resource);
      const labels = workload?.labels ?? {};
      const workloadName = describeWorkload(resource);
      const site = skip.from === 'pod' ? `on ${workloadName}` : `on namespace ${resource.namespace}, inherited by ${workloadName},`;
      const base = { key: SKIP_KEY, value: skip.value, site };
      const bypassed = new Set<number>();

      for (const server of ctx.tree.inNamespace('Server', resource.namespace, 'policy.linkerd.io')) {
        if (!sameNamespace(server, resource) || !isObject(server.value.spec)) continue;
        const selector = asSelector(server.value.spec.podSelector);
        if (!selector || !matchesSelector(selector, labels)) continue;
        const port = server.value.spec.port;
        const hits =
          typeof port === 'number'
            ? skipped.has(port) ? [{ port, shown: String(port) }] : []
            : typeof port === 'string'
              ? (workload?.ports ?? []).filter((p) => p.name === port && skipped.has(p.port)).map((p) => ({ port: p.port, shown: `${p.port} ("${port}")` }))
              : [];
        for (const hit of new Map(hits.map((h) => [h.port, h])).values()) {
          bypassed.add(hit.port);
          ctx.report({
            resource: skip.resource,
            path: skip.path,
            messageId: 'serverPort',
            data: { ...base, port: hit.shown, number: hit.port, server: server.name ?? '' },
          });
        }
      }

      const policy = effectiveDefaultPolicy(pod, namespace);
      if (!policy || !isAuthenticating(policy.value)) continue;
      // A Namespace that sets both is reported once, on the Namespace.
      if (skip.from === 'namespace' && policy.from === 'namespace') continue;
      const left = entries(skip.value).filter((e) => [...e.ports].some((p) => !excluded.has(p) && !bypassed.has(p)));
      if (left.length === 0) continue;
      ctx.report({
        resource: skip.resource,
        path: skip.path,
        messageId: 'authRequired',
        data: {
          ...base,
          ports: describePorts(left.map((e) => e.text)),
          policySite: policy.from === 'pod' ? `${workloadName}'s` : `namespace ${resource.namespace}'s`,
          policy: policy.value,
          requirement: REQUIRES[policy.value],
          them: pronoun(left),
        },
      });
    }
  },
});

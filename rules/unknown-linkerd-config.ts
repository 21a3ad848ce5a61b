import { defineRule } from '../src/engine/rule.js';
import { isObject } from '../src/model/k8s.js';
import { LEGACY_LINKERD_CONFIG_KEYS, LINKERD_CONFIG_KEYS, LINKERD_CONFIG_NAME } from '../src/linkerd/linkerd-config.js';

/** Where a setting that someone tried to put into `linkerd-config` really lives, judged by its name. */
function realHome(key: string): string {
  const k = key.toLowerCase();
  if (/timeout|retr(y|ies)|budget/.test(k) && /request|response|retr|budget|outgoing|outbound|route/.test(k)) {
    return 'request timeouts and retries are set per route: HTTPRoute "timeouts", or timeout.linkerd.io/* and retry.linkerd.io/* annotations on the Service or route';
  }
  if (/allow|deny|policy|authz|authoriz|egress|network|cidr/.test(k)) {
    return 'access rules are Server, AuthorizationPolicy, NetworkAuthentication and EgressNetwork resources, or the config.linkerd.io/default-inbound-policy annotation';
  }
  return 'control-plane settings are Helm values of the linkerd-control-plane chart (rendered into the "values" key by install or upgrade), and proxy settings are config.linkerd.io/* annotations on workloads or namespaces';
}

export default defineRule({
  meta: {
    id: 'unknown-linkerd-config',
    description: 'Warn about linkerd-config ConfigMap keys that Linkerd never reads',
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    kinds: ['ConfigMap'],
    messages: {
      unknown: 'linkerd-config has no key {{key}}: Linkerd reads only "values" and "linkerd-crds-chart-version" there; {{home}}',
      legacy:
        'linkerd-config key {{key}} was read only by Linkerd 2.9 and earlier; from 2.10 the control plane reads its settings from the Helm values in "values"',
    },
    docs: {
      why:
        'The `linkerd-config` ConfigMap holds the rendered Helm values of the control plane (`values`) and the CRD ' +
        'chart version; the control-plane components mount it and read nothing else. A hand-written key such as ' +
        '`protocolDetectTimeout` or an invented `linkerd.io/proxy-config` block with an outbound request timeout is ' +
        'ignored without any warning, so the setting someone believes is active never is. The keys `global`, ' +
        '`proxy` and `install` come from Linkerd 2.9 and earlier, which no longer read them after the move to Helm values.',
      howToFix:
        'Remove the key and set the value where Linkerd reads it: a Helm value of the control-plane chart (passed to ' +
        '`linkerd install`/`upgrade` or the chart), a `config.linkerd.io/*` annotation, or a Server, AuthorizationPolicy, ' +
        'EgressNetwork or HTTPRoute resource.',
    },
  },
  check(ctx) {
    for (const r of ctx.resources) {
      if (r.group !== '' || r.name !== LINKERD_CONFIG_NAME) continue;
      for (const section of ['data', 'binaryData']) {
        const data = r.value[section];
        if (!isObject(data)) continue;
        for (const key of Object.keys(data)) {
          if (LINKERD_CONFIG_KEYS.includes(key)) continue;
          const path = [section, key];
          if (LEGACY_LINKERD_CONFIG_KEYS.includes(key)) {
            ctx.report({ resource: r, path, at: 'key', messageId: 'legacy', data: { key: JSON.stringify(key) } });
          } else {
            ctx.report({ resource: r, path, at: 'key', messageId: 'unknown', data: { key: JSON.stringify(key), home: realHome(key) } });
          }
        }
      }
    }
  },
});

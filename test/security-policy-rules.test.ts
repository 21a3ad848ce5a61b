// The severities of the security policy rules (the fixture goldens do not show them): the
// probe pattern at info, everything else at the rule's severity, Linkerd's output exempt.
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { lintParsed } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { ROOT } from './helpers.js';
import { NETAUTHN, POLICY } from './policy-manifests.js';

function parsed(path: string, text: string) {
  return parseSource(new SourceFile(path, path.slice(1), text, 'yaml'));
}


describe('security rule severities', () => {
  const FILES: Record<string, string> = {
    '/probe.yaml': `apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: {name: probe, namespace: shop}
spec:
  parentRefs: [{name: web, kind: Server, group: policy.linkerd.io}]
  rules: [{matches: [{path: {value: /healthz}}]}]
---
${NETAUTHN('anywhere', '0.0.0.0/0')}---
${POLICY('probe', '[{group: policy.linkerd.io, kind: NetworkAuthentication, name: anywhere}]', '{group: policy.linkerd.io, kind: HTTPRoute, name: probe}')}---
${POLICY('all', '[]')}`,
    '/admin.yaml': `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: admin, namespace: shop}
spec: {podSelector: {}, port: linkerd-admin}
---
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata: {name: admin, namespace: shop}
spec:
  server: {name: admin}
  client: {unauthenticated: true, networks: [{cidr: "::/0"}]}
`,
    '/viz.yaml': `apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: {name: any, namespace: linkerd-viz, labels: {linkerd.io/extension: viz}}
spec: {identities: ["*"]}
`,
  };
  const run = (raw: Record<string, unknown> = {}) => {
    const rules = Object.fromEntries(Object.entries(builtinRules).map(([id, r]) => [id, id.startsWith('no-') && id !== 'no-inject-system-namespace' ? r.meta.defaultSeverity : 'off']));
    const config = resolveConfig({ ...raw, rules }, builtinRules, ROOT);
    const files = Object.entries(FILES).map(([path, text]) => parsed(path, text));
    return lintParsed(files, { config, rules: builtinRules })
      .results.flatMap((r) => r.findings)
      .filter((f) => ['no-unauthenticated-server', 'no-open-network', 'no-wildcard-identity'].includes(f.ruleId))
      .map((f) => `${f.file.path}:${f.range.start.line} ${f.ruleId} ${f.messageId} ${f.severity}`)
      .sort();
  };

  it('lowers the probe pattern to info and keeps the rest at the rule severity', () => {
    expect(run()).toEqual([
      '/admin.yaml:11 no-open-network adminProbe info',
      '/admin.yaml:11 no-unauthenticated-server adminProbe info',
      '/probe.yaml:12 no-open-network probe info',
      '/probe.yaml:19 no-unauthenticated-server probe info',
      '/probe.yaml:26 no-unauthenticated-server noAuthentication error',
    ]);
  });

  it('leaves out what Linkerd rendered unless linkerdOutput: lint', () => {
    expect(run({ linkerdOutput: 'lint' })).toContain('/viz.yaml:4 no-wildcard-identity identityWildcard warning');
  });
});

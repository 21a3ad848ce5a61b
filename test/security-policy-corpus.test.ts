// no-unauthenticated-server, no-open-network and no-wildcard-identity over real manifests from
// public repositories (../shared/corpus, when present): each finding below was read and judged.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintPaths } from '../src/engine/lint.js';
import { resolveConfig } from '../src/engine/config.js';
import { sharedPath } from './helpers.js';

const CORPUS = sharedPath('corpus') ?? '';
const RULES = ['no-unauthenticated-server', 'no-open-network', 'no-wildcard-identity'];

const WEB = 'linkerd__website/linkerd.io/content';
const EMOJIVOTO = ['BuoyantIO__service-mesh-academy/route-based-policy/manifests', 'JasonMorgan__linkerd-demos/policy/manifests'];
const BOOKSAPP = [
  'BuoyantIO__linkerd-workshops/linkerd-in-production/08-policy/manifests/booksapp',
  'BuoyantIO__linkerd-workshops/locking-down-k8s/manifests/booksapp',
  'BuoyantIO__service-mesh-academy/route-based-policy/manifests/booksapp',
  'JasonMorgan__linkerd-demos/policy/manifests/booksapp',
];

/** The probe pattern of the per-route policy docs: two open networks and the policy, all at info. */
const probe = (file: string, net: number, policy: number) => [
  `${file}:${net}:11 no-open-network probe info`,
  `${file}:${net + 1}:11 no-open-network probe info`,
  `${file}:${policy}:7 no-unauthenticated-server probe info`,
];

/** emojivoto's web-public: the web frontend, open to every address of both families on purpose. */
const webPublic = (file: string, line: number) => [
  `${file}:${line}:22 no-unauthenticated-server serverAuthorization error`,
  `${file}:${line + 2}:15 no-open-network serverAuthorization error`,
  `${file}:${line + 3}:15 no-open-network serverAuthorization error`,
];

describe.skipIf(!CORPUS)('corpus: security policy rules', () => {
  it('yields only the findings judged', { timeout: 120_000 }, async () => {
    const rules = Object.fromEntries(Object.keys(builtinRules).map((id) => [id, RULES.includes(id) ? builtinRules[id]!.meta.defaultSeverity : 'off']));
    const config = resolveConfig({ rules }, builtinRules, CORPUS);
    const { results } = await lintPaths({ cwd: CORPUS, paths: ['.'], config, rules: builtinRules, errorOnUnmatchedPattern: false });
    const lines = results
      .flatMap((r) =>
        r.findings.map((f) => `${relative(CORPUS, r.file.path)}:${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.messageId} ${f.severity}`),
      )
      .sort();
    expect(lines).toEqual(
      [
        // Linkerd's per-route policy task and the workshops that copy it: kubelet probes on /ping
        // through a route, a NetworkAuthentication of 0.0.0.0/0 and ::/0, and a policy requiring it.
        ...probe(`${WEB}/2-edge/tasks/configuring-per-route-policy.md.4.yaml`, 26, 40),
        ...BOOKSAPP.flatMap((dir) => probe(`${dir}/authors_probe.yaml`, 25, 39)),
        ...probe(`${BOOKSAPP[2]}/webapp_probe.yaml`, 25, 39),
        // The proxy's admin port opened to the cluster "so that Kubernetes health checks can get
        // through" (2.11 docs, emojivoto, Linkerd's smoke test): the older probe pattern, at info.
        `${WEB}/2.11/tasks/restricting-access.md.3.yaml:25:22 no-unauthenticated-server adminProbe info`,
        `${WEB}/2.11/tasks/restricting-access.md.4.yaml:14:22 no-unauthenticated-server adminProbe info`,
        'linkerd__website/run.linkerd.io/public/emojivoto-policy.yml:174:22 no-unauthenticated-server adminProbe info',
        ...EMOJIVOTO.map((dir) => `${dir}/emojivoto-allow-health.yaml:33:22 no-unauthenticated-server adminProbe info`),
        'linkerd__linkerd2/test/integration/install/smoke/testdata/smoke_test.yaml:120:22 no-unauthenticated-server adminProbe info',
        'linkerd__linkerd2/test/integration/install/testdata/smoke_test.yaml:120:22 no-unauthenticated-server adminProbe info',
        // Real: the web frontend open to the world, without authentication.
        ...webPublic(`${WEB}/2-edge/reference/authorization-policy.md.11.yaml`, 13),
        ...webPublic('linkerd__website/run.linkerd.io/public/emojivoto-policy.yml', 101),
        ...webPublic('linkerd__linkerd2/test/integration/viz/policy/testdata/emoji-policy.yaml', 94),
        ...EMOJIVOTO.flatMap((dir) => webPublic(`${dir}/emojivoto-policy.yaml`, 101)),
        // Real: the application's metrics port open to every client of the cluster networks.
        'linkerd__website/run.linkerd.io/public/emojivoto-policy.yml:141:22 no-unauthenticated-server serverAuthorization error',
        ...EMOJIVOTO.map((dir) => `${dir}/emojivoto-allow-prom.yaml:36:22 no-unauthenticated-server serverAuthorization error`),
        // Real: the rate-limiting task opens web-http with accessPolicy all-unauthenticated.
        `${WEB}/2-edge/tasks/configuring-rate-limiting.md.2.yaml:8:17 no-unauthenticated-server accessPolicy error`,
        // Real: a whole Server authorized by source network alone (an IPv6 pod range; one address).
        'BuoyantIO__service-mesh-academy/IPv6/k8s/network-auth-1.yaml:29:5 no-unauthenticated-server networkOnly error',
        'BuoyantIO__service-mesh-academy/IPv6/k8s/network-auth-2.yaml:30:5 no-unauthenticated-server networkOnly error',
        'linkerd__linkerd2/test/integration/deep/dualstack/testdata/ipfamilies-policy.yml:22:7 no-unauthenticated-server networkOnly error',
        // Real: identity "*", every meshed workload (the reference docs show it as such).
        'BuoyantIO__service-mesh-academy/linkerd-and-windows/policy-authz.yml:22:16 no-wildcard-identity identityWildcard warning',
        `${WEB}/2-edge/reference/authorization-policy.md.8.yaml:7:16 no-wildcard-identity identityWildcard warning`,
      ].sort(),
    );
  });
});

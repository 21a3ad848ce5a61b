// The schema and apiVersion rules over real manifests from public repositories
// (../shared/corpus, when present): every finding there is one judged correct.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintPaths } from '../src/engine/lint.js';
import { resolveConfig } from '../src/engine/config.js';
import { sharedPath } from './helpers.js';

const CORPUS = sharedPath('corpus') ?? '';
const RULES = ['schema', 'unknown-api-version', 'deprecated-api-version'];

describe.skipIf(!CORPUS)('corpus', () => {
  it('yields only the findings judged correct', { timeout: 120_000 }, async () => {
    const rules = Object.fromEntries(Object.keys(builtinRules).map((id) => [id, RULES.includes(id) ? builtinRules[id]!.meta.defaultSeverity : 'off']));
    const config = resolveConfig({ rules }, builtinRules, CORPUS);
    const { results } = await lintPaths({ cwd: CORPUS, paths: ['.'], config, rules: builtinRules, errorOnUnmatchedPattern: false });
    const findings = results.flatMap((r) => r.findings.map((f) => ({ f, file: relative(CORPUS, r.file.path) })));
    const lines = findings
      .filter(({ f }) => f.ruleId !== 'deprecated-api-version')
      .map(({ f, file }) => `${file}:${f.range.start.line}:${f.range.start.column} ${f.ruleId}`)
      .sort();
    expect(lines).toEqual(
      [
        // A 2.17 docs page uses Gateway HTTPRoute v1alpha2, which no install Linkerd 2.20 supports serves.
        'linkerd__website/linkerd.io/content/2.17/tasks/managing-egress-traffic.md.3.yaml:1:13 unknown-api-version',
        'linkerd__website/linkerd.io/content/2.17/tasks/managing-egress-traffic.md.8.yaml:1:13 unknown-api-version',
        // A blog post whose TrafficSplit lost its indentation: metadata and spec keys sit at the top level.
        ...[2, 4, 5, 7, 10, 11].map((line) => `linkerd__website/linkerd.io/content/blog/2022/0309-linkerd-multi-cluster-failover/index.md.1.yaml:${line}:1 schema`),
        // A Server v1beta1 with accessPolicy, which only v1beta3 has.
        'linkerd__website/linkerd.io/content/blog/2025/0725-tilt-linkerd-nginx-part-2/index.md.1.yaml:13:3 schema',
      ].sort(),
    );
    const deprecated = new Map<string, number>();
    for (const { f } of findings) {
      if (f.ruleId !== 'deprecated-api-version') continue;
      const key = `${f.resource?.apiVersion} ${f.resource?.kind}`;
      deprecated.set(key, (deprecated.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries([...deprecated].sort())).toEqual({
      'gateway.networking.k8s.io/v1alpha2 GRPCRoute': 9,
      'gateway.networking.k8s.io/v1beta1 HTTPRoute': 17,
      'policy.linkerd.io/v1beta1 HTTPRoute': 21,
      'policy.linkerd.io/v1beta1 Server': 43,
      'policy.linkerd.io/v1beta2 HTTPRoute': 26,
      'workload.linkerd.io/v1alpha1 ExternalWorkload': 1,
    });
  });
});

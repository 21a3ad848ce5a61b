// The policies in examples/policies, which restate Kyverno's published Linkerd policies,
// against Kyverno's own test cases (their .chainsaw-test folders, in ../shared/corpus):
// every resource of a "bad" file is reported, nothing in a "good" file is.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles, outputFixes } from '../src/api/index.js';
import { ROOT, sharedPath } from './helpers.js';

const KYVERNO = sharedPath('corpus/kyverno__policies/linkerd');
const CONFIG = join(ROOT, 'examples', 'policies', '.linkerd-lint.yaml');
const PLUGIN_CONFIG = join(ROOT, 'examples', 'policies', 'plugin', '.linkerd-lint.yaml');

/** For each listed file, the index of each document a finding of `ruleId` (default `policy/<policy>`) points into, as `file:doc`. */
async function reported(dir: string, files: string[], policy: string, config = CONFIG, ruleId = `policy/${policy}`): Promise<string[]> {
  const results = await lintFiles(files, { cwd: dir, config });
  return results.flatMap((r) => {
    const text = r.source ?? '';
    // Document starts: line 1 and every line after a `---`.
    const starts = [1, ...text.split('\n').flatMap((l, i) => (l === '---' ? [i + 2] : []))];
    const docOf = (line: number) => starts.filter((s) => s <= line).length - 1;
    const name = r.filePath.slice(dir.length + 1);
    return [...new Set(r.messages.filter((m) => m.ruleId === ruleId).map((m) => `${name}:${docOf(m.line)}`))];
  });
}

const documents = (name: string, count: number) => Array.from({ length: count }, (_, i) => `${name}:${i}`);

describe.skipIf(!KYVERNO)("Kyverno's Linkerd policies as CEL policies", () => {
  const cases = (policy: string) => join(KYVERNO!, policy, '.chainsaw-test');

  it('require-linkerd-mesh-injection', async () => {
    const dir = cases('require-linkerd-mesh-injection');
    expect(await reported(dir, ['good-ns.yaml'], 'require-mesh-injection')).toEqual([]);
    expect(await reported(dir, ['bad-ns.yaml'], 'require-mesh-injection')).toEqual(documents('bad-ns.yaml', 3));
  });

  it('prevent-linkerd-pod-injection-override', async () => {
    const dir = cases('prevent-linkerd-pod-injection-override');
    expect(await reported(dir, ['good-pod.yaml', 'good-podcontrollers.yaml'], 'prevent-pod-injection-override')).toEqual([]);
    expect(await reported(dir, ['bad-pod.yaml', 'bad-podcontrollers.yaml'], 'prevent-pod-injection-override')).toEqual([
      ...documents('bad-pod.yaml', 1),
      ...documents('bad-podcontrollers.yaml', 2),
    ]);
  });

  it('prevent-linkerd-port-skipping', async () => {
    const dir = cases('prevent-linkerd-port-skipping');
    expect(await reported(dir, ['good-pod.yaml', 'good-podcontrollers.yaml'], 'prevent-port-skipping')).toEqual([]);
    expect(await reported(dir, ['bad-pod.yaml', 'bad-podcontrollers.yaml'], 'prevent-port-skipping')).toEqual([
      ...documents('bad-pod.yaml', 3),
      ...documents('bad-podcontrollers.yaml', 6),
    ]);
  });

  it('require-linkerd-server, with the Server the test applies first', async () => {
    const dir = cases('require-linkerd-server');
    expect(await reported(dir, ['server.yaml', 'good-deploy.yaml', 'good-svc.yaml'], 'require-server')).toEqual([]);
    expect(await reported(dir, ['server.yaml', 'bad-deploy.yaml', 'bad-svc.yaml'], 'require-server')).toEqual([
      ...documents('bad-deploy.yaml', 2),
      ...documents('bad-svc.yaml', 1),
    ]);
  });

  it('check-linkerd-authorizationpolicy, with the Server and HTTPRoute the test applies first', async () => {
    const dir = cases('check-linkerd-authorizationpolicy');
    expect(await reported(dir, ['server.yaml', 'http-route.yaml', 'good-authz.yaml'], 'authorization-policy-target')).toEqual([]);
    expect(await reported(dir, ['server.yaml', 'http-route.yaml', 'bad-authz.yaml'], 'authorization-policy-target')).toEqual(documents('bad-authz.yaml', 2));
  });
});

describe.skipIf(!KYVERNO)("Kyverno's Linkerd pod policies as plugin rules, with fixes", () => {
  const cases = (policy: string) => join(KYVERNO!, policy, '.chainsaw-test');
  const plugin = (dir: string, files: string[], rule: string) => reported(dir, files, '', PLUGIN_CONFIG, `kyverno-linkerd/${rule}`);

  for (const [policy, rule, bad] of [
    ['prevent-linkerd-port-skipping', 'no-port-skipping', { 'bad-pod.yaml': 3, 'bad-podcontrollers.yaml': 6 }],
    ['prevent-linkerd-pod-injection-override', 'no-injection-override', { 'bad-pod.yaml': 1, 'bad-podcontrollers.yaml': 2 }],
  ] as const) {
    it(`${policy}: bad resources reported, good ones silent, and the unsafe fix leaves none`, async () => {
      const dir = cases(policy);
      expect(await plugin(dir, ['good-pod.yaml', 'good-podcontrollers.yaml'], rule)).toEqual([]);
      expect(await plugin(dir, Object.keys(bad), rule)).toEqual(Object.entries(bad).flatMap(([file, count]) => documents(file, count)));
      const copy = mkdtempSync(join(tmpdir(), 'linkerd-lint-kyverno-'));
      cpSync(dir, copy, { recursive: true });
      await outputFixes(await lintFiles(Object.keys(bad), { cwd: copy, config: PLUGIN_CONFIG, fix: true, unsafeFixes: true }));
      expect(await plugin(copy, Object.keys(bad), rule)).toEqual([]);
    });
  }
});

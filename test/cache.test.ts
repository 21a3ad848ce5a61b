import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KUBE_SYSTEM_INJECTED, cli, tree } from './cli-helpers.js';

const SERVER = (name: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: ${name}
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  port: http
`;

const POLICY = `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata:
  name: web
  namespace: shop
spec:
  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: web-htp
  requiredAuthenticationRefs:
    - group: policy.linkerd.io
      kind: MeshTLSAuthentication
      name: clients
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata:
  name: clients
  namespace: shop
spec:
  identities: ["*"]
`;

const CACHE = '.linkerd-lint-cache';
const ARGS = ['.', '--no-config-lookup', '-f', 'json'];

/** The rule ids of a JSON report, per file name. */
function ruleIds(stdout: string): Record<string, string[]> {
  const results = JSON.parse(stdout) as { filePath: string; messages: { ruleId: string }[] }[];
  return Object.fromEntries(results.map((r) => [r.filePath.split('/').pop(), r.messages.map((m) => m.ruleId)]));
}

describe('--cache', () => {
  it('writes the results and gives them back, byte for byte, while nothing changed', () => {
    const dir = tree({ 'server.yaml': SERVER('web-http'), 'policy.yaml': POLICY });
    const plain = cli(ARGS, { cwd: dir });
    const first = cli([...ARGS, '--cache'], { cwd: dir });
    expect(existsSync(join(dir, CACHE))).toBe(true);
    const second = cli([...ARGS, '--cache'], { cwd: dir });
    expect([first.code, second.code]).toEqual([plain.code, plain.code]);
    expect(first.stdout).toBe(plain.stdout);
    expect(second.stdout).toBe(plain.stdout);
    // The second run read its results from the cache: what the cache says is what it reports.
    const cache = join(dir, CACHE);
    writeFileSync(cache, readFileSync(cache, 'utf8').replace('which is not defined', 'WHICH IS NOT DEFINED'));
    expect(cli([...ARGS, '--cache'], { cwd: dir }).stdout).toContain('WHICH IS NOT DEFINED');
  });

  it('lints again when one file of a cross-file pair changes: the finding on the unchanged file goes', () => {
    const dir = tree({ 'server.yaml': SERVER('web-http'), 'policy.yaml': POLICY });
    expect(ruleIds(cli([...ARGS, '--cache'], { cwd: dir }).stdout)['policy.yaml']).toContain('dangling-reference');
    writeFileSync(join(dir, 'server.yaml'), SERVER('web-htp'));
    const after = cli([...ARGS, '--cache'], { cwd: dir });
    expect(after.stdout).toBe(cli(ARGS, { cwd: dir }).stdout);
    expect(ruleIds(after.stdout)['policy.yaml']).not.toContain('dangling-reference');
  });

  it('lints again when the config, the release or a rule setting changes', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const severity = (args: string[]) => (JSON.parse(cli([...args, '--cache', '-f', 'json', '.'], { cwd: dir }).stdout) as { messages: { severity: number }[] }[])[0]!.messages.map((m) => m.severity);
    expect(severity([])).toEqual([2]);
    writeFileSync(join(dir, '.linkerd-lint.yaml'), 'rules:\n  no-inject-system-namespace: warning\n');
    expect(severity([])).toEqual([1]);
    expect(severity(['--rule', 'no-inject-system-namespace:off'])).toEqual([]);
    expect(severity(['--linkerd-version', '2.14'])).toEqual([1]);
  });

  it('is not used by fix runs or standard input, and --cache-location may name a directory', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    cli(['.', '--cache', '--fix-dry-run', '--unsafe-fixes'], { cwd: dir });
    cli(['-', '--cache'], { cwd: dir, input: KUBE_SYSTEM_INJECTED });
    expect(existsSync(join(dir, CACHE))).toBe(false);
    mkdirSync(join(dir, 'tmp'));
    expect(cli(['.', '--cache', '--cache-location', 'tmp'], { cwd: dir }).code).toBe(1);
    expect(existsSync(join(dir, 'tmp', CACHE))).toBe(true);
    // A cache named like a manifest is not linted.
    expect(cli(['.', '--cache', '--cache-location', 'cache.json', '-f', 'json'], { cwd: dir }).code).toBe(1);
    const again = cli(['.', '--cache', '--cache-location', 'cache.json', '-f', 'json'], { cwd: dir });
    expect(Object.keys(ruleIds(again.stdout)).sort()).toEqual(['ns.yaml']);
  });

  it('a cache that cannot be written is said, and the run reports as usual', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    // Under a file, no directory can be made, whoever runs the test.
    const r = cli(['ns.yaml', '--cache', '--cache-location', 'ns.yaml/cache'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`linkerd-lint: cannot write the cache ${join(dir, 'ns.yaml', 'cache')}: a file is in the way of a directory the path needs (EEXIST)\n`);
    expect(r.stdout).toContain('no-inject-system-namespace');
  });
});

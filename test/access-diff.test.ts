// `linkerd-lint access --base`: the client → workload edges a change opens, closes or
// changes, against another checkout or a git commit.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tree } from './cli-helpers.js';
import { FIXTURES } from './helpers.js';

const EMOJIVOTO = join(FIXTURES, 'access', 'emojivoto');

/** The walkthrough, with webapp's Server opened to any meshed client and voting's to the default service account too. */
function change(dir: string): void {
  const policy = join(dir, 'policy.yaml');
  const text = readFileSync(policy, 'utf8').replace('        - name: web\n', '        - name: web\n        - name: default\n');
  writeFileSync(
    policy,
    `${text}---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web-http, namespace: emojivoto}
spec:
  podSelector: {matchLabels: {app: web-svc}}
  port: http
  accessPolicy: all-authenticated
`,
  );
}

const TEXT = (base: string) => `access changes against ${base}: 2 opened, 1 closed, 0 changed
opened:
  + serviceaccount emojivoto/default → emojivoto/Deployment/voting:8080 (ServerAuthorization voting-grpc from the cluster networks)
  + any meshed client → emojivoto/Deployment/web:8080 (accessPolicy all-authenticated)
closed:
  - any client, unauthenticated → emojivoto/Deployment/web:8080 (default policy all-unauthenticated)
`;

describe('access --base', () => {
  it('compares with the same paths in another directory', () => {
    const dir = tree({});
    cpSync(EMOJIVOTO, join(dir, 'base', 'k8s'), { recursive: true });
    cpSync(EMOJIVOTO, join(dir, 'head', 'k8s'), { recursive: true });
    change(join(dir, 'head', 'k8s'));
    const r = cli(['access', '--no-config-lookup', '--base', '../base', 'k8s'], { cwd: join(dir, 'head') });
    expect(r.stdout).toBe(TEXT('../base'));
    expect(r.code).toBe(0);
  });

  it('compares with a git commit, from a subdirectory of the repository, in JSON', () => {
    const dir = tree({});
    cpSync(EMOJIVOTO, join(dir, 'deploy', 'k8s'), { recursive: true });
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    change(join(dir, 'deploy', 'k8s'));
    const r = cli(['access', '--no-config-lookup', '--base', 'HEAD', '-f', 'json', 'k8s'], { cwd: join(dir, 'deploy') });
    const diff = JSON.parse(r.stdout) as { schemaVersion: number; base: string; opened: { from: string; to: string }[]; closed: { from: string }[]; changed: unknown[] };
    expect([diff.schemaVersion, diff.base]).toEqual([1, 'HEAD']);
    expect(diff.opened.map((e) => `${e.from} -> ${e.to}`)).toEqual(['sa:emojivoto/default -> emojivoto/Deployment/voting', 'any-meshed -> emojivoto/Deployment/web']);
    expect(diff.closed.map((e) => e.from)).toEqual(['unauthenticated']);
    expect(diff.changed).toEqual([]);
    expect(r.code).toBe(0);
    // The working tree as committed: nothing changes.
    git('stash', '-q');
    expect(cli(['access', '--no-config-lookup', '--base', 'HEAD', 'k8s'], { cwd: join(dir, 'deploy') }).stdout).toBe('access changes against HEAD: 0 opened, 0 closed, 0 changed\n');
  });

  it('takes a path the base lacks as adding everything it holds', () => {
    const dir = tree({ 'base/README.md': 'no manifests yet\n' });
    cpSync(EMOJIVOTO, join(dir, 'head', 'k8s'), { recursive: true });
    const r = cli(['access', '--no-config-lookup', '--base', '../base', 'k8s'], { cwd: join(dir, 'head') });
    expect(r.stdout.split('\n')[0]).toBe('access changes against ../base: 5 opened, 0 closed, 0 changed');
  });

  it.each([
    [['--base', 'no-such-ref'], 'access --base "no-such-ref": neither a directory nor a commit of the git repository here'],
    [['--base', '.', '--from', 'a/b', '--to', 'a/b:1'], 'access --base: compares reports, so it does not go with --from and --to'],
    [['--base', '.', '-f', 'dot'], 'access --base: --format dot is not supported; expected table or json'],
  ])('exits 2 on %j', (args, message) => {
    const dir = tree({ 'a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' });
    const r = cli(['access', '--no-config-lookup', ...args, '.'], { cwd: dir });
    expect(r.stderr).toBe(`linkerd-lint: ${message}\n`);
    expect(r.code).toBe(2);
  });
});

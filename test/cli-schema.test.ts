// The schema and apiVersion rules through the built CLI: the bundle must find the
// resource validators it ships next to itself.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.js';
import { ROOT } from './helpers.js';

const SERVER = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: web-http
  namespace: emojivoto
spec:
  podSelector:
    matchLabels:
      app: web-svc
  port: http
  proxyProtocol: HTTP/3
`;

function lint(args: string[]) {
  return cli(['--no-config-lookup', '--no-color', '--stdin-filename', 'server.yaml', ...args, '-'], { input: SERVER });
}

describe('schema rules in the built CLI', () => {
  it('validates a Server against its schema', () => {
    const r = lint([]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('11:18  error  spec.proxyProtocol is "HTTP/3"; expected one of unknown, HTTP/1, HTTP/2, gRPC, opaque, TLS  schema');
  });

  it('judges the apiVersion by --linkerd-version', () => {
    const r = lint(['--linkerd-version', '2.14']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '1:13  error  "policy.linkerd.io/v1beta3" is not served for Server by Linkerd 2.14; served versions: v1alpha1, v1beta1; v1beta3 is served from Linkerd 2.16  unknown-api-version',
    );
    expect(r.stdout).not.toContain('schema');
  });
});

describe('schema message ids', () => {
  it('name the family of each problem in JSON output', () => {
    const input = `${SERVER}  extra: 1
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata:
  name: ids
  namespace: emojivoto
spec:
  identities: ["a..b"]
`;
    const r = cli(['--no-config-lookup', '-f', 'json', '--stdin-filename', 'x.yaml', '-'], { input });
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; messageId: string; line: number }[] }[];
    const ids = result!.messages.filter((m) => m.ruleId === 'schema').map((m) => [m.line, m.messageId]);
    expect(ids).toEqual([
      [11, 'unknownValue'],
      [12, 'unknownField'],
      [20, 'invalidIdentity'],
    ]);
  });
});

describe('a build without its resource validators', () => {
  it('fails loudly (exit 2) instead of passing every manifest unchecked', () => {
    const copy = mkdtempSync(join(tmpdir(), 'linkerd-lint-build-'));
    cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true, filter: (src) => !src.includes(`${join('dist', 'resources')}`) });
    const r = spawnSync(process.execPath, [join(copy, 'dist', 'cli.js'), '--no-config-lookup', '--stdin-filename', 'server.yaml', '-'], { input: SERVER, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('linkerd-lint: internal error: rule "schema" failed on server.yaml with Error: the resource validators are missing from this build (./resources/); rebuild it');
  });
});

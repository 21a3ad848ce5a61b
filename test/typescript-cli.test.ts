import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KUBE_SYSTEM_INJECTED, cli, loadedModules, tree } from './cli-helpers.js';
import { ROOT } from './helpers.js';

const NAMESPACE_TS = "export const ns = { apiVersion: 'v1', kind: 'Namespace',\n  metadata: { name: 'kube-system', annotations: { 'linkerd.io/inject': 'enabled' } } };\n";

/** The chunk of the built CLI that holds typescript-estree and the TypeScript compiler: by far its largest file. */
function parserChunk(): string {
  const dir = join(ROOT, 'dist', 'chunks');
  const [largest] = readdirSync(dir)
    .map((f) => ({ f, size: statSync(join(dir, f)).size }))
    .sort((a, b) => b.size - a.size);
  return join(dir, largest!.f);
}

describe('the TypeScript parser is loaded only when a TypeScript source needs it', () => {
  const chunk = pathToFileURL(parserChunk()).href;

  it('the chunk is the parser', () => {
    expect(statSync(parserChunk()).size).toBeGreaterThan(2_000_000);
    expect(readFileSync(parserChunk(), 'utf8')).toContain('typescript-estree');
  });

  it('not for YAML', () => {
    const run = loadedModules(['ns.yaml'], { 'ns.yaml': KUBE_SYSTEM_INJECTED });
    expect(run.code).toBe(1);
    expect(run.modules.some((m) => m.endsWith('/dist/cli.js'))).toBe(true);
    expect(run.modules).not.toContain(chunk);
  });

  it('not for TypeScript that builds no manifest', () => {
    const run = loadedModules(['util.ts', 'ns.yaml'], { 'util.ts': 'export const add = (a: number, b: number) => a + b;\n', 'ns.yaml': KUBE_SYSTEM_INJECTED });
    expect(run.code).toBe(1);
    expect(run.modules).not.toContain(chunk);
  });

  it('for TypeScript that does', () => {
    const run = loadedModules(['ns.ts'], { 'ns.ts': NAMESPACE_TS });
    expect(run.code).toBe(1);
    expect(run.modules).toContain(chunk);
  });
});

describe('TypeScript on the command line', () => {
  it('reads standard input as TypeScript when --stdin-filename says so', () => {
    const run = cli(['-', '--stdin-filename', 'chart.ts', '--no-config-lookup', '-f', 'github'], { input: NAMESPACE_TS });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(
      '::error file=chart.ts,line=2,col=72,endLine=2,endColumn=81,title=no-inject-system-namespace::"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
    );
  });

  it('--context reads TypeScript sources too', () => {
    const policy = `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  requiredAuthenticationRefs: [{name: web, kind: ServiceAccount}]
`;
    const server = (name: string) =>
      `export const s = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: '${name}', namespace: 'shop' },\n  spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080 } };\n`;
    const args = ['policy.yaml', '--context', 'chart.ts', '--no-config-lookup', '--rule', 'dangling-reference:error', '-f', 'github'];
    expect(cli(args, { cwd: tree({ 'policy.yaml': policy, 'chart.ts': server('web') }) })).toEqual({ code: 0, stdout: 'linkerd-lint: no problems in 1 file\n', stderr: '' });
    const missing = cli(args, { cwd: tree({ 'policy.yaml': policy, 'chart.ts': server('api') }) });
    expect(missing.stdout.split('\n')[0]).toBe(
      '::error file=policy.yaml,line=5,col=61,endLine=5,endColumn=64,title=dangling-reference::AuthorizationPolicy web targets Server web, which is not defined in namespace shop; Servers there: api',
    );
  });

  it('--fix rewrites only the literal, and a syntax error is a parse-error at its line', () => {
    const dir = tree({ 'chart.ts': NAMESPACE_TS, 'broken.ts': "export const x = { apiVersion: 'v1',\n  kind 'Namespace' };\n" });
    const run = cli(['.', '--fix', '--unsafe-fixes', '--no-config-lookup'], { cwd: dir });
    expect(readFileSync(join(dir, 'chart.ts'), 'utf8')).toBe(NAMESPACE_TS.replace("'enabled'", "'disabled'"));
    expect(run.stdout).toBe("\nbroken.ts\n  2:8  error  ',' expected.  parse-error\n\n✖ 1 problem (1 error, 0 warnings)\n");
    expect(run.code).toBe(1);
  });
});

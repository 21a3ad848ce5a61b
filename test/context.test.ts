// --context and config `context`: manifests read to resolve references, never reported on.
import { describe, expect, it } from 'vitest';
import { cli, tree } from './cli-helpers.js';

const NS = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
const CM = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: shop\ndata:\n  k: "${value}"\n`;

describe('--context', () => {
  const files = {
    'app/cm.yaml': CM('settings', 'a'),
    'repo/other.yaml': `${CM('settings', 'b')}---\n${NS('kube-system')}  annotations:\n    linkerd.io/inject: enabled\n`,
    'repo/broken.yaml': 'a: [\n',
  };

  it('reads the context but reports nothing in it: its findings, parse errors and clashes', () => {
    // Scope tree: were context manifests counted, the two ConfigMaps would clash.
    const dir = tree({ ...files, 'lint.yaml': 'rules:\n  duplicate-resource: [error, { scope: tree }]\n' });
    const r = cli(['-c', 'lint.yaml', '-f', 'json', 'app', '--context', 'repo'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: unknown[] }[];
    expect(results.map((x) => [x.filePath.slice(dir.length + 1), x.messages.length])).toEqual([['app/cm.yaml', 0]]);
  });

  it('leaves a file that is both linted and context to the lint', () => {
    const dir = tree(files);
    const r = cli(['--no-config-lookup', '--no-color', 'repo/other.yaml', '--context', 'repo/other.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('system namespace "kube-system"');
  });

  it('is a usage error when a context path does not exist', () => {
    const dir = tree(files);
    const r = cli(['--no-config-lookup', 'app', '--context', 'nowhere'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nowhere');
  });

  it('comes from the config file too, relative to it, and shows in --print-config', () => {
    const dir = tree({ ...files, '.linkerd-lint.yaml': 'context: [repo]\nreferences: strict\n' });
    const printed = JSON.parse(cli(['--print-config'], { cwd: dir }).stdout) as { context: string[]; references: string };
    expect(printed.context).toEqual([`${dir}/repo`]);
    expect(printed.references).toBe('strict');
    const r = cli(['-f', 'json', 'app'], { cwd: dir });
    expect(r.code).toBe(0);
  });

  it('refuses an unknown references mode with the key and what is allowed', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'references: loose\n', 'a.yaml': NS('a') });
    const r = cli(['a.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.linkerd-lint.yaml:1:1: references is "loose"');
    expect(r.stderr).toContain('closed-world, strict');
  });
});

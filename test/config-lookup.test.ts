import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLEAN_NAMESPACE, KUBE_SYSTEM_INJECTED, cli, tree } from './cli-helpers.js';

const PROFILE = `apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata:
  name: web.shop.svc.cluster.local
  namespace: shop
spec:
  routes:
    - name: GET /
      condition:
        method: GET
        pathRegex: /
      timeout: 1s
`;

/** `file rule severity` for every finding of a JSON report, paths relative to `dir`. */
function findings(dir: string, args: string[], cwd = dir): string[] {
  const r = cli([...args, '-f', 'json'], { cwd });
  if (r.code === 2) throw new Error(r.stderr);
  const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; severity: number }[] }[];
  return results.flatMap((x) => x.messages.map((m) => `${x.filePath.slice(dir.length + 1)} ${m.ruleId} ${m.severity}`));
}

describe('config lookup per file', () => {
  it('a config file in a subdirectory applies to the files under it when linting from the root', () => {
    const dir = tree({
      'prod/ns.yaml': KUBE_SYSTEM_INJECTED,
      'sandbox/.linkerd-lint.yaml': 'rules:\n  no-inject-system-namespace: warning\n',
      'sandbox/ns.yaml': KUBE_SYSTEM_INJECTED,
      'sandbox/deeper/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    expect(findings(dir, ['.'])).toEqual([
      'prod/ns.yaml no-inject-system-namespace 2',
      'sandbox/deeper/ns.yaml no-inject-system-namespace 1',
      'sandbox/ns.yaml no-inject-system-namespace 1',
    ]);
    // The same from inside the subdirectory, and for a file named by its path.
    expect(findings(dir, ['ns.yaml'], join(dir, 'sandbox'))).toEqual(['sandbox/ns.yaml no-inject-system-namespace 1']);
    expect(findings(dir, ['sandbox/deeper/ns.yaml', 'prod/ns.yaml'])).toEqual([
      'prod/ns.yaml no-inject-system-namespace 2',
      'sandbox/deeper/ns.yaml no-inject-system-namespace 1',
    ]);
  });

  it('the nearest config file wins with no merging of the ones above it', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'rules:\n  no-inject-system-namespace: "off"\n',
      'ns.yaml': KUBE_SYSTEM_INJECTED,
      'team/.linkerd-lint.yaml': 'extends: strict\n',
      'team/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    expect(findings(dir, ['.'])).toEqual(['team/ns.yaml no-inject-system-namespace 2']);
  });

  it('extends a parent config by path: its settings are laid over the parent, each relative to its own file', () => {
    const dir = tree({
      '.linkerd-lint.yaml':
        'extends: strict\nignore: ["team/vendor/**"]\nrules:\n  no-inject-system-namespace: warning\noverrides:\n  - files: ["team/sandbox/**"]\n    rules:\n      no-inject-system-namespace: info\n',
      'team/.linkerd-lint.yaml': 'extends: ../.linkerd-lint.yaml\nignore: ["generated/**"]\n',
      'team/ns.yaml': KUBE_SYSTEM_INJECTED,
      'team/vendor/ns.yaml': KUBE_SYSTEM_INJECTED,
      'team/generated/ns.yaml': KUBE_SYSTEM_INJECTED,
      'team/sandbox/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    expect(findings(dir, ['.'])).toEqual(['team/ns.yaml no-inject-system-namespace 1', 'team/sandbox/ns.yaml no-inject-system-namespace 1']);
    // SARIF/JSON severities: info is 1 as a warning is; --print-config tells them apart.
    const printed = JSON.parse(cli(['--print-config', 'team/sandbox/ns.yaml'], { cwd: dir }).stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({
      configFile: join(dir, 'team', '.linkerd-lint.yaml'),
      extendsFiles: [join(dir, '.linkerd-lint.yaml')],
      extends: 'strict',
      ignore: [`${dir}/team/vendor/**`, 'generated/**'],
    });
    expect((printed.rules as Record<string, unknown>)['no-inject-system-namespace']).toBe('info');
  });

  it('a loop of extends, or extending a file that does not exist, is exit 2 at the extends key', () => {
    const loop = tree({
      '.linkerd-lint.yaml': 'extends: ./team/.linkerd-lint.yaml\n',
      'team/.linkerd-lint.yaml': 'rules: {}\nextends: ../.linkerd-lint.yaml\n',
      'team/ns.yaml': CLEAN_NAMESPACE,
    });
    expect(cli(['.'], { cwd: join(loop, 'team') })).toEqual({
      code: 2,
      stdout: '',
      // Paths outside the working directory are shown whole, as everywhere.
      stderr: `linkerd-lint: ${loop}/.linkerd-lint.yaml:1:1: extends: the config files extend each other in a loop: .linkerd-lint.yaml → ${loop}/.linkerd-lint.yaml → .linkerd-lint.yaml\n`,
    });
    const missing = tree({ '.linkerd-lint.yaml': 'rules: {}\nextends: ../base.yaml\n', 'ns.yaml': CLEAN_NAMESPACE });
    expect(cli(['.'], { cwd: missing })).toEqual({
      code: 2,
      stdout: '',
      stderr: `linkerd-lint: .linkerd-lint.yaml:2:1: extends: no config file ${join(missing, '..', 'base.yaml')}; name a preset (recommended, strict, all) or the path of a config file, relative to this one\n`,
    });
  });

  it('a problem in an extended file is reported at its own file and line', () => {
    const dir = tree({
      'base.yml': 'rules:\n  no-inject-sytem-namespace: "off"\n',
      'team/.linkerd-lint.yaml': 'extends: ../base.yml\n',
      'team/ns.yaml': CLEAN_NAMESPACE,
    });
    expect(cli(['team'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'linkerd-lint: invalid configuration:\n  base.yml:2:3: rules.no-inject-sytem-namespace: unknown rule "no-inject-sytem-namespace"; did you mean "no-inject-system-namespace"?\n',
    });
  });

  it('two config files in one subdirectory are exit 2 naming both', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE, 'app/.linkerd-lint.yaml': '{}\n', 'app/.linkerd-lint.yml': '{}\n', 'app/ns.yaml': CLEAN_NAMESPACE });
    expect(cli(['.'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'linkerd-lint: two config files in one directory: app/.linkerd-lint.yaml and app/.linkerd-lint.yml; keep one\n',
    });
  });

  it('a subdirectory config ignores its own files, and the ignored-path warning names it', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'ignore: ["app/vendor/**"]\n',
      'app/.linkerd-lint.yaml': 'ignore: ["tmp/**"]\n',
      'app/tmp/ns.yaml': KUBE_SYSTEM_INJECTED,
      // The root's ignore does not reach a file another config governs.
      'app/vendor/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    expect(findings(dir, ['.'])).toEqual(['app/vendor/ns.yaml no-inject-system-namespace 2']);
    const named = cli(['app/tmp/ns.yaml'], { cwd: dir });
    expect(named.stdout).toContain('file ignored: it matches the "ignore" glob "tmp/**" in app/.linkerd-lint.yaml; pass --no-warn-ignored to hide this warning');
  });

  it('overrides may retarget a subtree to another Linkerd release and Gateway API install', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'linkerdVersion: "2.18"\noverrides:\n  - files: ["legacy/**"]\n    linkerdVersion: "2.14"\n',
      'legacy/sp.yaml': PROFILE,
      'current/sp.yaml': PROFILE,
    });
    expect(findings(dir, ['.'])).toEqual(['current/sp.yaml no-service-profile 1']);
    const printed = (path: string) => JSON.parse(cli(['--print-config', path], { cwd: dir }).stdout) as Record<string, unknown>;
    expect(printed('legacy/sp.yaml')).toMatchObject({ linkerdVersion: '2.14', linkerdRelease: '2.14' });
    expect(printed('current/sp.yaml')).toMatchObject({ linkerdVersion: '2.18', linkerdRelease: '2.18' });
    // --linkerd-version names the release of every file.
    expect(findings(dir, ['.', '--linkerd-version', '2.14'])).toEqual([]);
    const gateway = tree({
      '.linkerd-lint.yaml': 'overrides:\n  - files: ["edge/**"]\n    gatewayAPI: { version: v9.0.0, channel: standard }\n',
      'edge/ns.yaml': CLEAN_NAMESPACE,
    });
    const r = cli(['.'], { cwd: gateway });
    expect(r.stderr).toContain('linkerd-lint: gatewayAPI: Gateway API v9.0.0 is newer than the releases this linter knows');
    expect(cli(['--print-config', 'edge/ns.yaml'], { cwd: gateway }).stdout).toContain('"gatewayAPI": {\n    "version": "v9.0.0"');
  });

  it('an override with a bad release is exit 2 at its key', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'overrides:\n  - files: ["a/**"]\n    linkerdVersion: "3.1"\n', 'ns.yaml': CLEAN_NAMESPACE });
    const r = cli(['.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^linkerd-lint: invalid configuration:\n {2}\.linkerd-lint\.yaml:3:5: overrides\[0\]\.linkerdVersion: /);
  });

  it('--config and --no-config-lookup apply one configuration to every file', () => {
    const dir = tree({
      'lint.yaml': 'rules:\n  no-inject-system-namespace: warning\n',
      'sandbox/.linkerd-lint.yaml': 'rules:\n  no-inject-system-namespace: "off"\n',
      'sandbox/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    expect(findings(dir, ['.', '--config', 'lint.yaml'])).toEqual(['sandbox/ns.yaml no-inject-system-namespace 1']);
    expect(findings(dir, ['.', '--no-config-lookup'])).toEqual(['sandbox/ns.yaml no-inject-system-namespace 2']);
    expect(findings(dir, ['.'])).toEqual([]);
  });

  it('standard input with --stdin-filename gets the config of that path', () => {
    const dir = tree({ 'sandbox/.linkerd-lint.yaml': 'rules:\n  no-inject-system-namespace: warning\n' });
    const r = cli(['-', '--stdin-filename', 'sandbox/ns.yaml', '-f', 'json'], { cwd: dir, input: KUBE_SYSTEM_INJECTED });
    expect((JSON.parse(r.stdout) as { messages: { severity: number }[] }[])[0]!.messages.map((m) => m.severity)).toEqual([1]);
  });
});

// A plugin's rules through the built CLI: linting, explain, SARIF and JSON metadata,
// suppressions, fixes, --print-config, rule errors and exit codes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tree } from './cli-helpers.js';
import { ACME_PLUGIN, MESSAGE, NAMESPACE } from './plugin-helpers.js';

const CONFIG = 'plugins:\n  - ./policies/acme.mjs\nrules:\n  acme/namespace-policy: error\n';

function project(files: Record<string, string> = {}): string {
  return tree({ '.linkerd-lint.yaml': CONFIG, 'policies/acme.mjs': ACME_PLUGIN, 'ns.yaml': NAMESPACE, ...files });
}

describe('plugin rules from the CLI', () => {
  it('report at their severity with their full id, and exit 1 on an error', () => {
    const r = cli(['ns.yaml', '-f', 'github'], { cwd: project() });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(`::error file=ns.yaml,line=4,col=9,endLine=4,endColumn=17,title=acme/namespace-policy::${MESSAGE}`);
    expect(r.code).toBe(1);
    const warn = cli(['ns.yaml', '-f', 'github', '--rule', 'acme/namespace-policy:warning'], { cwd: project() });
    expect(warn.stdout.split('\n')[0]).toMatch(/^::warning file=ns\.yaml,line=4,col=9,.*title=acme\/namespace-policy::/);
    expect(warn.code).toBe(0);
  });

  it('are off without a rules: entry, and off for the files an override turns them off for', () => {
    const off = cli(['ns.yaml', '-f', 'json'], { cwd: project({ '.linkerd-lint.yaml': 'plugins: [./policies/acme.mjs]\n' }) });
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain('acme/');
    const dir = project({ '.linkerd-lint.yaml': `${CONFIG}overrides:\n  - files: ["sandbox/**"]\n    rules:\n      acme/namespace-policy: off\n`, 'sandbox/ns.yaml': NAMESPACE });
    const r = cli(['.', '-f', 'github'], { cwd: dir });
    expect(r.stdout.split('\n').filter((l) => l.includes('acme/'))).toEqual([`::error file=ns.yaml,line=4,col=9,endLine=4,endColumn=17,title=acme/namespace-policy::${MESSAGE}`]);
  });

  it('take their options from the config, validated at load time with exit 2', () => {
    const dir = project({ '.linkerd-lint.yaml': 'plugins: [./policies/acme.mjs]\nrules:\n  acme/namespace-policy: [error, { policy: deny }]\n' });
    expect(cli(['ns.yaml', '-f', 'github'], { cwd: dir }).stdout).toContain('annotation; expected "deny"');
    const bad = cli(['ns.yaml'], { cwd: project({ '.linkerd-lint.yaml': 'plugins: [./policies/acme.mjs]\nrules:\n  acme/namespace-policy: [error, { policy: open }]\n' }) });
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'linkerd-lint: invalid configuration:\n  .linkerd-lint.yaml:3:36: rules["acme/namespace-policy"][1].policy is "open"; expected one of all-authenticated, deny\n',
    });
  });

  it('a plugin that fails to load is exit 2 naming it at its plugins: line, with no stack trace', () => {
    const r = cli(['ns.yaml'], { cwd: project({ 'policies/acme.mjs': "throw new Error('not today');\n" }) });
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'linkerd-lint: invalid configuration:\n  .linkerd-lint.yaml:2:5: plugins[0]: plugin "./policies/acme.mjs" failed to load: not today\n' });
  });

  it('honour inline suppressions naming them, and report unused ones', () => {
    const suppressed = `apiVersion: v1
kind: Namespace
metadata:
  # linkerd-lint-disable-next-line acme/namespace-policy -- shared sandbox
  name: payments
---
apiVersion: v1
kind: Namespace
metadata:
  # linkerd-lint-disable-next-line acme/namespace-policy
  name: web
  annotations:
    config.linkerd.io/default-inbound-policy: deny
`;
    const r = cli(['ns.yaml', '-f', 'json'], { cwd: project({ 'ns.yaml': suppressed }) });
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; line: number; message: string }[]; suppressedMessages: { ruleId: string; suppressions: unknown[] }[] }[];
    expect(result!.suppressedMessages.map((m) => [m.ruleId, m.suppressions])).toEqual([['acme/namespace-policy', [{ kind: 'directive', justification: 'shared sandbox' }]]]);
    expect(result!.messages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(['10 unused-disable-directive']);
    expect(r.code).toBe(0);
  });

  it('are fixed with --fix --unsafe-fixes (an unsafe fix), and only reported with --fix', () => {
    const dir = project();
    const safe = cli(['ns.yaml', '--fix'], { cwd: dir });
    expect(safe.code).toBe(1);
    expect(readFileSync(join(dir, 'ns.yaml'), 'utf8')).toBe(NAMESPACE);
    const r = cli(['ns.yaml', '--fix', '--unsafe-fixes'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'ns.yaml'), 'utf8')).toBe(`${NAMESPACE}  annotations:\n    config.linkerd.io/default-inbound-policy: all-authenticated\n`);
  });

  it('are described in SARIF driver.rules and JSON rulesMeta, linking to their own docs', () => {
    const sarif = JSON.parse(cli(['ns.yaml', '-f', 'sarif'], { cwd: project() }).stdout) as {
      runs: { tool: { driver: { rules: { id: string; helpUri?: string; shortDescription: { text: string }; defaultConfiguration: unknown }[] } }; results: { ruleId: string; ruleIndex: number }[] }[];
    };
    const [run] = sarif.runs;
    const rules = run!.tool.driver.rules;
    const result = run!.results.find((r) => r.ruleId === 'acme/namespace-policy')!;
    expect(rules[result.ruleIndex]).toMatchObject({
      id: 'acme/namespace-policy',
      helpUri: 'https://example.com/acme#namespace-policy',
      shortDescription: { text: 'Require every Namespace to set its default inbound policy' },
      defaultConfiguration: { level: 'warning' },
    });
    const broken = rules.find((r) => r.id === 'acme/broken')!;
    expect(broken.helpUri).toBe('https://example.com/acme#namespace-policy');
    const meta = JSON.parse(cli(['ns.yaml', '-f', 'json-with-metadata'], { cwd: project() }).stdout) as { metadata: { rulesMeta: Record<string, { docs: { url?: string }; fixable?: string; schema: unknown[] }> } };
    expect(meta.metadata.rulesMeta['acme/namespace-policy']).toMatchObject({ docs: { url: 'https://example.com/acme#namespace-policy' }, fixable: 'code', schema: [{ type: 'object' }] });
  });

  it('explain shows a plugin rule from the config of the working directory', () => {
    const r = cli(['explain', 'acme/namespace-policy'], { cwd: project() });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'acme/namespace-policy: Require every Namespace to set its default inbound policy',
      '',
      'Category: security · Default severity: warning (once the config turns it on) · Fix: unsafe',
    ]);
    expect(r.stdout).toContain('\nDocumentation: https://example.com/acme#namespace-policy\n');
    const unknown = cli(['explain', 'acme/namespace-polcy'], { cwd: project() });
    expect(unknown.stderr).toBe(
      'linkerd-lint: unknown rule "acme/namespace-polcy"; did you mean "acme/namespace-policy"?; a plugin\'s rules are known from the config file that names the plugin (run explain where that config applies)\n',
    );
    expect(unknown.code).toBe(2);
  });

  it('--print-config lists the plugins and their rules\' settings', () => {
    const dir = project();
    const printed = JSON.parse(cli(['--print-config'], { cwd: dir }).stdout) as { plugins: Record<string, string>; rules: Record<string, unknown> };
    expect(printed.plugins).toEqual({ acme: join(dir, 'policies', 'acme.mjs') });
    expect(printed.rules['acme/namespace-policy']).toBe('error');
    expect(printed.rules['acme/broken']).toBe('off');
  });

  it('a plugin rule that throws is reported as a failed plugin rule, the rest of the run complete, exit 2', () => {
    const dir = project({ '.linkerd-lint.yaml': `${CONFIG}  acme/broken: error\n`, 'boom.yaml': NAMESPACE.replace('payments', 'boom') });
    const r = cli(['.', '-f', 'github'], { cwd: dir });
    expect(r.stderr).toBe(
      'linkerd-lint: plugin rule "acme/broken" failed on boom.yaml with TypeError: boom is not allowed (--debug shows where); its findings there are missing, the rest of the run is complete\n',
    );
    expect(r.stdout.split('\n').filter((l) => l.includes('acme/')).map((l) => l.slice(0, l.indexOf(','))).sort()).toEqual(['::error file=boom.yaml', '::error file=ns.yaml']);
    expect(r.code).toBe(2);
  });

  it('one module named by two config files is one plugin; two modules under one name in one run are exit 2', () => {
    const sub = 'plugins: [../policies/acme.mjs]\nrules:\n  acme/namespace-policy: warning\n';
    const dir = project({ 'a/.linkerd-lint.yaml': sub, 'a/ns.yaml': NAMESPACE, 'b/.linkerd-lint.yaml': sub, 'b/ns.yaml': NAMESPACE });
    const r = cli(['.', '-f', 'github'], { cwd: dir });
    expect(r.stdout.split('\n').filter((l) => l.includes('acme/')).map((l) => l.slice(0, l.indexOf(',')))).toEqual(['::warning file=a/ns.yaml', '::warning file=b/ns.yaml', '::error file=ns.yaml']);
    expect(r.code).toBe(1);
    const twice = project({ 'a/.linkerd-lint.yaml': 'plugins: [./acme.mjs]\n', 'a/acme.mjs': ACME_PLUGIN, 'a/ns.yaml': NAMESPACE });
    expect(cli(['.'], { cwd: twice })).toEqual({
      code: 2,
      stdout: '',
      stderr: `linkerd-lint: plugin "acme" is two different modules in one run: ${join(twice, 'policies', 'acme.mjs')} (.linkerd-lint.yaml) and ${join(twice, 'a', 'acme.mjs')} (a/.linkerd-lint.yaml); give them different names\n`,
    });
  });

  it('--cache results depend on the plugin module\'s text', () => {
    const dir = project();
    expect(cli(['ns.yaml', '--cache', '-f', 'github'], { cwd: dir }).code).toBe(1);
    const edited = readFileSync(join(dir, 'policies', 'acme.mjs'), 'utf8').replace('sets no {{annotation}} annotation', 'lacks {{annotation}}');
    writeFileSync(join(dir, 'policies', 'acme.mjs'), edited);
    expect(cli(['ns.yaml', '--cache', '-f', 'github'], { cwd: dir }).stdout).toContain('Namespace "payments" lacks config.linkerd.io/default-inbound-policy;');
  });
});

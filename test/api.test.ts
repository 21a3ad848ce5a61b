// The programmatic API (src/api/index.ts), called as a user would: on files in a scratch
// directory, with the config each file looks up, an inline config, overrides and fixes.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { builtinRules as registry } from '../rules/index.js';
import { type LintResult, builtinRules, formatterNames, lintFiles, lintText, loadFormatter, outputFixes } from '../src/api/index.js';
import { KUBE_SYSTEM_INJECTED } from './cli-helpers.js';

const SERVER_V1BETA1 = `apiVersion: policy.linkerd.io/v1beta1
kind: Server
metadata:
  name: web-http
  namespace: emojivoto
spec:
  podSelector:
    matchLabels:
      app: web-svc
  port: http
  proxyProtocol: HTTP/1
`;

/** `line:column rule-id` of each message, as the fixture goldens write them. */
const at = (results: readonly LintResult[]) => results.map((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'linkerd-lint-api-'));
});

function write(path: string, text: string): string {
  const file = join(dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('lintText', () => {
  it('reports findings in the shape of ESLint results', async () => {
    const results = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, filePath: 'ns.yaml', configLookup: false });
    expect(results).toHaveLength(1);
    const [r] = results;
    expect(r!.filePath).toBe(join(dir, 'ns.yaml'));
    expect(r!.messages).toEqual([
      expect.objectContaining({
        ruleId: 'no-inject-system-namespace',
        severity: 2,
        level: 'error',
        message: '"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
        line: 6,
        column: 24,
        endLine: 6,
        endColumn: 31,
        fixKind: 'unsafe',
      }),
    ]);
    expect(r).toMatchObject({ errorCount: 1, warningCount: 0, infoCount: 0, fatalErrorCount: 0, source: KUBE_SYSTEM_INJECTED });
  });

  it('lints text without a file path as <stdin>', async () => {
    const results = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir });
    expect(results.map((r) => r.filePath)).toEqual(['<stdin>']);
    expect(at(results)).toEqual([['6:24 no-inject-system-namespace']]);
  });

  it('takes the config its file path looks up', async () => {
    write('quiet/.linkerd-lint.yaml', 'rules:\n  no-inject-system-namespace: off\n');
    expect(at(await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, filePath: 'quiet/ns.yaml' }))).toEqual([[]]);
    expect(at(await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, filePath: 'loud/ns.yaml' }))).toEqual([['6:24 no-inject-system-namespace']]);
  });

  it('takes a file path outside cwd, or absolute', async () => {
    write('deploy/.linkerd-lint.yaml', 'rules:\n  no-inject-system-namespace: warning\n');
    const cwd = join(dir, 'elsewhere');
    for (const filePath of ['../deploy/ns.yaml', join(dir, 'deploy', 'ns.yaml')]) {
      const [r] = await lintText(KUBE_SYSTEM_INJECTED, { cwd, filePath });
      expect(r!.filePath).toBe(join(dir, 'deploy', 'ns.yaml'));
      expect(r!.messages.map((m) => `${m.ruleId} ${m.level}`)).toEqual(['no-inject-system-namespace warning']);
    }
  });

  it('parses TypeScript when the file path says so', async () => {
    const source = "export const ns = { apiVersion: 'v1', kind: 'Namespace',\n  metadata: { name: 'kube-system', annotations: { 'linkerd.io/inject': 'enabled' } } };\n";
    expect(at(await lintText(source, { cwd: dir, filePath: 'ns.ts', configLookup: false }))).toEqual([['2:72 no-inject-system-namespace']]);
  });
});

describe('lintFiles', () => {
  it('gives each file its nearest config', async () => {
    write('quiet/.linkerd-lint.yaml', 'rules:\n  no-inject-system-namespace: warning\n');
    write('quiet/ns.yaml', KUBE_SYSTEM_INJECTED);
    write('loud/ns.yaml', KUBE_SYSTEM_INJECTED);
    const results = await lintFiles(['.'], { cwd: dir });
    expect(results.map((r) => r.filePath)).toEqual([join(dir, 'loud/ns.yaml'), join(dir, 'quiet/ns.yaml')]);
    expect(results.map((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.level}`))).toEqual([
      ['6:24 no-inject-system-namespace error'],
      ['6:24 no-inject-system-namespace warning'],
    ]);
  });

  it('applies one config file to every file with `config`, and the defaults with `configLookup: false`', async () => {
    write('quiet/.linkerd-lint.yaml', 'rules:\n  no-inject-system-namespace: off\n');
    write('quiet/ns.yaml', KUBE_SYSTEM_INJECTED);
    write('loud/ns.yaml', KUBE_SYSTEM_INJECTED);
    expect(at(await lintFiles('.', { cwd: dir, config: 'quiet/.linkerd-lint.yaml' }))).toEqual([[], []]);
    expect(at(await lintFiles('.', { cwd: dir, configLookup: false }))).toEqual([['6:24 no-inject-system-namespace'], ['6:24 no-inject-system-namespace']]);
  });

  it('takes an inline config object for every file, over the config files', async () => {
    write('.linkerd-lint.yaml', 'rules:\n  no-inject-system-namespace: error\n');
    write('ns.yaml', KUBE_SYSTEM_INJECTED);
    write('other/ns.yaml', KUBE_SYSTEM_INJECTED);
    const results = await lintFiles('.', { cwd: dir, config: { ignore: ['other/**'], rules: { 'no-inject-system-namespace': 'info' } } });
    expect(results.map((r) => [r.filePath, r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.level}`)])).toEqual([
      [join(dir, 'ns.yaml'), ['6:24 no-inject-system-namespace info']],
    ]);
  });

  it('lays `rules` and `linkerdVersion` over the config, as --rule and --linkerd-version do', async () => {
    write('server.yaml', SERVER_V1BETA1);
    const base = await lintFiles('server.yaml', { cwd: dir, configLookup: false });
    expect(at(base)[0]).toContain('1:13 deprecated-api-version');
    const off = await lintFiles('server.yaml', { cwd: dir, configLookup: false, rules: { 'deprecated-api-version': 'off' } });
    expect(at(off)[0]).not.toContain('1:13 deprecated-api-version');
    // v1beta1 is the newest Server version of Linkerd 2.11 (policy.linkerd.io, linkerd2 PR #6746).
    const old = await lintFiles('server.yaml', { cwd: dir, configLookup: false, linkerdVersion: '2.11' });
    expect(at(old)[0]).not.toContain('1:13 deprecated-api-version');
  });

  it('reads `context` paths to resolve references, reporting nothing in them', async () => {
    write('policy.yaml', `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  requiredAuthenticationRefs: [{name: web, kind: ServiceAccount}]
`);
    const server = (name: string) => `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  port: 8080\n`;
    write('other/server.yaml', server('api'));
    write('base/server.yaml', server('web'));
    const options = { cwd: dir, configLookup: false, rules: { 'dangling-reference': 'error' as const } };
    const dangling = await lintFiles('policy.yaml', { ...options, context: ['other'] });
    expect(dangling.map((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([
      ['5:61 dangling-reference AuthorizationPolicy web targets Server web, which is not defined in namespace shop; Servers there: api'],
    ]);
    const results = await lintFiles('policy.yaml', { ...options, context: ['base'] });
    expect(results.map((r) => r.filePath)).toEqual([join(dir, 'policy.yaml')]);
    expect(at(results)).toEqual([[]]);
  });

  it('rejects a bad inline config, naming the setting', async () => {
    await expect(lintFiles('.', { cwd: dir, config: { rules: { 'no-such-rule': 'error' } } })).rejects.toThrow(/^invalid configuration:\n {2}config: /);
  });

  it('rejects a path that matches nothing', async () => {
    await expect(lintFiles('missing.yaml', { cwd: dir })).rejects.toThrow('missing.yaml');
  });
});

describe('fixes', () => {
  it('returns the fixed text and writes nothing, until outputFixes', async () => {
    const file = write('server.yaml', SERVER_V1BETA1);
    const fixed = SERVER_V1BETA1.replace('v1beta1', 'v1beta3');
    const results = await lintFiles('server.yaml', { cwd: dir, configLookup: false, fix: true });
    expect(results[0]!.output).toBe(fixed);
    expect(at(results)[0]).not.toContain('1:13 deprecated-api-version');
    expect(readFileSync(file, 'utf8')).toBe(SERVER_V1BETA1);
    await outputFixes(results);
    expect(readFileSync(file, 'utf8')).toBe(fixed);
  });

  it('fixes text, and outputFixes leaves the file of lintText alone', async () => {
    const file = write('server.yaml', SERVER_V1BETA1);
    const results = await lintText(SERVER_V1BETA1, { cwd: dir, filePath: 'server.yaml', configLookup: false, fix: true });
    expect(results[0]!.output).toBe(SERVER_V1BETA1.replace('v1beta1', 'v1beta3'));
    await outputFixes(results);
    expect(readFileSync(file, 'utf8')).toBe(SERVER_V1BETA1);
  });

  it('applies unsafe fixes only with unsafeFixes', async () => {
    const safe = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, filePath: 'ns.yaml', configLookup: false, fix: true });
    expect(safe[0]!.output).toBeUndefined();
    const unsafe = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, filePath: 'ns.yaml', configLookup: false, fix: true, unsafeFixes: true });
    expect(unsafe[0]!.output).toBe(KUBE_SYSTEM_INJECTED.replace('enabled', 'disabled'));
  });
});

describe('loadFormatter', () => {
  it('formats results with the formatters of --format', async () => {
    expect(formatterNames).toEqual(['stylish', 'json', 'json-with-metadata', 'sarif', 'github', 'junit']);
    const results = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, filePath: 'ns.yaml', configLookup: false });
    // The json format is the results themselves.
    expect((await loadFormatter('json')).format(results)).toBe(`${JSON.stringify(results)}\n`);
    expect((await loadFormatter('github')).format(results).split('\n')[0]).toBe(
      '::error file=ns.yaml,line=6,col=24,endLine=6,endColumn=31,title=no-inject-system-namespace::"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
    );
  });

  it('rejects an unknown name and results it did not make', async () => {
    await expect(loadFormatter('checkstyle')).rejects.toThrow('unknown formatter "checkstyle"; expected one of stylish, json, json-with-metadata, sarif, github, junit');
    const results = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, configLookup: false });
    const copy = JSON.parse(JSON.stringify(results)) as LintResult[];
    const stylish = await loadFormatter('stylish');
    expect(() => stylish.format(copy)).toThrow('format: every result must be one that lintFiles or lintText returned');
  });
});

describe('builtinRules', () => {
  it('describes every built-in rule, in id order', () => {
    expect(Object.keys(builtinRules)).toEqual(Object.keys(registry).sort());
    expect(builtinRules['deprecated-api-version']).toMatchObject({
      id: 'deprecated-api-version',
      category: 'deprecation',
      fix: 'safe',
      url: 'https://github.com/linkerd-lint/linkerd-lint/blob/main/docs/rules.md#deprecated-api-version',
    });
  });
});

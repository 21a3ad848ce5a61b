// What the CLI's lint command takes of the programmatic API, called as a program would:
// the cache, standard input among paths, bytes, --quiet, rule errors and the run's warnings
// (reported, not thrown), --rule pairs in order, and formatting an empty run.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type LintResult, type LintWarning, type RuleError, type RuleSetting, lintFiles, lintText, loadFormatter } from '../src/api/index.js';
import { KUBE_SYSTEM_INJECTED } from './cli-helpers.js';
import { ACME_PLUGIN, NAMESPACE } from './plugin-helpers.js';

const SERVER = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  port: 8080
`;

const POLICY = `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: {name: web, namespace: shop}
spec:
  targetRef: {group: policy.linkerd.io, kind: Server, name: web}
  requiredAuthenticationRefs: [{name: web, kind: ServiceAccount}]
`;

/** `line:column rule-id` of each message, per result. */
const at = (results: readonly LintResult[]) => results.map((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'linkerd-lint-api-run-'));
});

function write(path: string, text: string): string {
  const file = join(dir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('cache', () => {
  it('writes the results and gives them back while nothing changed, at cacheLocation when given', async () => {
    write('ns.yaml', KUBE_SYSTEM_INJECTED);
    const options = { cwd: dir, configLookup: false, cache: true };
    const first = await lintFiles('.', options);
    expect(at(first)).toEqual([['6:24 no-inject-system-namespace']]);
    const file = join(dir, '.linkerd-lint-cache');
    // What comes back is what the cache holds, not a new lint.
    writeFileSync(file, readFileSync(file, 'utf8').replace('system namespaces must not be meshed', 'from the cache'));
    const second = await lintFiles('.', options);
    expect(second[0]!.messages[0]!.message).toBe('"linkerd.io/inject: enabled" on system namespace "kube-system"; from the cache');
    // A changed file lints everything again.
    write('ns.yaml', KUBE_SYSTEM_INJECTED.replace('enabled', 'disabled'));
    expect(at(await lintFiles('.', options))).toEqual([[]]);

    const located = await lintFiles('ns.yaml', { ...options, cacheLocation: 'cache/' });
    expect(at(located)).toEqual([[]]);
    expect(JSON.parse(readFileSync(join(dir, 'cache', '.linkerd-lint-cache'), 'utf8'))).toMatchObject({ results: [{ path: join(dir, 'ns.yaml'), findings: [] }] });
  });

  it('is neither read nor written by fix runs, and says when it cannot be written', async () => {
    write('ns.yaml', KUBE_SYSTEM_INJECTED);
    write('cache', 'a file, not a directory\n');
    const fixed = await lintFiles('ns.yaml', { cwd: dir, configLookup: false, cache: true, cacheLocation: 'cache/x', fix: true, unsafeFixes: true });
    expect(fixed[0]!.output).toBe(KUBE_SYSTEM_INJECTED.replace('enabled', 'disabled'));
    const warnings: LintWarning[] = [];
    await lintFiles('ns.yaml', { cwd: dir, configLookup: false, cache: true, cacheLocation: 'cache/x', onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([{ kind: 'cache', message: expect.stringMatching(/^cannot write the cache .*\/cache\/x: /) }]);
  });
});

describe('stdin', () => {
  it('lints the text `-` stands for with the files, as one tree', async () => {
    write('server.yaml', SERVER);
    write('other/server.yaml', SERVER.replace('name: web', 'name: api'));
    const options = { cwd: dir, configLookup: false, rules: { 'dangling-reference': 'error' as const }, context: ['other'], stdin: { text: POLICY, filePath: 'policy.yaml' } };
    const results = await lintFiles(['-', 'server.yaml'], options);
    expect(results.map((r) => r.filePath)).toEqual([join(dir, 'policy.yaml'), join(dir, 'server.yaml')]);
    expect(at(results)).toEqual([[], []]);
    // Alone, the policy targets a Server that namespace shop does not define.
    expect(at(await lintFiles(['-'], options))).toEqual([['5:61 dangling-reference']]);
    // Without `stdin`, `-` is a file of that name.
    write('-', KUBE_SYSTEM_INJECTED);
    const named = await lintFiles(['-'], { cwd: dir, configLookup: false });
    expect(named.map((r) => r.filePath)).toEqual([join(dir, '-')]);
  });

  it('fixes the text and a file of the same path each to its own output', async () => {
    const v1beta1 = SERVER.replace('v1beta3', 'v1beta1');
    write('server.yaml', v1beta1);
    const text = v1beta1.replace('name: web', 'name: api');
    const results = await lintFiles(['-', 'server.yaml'], { cwd: dir, configLookup: false, fix: true, stdin: { text, filePath: 'server.yaml' } });
    expect(results.map((r) => r.output).sort()).toEqual([SERVER, text.replace('v1beta1', 'v1beta3')].sort());
  });

  it('reads text given as a function only once the config is loaded', async () => {
    let read = 0;
    const stdin = { text: async () => (read++, KUBE_SYSTEM_INJECTED) };
    await expect(lintFiles(['-'], { cwd: dir, config: { rules: { 'no-such-rule': 'error' } }, stdin })).rejects.toThrow(/^invalid configuration:/);
    expect(read).toBe(0);
    expect(at(await lintFiles(['-'], { cwd: dir, configLookup: false, stdin }))).toEqual([['6:24 no-inject-system-namespace']]);
    expect(read).toBe(1);
  });

  it('lints bytes as a file is read: a byte-order mark is not part of the text', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(KUBE_SYSTEM_INJECTED)]);
    const [result] = await lintText(new Uint8Array(bytes), { cwd: dir, filePath: 'ns.yaml', configLookup: false });
    expect(at([result!])).toEqual([['6:24 no-inject-system-namespace']]);
    expect(result!.source).toBe(KUBE_SYSTEM_INJECTED);
  });
});

describe('quiet', () => {
  it('keeps only the errors, in the messages, the counts and the reports', async () => {
    write('ns.yaml', KUBE_SYSTEM_INJECTED);
    const rules = { 'no-inject-system-namespace': 'warning' as const };
    const loud = await lintFiles('ns.yaml', { cwd: dir, configLookup: false, rules });
    expect(loud[0]).toMatchObject({ warningCount: 1, errorCount: 0 });
    const quiet = await lintFiles('ns.yaml', { cwd: dir, configLookup: false, rules, quiet: true });
    expect(quiet[0]).toMatchObject({ messages: [], warningCount: 0, errorCount: 0 });
    expect((await loadFormatter('stylish')).format(quiet)).toBe('');
    const errors = await lintFiles('ns.yaml', { cwd: dir, configLookup: false, quiet: true });
    expect(at(errors)).toEqual([['6:24 no-inject-system-namespace']]);
  });
});

describe('rule errors and warnings', () => {
  const CONFIG = 'plugins: [./policies/acme.mjs]\nrules:\n  acme/namespace-policy: error\n  acme/broken: error\n';

  it('passes a rule that throws to onRuleError and resolves with the rest; rejects without it', async () => {
    write('.linkerd-lint.yaml', CONFIG);
    write('policies/acme.mjs', ACME_PLUGIN);
    write('ns.yaml', NAMESPACE);
    write('boom.yaml', NAMESPACE.replace('payments', 'boom'));
    await expect(lintFiles('.', { cwd: dir })).rejects.toThrow('rule "acme/broken" failed on boom.yaml with TypeError: boom is not allowed');
    const errors: RuleError[] = [];
    const results = await lintFiles('.', { cwd: dir, onRuleError: (e) => errors.push(e) });
    expect(errors).toEqual([{ ruleId: 'acme/broken', file: 'boom.yaml', message: 'TypeError: boom is not allowed', stack: expect.stringContaining('boom is not allowed') }]);
    expect(at(results)).toEqual([['4:9 acme/namespace-policy'], ['4:9 acme/namespace-policy']]);
  });

  it('tells onWarning of a Gateway API release newer than the linter knows', async () => {
    write('ns.yaml', KUBE_SYSTEM_INJECTED);
    const warnings: LintWarning[] = [];
    await lintFiles('ns.yaml', { cwd: dir, config: { gatewayAPI: { version: 'v1.9.0', channel: 'standard' } }, onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.kind)).toEqual(['gateway-api']);
    expect(warnings[0]!.message).toMatch(/^gatewayAPI: Gateway API v1\.9\.0 is newer than the releases this linter knows/);
  });

  it('tells onWarning of fixes left out because they would break their file', async () => {
    write(
      'policies/breaker.mjs',
      `export default { name: 'acme', rules: { breaker: {
  meta: { id: 'breaker', description: 'Break every Namespace', category: 'correctness', defaultSeverity: 'error', fix: 'safe',
    kinds: ['Namespace'], messages: { ns: 'namespace' }, docs: { why: 'test', howToFix: 'test' } },
  check(ctx) {
    for (const resource of ctx.resources) ctx.report({ resource, messageId: 'ns', fix: () => ({ kind: 'safe', edits: [{ range: [0, 0], text: '"' }] }) });
  },
} } };
`,
    );
    write('ns.yaml', NAMESPACE);
    const warnings: LintWarning[] = [];
    const results = await lintFiles('ns.yaml', {
      cwd: dir,
      config: { plugins: ['./policies/breaker.mjs'], rules: { 'acme/breaker': 'error' } },
      fix: true,
      onWarning: (w) => warnings.push(w),
    });
    expect(results[0]!.output).toBeUndefined();
    expect(warnings).toEqual([
      { kind: 'fix-rejected', ruleIds: ['acme/breaker'], message: expect.stringMatching(/^fixes of "acme\/breaker" would leave ns\.yaml unparsable \(.+\); those fixes were not applied$/) },
    ]);
  });
});

describe('rules as pairs', () => {
  it('applies each in order, as repeated --rule flags, and checks every one', async () => {
    const rules: [string, RuleSetting][] = [['no-inject-system-namespace', 'off'], ['no-inject-system-namespace', ['warning']]];
    const [result] = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, configLookup: false, rules });
    expect(result!.messages.map((m) => `${m.ruleId} ${m.level}`)).toEqual(['no-inject-system-namespace warning']);
    await expect(lintText('', { cwd: dir, configLookup: false, rules: [['nope', 'error'], ['nope', 'warning']] })).rejects.toThrow(
      'invalid configuration:\n  --rule: unknown rule "nope"\n  --rule: unknown rule "nope"',
    );
  });
});

describe('formatting a run', () => {
  it('names the rules of an empty run\'s config, which a new array does not', async () => {
    write('.linkerd-lint.yaml', 'plugins: [./policies/acme.mjs]\n');
    write('policies/acme.mjs', ACME_PLUGIN);
    const results = await lintFiles('*.json', { cwd: dir, errorOnUnmatchedPattern: false });
    expect(results).toEqual([]);
    const sarif = await loadFormatter('sarif');
    const ruleIds = (text: string) => (JSON.parse(text) as { runs: { tool: { driver: { rules: { id: string }[] } } }[] }).runs[0]!.tool.driver.rules.map((r) => r.id);
    expect(ruleIds(sarif.format(results))).toContain('acme/namespace-policy');
    expect(ruleIds(sarif.format([...results]))).not.toContain('acme/namespace-policy');
  });

  it('passes warnings about the report to `warn`: a SARIF log cut to GitHub\'s limits', async () => {
    // One result with one finding, given 25,001 times: past the 25,000 results GitHub takes in one run.
    const [result] = await lintText(KUBE_SYSTEM_INJECTED, { cwd: dir, configLookup: false });
    const warned: string[] = [];
    (await loadFormatter('sarif')).format(Array<LintResult>(25_001).fill(result!), { warn: (m) => warned.push(m) });
    expect(warned).toEqual([expect.stringMatching(/^sarif: 1 of 25001 results left out \(/)]);
  });
});

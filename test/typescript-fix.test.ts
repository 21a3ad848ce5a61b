import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { fixParsed, lintParsed } from '../src/engine/lint.js';
import { defineRule } from '../src/engine/rule.js';
import { SourceFixer } from '../src/fix/source-fixer.js';
import { parseTypeScript, prepareTypeScript } from '../src/load/typescript/index.js';
import { SourceFile } from '../src/model/source.js';
import { ROOT } from './helpers.js';

const config = resolveConfig({}, builtinRules, ROOT);
const fixer = new SourceFixer();

function parsed(text: string) {
  return parseTypeScript(new SourceFile('/src/chart.ts', 'chart.ts', text, 'typescript'));
}

/** The text after `--fix` (and `--unsafe-fixes` when asked). */
function fixed(text: string, unsafe = false): string {
  const out = fixParsed([parsed(text)], { config, rules: builtinRules, fixer, unsafe });
  return out.results[0]!.output ?? text;
}

/** Each finding of a rule as `line:col fixable?`. */
function offered(text: string, ruleId: string): string[] {
  return lintParsed([parsed(text)], { config, rules: builtinRules, fixer })
    .results.flatMap((r) => r.findings)
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.range.start.line}:${f.range.start.column} ${f.fix ? f.fix.kind : 'no fix'}`);
}

beforeAll(async () => {
  await prepareTypeScript([new SourceFile('/x.ts', 'x.ts', 'apiVersion', 'typescript')]);
});

const SERVER = `export const server = {
  apiVersion: 'policy.linkerd.io/v1beta1', // the old one
  kind: 'Server',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080, proxyProtocol: 'HTTP/1' },
};
`;

describe('fixes in TypeScript sources', () => {
  it('replace a string literal, keeping its quotes and everything around it', () => {
    expect(fixed(SERVER)).toBe(SERVER.replace("'policy.linkerd.io/v1beta1'", "'policy.linkerd.io/v1beta3'"));
    const doubled = SERVER.replace("'policy.linkerd.io/v1beta1'", '"policy.linkerd.io/v1beta1"');
    expect(fixed(doubled)).toBe(doubled.replace('"policy.linkerd.io/v1beta1"', '"policy.linkerd.io/v1beta3"'));
  });

  it('rename a property key, quoted as it was', () => {
    const text = `const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { metadata: { annotations: { 'config.linkerd.io/proxy-cpu-limt': '1' } }, spec: { containers: [] } } } };
`;
    expect(fixed(text)).toBe(text.replace("'config.linkerd.io/proxy-cpu-limt'", "'config.linkerd.io/proxy-cpu-limit'"));
  });

  it('replace a value with an unsafe fix only when asked', () => {
    const text = `export default { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', annotations: { 'linkerd.io/inject': \`enabled\` } } };\n`;
    expect(fixed(text)).toBe(text);
    expect(fixed(text, true)).toBe(text.replace('`enabled`', '`disabled`'));
  });

  it('offer no fix where the edit is not a literal of the resource itself', () => {
    // The class gives the apiVersion: no literal to replace.
    const kube = `import * as k8s from './imports/k8s';
new k8s.KubeIngressV1Beta1(this, 'i', { metadata: { name: 'i', namespace: 'shop' } });
`;
    expect(offered(kube, 'deprecated-api-version')).toEqual([]);
    // A constant that other objects may share.
    const shared = `const V = 'policy.linkerd.io/v1beta1';
export const s = { apiVersion: V, kind: 'Server', metadata: { name: 'web', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080 } };
`;
    expect(offered(shared, 'deprecated-api-version')).toEqual(['1:11 no fix']);
    expect(offered(SERVER, 'deprecated-api-version')).toEqual(['2:15 safe']);
    // Adding a key is more than a literal replacement.
    const service = `export const svc = { apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'cart', namespace: 'shop', annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '3' } },
  spec: { ports: [{ port: 80 }] } };
`;
    expect(offered(service, 'retry-without-timeout')).toEqual(['2:95 no fix']);
    // In YAML the same finding inserts retry.linkerd.io/timeout.
    expect(fixed(service, true)).toBe(service);
  });

  it('never writes a source that no longer parses', () => {
    const breaker = defineRule({
      meta: {
        id: 'breaker',
        description: 'Report every Server',
        category: 'correctness',
        defaultSeverity: 'error',
        fix: 'safe',
        kinds: ['Server'],
        messages: { server: 'server' },
        docs: { why: 'test', howToFix: 'test' },
      },
      check(ctx) {
        for (const resource of ctx.resources) {
          ctx.report({ resource, messageId: 'server', fix: () => ({ kind: 'safe', edits: [{ range: [0, 6], text: 'export {{' }] }) });
        }
      },
    });
    const rules = { breaker };
    const out = fixParsed([parsed(SERVER)], { config: resolveConfig({ rules: { breaker: 'error' } }, rules, ROOT), rules, fixer, unsafe: false });
    expect(out.changed.size).toBe(0);
    expect(out.rejected.map((r) => r.message)).toEqual([
      'fixes of "breaker" would leave chart.ts unparsable (1:9 Identifier expected.); those fixes were not applied',
    ]);
  });
});

// The rule API as a rule author meets it: where reports point, per-fix safety, option
// defaults, the context a rule reads, and (checked by `npm run typecheck`) the types.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { resolveConfig } from '../src/engine/config.js';
import { fixParsed, lintParsed } from '../src/engine/lint.js';
import { type Rule, type RuleContext, defineRule, optionDefaults } from '../src/engine/rule.js';
import { YamlFixer } from '../src/fix/fixer.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';

const TEXT = `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    example.com/mode: fast
spec:
  ports:
    - port: 80
`;

function parsed(text = TEXT) {
  return parseSource(new SourceFile('/virtual/svc.yaml', 'svc.yaml', text, 'yaml'));
}

function lint(rule: Rule<any, any>, raw: Record<string, unknown> = {}, text = TEXT) {
  const rules = { [rule.meta.id]: rule };
  const config = resolveConfig({ extends: 'all', ...raw }, rules, '/virtual');
  return lintParsed([parsed(text)], { config, rules, fixer: new YamlFixer() });
}

const DOCS = { why: 'Only for the tests of the rule API, never registered as a rule.', howToFix: 'Nothing to fix here at all.' };

describe('report locations', () => {
  const rule = defineRule({
    meta: {
      id: 'test-locations',
      description: 'Report places',
      category: 'correctness',
      defaultSeverity: 'warning',
      fix: 'none',
      kinds: ['Service'],
      messages: { here: 'here' },
      docs: DOCS,
    },
    check(ctx) {
      const resource = ctx.resources[0]!;
      const annotation = ['metadata', 'annotations', 'example.com/mode'];
      ctx.report({ resource, path: annotation, at: 'key', messageId: 'here' });
      ctx.report({ resource, path: annotation, messageId: 'here' });
      ctx.report({ resource, path: [], messageId: 'here' });
      ctx.report({ resource, messageId: 'here' });
      ctx.report({ resource, path: ['spec', 'missing', 'deeper'], messageId: 'here' });
    },
  });

  it("points at the key with at: 'key', at the value by default, at the head for [] or no path", () => {
    const found = lint(rule).results[0]!.findings.map((f) => `${f.range.start.line}:${f.range.start.column}`);
    // Sorted by position: spec (missing key → nearest parent), head twice, key, value.
    expect(found.sort()).toEqual(['2:1', '2:1', '6:23', '6:5', '7:1'].sort());
  });
});

describe('per-fix safety', () => {
  const rule = defineRule({
    meta: {
      id: 'test-both',
      description: 'Report fixes of both kinds',
      category: 'correctness',
      defaultSeverity: 'warning',
      fix: 'both',
      kinds: ['Service'],
      messages: { mode: 'mode', port: 'port' },
      docs: { ...DOCS, fixSafety: 'The mode fix is safe; the port fix changes what runs.' },
    },
    check(ctx) {
      const resource = ctx.resources[0]!;
      ctx.report({
        resource,
        path: ['metadata', 'annotations', 'example.com/mode'],
        messageId: 'mode',
        fix: (fixer) => ({ kind: 'safe', edits: fixer.setScalar(resource, ['metadata', 'annotations', 'example.com/mode'], 'slow') }),
      });
      ctx.report({
        resource,
        path: ['spec', 'ports', 0, 'port'],
        messageId: 'port',
        fix: (fixer) => ({ kind: 'unsafe', edits: fixer.setScalar(resource, ['spec', 'ports', 0, 'port'], 8080) }),
      });
    },
  });

  it('gives each finding the kind its own fix declares', () => {
    const kinds = lint(rule).results[0]!.findings.map((f) => [f.messageId, f.fix?.kind]);
    expect(kinds).toEqual([
      ['mode', 'safe'],
      ['port', 'unsafe'],
    ]);
  });

  it('applies the safe fix alone without --unsafe-fixes, both with it', () => {
    const rules = { [rule.meta.id]: rule };
    const config = resolveConfig({ extends: 'all' }, rules, '/virtual');
    const safeOnly = fixParsed([parsed()], { config, rules, fixer: new YamlFixer(), unsafe: false });
    expect([...safeOnly.changed.values()]).toEqual([TEXT.replace('fast', 'slow')]);
    const both = fixParsed([parsed()], { config, rules, fixer: new YamlFixer(), unsafe: true });
    expect([...both.changed.values()]).toEqual([TEXT.replace('fast', 'slow').replace('port: 80', 'port: 8080')]);
  });

  it('refuses a fix of a kind meta.fix does not offer, as a rule error', () => {
    const unsafeOnly = { ...rule, meta: { ...rule.meta, id: 'test-unsafe-only', fix: 'unsafe' as const } };
    const out = lint(unsafeOnly);
    expect(out.ruleErrors.map((e) => e.message.split('\n')[0])).toEqual([
      'Error: rule "test-unsafe-only" produced a safe fix but its meta.fix is "unsafe"',
    ]);
  });
});

describe('options and context', () => {
  interface Options {
    limit: number;
    names: string[];
  }
  const seen: { options: Options; clusterDomain: string }[] = [];
  const rule = defineRule({
    meta: {
      id: 'test-options',
      description: 'Report nothing, record what the rule sees',
      category: 'correctness',
      defaultSeverity: 'warning',
      fix: 'none',
      messages: { never: 'never' },
      defaultOptions: optionDefaults<Options>({ limit: 3, names: ['a'] }),
      docs: DOCS,
    },
    check(ctx) {
      seen.push({ options: ctx.options, clusterDomain: ctx.clusterDomain });
    },
  });

  it('runs with meta.defaultOptions when the config gives none', () => {
    seen.length = 0;
    lint(rule);
    expect(seen).toEqual([{ options: { limit: 3, names: ['a'] }, clusterDomain: 'cluster.local' }]);
  });

  it('lets the config override each option, keeping the other defaults', () => {
    seen.length = 0;
    // Options of rules outside the built-in set are not schema-checked by the precompiled validators.
    const rules = { [rule.meta.id]: rule };
    const config = resolveConfig({ extends: 'all', clusterDomain: 'example.org' }, rules, '/virtual');
    const settings = new Map([[rule.meta.id, { severity: 'warning' as const, options: { limit: 9 } }]]);
    const out = lintParsed([parsed()], { config: Object.assign(Object.create(config), { forFile: () => ({ rules: settings, env: config.baseSettings.env }) }), rules });
    expect(out.ruleErrors).toEqual([]);
    expect(seen).toEqual([{ options: { limit: 9, names: ['a'] }, clusterDomain: 'example.org' }]);
  });
});

// Compiled by `npm run typecheck`, never run: each @ts-expect-error must be an error.
export function typeLevelChecks() {
  defineRule({
    meta: {
      id: 'typed',
      description: 'Report typed things',
      category: 'correctness',
      defaultSeverity: 'warning',
      fix: 'safe',
      messages: { known: 'known' },
      defaultOptions: optionDefaults<{ scope: 'file' | 'tree' }>({ scope: 'file' }),
      docs: DOCS,
    },
    check(ctx) {
      expectTypeOf(ctx.options.scope).toEqualTypeOf<'file' | 'tree'>();
      expectTypeOf(ctx).toEqualTypeOf<RuleContext<{ scope: 'file' | 'tree' }, 'known'>>();
      const resource = ctx.resources[0]!;
      ctx.report({ resource, messageId: 'known' });
      // @ts-expect-error a message id the rule does not declare
      ctx.report({ resource, messageId: 'typo' });
      // @ts-expect-error an option the rule does not declare
      void ctx.options.limit;
      // @ts-expect-error a fix must say whether it is safe
      ctx.report({ resource, messageId: 'known', fix: (fixer) => fixer.removeKey(resource, ['spec']) });
    },
  });
  defineRule({
    meta: {
      id: 'untyped-options',
      description: 'Report with no options',
      category: 'correctness',
      defaultSeverity: 'warning',
      fix: 'none',
      messages: { only: 'only' },
      docs: DOCS,
    },
    check(ctx) {
      // @ts-expect-error a rule without defaultOptions has no options
      void ctx.options.anything;
    },
  });
}

describe('context resources', () => {
  it('are in ctx.tree for cross-resource checks but never reported on', async () => {
    const { runRules } = await import('../src/engine/run.js');
    const names: string[] = [];
    const rule = defineRule({
      meta: {
        id: 'test-context',
        description: 'Report every Service of the tree',
        category: 'correctness',
        defaultSeverity: 'warning',
        fix: 'none',
        kinds: ['Service'],
        messages: { seen: 'seen {{name}}' },
        docs: DOCS,
      },
      check(ctx) {
        for (const r of ctx.tree.ofKind('Service', '')) {
          names.push(r.name!);
          ctx.report({ resource: r, messageId: 'seen', data: { name: r.name! } });
        }
      },
    });
    const context = parseSource(new SourceFile('/cluster/api.yaml', 'api.yaml', TEXT.replace('name: web', 'name: api'), 'yaml'));
    const settings = new Map([[rule.meta.id, { severity: 'warning' as const, options: {} }]]);
    const out = runRules({
      files: [parsed()],
      rules: { [rule.meta.id]: rule },
      settingsFor: () => settings,
      target: resolveConfig({}, {}, '/virtual').target,
      clusterDomain: 'cluster.local',
      context: context.resources,
    });
    expect(names.sort()).toEqual(['api', 'web']);
    expect(out.findings.map((f) => f.message)).toEqual(['seen web']);
  });
});

describe('per-finding severity', () => {
  const rule = defineRule({
    meta: {
      id: 'test-severity',
      description: 'Report at a lower severity when asked',
      category: 'security',
      defaultSeverity: 'warning',
      fix: 'none',
      kinds: ['Service'],
      messages: { lowered: 'lowered', raised: 'raised' },
      docs: DOCS,
    },
    check(ctx) {
      const resource = ctx.resources[0]!;
      ctx.report({ resource, messageId: 'lowered', severity: 'info' });
      ctx.report({ resource, messageId: 'raised', severity: 'error' });
    },
  });

  it('lowers a finding below the rule severity, never raises it', () => {
    const severities = (raw: Record<string, unknown>) => lint(rule, raw).results[0]!.findings.map((f) => [f.messageId, f.severity]);
    expect(severities({})).toEqual([
      ['lowered', 'info'],
      ['raised', 'warning'],
    ]);
    expect(severities({ extends: 'strict' })).toEqual([
      ['lowered', 'info'],
      ['raised', 'error'],
    ]);
  });
});

describe('Linkerd output', () => {
  const RENDERED = `apiVersion: v1
kind: Service
metadata:
  name: linkerd-dst
  namespace: linkerd
  labels:
    linkerd.io/control-plane-component: destination
spec:
  ports: [{port: 8086}]
---
apiVersion: v1
kind: Service
metadata:
  name: own
  namespace: linkerd
  annotations:
    linkerd.io/created-by: linkerd/helm stable-2.14.10
---
${TEXT}`;
  const rule = (skipLinkerdOutput: boolean) =>
    defineRule({
      meta: {
        id: 'test-rendered',
        description: 'Report every Service',
        category: 'security',
        defaultSeverity: 'warning',
        fix: 'none',
        kinds: ['Service'],
        skipLinkerdOutput,
        messages: { service: '{{name}}' },
        docs: DOCS,
      },
      check(ctx) {
        // Through the tree too: a finding on Linkerd's output is dropped however it was reached.
        for (const resource of ctx.tree.ofKind('Service', '')) ctx.report({ resource, messageId: 'service', data: { name: resource.name! } });
      },
    });
  const names = (r: Rule<any, any>, raw: Record<string, unknown> = {}) => lint(r, raw, RENDERED).results[0]!.findings.map((f) => f.message);

  it('does not take a Pod that linkerd inject annotated for Linkerd output', async () => {
    const { renderedByLinkerd } = await import('../src/linkerd/rendered.js');
    const pod = parsed('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    linkerd.io/created-by: linkerd/cli stable-2.14.10\n');
    expect(renderedByLinkerd(pod.resources[0]!)).toBe(false);
    expect(renderedByLinkerd(parsed(RENDERED).resources[1]!)).toBe(true);
  });

  it('is skipped by rules that ask, unless the config says linkerdOutput: lint', () => {
    expect(names(rule(true))).toEqual(['web']);
    expect(names(rule(true), { linkerdOutput: 'lint' })).toEqual(['linkerd-dst', 'own', 'web']);
    expect(names(rule(false))).toEqual(['linkerd-dst', 'own', 'web']);
  });
});

describe('a rule that throws', () => {
  const rule = defineRule({
    meta: {
      id: 'test-throws',
      description: 'Throw on one resource',
      category: 'correctness',
      defaultSeverity: 'warning',
      fix: 'none',
      kinds: ['Service'],
      messages: { seen: 'saw {{name}}' },
      docs: DOCS,
    },
    check(ctx) {
      for (const resource of ctx.resources) {
        if (resource.name === 'bad') throw new TypeError('cannot read the bad one');
        ctx.report({ resource, messageId: 'seen', data: { name: resource.name ?? '' } });
      }
    },
  });

  it('is reported with the file it fails on, and still reports every other file', () => {
    const rules = { [rule.meta.id]: rule };
    const config = resolveConfig({ extends: 'all' }, rules, '/virtual');
    const file = (name: string) => parseSource(new SourceFile(`/virtual/${name}.yaml`, `${name}.yaml`, TEXT.replace('name: web', `name: ${name}`), 'yaml'));
    const out = lintParsed([file('a'), file('bad'), file('c')], { config, rules, fixer: new YamlFixer() });
    expect(out.ruleErrors.map(({ ruleId, file: f, message }) => ({ ruleId, file: f, message }))).toEqual([
      { ruleId: 'test-throws', file: 'bad.yaml', message: 'TypeError: cannot read the bad one' },
    ]);
    expect(out.ruleErrors[0]!.stack).toContain('cannot read the bad one');
    expect(out.results.map((r) => [r.file.displayPath, r.findings.map((f) => f.message)])).toEqual([
      ['a.yaml', ['saw a']],
      ['bad.yaml', []],
      ['c.yaml', ['saw c']],
    ]);
  });
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintPaths } from '../src/engine/lint.js';
import { resolveConfig } from '../src/engine/config.js';
import type { Finding } from '../src/engine/rule.js';
import { defaultTarget } from '../src/linkerd/releases.js';
import { SourceFile } from '../src/model/source.js';
import { escapeData, escapeProperty, github } from '../src/report/github.js';
import { escapeXml, junit } from '../src/report/junit.js';
import { sarif } from '../src/report/sarif.js';
import { GZIP_BUDGET_BYTES, truncationInvocation, truncationWarning } from '../src/report/sarif-limits.js';
import type { FileResult, FormatContext } from '../src/report/types.js';
import { HOMEPAGE, TOOL } from '../src/version.js';
import { CLEAN_NAMESPACE, KUBE_SYSTEM_INJECTED, cli, tree } from './cli-helpers.js';
import { sharedPath } from './helpers.js';

const SCHEMA = sharedPath('reference', 'sarif', 'sarif-schema-2.1.0.json');
// ajv-draft-04 is CommonJS; under NodeNext its class is the default export's `default`.
const Ajv = (AjvDraft04 as unknown as { default: typeof AjvDraft04.default }).default;
const validateSarif = SCHEMA
  ? new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object)
  : undefined;

function expectValidSarif(log: unknown): void {
  if (!validateSarif) return;
  const ok = validateSarif(log);
  expect(validateSarif.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

function ctxFor(dir: string, sourceRoot = dir): FormatContext {
  return { cwd: dir, sourceRoot, color: false, rules: builtinRules, target: defaultTarget(), tool: { ...TOOL, version: '1.2.3' }, fixMode: 'none' };
}

async function lintDir(dir: string, cwd = dir): Promise<FileResult[]> {
  const config = resolveConfig({}, builtinRules, dir);
  const { results } = await lintPaths({ cwd, paths: ['.'], config, rules: builtinRules });
  return results;
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification?: string }[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
  properties: Record<string, unknown>;
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: string;
    results: SarifResult[];
  }[];
}

function sarifOf(results: FileResult[], ctx: FormatContext): SarifLog {
  const log = JSON.parse(sarif(results, ctx)) as SarifLog;
  expectValidSarif(log);
  return log;
}

const SUPPRESSED = `apiVersion: v1
kind: Namespace
metadata:
  name: cert-manager
  annotations:
    # linkerd-lint-disable-next-line no-inject-system-namespace -- lab cluster
    linkerd.io/inject: enabled
`;

describe('sarif', () => {
  it.skipIf(!validateSarif)('the official SARIF 2.1.0 schema is read from ../shared', () => {
    expect(validateSarif).toBeDefined();
    expect(validateSarif!({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it('carries tool, rules and results as GitHub code scanning reads them', async () => {
    const dir = tree({
      'deploy/ns.yaml': KUBE_SYSTEM_INJECTED,
      'deploy/cm.yaml': SUPPRESSED,
      'deploy/broken.yaml': 'kind: A\nb: [c\n',
      'charts/t.yaml': 'kind: {{ .Values.kind }}\n',
    });
    const log = sarifOf(await lintDir(dir), ctxFor(dir));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe('linkerd-lint');
    expect(run.tool.driver.semanticVersion).toBe('1.2.3');
    expect(run.tool.driver.informationUri).toBe(HOMEPAGE);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${dir}/`);

    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(Object.keys(builtinRules));
    for (const rule of run.tool.driver.rules) {
      const meta = builtinRules[rule.id]!.meta;
      expect(rule.shortDescription.text).toBe(meta.description);
      expect(rule.fullDescription.text.length).toBeGreaterThan(20);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help.markdown).toContain(meta.docs.howToFix);
      expect(rule.help.text).toContain('How to fix: ');
      expect(rule.helpUri).toBe(`${HOMEPAGE}/blob/main/docs/rules.md#${rule.id}`);
      expect(rule.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[meta.defaultSeverity]);
      expect(rule.properties.tags).toContain(meta.category);
      expect(rule.properties.precision).toBe(meta.precision);
      expect('security-severity' in rule.properties).toBe(meta.category === 'security');
      expect((rule.properties.tags as string[]).filter((t) => t.startsWith('external/cwe/'))).toEqual(
        (meta.cwe ?? []).map((id) => `external/cwe/${id.toLowerCase()}`),
      );
    }
    const inject = run.tool.driver.rules.find((r) => r.id === 'no-inject-system-namespace')!;
    expect(inject.name).toBe('NoInjectSystemNamespace');
    expect(inject.properties['security-severity']).toBe('7.5');

    const summary = run.results.map((r) => {
      const loc = r.locations[0]!.physicalLocation;
      const { startLine, startColumn, endLine, endColumn } = loc.region;
      return `${loc.artifactLocation.uriBaseId} ${loc.artifactLocation.uri} ${startLine}:${startColumn}-${endLine}:${endColumn} ${r.level} ${r.ruleId}${r.suppressions ? ` suppressed(${JSON.stringify(r.suppressions)})` : ''}`;
    });
    expect(summary).toEqual([
      '%SRCROOT% charts/t.yaml 1:7-1:25 warning template-not-rendered',
      '%SRCROOT% deploy/broken.yaml 2:5-2:6 error parse-error',
      '%SRCROOT% deploy/cm.yaml 7:24-7:31 error no-inject-system-namespace suppressed([{"kind":"inSource","justification":"lab cluster"}])',
      '%SRCROOT% deploy/ns.yaml 6:24-6:31 error no-inject-system-namespace',
    ]);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.partialFingerprints['linkerdLint/v1']).toMatch(/^[0-9a-f]{32}:1$/);
      expect(r.partialFingerprints.primaryLocationLineHash).toBeUndefined();
    }
    expect(run.results[3]!.message.text).toBe(
      '"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
    );
  });

  it('an empty run still has "results": []', async () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE });
    const text = sarif(await lintDir(dir), ctxFor(dir));
    expect(text).toContain('"results": []');
    expect(sarifOf([], ctxFor(dir)).runs[0]!.results).toEqual([]);
  });

  it('fingerprints survive lines and documents inserted above, and tell findings apart', async () => {
    const body = `${KUBE_SYSTEM_INJECTED}---
apiVersion: v1
kind: Namespace
metadata:
  name: kube-public
  annotations:
    linkerd.io/inject: enabled
---
a: [b
`;
    const before = tree({ 'ns.yaml': body });
    const after = tree({
      'ns.yaml': `# a comment\n\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unrelated\n---\n${body}`,
    });
    const runOf = async (dir: string) => sarifOf(await lintDir(dir), ctxFor(dir)).runs[0]!.results;
    const a = await runOf(before);
    const b = await runOf(after);
    expect(a.map((r) => `${r.ruleId}@${r.locations[0]!.physicalLocation.region.startLine}`)).toEqual([
      'no-inject-system-namespace@6',
      'no-inject-system-namespace@13',
      'parse-error@15',
    ]);
    expect(b.map((r) => r.locations[0]!.physicalLocation.region.startLine)).toEqual([13, 20, 22]);
    expect(b.map((r) => r.partialFingerprints)).toEqual(a.map((r) => r.partialFingerprints));
    expect(new Set(a.map((r) => r.partialFingerprints['linkerdLint/v1'])).size).toBe(3);
  });

  it('identical findings in one file are numbered apart', async () => {
    const dir = tree({ 'ns.yaml': `${KUBE_SYSTEM_INJECTED}---\n${KUBE_SYSTEM_INJECTED}` });
    const prints = sarifOf(await lintDir(dir), ctxFor(dir)).runs[0]!.results.map((r) => r.partialFingerprints['linkerdLint/v1']!);
    expect(prints).toHaveLength(2);
    expect(prints[0]!.replace(/:1$/, ':2')).toBe(prints[1]);
  });

  it('paths are relative to the repository root even when run from a subdirectory', () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', 'deploy/my app/ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = cli(['.', '-f', 'sarif'], { cwd: join(dir, 'deploy') });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as SarifLog;
    expectValidSarif(log);
    expect(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'deploy/my%20app/ns.yaml', uriBaseId: '%SRCROOT%' });
    expect(log.runs[0]!.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${dir}/`);
  });

  it('standard input without a name gets a relative URI and stays valid', () => {
    const r = cli(['-', '-f', 'sarif'], { input: KUBE_SYSTEM_INJECTED });
    const log = JSON.parse(r.stdout) as SarifLog;
    expectValidSarif(log);
    expect(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'stdin' });
  });
});

/** `bytes` pseudo-random bytes as base64, the same for the same seed: text gzip cannot shrink much. */
function noise(seed: number, bytes: number): string {
  const out = Buffer.alloc(bytes);
  let x = (seed + 1) * 2654435761 >>> 0;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out.toString('base64');
}

function finding(file: SourceFile, over: Partial<Finding> & Pick<Finding, 'message'>): Finding {
  return { ruleId: 'parse-error', severity: 'error', file, range: file.lines.range(0, 1), ...over };
}

describe('github', () => {
  it('escapes data and property values as the runner decodes them', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeProperty('a,b: 100%\n')).toBe('a%2Cb%3A 100%25%0A');
  });

  it('prints one workflow command per finding, then a summary', async () => {
    const dir = tree({
      'deploy/ns.yaml': KUBE_SYSTEM_INJECTED,
      'deploy/cm.yaml': SUPPRESSED,
      'deploy/ok.yaml': CLEAN_NAMESPACE,
      'a,b:c.yaml': 'kind: {{ .Values.kind }}\n',
    });
    expect(github(await lintDir(dir), ctxFor(dir))).toBe(
      '::warning file=a%2Cb%3Ac.yaml,line=1,col=7,endLine=1,endColumn=25,title=template-not-rendered::file is an unrendered template ("{{ .Values.kind }}"); it was not linted. Lint the output of `helm template` instead\n' +
        '::error file=deploy/ns.yaml,line=6,col=24,endLine=6,endColumn=31,title=no-inject-system-namespace::"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed\n' +
        'linkerd-lint: 1 error, 1 warning, 0 notices in 2 files (4 files linted)\n',
    );
  });

  it('drops columns on multi-line ranges, maps info to notice, escapes messages', () => {
    const file = new SourceFile('/repo/x.yaml', 'x.yaml', 'a: |\n  b\n  c\n', 'yaml');
    const out = github(
      [{ file, findings: [finding(file, { severity: 'info', ruleId: 'some-rule', message: '50% of\nit', range: file.lines.range(3, 11) })] }],
      ctxFor('/repo'),
    );
    expect(out).toBe('::notice file=x.yaml,line=1,endLine=3,title=some-rule::50%25 of%0Ait\nlinkerd-lint: 0 errors, 0 warnings, 1 notice in 1 file (1 file linted)\n');
  });

  it('says so when there is nothing to report', () => {
    expect(github([], ctxFor('/repo'))).toBe('linkerd-lint: no problems in 0 files\n');
  });
});

describe('junit', () => {
  it('escapes markup, quotes, line breaks and characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">'&'</a>\n\u0001\uD800`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#10;\uFFFD\uFFFD');
    expect(escapeXml('😀')).toBe('😀');
  });

  it('one suite per file; findings fail, suppressed ones are skipped, a file without active findings passes', async () => {
    const dir = tree({ 'cm.yaml': SUPPRESSED, 'ns.yaml': KUBE_SYSTEM_INJECTED, 'ok.yaml': CLEAN_NAMESPACE });
    expect(junit(await lintDir(dir), ctxFor(dir))).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="linkerd-lint" tests="4" failures="1" errors="0" skipped="1" time="0">
  <testsuite name="cm.yaml" tests="2" failures="0" errors="0" skipped="1" time="0">
    <testcase classname="cm.yaml" name="7:24 no-inject-system-namespace" time="0">
      <skipped message="suppressed: lab cluster"/>
    </testcase>
    <testcase classname="cm.yaml" name="linkerd-lint" time="0"/>
  </testsuite>
  <testsuite name="ns.yaml" tests="1" failures="1" errors="0" skipped="0" time="0">
    <testcase classname="ns.yaml" name="6:24 no-inject-system-namespace" time="0">
      <failure message="&quot;linkerd.io/inject: enabled&quot; on system namespace &quot;kube-system&quot;; system namespaces must not be meshed" type="error">ns.yaml:6:24 error &quot;linkerd.io/inject: enabled&quot; on system namespace &quot;kube-system&quot;; system namespaces must not be meshed (no-inject-system-namespace)</failure>
    </testcase>
  </testsuite>
  <testsuite name="ok.yaml" tests="1" failures="0" errors="0" skipped="0" time="0">
    <testcase classname="ok.yaml" name="linkerd-lint" time="0"/>
  </testsuite>
</testsuites>
`);
  });
});

describe('several formats in one run', () => {
  it('prints stylish and writes SARIF and JUnit files', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = cli(['ns.yaml', '-f', 'stylish', '-f', 'sarif', '-f', 'junit', '-o', 'sarif=out/results.sarif', '-o', 'junit=out/junit.xml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('6:24  error  "linkerd.io/inject: enabled" on system namespace "kube-system"');
    const log = JSON.parse(readFileSync(join(dir, 'out/results.sarif'), 'utf8')) as SarifLog;
    expectValidSarif(log);
    expect(log.runs[0]!.results.map((x) => x.ruleId)).toEqual(['no-inject-system-namespace']);
    expect(readFileSync(join(dir, 'out/junit.xml'), 'utf8')).toContain('<testsuite name="ns.yaml" tests="1" failures="1"');
  });

  it('the github format goes to standard output next to a SARIF file', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out/results.sarif'), 'stale');
    const r = cli(['.', '-f', 'github', '-f', 'sarif', '-o', 'sarif=out/results.sarif'], { cwd: dir });
    expect(r.stdout.split('\n')[0]).toBe(
      '::error file=ns.yaml,line=6,col=24,endLine=6,endColumn=31,title=no-inject-system-namespace::"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
    );
    expect(JSON.parse(readFileSync(join(dir, 'out/results.sarif'), 'utf8'))).toHaveProperty('version', '2.1.0');
  });
});

describe('sarif within GitHub code scanning limits', () => {
  it('keeps at most 25,000 results, the most severe first, and says how many it left out', () => {
    const file = new SourceFile('/repo/x.yaml', 'x.yaml', 'a: 1\n', 'yaml');
    const levels = ['info', 'warning', 'error'] as const;
    // 25,002 findings cycling info, warning, error: 8,334 of each.
    const findings = Array.from({ length: 25_002 }, (_, i) =>
      finding(file, { ruleId: 'no-open-network', severity: levels[i % 3]!, message: `finding ${i}` }),
    );
    const warnings: string[] = [];
    const log = JSON.parse(sarif([{ file, findings }], { ...ctxFor('/repo'), warn: (m) => warnings.push(m) })) as SarifLog & {
      runs: { invocations?: unknown[] }[];
    };
    expectValidSarif(log);
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(25_000);
    const count = (level: string) => results.filter((r) => r.level === level).length;
    expect([count('error'), count('warning'), count('note')]).toEqual([8334, 8334, 8332]);
    // Stable inside a level: errors in input order, and the two notes left out are the last ones.
    expect(results[0]!.message.text).toBe('finding 2');
    expect(results[8333]!.message.text).toBe('finding 25001');
    expect(results[24_999]!.message.text).toBe('finding 24993');
    expect(log.runs[0]!.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: {
              text: '2 of 25002 results were left out: GitHub code scanning accepts at most 25000 results per run. The most severe are kept (errors, then warnings, then notes).',
            },
            descriptor: { id: 'results-truncated' },
          },
        ],
      },
    ]);
    expect(warnings).toEqual([
      'sarif: 2 of 25002 results left out (GitHub code scanning accepts at most 25000 per run); the 25000 most severe are kept',
    ]);
  });

  it('drops the least severe results until the log gzips within 10 MB, and says so with the sizes', () => {
    const file = new SourceFile('/repo/x.yaml', 'x.yaml', 'a: 1\n', 'yaml');
    const levels = ['info', 'warning', 'error'] as const;
    // 1,800 findings with 8,000 characters of noise each: 11 MB compressed, over GitHub's 10 MB, far under the count limit.
    const findings = Array.from({ length: 1_800 }, (_, i) =>
      finding(file, { ruleId: 'no-open-network', severity: levels[i % 3]!, message: `finding ${i} ${noise(i, 6_000)}` }),
    );
    const warnings: string[] = [];
    const text = sarif([{ file, findings }], { ...ctxFor('/repo'), warn: (m) => warnings.push(m) });
    const log = JSON.parse(text) as SarifLog & { runs: { invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
    expectValidSarif(log);
    const compressed = gzipSync(text).length;
    expect(compressed).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
    expect(compressed).toBeLessThan(10_000_000);
    const results = log.runs[0]!.results;
    // All 600 errors and 600 warnings kept, then the first notes in file order.
    const levelsKept = results.map((r) => r.level);
    expect(levelsKept.slice(0, 1_200)).toEqual([...Array<string>(600).fill('error'), ...Array<string>(600).fill('warning')]);
    const notes = results.slice(1_200);
    expect(notes.every((r) => r.level === 'note')).toBe(true);
    expect(notes.map((r) => r.message.text.split(' ')[1])).toEqual(notes.map((_, i) => String(i * 3)));
    const kept = results.length;
    expect(kept).toBeGreaterThan(1_200);
    expect(kept).toBeLessThan(1_800);
    // It keeps close to as many as fit: within 1% of the budget.
    expect(compressed).toBeGreaterThan(GZIP_BUDGET_BYTES * 0.99);

    expect(warnings).toHaveLength(1);
    const m = /^sarif: (\d+) of 1800 results left out \(GitHub code scanning accepts at most 10 MB of gzip-compressed SARIF per upload; all 1800 compressed to (\d+\.\d\d) MB, the (\d+) kept to (\d+\.\d\d) MB\); the (\d+) most severe are kept$/.exec(warnings[0]!);
    expect(m, warnings[0]).not.toBeNull();
    const [, omitted, before, keptWarned, after, keptAgain] = m!;
    expect([Number(omitted), Number(keptWarned), Number(keptAgain)]).toEqual([1_800 - kept, kept, kept]);
    expect(after).toBe((compressed / 1e6).toFixed(2));
    expect(Number(before)).toBeGreaterThan(10);
    expect(log.runs[0]!.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: {
              text: `${1_800 - kept} of 1800 results were left out: GitHub code scanning accepts at most 10 MB of gzip-compressed SARIF per upload (all 1800 results compressed to ${before} MB). The most severe are kept (errors, then warnings, then notes).`,
            },
            descriptor: { id: 'results-truncated' },
          },
        ],
      },
    ]);
  });

  it('names both limits when the count cap and the size cap both left results out', () => {
    const both = { total: 30_000, kept: 21_000, size: { before: 11_234_567, after: 9_487_654, keptBefore: 25_000 } };
    expect(truncationInvocation(both).toolExecutionNotifications[0]!.message.text).toBe(
      '9000 of 30000 results were left out: GitHub code scanning accepts at most 25000 results per run and 10 MB of gzip-compressed SARIF per upload (the 25000 most severe results compressed to 11.23 MB). The most severe are kept (errors, then warnings, then notes).',
    );
    expect(truncationWarning(both)).toBe(
      'sarif: 9000 of 30000 results left out (GitHub code scanning accepts at most 25000 per run and 10 MB of gzip-compressed SARIF per upload; the 25000 most severe compressed to 11.23 MB, the 21000 kept to 9.49 MB); the 21000 most severe are kept',
    );
  });

  it('a run within the limits is written as before: no invocations, no warning', () => {
    const file = new SourceFile('/repo/deploy/x.yaml', 'deploy/x.yaml', 'a: 1\nb: 2\n', 'yaml');
    const findings: Finding[] = [
      finding(file, { ruleId: 'some-rule', severity: 'warning', range: file.lines.range(0, 4), message: 'first' }),
      finding(file, { ruleId: 'other-rule', severity: 'info', range: file.lines.range(5, 9), message: 'second', suppressions: [{ kind: 'inSource', justification: 'why' }] }),
    ];
    const warnings: string[] = [];
    const text = sarif([{ file, findings }], { ...ctxFor('/repo'), rules: {}, warn: (m) => warnings.push(m) });
    const descriptor = (id: string, name: string) => ({
      id,
      name,
      shortDescription: { text: id },
      fullDescription: { text: id },
      help: { text: id, markdown: id },
      properties: { tags: ['linkerd'] },
    });
    const result = (ruleId: string, ruleIndex: number, level: string, message: string, line: number, print: string) => ({
      ruleId,
      ruleIndex,
      level,
      message: { text: message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'deploy/x.yaml', uriBaseId: '%SRCROOT%' },
            region: { startLine: line, startColumn: 1, endLine: line, endColumn: 5 },
          },
        },
      ],
      partialFingerprints: { 'linkerdLint/v1': print },
    });
    const expected = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'linkerd-lint',
              semanticVersion: '1.2.3',
              version: '1.2.3',
              informationUri: 'https://github.com/linkerd-lint/linkerd-lint',
              rules: [descriptor('some-rule', 'SomeRule'), descriptor('other-rule', 'OtherRule')],
            },
          },
          originalUriBaseIds: { '%SRCROOT%': { uri: 'file:///repo/' } },
          columnKind: 'utf16CodeUnits',
          results: [
            result('some-rule', 0, 'warning', 'first', 1, '9c7b4c3180e8b75b7ad7b4b36e118781:1'),
            { ...result('other-rule', 1, 'note', 'second', 2, '43795c3bdcc4c4a6c5f0c03d0fdde12d:1'), suppressions: [{ kind: 'inSource', justification: 'why' }] },
          ],
          properties: { linkerdVersion: defaultTarget().input, linkerdRelease: defaultTarget().release },
        },
      ],
    };
    expect(text).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    expect(warnings).toEqual([]);
  });

  it('a run under the limit has no invocations and warns nothing', () => {
    const file = new SourceFile('/repo/x.yaml', 'x.yaml', 'a: 1\n', 'yaml');
    const warnings: string[] = [];
    const log = JSON.parse(sarif([{ file, findings: [finding(file, { message: 'm' })] }], { ...ctxFor('/repo'), warn: (m) => warnings.push(m) })) as {
      runs: Record<string, unknown>[];
    };
    expect(log.runs[0]!.invocations).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});

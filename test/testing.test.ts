// `linkerd-lint/testing`: the fixture runner plugin authors get, on a plugin's fixtures
// that pass (registered with vitest's own describe/it) and on fixtures that are wrong.
import { AssertionError } from 'node:assert';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureTests, pluginDocs, runFixtures } from '../src/testing/index.js';
import acme from './plugin-fixtures/acme.js';
import { ROOT } from './helpers.js';

const DIR = join(ROOT, 'test', 'plugin-fixtures', 'namespace-policy');

runFixtures({ plugin: acme, rule: 'namespace-policy', dir: pathToFileURL(`${DIR}/`), describe, it });

/** A copy of the fixtures to break. */
function copy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'linkerd-lint-fixtures-')), 'namespace-policy');
  cpSync(DIR, dir, { recursive: true });
  return dir;
}

function failure(dir: string, name: string): string {
  const test = fixtureTests({ plugin: acme, rule: 'namespace-policy', dir }).find((t) => t.name === name);
  if (!test) throw new Error(`no test ${name}`);
  try {
    test.run();
  } catch (err) {
    expect(err).toBeInstanceOf(AssertionError);
    return (err as Error).message;
  }
  throw new Error(`${name} passed`);
}

describe('fixtureTests', () => {
  it('gives one test per case, per fixable case, and one for the message ids', () => {
    expect(fixtureTests({ plugin: acme, rule: 'namespace-policy', dir: DIR }).map((t) => t.name)).toEqual([
      'valid/annotated.yaml has no finding',
      'invalid/deny.yaml matches its .out',
      'invalid/example.yaml matches its .out',
      'invalid/tree matches its .out',
      'invalid/deny.yaml → fixed/deny.yaml',
      'invalid/example.yaml → fixed/example.yaml',
      'every message id is reported by an invalid case',
    ]);
  });

  it('fails an invalid case whose findings differ from its .out', () => {
    const dir = copy();
    writeFileSync(join(dir, 'invalid', 'example.out'), '4:3 acme/namespace-policy wrong\n');
    expect(failure(dir, 'invalid/example.yaml matches its .out')).toContain("-   '4:3 acme/namespace-policy wrong'");
  });

  it('fails a valid case with a finding, a fixed/ file that differs, and one that is missing', () => {
    const dir = copy();
    cpSync(join(dir, 'invalid', 'example.yaml'), join(dir, 'valid', 'bare.yaml'));
    expect(failure(dir, 'valid/bare.yaml has no finding')).toContain('4:9 acme/namespace-policy Namespace "payments" sets no');
    writeFileSync(join(dir, 'fixed', 'example.yaml'), 'kind: Namespace\n');
    expect(failure(dir, 'invalid/example.yaml → fixed/example.yaml')).toContain('Expected values to be strictly equal');
    rmSync(join(dir, 'fixed', 'deny.yaml'));
    expect(failure(dir, 'invalid/deny.yaml → fixed/deny.yaml')).toBe(
      'fixed/deny.yaml is missing; the fixes give:\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n  labels:\n    team: security\n  annotations:\n    config.linkerd.io/default-inbound-policy: deny\n',
    );
  });

  it('fails when no invalid case reports a message id', () => {
    const plugin = { name: 'acme', rules: { 'namespace-policy': { ...acme.rules['namespace-policy'], meta: { ...acme.rules['namespace-policy'].meta, messages: { missing: 'x', other: 'y' } } } } };
    const tests = fixtureTests({ plugin, rule: 'namespace-policy', dir: DIR });
    expect(() => tests.at(-1)!.run()).toThrow('message ids no invalid case reports: other');
  });

  it('throws at once for a rule the plugin lacks and for a malformed plugin', () => {
    expect(() => fixtureTests({ plugin: acme, rule: 'namespace-polcy', dir: DIR })).toThrow('plugin "acme" has no rule "namespace-polcy"; did you mean "namespace-policy"?');
    expect(() => fixtureTests({ plugin: { name: 'Acme', rules: {} }, rule: 'x', dir: DIR })).toThrow('plugin "Acme": name "Acme" is not kebab-case (lower-case words joined by -)');
  });
});

describe('pluginDocs', () => {
  it('writes the plugin\'s rules page as docs/rules.md is written, with each rule\'s example fixture', () => {
    const docs = pluginDocs({ plugin: acme, dir: join(ROOT, 'test', 'plugin-fixtures') });
    expect(docs.split('\n').slice(0, 12)).toEqual([
      '# acme rules',
      '',
      "The rules of the linkerd-lint plugin `acme`, off until a config's `rules` turns them on. Generated from each rule's metadata and its `<rule>/invalid/example` fixture.",
      '',
      '- [`acme/namespace-policy`](#acmenamespace-policy): Require every Namespace to set its default inbound policy',
      '',
      '## acme/namespace-policy',
      '',
      'Require every Namespace to set its default inbound policy.',
      '',
      'Category: security · Default severity: error · Fix: unsafe',
      '',
    ]);
    expect(docs).toContain('### Example\n\n```yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n```\n\nFindings:\n\n```text\n4:9 acme/namespace-policy');
    expect(docs).toContain('After `--fix`:\n\n```yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  annotations:\n    config.linkerd.io/default-inbound-policy: all-authenticated\n```\n');
    expect(pluginDocs({ plugin: acme })).not.toContain('### Example');
  });
});

// Invariants over every rule: names, docs, fixtures, imports, and the generated docs.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { collectExamples } from '../scripts/lib/examples.mjs';
import { RULES_BEGIN, RULES_END, renderRuleDocs, renderRuleTable } from '../src/cli/docs.js';
import { ruleOptionValidators } from '../src/generated/validators.js';
import { FIXTURES, ROOT, caseConfig, fixtureCases, fixtureConfig, lintCase, sharedPath } from './helpers.js';

const RULE_FILES = readdirSync(join(ROOT, 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort();

/** Rules added after the catalog was written: the evaluation of the cluster's own ValidatingAdmissionPolicies. */
const AFTER_CATALOG = new Set(['validating-admission-policy']);

describe('rule registry', () => {
  it('holds exactly the modules in rules/, sorted, each under its own id', () => {
    expect(Object.keys(builtinRules)).toEqual(RULE_FILES);
    for (const [id, rule] of Object.entries(builtinRules)) expect(rule.meta.id).toBe(id);
  });

  it('uses only ids from the public catalog (or engine rules) where ../shared exists', () => {
    const catalog = sharedPath('RULES.md');
    if (!catalog) return;
    const ids = new Set([...readFileSync(catalog, 'utf8').matchAll(/^\| `([a-z0-9-]+)`/gm)].map((m) => m[1]));
    for (const [id, rule] of Object.entries(builtinRules)) {
      if (!rule.meta.reportedByEngine && !AFTER_CATALOG.has(id)) expect(ids.has(id), `${id} is not in RULES.md`).toBe(true);
    }
  });
});

for (const [id, rule] of Object.entries(builtinRules)) {
  describe(`rule ${id}`, () => {
    const { meta } = rule;
    const dir = join(FIXTURES, id);

    it('has a description in the house style and docs', () => {
      expect(meta.description).toMatch(/^(Disallow|Require|Enforce|Report|Warn) .+[^. ]$/);
      expect(meta.docs.why.length).toBeGreaterThan(40);
      expect(meta.docs.howToFix.length).toBeGreaterThan(20);
    });

    it('explains the safety of its fixes exactly when it offers fixes', () => {
      expect(Boolean(meta.docs.fixSafety), 'docs.fixSafety').toBe(meta.fix !== 'none');
      if (meta.fix === 'unsafe' || meta.fix === 'both') expect(meta.docs.fixSafety).toMatch(/unsafe/i);
    });

    it('either checks resources or is reported by the engine', () => {
      expect(Boolean(rule.check)).toBe(!meta.reportedByEngine);
    });

    it('has valid and invalid fixtures, including invalid/example', () => {
      const valid = fixtureCases(join(dir, 'valid'));
      const invalid = fixtureCases(join(dir, 'invalid'));
      expect(valid.length, 'valid cases').toBeGreaterThan(0);
      expect(invalid.length, 'invalid cases').toBeGreaterThan(0);
      expect(invalid.some((f) => /^example\.(ya?ml|json)$/.test(f)), 'invalid/example.yaml').toBe(true);
    });

    it('exercises every message id in some invalid fixture', () => {
      const invalid = join(dir, 'invalid');
      const seen = new Set(
        fixtureCases(invalid).flatMap((f) => {
          const file = join(invalid, f);
          return lintCase(file, fixtureConfig(id, caseConfig(file)))
            .findings.filter((finding) => finding.ruleId === id)
            .map((finding) => finding.messageId);
        }),
      );
      const missing = Object.keys(meta.messages).filter((messageId) => !seen.has(messageId));
      expect(missing, 'message ids no invalid fixture reports').toEqual([]);
    });

    it('describes only message ids it has', () => {
      for (const messageId of Object.keys(meta.docs.messages ?? {})) expect(Object.keys(meta.messages)).toContain(messageId);
    });

    it('has an options validator exactly when it declares options', () => {
      expect(Boolean(ruleOptionValidators[id])).toBe(Boolean(meta.options));
    });
  });
}

describe('generated documentation', () => {
  it('README rule table matches the registry (run `npm run docs` to update)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(RULES_BEGIN);
    const end = readme.indexOf(RULES_END);
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + RULES_BEGIN.length, end).trim()).toBe(renderRuleTable(builtinRules));
  });

  it('docs/rules.md matches the rules metadata and fixtures (run `npm run docs` to update)', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');
    expect(docs).toBe(renderRuleDocs(builtinRules, collectExamples(FIXTURES)));
  });
});

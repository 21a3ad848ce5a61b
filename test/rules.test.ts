// Drives every rule's fixtures: valid/ cases must be silent, invalid/ cases must produce
// exactly the findings in their .out golden (written by hand, never generated).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { FIXTURES, caseConfig, fixtureCases as cases, fixtureConfig, goldenOf, lintCase } from './helpers.js';

for (const ruleId of Object.keys(builtinRules)) {
  const dir = join(FIXTURES, ruleId);
  describe(ruleId, () => {
    for (const name of cases(join(dir, 'valid'))) {
      it(`valid/${name} has no finding`, () => {
        const file = join(dir, 'valid', name);
        const { findings, golden } = lintCase(file, fixtureConfig(ruleId, caseConfig(file)));
        expect(findings.filter((f) => f.ruleId === ruleId && !f.suppressions?.length).map(golden)).toEqual([]);
      });
    }
    for (const name of cases(join(dir, 'invalid'))) {
      it(`invalid/${name} matches its .out`, () => {
        const file = join(dir, 'invalid', name);
        const out = goldenOf(file);
        expect(existsSync(out), `${out} is missing`).toBe(true);
        const expected = readFileSync(out, 'utf8').split('\n').filter(Boolean);
        const { findings, golden } = lintCase(file, fixtureConfig(ruleId, caseConfig(file)));
        expect(expected.length, 'an invalid case must expect at least one finding').toBeGreaterThan(0);
        expect(findings.filter((f) => f.ruleId === ruleId && !f.suppressions?.length).map(golden)).toEqual(expected);
      });
    }
  });
}

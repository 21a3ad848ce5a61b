// Drives every rule's fixtures: valid/ cases must be silent, invalid/ cases must produce
// exactly the findings in their .out golden (written by hand, never generated).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { FIXTURES, caseConfig, fixtureConfig, goldenLine, lintFile } from './helpers.js';

const CASE = /^(?!.*\.config\.yaml$).*\.(ya?ml|json)$/;

function cases(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => CASE.test(f)).sort() : [];
}

for (const ruleId of Object.keys(builtinRules)) {
  const dir = join(FIXTURES, ruleId);
  describe(ruleId, () => {
    for (const name of cases(join(dir, 'valid'))) {
      it(`valid/${name} has no finding`, () => {
        const file = join(dir, 'valid', name);
        const findings = lintFile(file, fixtureConfig(ruleId, caseConfig(file))).filter(
          (f) => f.ruleId === ruleId && !f.suppressions?.length,
        );
        expect(findings.map(goldenLine)).toEqual([]);
      });
    }
    for (const name of cases(join(dir, 'invalid'))) {
      it(`invalid/${name} matches its .out`, () => {
        const file = join(dir, 'invalid', name);
        const golden = file.replace(/\.[^.]+$/, '.out');
        expect(existsSync(golden), `${golden} is missing`).toBe(true);
        const expected = readFileSync(golden, 'utf8').split('\n').filter(Boolean);
        const findings = lintFile(file, fixtureConfig(ruleId, caseConfig(file))).filter(
          (f) => f.ruleId === ruleId && !f.suppressions?.length,
        );
        expect(expected.length, 'an invalid case must expect at least one finding').toBeGreaterThan(0);
        expect(findings.map(goldenLine)).toEqual(expected);
      });
    }
  });
}

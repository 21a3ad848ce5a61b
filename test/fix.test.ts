// Drives every fixable rule's fixtures: applying the rule's fixes to invalid/<case> gives
// fixed/<case> byte for byte (and there is a fixed/ file exactly when something changes);
// the fixed text has no fixable finding of the rule left, and fixing it again changes nothing.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { fixParsed, lintParsed } from '../src/engine/lint.js';
import type { ResolvedConfig } from '../src/engine/config.js';
import { YamlFixer } from '../src/fix/fixer.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import type { ParsedFile } from '../src/model/parsed.js';
import { FIXTURES, caseConfig, fixtureConfig } from './helpers.js';

const CASE = /^(?!.*\.config\.yaml$).*\.(ya?ml|json)$/;
const fixer = new YamlFixer();

function load(path: string, bytes: Buffer = readFileSync(path)): ParsedFile {
  const read = decode(path, path, bytes);
  if (!read.ok) throw new Error(`${path} is not text`);
  return parseSource(read.file);
}

function fix(parsed: ParsedFile, ruleId: string, config: ResolvedConfig) {
  return fixParsed([parsed], { config, rules: builtinRules, fixer, unsafe: true, onlyRules: new Set([ruleId]) });
}

function encode(parsed: ParsedFile, text: string): Buffer {
  return Buffer.from((parsed.file.bom ? '\uFEFF' : '') + text, 'utf8');
}

for (const [ruleId, rule] of Object.entries(builtinRules)) {
  const dir = join(FIXTURES, ruleId);
  const fixedDir = join(dir, 'fixed');
  if (rule.meta.fix === 'none') {
    it(`${ruleId} has no fix and no fixed/ fixtures`, () => expect(existsSync(fixedDir)).toBe(false));
    continue;
  }
  describe(`${ruleId} fixes`, () => {
    const invalid = existsSync(join(dir, 'invalid')) ? readdirSync(join(dir, 'invalid')).filter((f) => CASE.test(f)).sort() : [];

    it('has a fixed/ file only for invalid cases', () => {
      const fixed = existsSync(fixedDir) ? readdirSync(fixedDir) : [];
      for (const name of fixed) expect(invalid, `fixed/${name} has no invalid/${name}`).toContain(name);
    });

    for (const name of invalid) {
      it(`invalid/${name} → fixed/${name}`, () => {
        const file = join(dir, 'invalid', name);
        const config = fixtureConfig(ruleId, caseConfig(file));
        const parsed = load(file);
        const before = lintParsed([parsed], { config, rules: builtinRules, fixer }).results.flatMap((r) => r.findings);
        const unfixable = before.filter((f) => f.ruleId === ruleId && !f.fix && !f.suppressions?.length).length;
        const result = fix(parsed, ruleId, config);
        expect(result.rejected).toEqual([]);
        const output = result.changed.get(parsed.file);
        if (output === undefined) {
          expect(existsSync(join(fixedDir, name)), `fixed/${name} exists but no fix applies`).toBe(false);
          return;
        }
        expect(existsSync(join(fixedDir, name)), `fixed/${name} is missing`).toBe(true);
        const actual = encode(parsed, output);
        expect(actual.toString('utf8')).toBe(readFileSync(join(fixedDir, name), 'utf8'));
        expect(actual.equals(readFileSync(join(fixedDir, name)))).toBe(true);

        const again = load(file, actual);
        const after = lintParsed([again], { config, rules: builtinRules, fixer })
          .results.flatMap((r) => r.findings)
          .filter((f) => f.ruleId === ruleId && !f.suppressions?.length);
        expect(after.filter((f) => f.fix)).toEqual([]);
        expect(after.length).toBe(unfixable);
        expect(fix(again, ruleId, config).changed.size, 'fixing twice changes nothing').toBe(0);
      });
    }
  });
}

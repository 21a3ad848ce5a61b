// The deprecated-api-version fix, checked against the fixed/ goldens with a minimal fixer
// that can only set scalars (the rule needs nothing else).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintParsed } from '../src/engine/lint.js';
import type { Fixer, TextEdit } from '../src/engine/rule.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import { FIXTURES, ROOT, caseConfig, fixtureConfig } from './helpers.js';

const RULE = 'deprecated-api-version';
const DIR = join(FIXTURES, RULE);

const scalarFixer: Fixer = {
  setScalar(resource, path, value) {
    const { range, exact } = resource.locate(path);
    if (!exact) throw new Error('setScalar on a missing node');
    const old = resource.file.text.slice(range.start.offset, range.end.offset);
    const quote = old.startsWith('"') || old.startsWith("'") ? old[0] : '';
    return [{ range: [range.start.offset, range.end.offset], text: `${quote}${String(value)}${quote}` }];
  },
  insertKey: () => unsupported(),
  removeKey: () => unsupported(),
  renameKey: () => unsupported(),
  moveKey: () => unsupported(),
  replaceResource: () => unsupported(),
  insertDocumentAfter: () => unsupported(),
};

function unsupported(): never {
  throw new Error(`${RULE} only sets scalars`);
}

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range[0] - a.range[0])) out = out.slice(0, e.range[0]) + e.text + out.slice(e.range[1]);
  return out;
}

describe(`${RULE} fixes`, () => {
  const cases = readdirSync(join(DIR, 'invalid')).filter((f) => f.endsWith('.yaml') && !f.endsWith('.config.yaml'));
  for (const name of cases) {
    it(`invalid/${name} is fixed exactly as fixed/${name} says`, () => {
      const file = join(DIR, 'invalid', name);
      const read = decode(file, file.slice(ROOT.length + 1), readFileSync(file));
      if (!read.ok) throw new Error('unreadable fixture');
      const { results } = lintParsed([parseSource(read.file)], { config: fixtureConfig(RULE, caseConfig(file)), rules: builtinRules, fixer: scalarFixer });
      const edits = results.flatMap((r) => r.findings).filter((f) => f.ruleId === RULE).flatMap((f) => f.fix?.edits ?? []);
      const fixed = join(DIR, 'fixed', name);
      expect(edits.length > 0, `fixed/${name} exists exactly when a fix is offered`).toBe(existsSync(fixed));
      if (edits.length > 0) expect(applyEdits(read.file.text, edits)).toBe(readFileSync(fixed, 'utf8'));
    });
  }

  it('leaves out the documents whose meaning would change', () => {
    const file = join(DIR, 'invalid', 'superseded.yaml');
    const read = decode(file, 'superseded.yaml', readFileSync(file));
    if (!read.ok) throw new Error('unreadable fixture');
    const { results } = lintParsed([parseSource(read.file)], { config: fixtureConfig(RULE), rules: builtinRules, fixer: scalarFixer });
    const unfixed = results.flatMap((r) => r.findings).filter((f) => f.ruleId === RULE && !f.fix).map((f) => f.range.start.line);
    // The v1beta1 HTTPRoute whose backendRef has no namespace, and the ExternalWorkload that spells meshTls.
    expect(unfixed).toEqual([43, 60]);
  });
});

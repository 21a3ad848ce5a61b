// Properties that hold for any input: linting never throws, every location lies inside the
// file and its lines, fixes give text that parses, are idempotent and touch nothing outside
// their edits, and the output does not depend on the run or the order of the files.
// CI runs a fixed seed and a bounded number of cases; `npm run fuzz` runs many more.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { fixParsed, lintParsed } from '../src/engine/lint.js';
import { applyEdits } from '../src/fix/edits.js';
import { YamlFixer } from '../src/fix/fixer.js';
import { parseSource } from '../src/load/parse.js';
import type { Finding } from '../src/model/finding.js';
import { SourceFile } from '../src/model/source.js';
import { FIXTURES, ROOT } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

/** Every rule on, off-by-default ones too, so every rule meets every input. */
const config = resolveConfig({ rules: Object.fromEntries(Object.keys(builtinRules).map((id) => [id, 'warning'])) }, builtinRules, ROOT);
const fixer = new YamlFixer();

function manifestsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return manifestsUnder(path);
    return /\.(ya?ml|json)$/.test(name) && !name.endsWith('.config.yaml') ? [path] : [];
  });
}

const SEEDS = manifestsUnder(FIXTURES).map((path) => ({ name: relative(FIXTURES, path), text: readFileSync(path, 'utf8') }));

function source(text: string, name = 'fuzz.yaml'): SourceFile {
  return new SourceFile(join(ROOT, name), name, text, name.endsWith('.json') ? 'json' : 'yaml');
}

/** Text pieces that matter to YAML's grammar, inserted at random places. */
const PIECES = ['"', "'", ':', ': ', '- ', '\n', '\n  ', '  ', '\t', '{', '}', '[', ']', ',', '#', '&a ', '*a', '!!str ', '|', '>-', '---\n', '...\n', '{{ .Values.x }}', '\\', '\r\n', '\uFEFF', '%YAML 1.2\n', '? ', 'é', '😀'];

type Edit = { at: number; del: number; ins: string };
const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 6 }), ins: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })) });

function mutate(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = out.length ? e.at % (out.length + 1) : 0;
    out = out.slice(0, at) + e.ins + out.slice(at + e.del);
  }
  return out;
}

const mutated = fc
  .record({ seed: fc.constantFrom(...SEEDS), edits: fc.array(edit, { minLength: 1, maxLength: 6 }) })
  .map(({ seed, edits }) => ({ name: seed.name.endsWith('.json') ? 'fuzz.json' : 'fuzz.yaml', text: mutate(seed.text, edits) }));

/** Why a finding's range is outside its file or its lines, or undefined when it is inside. */
function outside(f: Finding): string | undefined {
  const text = f.file.text;
  const lines = text.split('\n');
  const { start, end } = f.range;
  for (const [label, p] of [['start', start], ['end', end]] as const) {
    if (p.offset < 0 || p.offset > text.length) return `${label} offset ${p.offset} outside 0..${text.length}`;
    if (p.line < 1 || p.line > lines.length) return `${label} line ${p.line} outside 1..${lines.length}`;
    const width = lines[p.line - 1]!.replace(/\r$/, '').length + 1;
    if (p.column < 1 || p.column > width) return `${label} column ${p.column} outside line ${p.line} (1..${width})`;
  }
  if (end.offset < start.offset) return 'end before start';
  return undefined;
}

function lintText(text: string, name: string) {
  return lintParsed([parseSource(source(text, name))], { config, rules: builtinRules, fixer });
}

describe('any input', () => {
  it('lints without an internal error, every location inside the file and its lines', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 200 }).map((text) => ({ name: 'fuzz.yaml', text }))), ({ name, text }) => {
        const out = lintText(text, name);
        expect(out.ruleErrors).toEqual([]);
        const bad = out.results.flatMap((r) => r.findings.map((f) => [f.ruleId, outside(f)]).filter(([, why]) => why));
        expect(bad).toEqual([]);
      }),
      params,
    );
  });

  it('gives the same findings whatever the order of the files', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SEEDS), { minLength: 2, maxLength: 5 }), (picked) => {
        const files = picked.map((s, i) => ({ name: `f${i}-${s.name.replace(/\//g, '_')}`, text: s.text }));
        const render = (order: typeof files) => {
          const out = lintParsed(order.map((f) => parseSource(source(f.text, f.name))), { config, rules: builtinRules, fixer });
          return out.results
            .flatMap((r) => r.findings.map((f) => `${r.file.displayPath}:${f.range.start.offset}-${f.range.end.offset} ${f.ruleId} ${f.message}`))
            .sort();
        };
        expect(render([...files].reverse())).toEqual(render(files));
      }),
      { ...params, numRuns: Math.max(10, Math.floor(RUNS / 5)) },
    );
  });
});

describe('any fix', () => {
  it('alone: edits inside the text and apart, the result parsing as well as before, nothing outside its span changed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...SEEDS), mutated), ({ name, text }) => {
        const fileName = name.endsWith('.json') ? 'fuzz.json' : 'fuzz.yaml';
        const parsed = parseSource(source(text, fileName));
        const findings = lintParsed([parsed], { config, rules: builtinRules, fixer }).results.flatMap((r) => r.findings);
        for (const f of findings) {
          if (!f.fix) continue;
          const edits = [...f.fix.edits].sort((a, b) => a.range[0] - b.range[0]);
          for (const [i, e] of edits.entries()) {
            expect(0 <= e.range[0] && e.range[0] <= e.range[1] && e.range[1] <= text.length, `${f.ruleId} edit inside the text`).toBe(true);
            if (i > 0) expect(edits[i - 1]!.range[1] <= e.range[0], `${f.ruleId} edits apart`).toBe(true);
          }
          const out = applyEdits(text, edits);
          const from = edits[0]!.range[0];
          const tail = text.length - edits[edits.length - 1]!.range[1];
          expect(out.slice(0, from) + out.slice(out.length - tail)).toBe(text.slice(0, from) + text.slice(text.length - tail));
          const again = parseSource(source(out, fileName));
          expect(again.problems.length, `${f.ruleId}'s fix breaks the file:\n${out}`).toBeLessThanOrEqual(parsed.problems.length);
        }
      }),
      { ...params, numRuns: Math.max(20, Math.floor(RUNS / 2)) },
    );
  });

  it('all together: the result parses and fixing it again changes nothing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...SEEDS), mutated), ({ name, text }) => {
        const fileName = name.endsWith('.json') ? 'fuzz.json' : 'fuzz.yaml';
        const parsed = parseSource(source(text, fileName));
        const out = fixParsed([parsed], { config, rules: builtinRules, fixer, unsafe: true });
        const fixed = out.changed.get(parsed.file);
        if (fixed === undefined) return;
        const again = parseSource(source(fixed, fileName));
        expect(again.problems.length, `fixed text breaks the file:\n${fixed}`).toBeLessThanOrEqual(parsed.problems.length);
        const twice = fixParsed([again], { config, rules: builtinRules, fixer, unsafe: true });
        expect(twice.changed.size, 'fixing the fixed text changes nothing').toBe(0);
      }),
      { ...params, numRuns: Math.max(20, Math.floor(RUNS / 2)) },
    );
  });
});

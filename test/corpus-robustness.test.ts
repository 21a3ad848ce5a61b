// Every file of ../shared/corpus (real manifests from public repositories), with every rule
// on: no internal error, every location inside its file and line, the same output on a
// second run and in reverse file order, and fixes that parse and are idempotent.
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { fixParsed, lintParsed, loadPaths } from '../src/engine/lint.js';
import { YamlFixer } from '../src/fix/fixer.js';
import { parseSource } from '../src/load/parse.js';
import type { FileResult } from '../src/model/finding.js';
import { SourceFile } from '../src/model/source.js';
import { sharedPath } from './helpers.js';

const CORPUS = sharedPath('corpus') ?? '';

function rendered(results: readonly FileResult[]): string[] {
  return results.flatMap((r) =>
    r.findings.map((f) => `${r.file.displayPath}:${f.range.start.offset}-${f.range.end.offset} ${f.ruleId} ${f.severity} ${f.message}`),
  );
}

describe.skipIf(!CORPUS)('corpus robustness', () => {
  it('lints, reports inside the files, repeats itself and fixes idempotently', { timeout: 300_000 }, async () => {
    const config = resolveConfig({ rules: Object.fromEntries(Object.keys(builtinRules).map((id) => [id, 'warning'])) }, builtinRules, CORPUS);
    const fixer = new YamlFixer();
    const input = { cwd: CORPUS, paths: ['.'], config, rules: builtinRules, errorOnUnmatchedPattern: false };
    const { parsed, context } = await loadPaths(input);
    expect(parsed.length).toBeGreaterThan(1000);
    const first = lintParsed(parsed, { config, rules: builtinRules, fixer, context });
    expect(first.ruleErrors).toEqual([]);

    const outside: string[] = [];
    for (const r of first.results) {
      const lines = r.file.text.split('\n').map((l) => l.replace(/\r$/, '').length + 1);
      for (const f of r.findings) {
        for (const p of [f.range.start, f.range.end]) {
          if (p.line < 1 || p.line > lines.length || p.column < 1 || p.column > lines[p.line - 1]!) outside.push(`${r.file.displayPath}:${p.line}:${p.column} ${f.ruleId}`);
        }
      }
    }
    expect(outside).toEqual([]);

    // A fresh parse, in reverse order: nothing may depend on state or order.
    const again = lintParsed(parsed.map((p) => parseSource(p.file)).reverse(), { config, rules: builtinRules, fixer, context });
    expect(rendered(again.results)).toEqual(rendered(first.results));

    const fixed = fixParsed(parsed, { config, rules: builtinRules, fixer, context, unsafe: true });
    expect(fixed.ruleErrors).toEqual([]);
    expect(fixed.changed.size).toBeGreaterThan(0);
    const broken: string[] = [];
    const refixed = [...fixed.changed].map(([file, text]) => {
      const before = parsed.find((p) => p.file === file)!;
      const after = parseSource(new SourceFile(file.path, file.displayPath, text, file.language, file.bom));
      if (after.problems.length > before.problems.length) broken.push(file.displayPath);
      return after;
    });
    expect(broken).toEqual([]);
    const twice = fixParsed(refixed, { config, rules: builtinRules, fixer, context, unsafe: true });
    expect([...twice.changed.keys()].map((f) => f.displayPath)).toEqual([]);
  });
});

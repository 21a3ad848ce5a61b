import { chmodSync, linkSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Fix } from '../src/engine/rule.js';
import { MAX_FIX_PASSES, fixLoop } from '../src/fix/loop.js';
import { writeFixed } from '../src/fix/write.js';
import { parseSource } from '../src/load/parse.js';
import type { ParsedFile } from '../src/model/parsed.js';
import { SourceFile } from '../src/model/source.js';
import { tree } from './cli-helpers.js';

function parsed(text: string): ParsedFile {
  return parseSource(new SourceFile('/t.yaml', 't.yaml', text, 'yaml'));
}

/** A fake rule run: every pass yields the fixes `fixesFor` returns for the current text. */
function lintWith(fixesFor: (text: string) => { ruleId: string; fix: Fix }[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    lint(files: readonly ParsedFile[]): Finding[] {
      calls++;
      return files.flatMap((p) =>
        fixesFor(p.file.text).map(({ ruleId, fix }) => ({
          ruleId,
          severity: 'error' as const,
          message: 'm',
          file: p.file,
          range: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
          fix,
        })),
      );
    },
  };
}

const replace = (text: string, from: string, to: string): Fix => {
  const at = text.indexOf(from);
  return { kind: 'safe', edits: at === -1 ? [] : [{ range: [at, at + from.length], text: to }] };
};

describe('fixLoop', () => {
  it('applies fixes over several passes until nothing changes', () => {
    const fake = lintWith((text) => (text.includes('a: 1') ? [{ ruleId: 'r', fix: replace(text, 'a: 1', 'a: 2') }] : text.includes('a: 2') ? [{ ruleId: 'r', fix: replace(text, 'a: 2', 'a: 3') }] : []));
    const result = fixLoop([parsed('kind: X\na: 1\n')], { unsafe: false, parse: parseSource, lint: (f) => fake.lint(f) });
    expect([...result.changed.values()]).toEqual(['kind: X\na: 3\n']);
    expect(result.passes).toBe(3);
  });

  it('leaves unsafe fixes alone unless asked', () => {
    const fake = lintWith((text) => [{ ruleId: 'r', fix: { ...replace(text, 'a: 1', 'a: 2'), kind: 'unsafe' } }]);
    expect(fixLoop([parsed('a: 1\n')], { unsafe: false, parse: parseSource, lint: (f) => fake.lint(f) }).changed.size).toBe(0);
    expect(fixLoop([parsed('a: 1\n')], { unsafe: true, parse: parseSource, lint: (f) => fake.lint(f) }).changed.size).toBe(1);
  });

  it('refuses a fix whose result does not parse, names its rule, and keeps the good fixes', () => {
    const fake = lintWith((text) => [
      { ruleId: 'breaks-it', fix: replace(text, 'b: 2', 'b: [2') },
      { ruleId: 'fine', fix: replace(text, 'a: 1', 'a: 9') },
    ]);
    const result = fixLoop([parsed('a: 1\nb: 2\n')], { unsafe: false, parse: parseSource, lint: (f) => fake.lint(f) });
    expect([...result.changed.values()]).toEqual(['a: 9\nb: 2\n']);
    expect(result.rejected.map((r) => r.rules)).toEqual([['breaks-it']]);
    expect(result.rejected[0]!.message).toMatch(/^fixes of "breaks-it" would leave t\.yaml unparsable \(\d+:\d+ .+\); those fixes were not applied$/);
  });

  it('stops when two fixes undo each other', () => {
    const fake = lintWith((text) => [{ ruleId: 'flip', fix: text.includes('x') ? replace(text, 'x', 'y') : replace(text, 'y', 'x') }]);
    const result = fixLoop([parsed('v: x\n')], { unsafe: false, parse: parseSource, lint: (f) => fake.lint(f) });
    expect(result.passes).toBeLessThan(MAX_FIX_PASSES);
    expect([...result.changed.values()]).toEqual(['v: y\n']);
  });

  it('gives up after the maximum number of passes', () => {
    const fake = lintWith((text) => [{ ruleId: 'grow', fix: { kind: 'safe', edits: [{ range: [text.length, text.length], text: '#\n' }] } }]);
    const result = fixLoop([parsed('a: 1\n')], { unsafe: false, parse: parseSource, lint: (f) => fake.lint(f) });
    expect(result.passes).toBe(MAX_FIX_PASSES);
    expect(fake.calls).toBe(MAX_FIX_PASSES);
  });
});

describe('writeFixed', () => {
  it('writes atomically, keeping the byte-order mark and the file mode', () => {
    const dir = tree({ 'a.yaml': '\uFEFFa: 1\n' });
    const path = join(dir, 'a.yaml');
    chmodSync(path, 0o640);
    expect(writeFixed(new SourceFile(path, 'a.yaml', 'a: 1\n', 'yaml', true), 'a: 2\n')).toBeUndefined();
    expect(readFileSync(path)).toEqual(Buffer.from('\uFEFFa: 2\n'));
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('refuses when the file changed on disk since it was read', () => {
    const dir = tree({ 'a.yaml': 'a: 1\n' });
    const path = join(dir, 'a.yaml');
    const file = new SourceFile(path, 'a.yaml', 'a: 1\n', 'yaml');
    writeFileSync(path, 'a: 5\n');
    expect(writeFixed(file, 'a: 2\n')).toBe('a.yaml: changed on disk since it was read; fixes not written');
    expect(readFileSync(path, 'utf8')).toBe('a: 5\n');
  });

  it('refuses when the file changes while the fixes are written, and leaves no temporary file', () => {
    const dir = tree({ 'a.yaml': 'a: 1\n' });
    const path = join(dir, 'a.yaml');
    const file = new SourceFile(path, 'a.yaml', 'a: 1\n', 'yaml');
    const error = writeFixed(file, 'a: 2\n', { afterTempWritten: () => writeFileSync(path, 'a: 7\n') });
    expect(error).toBe('a.yaml: changed on disk while fixes were written; fixes not written');
    expect(readFileSync(path, 'utf8')).toBe('a: 7\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
  });

  it('writes through a symbolic link, which stays a link', () => {
    const dir = tree({ 'real/a.yaml': 'a: 1\n' });
    const link = join(dir, 'a.yaml');
    symlinkSync(join(dir, 'real', 'a.yaml'), link);
    expect(writeFixed(new SourceFile(link, 'a.yaml', 'a: 1\n', 'yaml'), 'a: 2\n')).toBeUndefined();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'a.yaml'), 'utf8')).toBe('a: 2\n');
    expect(readdirSync(join(dir, 'real'))).toEqual(['a.yaml']);
  });

  it('refuses a file with several hard links rather than split them', () => {
    const dir = tree({ 'a.yaml': 'a: 1\n' });
    linkSync(join(dir, 'a.yaml'), join(dir, 'b.yaml'));
    const error = writeFixed(new SourceFile(join(dir, 'a.yaml'), 'a.yaml', 'a: 1\n', 'yaml'), 'a: 2\n');
    expect(error).toBe('a.yaml: has 2 hard links, which replacing it would split; fixes not written');
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).toBe('a: 1\n');
  });
});

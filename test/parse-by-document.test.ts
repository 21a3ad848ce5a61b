// Reading a file one document at a time, with each document's tree read again on first
// use and locations from the positions kept, gives exactly what reading the whole file at
// once and keeping its trees gives: the same resources, values, problems, and locations
// for every path.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource, parseWhole } from '../src/load/parse.js';
import type { JsonPath } from '../src/model/path.js';
import { SourceFile } from '../src/model/source.js';
import { FIXTURES, sharedPath } from './helpers.js';

function manifestsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name.startsWith('.') ? [] : manifestsUnder(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

/** Every path in a value, containers and leaves. */
function pathsOf(value: unknown, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  return out;
}

function compare(path: string, root: string, given?: string): string[] {
  const text = given ?? readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const file = () => new SourceFile(path, relative(root, path), text, path.endsWith('.json') ? 'json' : 'yaml');
  const byDoc = parseSource(file());
  // The reference keeps its trees and locates through them.
  const whole = parseWhole(file(), { keepTrees: true });
  const diffs: string[] = [];
  if (JSON.stringify(byDoc.problems) !== JSON.stringify(whole.problems)) diffs.push(`${path}: problems differ`);
  if (JSON.stringify(byDoc.comments) !== JSON.stringify(whole.comments)) diffs.push(`${path}: comments differ`);
  if (byDoc.resources.length !== whole.resources.length) return [...diffs, `${path}: ${byDoc.resources.length} vs ${whole.resources.length} resources`];
  byDoc.resources.forEach((r, i) => {
    const w = whole.resources[i]!;
    if (JSON.stringify(r.value) !== JSON.stringify(w.value)) diffs.push(`${path}#${i}: values differ`);
    if (JSON.stringify(r.syntax?.root.range) !== JSON.stringify(w.syntax?.root.range)) diffs.push(`${path}#${i}: root ranges differ`);
    for (const p of pathsOf(r.value).slice(0, 400)) {
      for (const target of ['value', 'key'] as const) {
        if (JSON.stringify(r.locate(p, target)) !== JSON.stringify(w.locate(p, target))) diffs.push(`${path}#${i}: ${target} of ${p.join('.')} differs`);
      }
    }
  });
  return diffs;
}

describe('reading one document at a time', () => {
  it('matches a whole-file read on every fixture', () => {
    expect(manifestsUnder(FIXTURES).flatMap((f) => compare(f, FIXTURES))).toEqual([]);
  });

  it('matches a whole-file read on a file large enough to keep no trees', { timeout: 300_000 }, () => {
    // Every YAML fixture, as the documents of one file of more than 1 MiB.
    const docs = manifestsUnder(FIXTURES)
      .filter((f) => !f.endsWith('.json') && !f.endsWith('.config.yaml'))
      .map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, ''))
      .filter((t) => !t.includes('{{') && !/^%/m.test(t) && !t.includes('\r'));
    let text = '';
    while (text.length < 1.2 * 1024 * 1024) text += docs.map((d) => `---\n${d.endsWith('\n') ? d : `${d}\n`}`).join('');
    expect(compare(join(FIXTURES, 'all.yaml'), FIXTURES, text)).toEqual([]);
  });

  const corpus = sharedPath('corpus');
  it.skipIf(!corpus)('matches a whole-file read on every corpus file', { timeout: 300_000 }, () => {
    expect(manifestsUnder(corpus!).flatMap((f) => compare(f, corpus!))).toEqual([]);
  });
});

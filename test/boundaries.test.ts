// The folder table of the architecture (which folder may import which), checked over
// every import of every source file: a new import the table does not allow fails here.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/** Each room, and the rooms its files may import (a room may always import itself). */
const TABLE: Record<string, readonly string[] | '*'> = {
  'src/cli': '*',
  // The programmatic API runs the engine as the CLI does; of the CLI it shares `main`'s bundle and the source root.
  'src/api': ['src/engine', 'src/model', 'src/linkerd', 'src/load', 'src/fix', 'src/report', 'rules', 'src/version.ts', 'src/cli/main.ts', 'src/cli/source-root.ts', 'src/testing/index.ts'],
  // The fixture runner of `linkerd-lint/testing` runs the engine over fixtures, with the built-in rules beside the plugin's.
  // It writes a plugin's rules page as the docs generator writes the built-in rules'.
  'src/testing': ['src/engine', 'src/model', 'src/load', 'src/fix', 'rules', 'src/cli/docs.ts'],
  'src/engine': ['src/model', 'src/linkerd', 'src/load', 'src/fix', 'src/policy'],
  'src/load': ['src/model', 'src/generated'],
  'src/fix': ['src/model'],
  'src/report': ['src/model'],
  'src/linkerd': ['src/model'],
  // The CEL engine (ValidatingAdmissionPolicies, CEL policies): Kubernetes' CEL environment, nothing of the pipeline.
  'src/policy': ['src/model', 'src/linkerd'],
  'src/model': [],
  // The rule API is one file of the engine: rules see nothing else of it.
  rules: ['src/model', 'src/linkerd', 'src/engine/rule.ts', 'src/policy'],
  // The package version and home page: read by the CLI, imports nothing.
  'src/version.ts': [],
};

/** Build output (generated validators and examples), written by scripts/build.mjs. */
const GENERATED = 'src/generated';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (rel === GENERATED) return [];
    if (statSync(join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

function roomOf(file: string): string | undefined {
  if (file === GENERATED || file.startsWith(`${GENERATED}/`)) return GENERATED;
  return Object.keys(TABLE)
    .filter((room) => file === room || file.startsWith(`${room}/`))
    .sort((a, b) => b.length - a.length)[0];
}

function allowed(fromRoom: string, target: string): boolean {
  const toRoom = roomOf(target);
  if (toRoom === fromRoom) return true;
  const may = TABLE[fromRoom]!;
  if (may === '*') return true;
  return may.some((entry) => target === entry || target.startsWith(`${entry}/`) || toRoom === entry);
}

/** Every relative import of a file (static, dynamic and type-only), as a path from the root. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).split('\\').join('/').replace(/\.js$/, '.ts'));
}

const FILES = [...sourceFiles('src'), ...sourceFiles('rules')];

describe('module boundaries', () => {
  it('puts every source file in a room of the table', () => {
    expect(FILES.filter((f) => roomOf(f) === undefined)).toEqual([]);
  });

  it('finds the imports it checks', () => {
    // Guards the check itself: were import parsing broken, every file would pass.
    expect(importsOf('src/engine/run.ts')).toContain('src/model/tree.ts');
    expect(importsOf('src/report/index.ts')).toContain('src/report/sarif.ts');
  });

  it('has no import the table does not allow', () => {
    const violations = FILES.flatMap((file) =>
      importsOf(file)
        .filter((target) => !allowed(roomOf(file)!, target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it('catches a forbidden import', () => {
    expect(allowed('src/fix', 'src/engine/rule.ts')).toBe(false);
    expect(allowed('src/model', 'src/linkerd/releases.ts')).toBe(false);
    expect(allowed('rules', 'src/engine/run.ts')).toBe(false);
    expect(allowed('rules', 'src/engine/rule.ts')).toBe(true);
    expect(allowed('src/report', 'src/version.ts')).toBe(false);
  });

  it('has no import cycle between the files of src/linkerd and src/model', () => {
    const graph = new Map(FILES.filter((f) => /^src\/(linkerd|model)\//.test(f)).map((f) => [f, importsOf(f)]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});

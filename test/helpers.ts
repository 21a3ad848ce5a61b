import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { builtinRules } from '../rules/index.js';
import { lintParsed } from '../src/engine/lint.js';
import { type ResolvedConfig, resolveConfig } from '../src/engine/config.js';
import type { Finding } from '../src/engine/rule.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import { walkManifests } from '../src/load/walk.js';
import { loadCel } from '../src/policy/index.js';

export const ROOT = join((import.meta.dirname ?? process.cwd()), '..');
export const FIXTURES = join(ROOT, 'fixtures');

// Fixture runs are synchronous, as rules are: the CEL engine that ValidatingAdmissionPolicy
// fixtures need is loaded up front, as the lint run loads it before rules run.
await loadCel();

/**
 * A path inside `../shared` (real-world corpus, upstream CRDs, the SARIF schema), or
 * undefined when it is absent, so those suites skip on a plain clone. In CI (`CI=true`)
 * `../shared` is always there: a missing path fails the suite instead of skipping it.
 */
export function sharedPath(...parts: string[]): string | undefined {
  const path = join(ROOT, '..', 'shared', ...parts);
  if (existsSync(path)) return path;
  if (process.env.CI === 'true') throw new Error(`${path} is missing; in CI the suites that read ../shared must run`);
  return undefined;
}

/** A case's optional sidecar `<case>.config.yaml`: target version, cluster domain, options of the rule under test. */
interface CaseConfig {
  linkerdVersion?: string;
  gatewayAPI?: unknown;
  clusterDomain?: string;
  references?: 'closed-world' | 'strict';
  options?: Record<string, unknown>;
}

export function caseConfig(file: string): CaseConfig {
  const sidecar = join(dirname(file), `${basename(file).replace(/\.[^.]+$/, '')}.config.yaml`);
  return existsSync(sidecar) ? ((parseYaml(readFileSync(sidecar, 'utf8')) ?? {}) as CaseConfig) : {};
}

/** The config a fixture runs under: recommended preset, the rule under test on at its default severity. */
export function fixtureConfig(ruleId: string, extra: CaseConfig = {}): ResolvedConfig {
  const rule = builtinRules[ruleId];
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const raw: Record<string, unknown> = {
    rules: { [ruleId]: extra.options ? [rule.meta.defaultSeverity, extra.options] : rule.meta.defaultSeverity },
  };
  if (extra.linkerdVersion) raw.linkerdVersion = extra.linkerdVersion;
  if (extra.gatewayAPI !== undefined) raw.gatewayAPI = extra.gatewayAPI;
  if (extra.clusterDomain) raw.clusterDomain = extra.clusterDomain;
  if (extra.references) raw.references = extra.references;
  return resolveConfig(raw, builtinRules, ROOT);
}

/** Lints one file from disk in-process, as the CLI would, returning every finding. */
export function lintFile(path: string, config: ResolvedConfig): Finding[] {
  const read = decode(path, path.slice(ROOT.length + 1), readFileSync(path));
  if (!read.ok) return [];
  const parsed = parseSource(read.file);
  return lintParsed([parsed], { config, rules: builtinRules }).results.flatMap((r) => r.findings);
}

/** Lints a string as if it were a file called `name`. */
export function lintText(text: string, ruleId: string, extra: CaseConfig = {}, name = 'test.yaml'): Finding[] {
  const read = decode(join(ROOT, name), name, Buffer.from(text));
  if (!read.ok) throw new Error('not text');
  const parsed = parseSource(read.file);
  return lintParsed([parsed], { config: fixtureConfig(ruleId, extra), rules: builtinRules })
    .results.flatMap((r) => r.findings)
    .filter((f) => f.ruleId === ruleId);
}

/** The golden-file line for a finding: `line:col rule-id message`. */
export function goldenLine(f: Finding): string {
  return `${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.message}`;
}

/** A case file name (a manifest, not a sidecar config) or a case directory (a tree of manifests). */
const CASE_FILE = /^(?!.*\.config\.yaml$).*\.(ya?ml|json)$/;

/** The cases in a `valid/` or `invalid/` folder: manifest files, and directories that lint as one tree. */
export function fixtureCases(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => CASE_FILE.test(f) || statSync(join(dir, f)).isDirectory())
    .sort();
}

/** The golden file of a case: `<case>.out` beside the case file or directory. */
export function goldenOf(path: string): string {
  return statSync(path).isDirectory() ? `${path}.out` : path.replace(/\.[^.]+$/, '.out');
}

function read(path: string, display: string) {
  const file = decode(path, display, readFileSync(path));
  if (!file.ok) throw new Error(`${path} is not text`);
  return parseSource(file.file);
}

/**
 * Lints a case. A directory case is one tree: every manifest in it is linted together,
 * except those under its `context/` folder, which are read as `--context`. Findings in a
 * tree are named by their path inside the case directory.
 */
export function lintCase(path: string, config: ResolvedConfig): { findings: Finding[]; golden: (f: Finding) => string } {
  if (!statSync(path).isDirectory()) return { findings: lintFile(path, config), golden: goldenLine };
  const contextDir = join(path, 'context');
  const all = walkManifests(path, ['yaml', 'yml', 'json']);
  const linted = all.filter((f) => !f.startsWith(`${contextDir}/`)).map((f) => read(f, relative(path, f)));
  if (linted.length === 0) throw new Error(`tree case ${path} holds no manifest to lint`);
  const context = all.filter((f) => f.startsWith(`${contextDir}/`)).flatMap((f) => read(f, relative(path, f)).resources);
  const findings = lintParsed(linted, { config, rules: builtinRules, context }).results.flatMap((r) => r.findings);
  return { findings, golden: (f) => `${f.file.displayPath}:${goldenLine(f)}` };
}

// The rule-fixture convention, shared by the built-in rules' suites (test/rules.test.ts)
// and plugin authors' (`linkerd-lint/testing`): a rule's folder holds `valid/` cases that
// give no finding of the rule, `invalid/` cases whose findings are exactly the lines of
// their `.out` golden (`line:col rule-id message`), an optional `<case>.config.yaml` beside
// a case, and for fixable rules `fixed/<case>`, the text the fixes make of the case.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ResolvedConfig } from '../engine/config.js';
import { type FixOutput, lintParsed, fixParsed } from '../engine/lint.js';
import type { Finding, Fixer } from '../engine/rule.js';
import { parseSource } from '../load/parse.js';
import { decode } from '../load/read.js';
import { walkManifests } from '../load/walk.js';
import type { ParsedFile } from '../model/parsed.js';

/** A case's optional sidecar `<case>.config.yaml`: target version, cluster domain, options of the rule under test. */
export interface CaseConfig {
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

/** The config settings of a case: the rule under test on at `severity`, with the sidecar's target and options. */
export function caseSettings(ruleId: string, severity: string, extra: CaseConfig = {}): Record<string, unknown> {
  const raw: Record<string, unknown> = { rules: { [ruleId]: extra.options ? [severity, extra.options] : severity } };
  if (extra.linkerdVersion) raw.linkerdVersion = extra.linkerdVersion;
  if (extra.gatewayAPI !== undefined) raw.gatewayAPI = extra.gatewayAPI;
  if (extra.clusterDomain) raw.clusterDomain = extra.clusterDomain;
  if (extra.references) raw.references = extra.references;
  return raw;
}

/** The golden-file line for a finding: `line:col rule-id message`. */
export function goldenLine(f: Finding): string {
  return `${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.message}`;
}

/** A case file name (a manifest, not a sidecar config) or a case directory (a tree of manifests). */
export const CASE_FILE = /^(?!.*\.config\.yaml$).*\.(ya?ml|json)$/;

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

/** A manifest file read and parsed, named `display` in findings. */
export function readManifest(path: string, display: string, bytes: Buffer = readFileSync(path)): ParsedFile {
  const file = decode(path, display, bytes);
  if (!file.ok) throw new Error(`${path} is not text`);
  return parseSource(file.file);
}

export interface CaseRun {
  findings: Finding[];
  /** A finding as its golden line: for a tree case, prefixed with its file's path inside the case. */
  golden: (f: Finding) => string;
  ruleErrors: ReturnType<typeof lintParsed>['ruleErrors'];
}

/**
 * Lints a case. A file case is named by its path from `displayRoot`; a directory case is
 * one tree: every manifest in it is linted together, except those under its `context/`
 * folder, which are read as `--context`. Findings in a tree are named by their path inside
 * the case directory.
 */
export function lintCase(path: string, config: ResolvedConfig, displayRoot: string, fixer?: Fixer): CaseRun {
  const options = { config, ...(fixer ? { fixer } : {}) };
  if (!statSync(path).isDirectory()) {
    // A case that is not text (a binary file) gives nothing to compare.
    const read = decode(path, relative(displayRoot, path), readFileSync(path));
    if (!read.ok) return { findings: [], golden: goldenLine, ruleErrors: [] };
    const out = lintParsed([parseSource(read.file)], options);
    return { findings: out.results.flatMap((r) => r.findings), golden: goldenLine, ruleErrors: out.ruleErrors };
  }
  const contextDir = join(path, 'context');
  const all = walkManifests(path, ['yaml', 'yml', 'json']);
  const linted = all.filter((f) => !f.startsWith(`${contextDir}/`)).map((f) => readManifest(f, relative(path, f)));
  if (linted.length === 0) throw new Error(`tree case ${path} holds no manifest to lint`);
  const context = all.filter((f) => f.startsWith(`${contextDir}/`)).flatMap((f) => readManifest(f, relative(path, f)).resources);
  const out = lintParsed(linted, { ...options, context });
  return { findings: out.results.flatMap((r) => r.findings), golden: (f) => `${f.file.displayPath}:${goldenLine(f)}`, ruleErrors: out.ruleErrors };
}

/** Applies every fix (safe and unsafe) of one rule to a parsed case, as `--fix --unsafe-fixes` would. */
export function fixCase(parsed: ParsedFile, ruleId: string, config: ResolvedConfig, fixer: Fixer): FixOutput {
  return fixParsed([parsed], { config, fixer, unsafe: true, onlyRules: new Set([ruleId]) });
}

/** The bytes of a fixed text, with the byte order mark of the file it came from. */
export function encodeFixed(parsed: ParsedFile, text: string): Buffer {
  return Buffer.from((parsed.file.bom ? '\uFEFF' : '') + text, 'utf8');
}

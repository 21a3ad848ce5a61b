import type { ParsedFile } from '../model/parsed.js';
import { toPath } from '../model/path.js';
import { bundledSchemas } from '../load/validators.js';
import type { Resource } from '../model/resource.js';
import type { ResourceSchemas } from '../model/schema.js';
import type { ReferenceMode } from '../linkerd/references.js';
import { type LinkerdOutputMode, renderedByLinkerd } from '../linkerd/rendered.js';
import { ManifestTree } from '../model/tree.js';
import { type LinkerdTarget, minorOf } from '../linkerd/releases.js';
import type { EffectiveRule, RuleSettings, RunEnv } from './config.js';
import {
  type Finding,
  type FixKind,
  type Fixer,
  type ReportDescriptor,
  type Rule,
  type RuleContext,
  type Severity,
  formatMessage,
} from './rule.js';
import { UNUSED_DIRECTIVE_RULE, applySuppressions } from './suppress.js';
import { crossResourceDoubt } from './uncertain.js';
import { timed } from './timing.js';
import { collectUnknownReads, ignoringUnknownReads, uncertainAt } from '../model/unknown.js';

export interface RunOptions {
  files: readonly ParsedFile[];
  rules: Readonly<Record<string, Rule<any, any>>>;
  /** Rule settings for a file (from config, overrides and flags). */
  settingsFor(file: ParsedFile): RuleSettings;
  /**
   * The release, cluster domain and modes a file is linted for, when they differ between
   * files (config files in subdirectories, overrides); the same object for the same values.
   * Without it every file gets `target`, `clusterDomain`, `references` and `linkerdOutput`.
   */
  envFor?(file: ParsedFile): RunEnv;
  target: LinkerdTarget;
  clusterDomain: string;
  /** Builds fix edits; without it findings carry no fixes. */
  fixer?: Fixer;
  /** The resource schemas to validate against; the bundled ones unless given. */
  schemas?: ResourceSchemas;
  /** Whether rules with `meta.skipLinkerdOutput` skip Linkerd's own manifests (`exempt`, the default). */
  linkerdOutput?: LinkerdOutputMode;
  /** Which references cross-resource rules judge (config `references`); `closed-world` unless given. */
  references?: ReferenceMode;
  /** Extra resources visible to cross-resource rules but never reported on (`--context`). */
  context?: readonly Resource[];
}

export interface RunResult {
  findings: Finding[];
  /** Rules that threw: a bug in the rule, reported without losing the other findings. */
  /** Rules that threw: on which file (the run goes on without their findings there), why, and the stack. */
  ruleErrors: RuleError[];
}

function appliesTo(rule: Rule<unknown, string>, target: LinkerdTarget): boolean {
  const { since, until } = rule.meta;
  if (since && target.minor < minorOf(since)) return false;
  if (until && target.minor > minorOf(until)) return false;
  return true;
}

/** Files that share one rule-settings map and one environment: every rule has one setting for all of them. */
interface Bucket {
  settings: RuleSettings;
  env: RunEnv;
  files: ParsedFile[];
}

/** The files by settings map and environment, found once per run rather than once per rule. */
function bucketsOf(files: readonly ParsedFile[], settingsFor: RunOptions['settingsFor'], envFor: (file: ParsedFile) => RunEnv): Bucket[] {
  const bySettings = new Map<RuleSettings, Map<RunEnv, Bucket>>();
  const out: Bucket[] = [];
  for (const file of files) {
    const settings = settingsFor(file);
    const env = envFor(file);
    let byEnv = bySettings.get(settings);
    if (!byEnv) bySettings.set(settings, (byEnv = new Map()));
    let bucket = byEnv.get(env);
    if (!bucket) {
      byEnv.set(env, (bucket = { settings, env, files: [] }));
      out.push(bucket);
    }
    bucket.files.push(file);
  }
  return out;
}

/**
 * Groups files by the exact setting a rule has for them and the environment they are
 * linted in, so each group runs the rule once. Files keep their input order in a group.
 */
function groupBySetting(ruleId: string, buckets: readonly Bucket[], order: ReadonlyMap<ParsedFile, number>) {
  const envIds = new Map<RunEnv, number>();
  const groups = new Map<string, { setting: EffectiveRule; env: RunEnv; files: ParsedFile[]; parts: number }>();
  for (const { settings, env, files } of buckets) {
    const setting = settings.get(ruleId);
    if (!setting || setting.severity === 'off') continue;
    let envId = envIds.get(env);
    if (envId === undefined) envIds.set(env, (envId = envIds.size));
    const key = `${envId}\0${setting.severity}\0${JSON.stringify(setting.options)}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { setting, env, files: [], parts: 0 }));
    group.files.push(...files);
    group.parts++;
  }
  for (const group of groups.values()) if (group.parts > 1) group.files.sort((a, b) => order.get(a)! - order.get(b)!);
  return [...groups.values()];
}

/** Runs every enabled rule over the parsed files, then applies suppressions. Pure: no I/O. */
export interface RuleError {
  ruleId: string;
  file: string;
  message: string;
  stack?: string;
}

function ruleError(ruleId: string, file: string, err: unknown): RuleError {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return err instanceof Error && err.stack ? { ruleId, file, message, stack: err.stack } : { ruleId, file, message };
}

export function runRules(opts: RunOptions): RunResult {
  const allResources = opts.files.flatMap((f) => f.resources);
  const tree = new ManifestTree(allResources, opts.context);
  const doubt = crossResourceDoubt(tree);
  const findings: Finding[] = [];
  // Findings left out because they rest on unknown values: a directive they match is still used.
  const doubted: Finding[] = [];
  const ruleErrors: RunResult['ruleErrors'] = [];

  const sameEnv: RunEnv = {
    target: opts.target,
    clusterDomain: opts.clusterDomain,
    references: opts.references ?? 'closed-world',
    linkerdOutput: opts.linkerdOutput ?? 'exempt',
  };
  const envFor = opts.envFor ?? (() => sameEnv);

  // Each rule asks for the resources of its kinds in its files, Linkerd's own output left out
  // or not: one list per kind set and mode, shared by the rules that ask for it, rather than a
  // scan of every resource for every rule.
  const linted = new Set(opts.files.map((f) => f.file));
  const rendered = new Map<Resource, boolean>();
  const isRendered = (r: Resource): boolean => {
    let is = rendered.get(r);
    if (is === undefined) rendered.set(r, (is = renderedByLinkerd(r)));
    return is;
  };
  const byKinds = new Map<string, readonly Resource[]>();
  const resourcesOf = (kinds: readonly string[] | '*', skipRendered: boolean, only: ReadonlySet<ParsedFile['file']> | undefined): readonly Resource[] => {
    const key = `${skipRendered ? 's' : 'a'}\0${kinds === '*' ? '*' : kinds.join('\0')}`;
    let list = byKinds.get(key);
    if (!list) {
      const wanted = kinds === '*' ? undefined : new Set(kinds);
      // allResources is in input order, so one pass keeps it.
      list = allResources.filter((r) => (wanted === undefined || (r.kind !== undefined && wanted.has(r.kind))) && !(skipRendered && isRendered(r)));
      byKinds.set(key, list);
    }
    return only ? list.filter((r) => only.has(r.file)) : list;
  };

  const buckets = bucketsOf(opts.files, opts.settingsFor, envFor);
  const fileOrder = new Map(opts.files.map((f, i) => [f, i]));
  for (const [ruleId, rule] of Object.entries(opts.rules)) {
    if (!rule.check) continue;
    for (const { setting, env, files } of groupBySetting(ruleId, buckets, fileOrder)) {
      if (!appliesTo(rule, env.target)) continue;
      const severity = setting.severity as Severity;
      const kinds = rule.meta.kinds;
      const skipRendered = Boolean(rule.meta.skipLinkerdOutput) && env.linkerdOutput !== 'lint';
      const skipped = (r: Resource) => skipRendered && isRendered(r);
      const check = (scope: readonly ParsedFile[], into: Finding[]) => {
        const whole = scope.length === opts.files.length;
        const inScope = whole ? linted : new Set(scope.map((f) => f.file));
        const resources = kinds === undefined ? [] : resourcesOf(kinds, skipRendered, whole ? undefined : inScope);
        // A rule that looks across resources may judge one by what others leave unknown: see crossResourceDoubt.
        const touched = new Set<string>();
        const readUnknown = new Set<Resource>();
        const own: Finding[] = [];
        const ctx: RuleContext<any, any> = {
          resources,
          tree: doubt ? doubt.recording(touched) : tree,
          files: scope,
          target: env.target,
          clusterDomain: env.clusterDomain,
          schemas: opts.schemas ?? bundledSchemas,
          references: env.references,
          // Defaults live in meta.defaultOptions alone, whoever built the settings.
          options: { ...(rule.meta.defaultOptions ?? {}), ...setting.options },
          report: (d) =>
            ignoringUnknownReads(() => {
              // Nothing is reported on a value the source does not give statically.
              const unsure = d.resource?.unknown !== undefined && uncertainAt(d.resource, d.path ? toPath(d.path) : []);
              const finding = toFinding(rule, ruleId, severity, d, unsure ? undefined : opts.fixer);
              if (unsure) {
                doubted.push(finding);
                return;
              }
              if (inScope.has(finding.file) && !(finding.resource && skipped(finding.resource))) own.push(finding);
            }),
        };
        timed(ruleId, () => (doubt ? collectUnknownReads(readUnknown, () => rule.check!(ctx)) : rule.check!(ctx)));
        for (const f of own) {
          if (doubt && f.resource && doubt.doubts(f.resource, touched, readUnknown)) doubted.push(f);
          else into.push(f);
        }
      };
      const found: Finding[] = [];
      try {
        check(files, found);
        findings.push(...found);
      } catch (whole) {
        // Find the file it fails on: the rule's findings for every other file are kept.
        const before = ruleErrors.length;
        for (const file of files) {
          const own: Finding[] = [];
          try {
            check([file], own);
            findings.push(...own);
          } catch (err) {
            ruleErrors.push(ruleError(ruleId, file.file.displayPath, err));
          }
        }
        // It fails only on the files together: say so, with what it threw.
        if (ruleErrors.length === before) ruleErrors.push(ruleError(ruleId, 'the files together', whole));
      }
    }
  }

  const unused: Rule<unknown, string> | undefined = opts.rules[UNUSED_DIRECTIVE_RULE];
  const knownRules = new Set(Object.keys(opts.rules));
  const byFile = new Map<ParsedFile['file'], Finding[]>();
  for (const f of findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }
  const doubtedByFile = new Map<ParsedFile['file'], Finding[]>();
  for (const f of doubted) {
    const list = doubtedByFile.get(f.file);
    if (list) list.push(f);
    else doubtedByFile.set(f.file, [f]);
  }
  for (const parsed of opts.files) {
    const settings = opts.settingsFor(parsed);
    const unusedSetting = settings.get(UNUSED_DIRECTIVE_RULE)?.severity;
    findings.push(
      ...applySuppressions(parsed, byFile.get(parsed.file) ?? [], {
        knownRules,
        isActive: (id) => (settings.get(id)?.severity ?? 'off') !== 'off',
        unusedSeverity: unused && unusedSetting && unusedSetting !== 'off' ? unusedSetting : undefined,
        messages: (unused?.meta.messages ?? {}) as Record<'unused' | 'unusedAll' | 'unknownRule', string>,
        doubted: doubtedByFile.get(parsed.file) ?? [],
      }),
    );
  }
  return { findings, ruleErrors };
}

function toFinding(
  rule: Rule<any, any>,
  ruleId: string,
  severity: Severity,
  d: ReportDescriptor,
  fixer: Fixer | undefined,
): Finding {
  const template = (rule.meta.messages as Record<string, string>)[d.messageId];
  if (template === undefined) throw new Error(`rule "${ruleId}" reported unknown messageId "${d.messageId}"`);
  const message = formatMessage(template, d.data);
  let file = d.file;
  let range = d.range;
  const path = d.path && d.path.length > 0 ? toPath(d.path) : undefined;
  if (d.resource) {
    file ??= d.resource.file;
    range ??= path ? d.resource.locate(path, d.at ?? 'value').range : d.resource.headRange;
  }
  if (!file || !range) throw new Error(`rule "${ruleId}" reported without a resource or a file and range`);
  const finding: Finding = { ruleId, severity: lower(severity, d.severity), message, messageId: d.messageId, file, range };
  if (d.resource) {
    finding.resource = d.resource;
    if (path) finding.path = path;
  }
  if (d.fix && fixer) {
    const fix = d.fix(fixer);
    if (fix && fix.edits.length > 0) {
      if (!fixAllowed(rule.meta.fix, fix.kind)) {
        throw new Error(`rule "${ruleId}" produced a ${fix.kind} fix but its meta.fix is "${rule.meta.fix}"`);
      }
      finding.fix = { kind: fix.kind, edits: fix.edits };
    }
  }
  return finding;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function lower(configured: Severity, asked: Severity | undefined): Severity {
  return asked !== undefined && RANK[asked] < RANK[configured] ? asked : configured;
}

function fixAllowed(offered: FixKind, kind: 'safe' | 'unsafe'): boolean {
  return offered === 'both' || offered === kind;
}

import { resolve as resolvePath } from 'node:path';
import picomatch from 'picomatch';
import { ruleOptionValidators, validateConfig } from '../load/validators.js';
import type { JsonPath } from '../model/path.js';
import type { GatewayApiSetting } from '../linkerd/releases.js';
import type { ReferenceMode } from '../linkerd/references.js';
import type { LinkerdOutputMode } from '../linkerd/rendered.js';
import { type LinkerdTarget, defaultTarget, parseLinkerdVersion } from '../linkerd/releases.js';
import { lookupUpstreamRelease } from '../linkerd/gateway-api-releases.js';
import { didYouMean } from '../model/text.js';
import type { Rule, Severity, SeveritySetting } from './rule.js';
import { SEVERITIES } from './rule.js';
import { describeSchemaErrors } from './schema-errors.js';

export type Preset = 'recommended' | 'strict' | 'all';
export const PRESETS: readonly Preset[] = ['recommended', 'strict', 'all'];
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

type RuleEntry = SeveritySetting | [SeveritySetting] | [SeveritySetting, Record<string, unknown>];

/** `.linkerd-lint.yaml` as written (after schema validation). */
export interface ConfigInput {
  linkerdVersion?: string;
  gatewayAPI?: GatewayApiSetting;
  clusterDomain?: string;
  extends?: Preset;
  rules?: Record<string, RuleEntry>;
  ignore?: string[];
  context?: string[];
  references?: ReferenceMode;
  linkerdOutput?: LinkerdOutputMode;
  /** The install's `proxy.defaultInboundPolicy`, for the access report (`linkerd-lint access`). */
  defaultInboundPolicy?: string;
  overrides?: { files: string[]; rules: Record<string, RuleEntry> }[];
}

export interface EffectiveRule {
  severity: SeveritySetting;
  options: Record<string, unknown>;
}

export type RuleSettings = ReadonlyMap<string, EffectiveRule>;

/** A problem in the configuration, with the path of the offending key in the config file. */
export interface ConfigProblem {
  path: JsonPath;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => p.message).join('\n'));
  }
}

export interface CliOverrides {
  linkerdVersion?: string;
  /** `--context PATH`, relative to the working directory; added to the config's `context`. */
  context?: { cwd: string; paths: string[] };
  /** `--rule id:severity` or `--rule 'id:[severity, {options}]'`, in order given. */
  rules?: [string, SeveritySetting, Record<string, unknown>?][];
}

/** Everything lint needs from the configuration, with per-file rule settings. */
export class ResolvedConfig {
  private readonly cache = new Map<string, RuleSettings>();
  private readonly overrideMatchers: ((relPath: string) => boolean)[];

  constructor(
    readonly target: LinkerdTarget,
    readonly clusterDomain: string,
    readonly preset: Preset,
    readonly ignore: readonly string[],
    /** Directory globs in the config are relative to. */
    readonly baseDir: string,
    private readonly base: RuleSettings,
    private readonly overrides: readonly { files: string[]; rules: Map<string, EffectiveRule> }[],
    private readonly cliRules: ReadonlyMap<string, { severity: SeveritySetting; options?: Record<string, unknown> }>,
    /** The config file read, if any. */
    readonly file: string | undefined,
    /** Manifests to resolve references against, never reported on: absolute paths or globs. */
    readonly context: readonly string[] = [],
    /** Which references the cross-resource rules check. */
    readonly references: ReferenceMode = 'closed-world',
    /** Whether rules that skip Linkerd's own rendered manifests skip them. */
    readonly linkerdOutput: LinkerdOutputMode = 'exempt',
    /** The install's default inbound policy, when the config states it. */
    readonly defaultInboundPolicy: string | undefined = undefined,
  ) {
    this.overrideMatchers = overrides.map((o) => picomatch(o.files, { dot: true }));
  }

  /** Rule settings for a file, given its path relative to `baseDir` (`/`-separated). */
  settingsFor(relPath: string): RuleSettings {
    const hits = this.overrideMatchers.map((m, i) => (m(relPath) ? i : -1)).filter((i) => i >= 0);
    const key = hits.join(',');
    let settings = this.cache.get(key);
    if (!settings) {
      const merged = new Map(this.base);
      for (const i of hits) {
        for (const [id, rule] of this.overrides[i]!.rules) merged.set(id, mergeRule(merged.get(id), rule));
      }
      for (const [id, { severity, options }] of this.cliRules) {
        merged.set(id, options ? mergeRule(merged.get(id), { severity, options }) : { ...merged.get(id)!, severity });
      }
      settings = merged;
      this.cache.set(key, settings);
    }
    return settings;
  }

  /** The settings with no override applied: what `--print-config` shows. */
  get baseSettings(): RuleSettings {
    return this.settingsFor('\0');
  }
}

function mergeRule(prev: EffectiveRule | undefined, next: EffectiveRule): EffectiveRule {
  return { severity: next.severity, options: { ...(prev?.options ?? {}), ...next.options } };
}

/** The severity a preset gives a rule. */
export function presetSeverity(rule: Rule<unknown, string>, preset: Preset): SeveritySetting {
  const { defaultSeverity, notRecommended } = rule.meta;
  if (preset === 'recommended') return notRecommended ? 'off' : defaultSeverity;
  if (preset === 'strict') return defaultSeverity === 'warning' ? 'error' : defaultSeverity;
  return defaultSeverity;
}

/** YAML reads an unquoted `linkerdVersion: 2.20` as the number 2.2: say so, and how to write it. */
function withQuotingHint(problem: ConfigProblem, raw: unknown): ConfigProblem {
  const value = (raw as { linkerdVersion?: unknown }).linkerdVersion;
  if (problem.path.length !== 1 || problem.path[0] !== 'linkerdVersion' || typeof value !== 'number') return problem;
  return {
    ...problem,
    message: `${problem.message}: YAML reads an unquoted version as a number (2.20 becomes 2.2); quote it, e.g. linkerdVersion: "${value.toFixed(2)}"`,
  };
}

/**
 * Validates a parsed config file and combines it with the presets, the rules' defaults
 * and the command line. Every problem found is reported at once.
 */
export function resolveConfig(
  raw: unknown,
  registry: Readonly<Record<string, Rule<unknown, string>>>,
  baseDir: string,
  cli: CliOverrides = {},
  file?: string,
): ResolvedConfig {
  const input = (raw ?? {}) as ConfigInput;
  if (raw !== undefined && raw !== null && !validateConfig(raw)) {
    throw new ConfigError(describeSchemaErrors(validateConfig.errors ?? []).map((p) => withQuotingHint(p, raw)));
  }
  const problems: ConfigProblem[] = [];

  let target: LinkerdTarget = defaultTarget();
  const versionText = cli.linkerdVersion ?? input.linkerdVersion;
  if (versionText !== undefined) {
    const parsed = parseLinkerdVersion(versionText);
    if ('error' in parsed) {
      problems.push({ path: cli.linkerdVersion !== undefined ? [] : ['linkerdVersion'], message: `${cli.linkerdVersion !== undefined ? '--linkerd-version' : 'linkerdVersion'}: ${parsed.error}` });
    } else target = parsed;
  }
  if (input.gatewayAPI !== undefined) target = { ...target, gatewayApi: input.gatewayAPI };
  if (typeof input.gatewayAPI === 'object') {
    const found = lookupUpstreamRelease(input.gatewayAPI.version);
    if (found.state === 'invalid') problems.push({ path: ['gatewayAPI', 'version'], message: `gatewayAPI.version: ${found.error}` });
  }

  const preset = input.extends ?? 'recommended';
  const base = new Map<string, EffectiveRule>();
  for (const [id, rule] of Object.entries(registry)) {
    // Options here are what the config sets; the runner lays them over meta.defaultOptions.
    base.set(id, { severity: presetSeverity(rule, preset), options: {} });
  }

  const readRules = (rules: Record<string, RuleEntry> | undefined, at: JsonPath): Map<string, EffectiveRule> => {
    const out = new Map<string, EffectiveRule>();
    for (const [id, entry] of Object.entries(rules ?? {})) {
      const rule = Object.hasOwn(registry, id) ? registry[id] : undefined;
      if (!rule) {
        problems.push({ path: [...at, id], message: `${formatAt([...at, id])}: unknown rule "${id}"${didYouMean(id, Object.keys(registry))}` });
        continue;
      }
      const [severity, options] = Array.isArray(entry) ? entry : [entry];
      if (options !== undefined) {
        const validate = ruleOptionValidators[id];
        if (!validate) {
          problems.push({ path: [...at, id, 1], message: `${formatAt([...at, id])}: rule "${id}" takes no options` });
        } else if (!validate(options)) {
          for (const p of describeSchemaErrors(validate.errors ?? [], `${formatAt([...at, id])}[1]`)) {
            problems.push({ path: [...at, id, 1, ...p.path], message: p.message });
          }
        }
      }
      out.set(id, { severity, options: options ?? {} });
    }
    return out;
  };

  for (const [id, rule] of readRules(input.rules, ['rules'])) base.set(id, mergeRule(base.get(id), rule));
  const overrides = (input.overrides ?? []).map((o, i) => ({ files: o.files, rules: readRules(o.rules, ['overrides', i, 'rules']) }));

  const cliRules = new Map<string, { severity: SeveritySetting; options?: Record<string, unknown> }>();
  for (const [id, severity, options] of cli.rules ?? []) {
    if (!Object.hasOwn(registry, id)) problems.push({ path: [], message: `--rule: unknown rule "${id}"${didYouMean(id, Object.keys(registry))}` });
    else if (!SEVERITIES.includes(severity)) problems.push({ path: [], message: `--rule ${id}: severity "${severity}" is not one of ${SEVERITIES.join(', ')}` });
    else if (options !== undefined) {
      const validate = ruleOptionValidators[id];
      if (!validate) problems.push({ path: [], message: `--rule ${id}: rule "${id}" takes no options` });
      else if (!validate(options)) for (const p of describeSchemaErrors(validate.errors ?? [])) problems.push({ path: [], message: `--rule ${id} options: ${p.message}` });
      else cliRules.set(id, { severity, options });
    } else cliRules.set(id, { severity });
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return new ResolvedConfig(
    target,
    input.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    preset,
    input.ignore ?? [],
    baseDir,
    base,
    overrides,
    cliRules,
    file,
    [
      ...(input.context ?? []).map((p) => resolvePath(baseDir, p)),
      ...(cli.context?.paths ?? []).map((p) => resolvePath(cli.context!.cwd, p)),
    ],
    input.references ?? 'closed-world',
    input.linkerdOutput ?? 'exempt',
    input.defaultInboundPolicy,
  );
}

function formatAt(path: JsonPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

export function isActive(severity: SeveritySetting): severity is Severity {
  return severity !== 'off';
}

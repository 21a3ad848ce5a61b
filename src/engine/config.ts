import { isAbsolute, relative, resolve as resolvePath } from 'node:path';
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
import { POLICY_PREFIX, policyRules } from './policies.js';
import { type LoadedPlugin, PluginError, compiledOptionsValidator, loadPlugin } from './plugins.js';
import type { Validator } from '../model/schema.js';

export type Preset = 'recommended' | 'strict' | 'all';
export const PRESETS: readonly Preset[] = ['recommended', 'strict', 'all'];
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

type RuleEntry = SeveritySetting | [SeveritySetting] | [SeveritySetting, Record<string, unknown>];

interface OverrideInput {
  files: string[];
  rules?: Record<string, RuleEntry>;
  linkerdVersion?: string;
  gatewayAPI?: GatewayApiSetting;
}

/** `.linkerd-lint.yaml` as written (after schema validation). */
export interface ConfigInput {
  linkerdVersion?: string;
  gatewayAPI?: GatewayApiSetting;
  clusterDomain?: string;
  /** A preset, or the path of another config file (relative to this one) to build on. */
  extends?: string;
  rules?: Record<string, RuleEntry>;
  ignore?: string[];
  context?: string[];
  references?: ReferenceMode;
  linkerdOutput?: LinkerdOutputMode;
  /** The install's `proxy.defaultInboundPolicy`, for the access report (`linkerd-lint access`). */
  defaultInboundPolicy?: string;
  /** CEL policies, or paths of policy files (src/engine/policies.ts). */
  policies?: unknown[];
  overrides?: OverrideInput[];
  /**
   * Modules of more rules: paths relative to this file (`./policies/index.js`) or package
   * names resolved from its directory. Each one's default export is `{ name, rules }`; its
   * rules are `name/rule-id`, off until `rules` turns them on.
   */
  plugins?: string[];
}

export function isPreset(value: unknown): value is Preset {
  return typeof value === 'string' && (PRESETS as readonly string[]).includes(value);
}

export interface EffectiveRule {
  severity: SeveritySetting;
  options: Record<string, unknown>;
}

export type RuleSettings = ReadonlyMap<string, EffectiveRule>;

/** What rules see of the configuration besides their own settings: one value per distinct setting. */
export interface RunEnv {
  readonly target: LinkerdTarget;
  readonly clusterDomain: string;
  readonly references: ReferenceMode;
  readonly linkerdOutput: LinkerdOutputMode;
}

/** Everything the configuration says about one file. */
export interface FileSettings {
  readonly rules: RuleSettings;
  readonly env: RunEnv;
}

/** A problem in the configuration, with the path of the offending key in the config file. */
export interface ConfigProblem {
  path: JsonPath;
  message: string;
  /** Which layer (config file) of an `extends` chain it is in: an index into the layers given. */
  layer?: number;
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

/** A glob and the directory it is relative to (that of the config file it was written in). */
interface BasedGlob {
  glob: string;
  baseDir: string;
}

interface Override {
  files: BasedGlob[];
  match: (path: string) => boolean;
  rules: Map<string, EffectiveRule>;
  linkerdVersion?: LinkerdTarget;
  gatewayAPI?: GatewayApiSetting;
}

/** A file's path relative to `baseDir`, `/`-separated, or undefined when it is not under it. */
function under(baseDir: string, path: string): string | undefined {
  const rel = relative(baseDir, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split('\\').join('/');
}

function basedMatcher(globs: readonly BasedGlob[]): (path: string) => boolean {
  const matchers = globs.map(({ glob, baseDir }) => ({ baseDir, match: picomatch(glob, { dot: true }) }));
  return (path) =>
    matchers.some(({ baseDir, match }) => {
      const rel = under(baseDir, path);
      return rel !== undefined && match(rel);
    });
}

/**
 * What one config file (with the files it extends) says: the settings of every file it
 * governs, with each file's overrides applied.
 */
export class ResolvedConfig {
  private readonly cache = new Map<string, FileSettings>();
  private readonly envs = new Map<string, RunEnv>();
  private readonly ignoreMatchers: { baseDir: string; match: (rel: string) => boolean }[];

  constructor(
    /** The release and Gateway API install of files no override retargets. */
    readonly target: LinkerdTarget,
    readonly clusterDomain: string,
    readonly preset: Preset,
    private readonly ignoreGlobs: readonly BasedGlob[],
    /** The directory of the config file (the working directory without one). */
    readonly baseDir: string,
    private readonly base: RuleSettings,
    private readonly overrides: readonly Override[],
    private readonly cliRules: ReadonlyMap<string, { severity: SeveritySetting; options?: Record<string, unknown> }>,
    /** The config files read, the one found first and then those it extends, in that order. */
    readonly files: readonly string[],
    /** Manifests to resolve references against, never reported on: absolute paths or globs. */
    readonly context: readonly string[] = [],
    /** Which references the cross-resource rules check. */
    readonly references: ReferenceMode = 'closed-world',
    /** Whether rules that skip Linkerd's own rendered manifests skip them. */
    readonly linkerdOutput: LinkerdOutputMode = 'exempt',
    /** `--linkerd-version`, which no override changes. */
    private readonly cliVersion = false,
    /** The install's default inbound policy, when the config states it. */
    readonly defaultInboundPolicy: string | undefined = undefined,
    /** Every rule this config can run: the registry it was resolved with and its plugins' rules. */
    readonly rules: Readonly<Record<string, Rule<any, any>>> = {},
    /** The plugins of the config files read, in the order they are named (the chain's root first). */
    readonly plugins: readonly LoadedPlugin[] = [],
  ) {
    this.ignoreMatchers = ignoreGlobs.map(({ glob, baseDir }) => ({ baseDir, match: picomatch(glob, { dot: true }) }));
  }

  /** The config file that applies, if any. */
  get file(): string | undefined {
    return this.files[0];
  }

  /** The `ignore` globs as written when they are this file's own, else as absolute globs. */
  get ignore(): string[] {
    return this.ignoreGlobs.map(({ glob, baseDir }) => (baseDir === this.baseDir ? glob : `${baseDir.split('\\').join('/')}/${glob}`));
  }

  /** The `ignore` globs (as `ignore` shows them) that leave out the file or directory at `path`. */
  ignoredBy(path: string): string[] {
    const shown = this.ignore;
    const out: string[] = [];
    this.ignoreMatchers.forEach(({ baseDir, match }, i) => {
      const rel = under(baseDir, path);
      // `dir/` matches a directory glob written with a trailing slash.
      if (rel !== undefined && (match(rel) || match(`${rel}/`))) out.push(shown[i]!);
    });
    return out;
  }

  /** The settings of the file at an absolute path. */
  forFile(path: string): FileSettings {
    const hits = this.overrides.map((o, i) => (o.match(path) ? i : -1)).filter((i) => i >= 0);
    return this.withOverrides(hits);
  }

  /** Rule settings for a file, given its path relative to the config's directory (`/`-separated). */
  settingsFor(relPath: string): RuleSettings {
    return this.forFile(resolvePath(this.baseDir, relPath)).rules;
  }

  /** The targets files may be linted for: the config's own, and that of each override that sets one. */
  targets(): LinkerdTarget[] {
    return [this.target, ...this.overrides.map((_, i) => this.withOverrides([i]).env.target)];
  }

  /** The settings with no override applied: what `--print-config` shows without a path. */
  get baseSettings(): FileSettings {
    return this.withOverrides([]);
  }

  private withOverrides(hits: readonly number[]): FileSettings {
    const key = hits.join(',');
    let settings = this.cache.get(key);
    if (!settings) {
      const merged = new Map(this.base);
      let target = this.target;
      for (const i of hits) {
        const o = this.overrides[i]!;
        for (const [id, rule] of o.rules) merged.set(id, mergeRule(merged.get(id), rule));
        if (o.linkerdVersion && !this.cliVersion) target = { ...o.linkerdVersion, ...(target.gatewayApi !== undefined ? { gatewayApi: target.gatewayApi } : {}) };
        if (o.gatewayAPI !== undefined) target = { ...target, gatewayApi: o.gatewayAPI };
      }
      for (const [id, { severity, options }] of this.cliRules) {
        merged.set(id, options ? mergeRule(merged.get(id), { severity, options }) : { ...merged.get(id)!, severity });
      }
      settings = { rules: merged, env: this.envFor(target) };
      this.cache.set(key, settings);
    }
    return settings;
  }

  /** One RunEnv per distinct target, so the runner can group files by identity. */
  private envFor(target: LinkerdTarget): RunEnv {
    const key = `${target.input}\0${JSON.stringify(target.gatewayApi ?? 'auto')}`;
    let env = this.envs.get(key);
    if (!env) {
      env = { target, clusterDomain: this.clusterDomain, references: this.references, linkerdOutput: this.linkerdOutput };
      this.envs.set(key, env);
    }
    return env;
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
  const last = problem.path[problem.path.length - 1];
  if (last !== 'linkerdVersion') return problem;
  let value: unknown = raw;
  for (const seg of problem.path) value = (value as Record<string | number, unknown> | undefined)?.[seg];
  if (typeof value !== 'number') return problem;
  return {
    ...problem,
    message: `${problem.message}: YAML reads an unquoted version as a number (2.20 becomes 2.2); quote it, e.g. linkerdVersion: "${value.toFixed(2)}"`,
  };
}

/** One config file of an `extends` chain: its settings as read, and the directory its paths are relative to. */
export interface ConfigLayer {
  raw: unknown;
  baseDir: string;
  file?: string;
  /** Where the setting at a path is written (`file:line:col`), for problems found past the schema. */
  locate?: (path: JsonPath) => string;
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
  return resolveLayers([{ raw, baseDir, ...(file !== undefined ? { file } : {}) }], registry, cli);
}

/**
 * Resolves a config file and the files it extends, given from the one that applies to the
 * one at the root of the chain: each layer's settings are laid over those it extends
 * (rules one by one; `ignore`, `context` and `overrides` added, each relative to its own
 * file), and the preset comes from the root.
 */
export function resolveLayers(
  layers: readonly ConfigLayer[],
  registry: Readonly<Record<string, Rule<unknown, string>>>,
  cli: CliOverrides = {},
  /** The directory paths in messages are shown relative to. */
  cwd: string = process.cwd(),
): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  layers.forEach(({ raw }, layer) => {
    if (raw !== undefined && raw !== null && !validateConfig(raw)) {
      for (const p of describeSchemaErrors(validateConfig.errors ?? [])) problems.push({ ...withQuotingHint(p, raw), layer });
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);

  const inputs = layers.map((l) => (l.raw ?? {}) as ConfigInput);
  const ordered = [...inputs.keys()].reverse(); // root of the chain first
  const plugins = loadPlugins(layers, inputs, ordered);
  // A config's CEL policies are rules of its own, `policy/<id>`: on at their severity, as written.
  const policies = inputs.some((input) => input.policies !== undefined)
    ? policyRules(
        layers.map((l, i) => ({ entries: inputs[i]!.policies ?? [], baseDir: l.baseDir, locate: l.locate ?? formatAt })),
        cwd,
      )
    : {};
  const builtin = registry;
  if (plugins.length > 0 || Object.keys(policies).length > 0) {
    registry = Object.assign({}, builtin, ...plugins.map((p) => p.rules), policies) as typeof registry;
  }
  /** Why an id is not in the registry, with the nearest id where one is near. */
  const unknownRule = (id: string): string => {
    const slash = id.indexOf('/');
    if (slash === -1 || Object.hasOwn(builtin, id)) return `unknown rule "${id}"${didYouMean(id, Object.keys(builtin))}`;
    const name = id.slice(0, slash);
    if (name === POLICY_PREFIX) {
      const ids = Object.keys(policies);
      return `unknown rule "${id}": no policy "${id.slice(slash + 1)}" is declared under policies${ids.length > 0 ? didYouMean(id, ids) : ''}`;
    }
    const plugin = plugins.find((p) => p.name === name);
    if (!plugin) {
      const names = plugins.map((p) => p.name);
      return `unknown rule "${id}": no plugin "${name}" is loaded${names.length > 0 ? didYouMean(name, names) : '; name its module under plugins'}`;
    }
    return `unknown rule "${id}": plugin "${name}" has no rule "${id.slice(slash + 1)}"${didYouMean(id, Object.keys(plugin.rules))}`;
  };
  /** The validator of a rule's options: precompiled for built-in rules, compiled from meta.options for the others. */
  const optionsValidator = (id: string, rule: Rule<unknown, string>, path: JsonPath, layer: number | undefined): Validator | undefined | null => {
    const precompiled = ruleOptionValidators[id];
    if (precompiled) return precompiled;
    try {
      return compiledOptionsValidator(rule);
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      problems.push({ path, message: err.message, ...(layer !== undefined ? { layer } : {}) });
      return null;
    }
  };
  const last = <K extends keyof ConfigInput>(key: K): { value: ConfigInput[K]; layer: number } | undefined => {
    const layer = inputs.findIndex((input) => input[key] !== undefined);
    return layer === -1 ? undefined : { value: inputs[layer]![key], layer };
  };

  const parseVersion = (text: string, path: JsonPath, layer: number): LinkerdTarget | undefined => {
    const parsed = parseLinkerdVersion(text);
    if (!('error' in parsed)) return parsed;
    problems.push({ path, message: `${formatAt(path)}: ${parsed.error}`, layer });
    return undefined;
  };
  const checkGatewayApi = (setting: GatewayApiSetting, path: JsonPath, layer: number) => {
    if (typeof setting !== 'object') return;
    const found = lookupUpstreamRelease(setting.version);
    if (found.state === 'invalid') problems.push({ path: [...path, 'version'], message: `${formatAt([...path, 'version'])}: ${found.error}`, layer });
  };

  let target: LinkerdTarget = defaultTarget();
  if (cli.linkerdVersion !== undefined) {
    const parsed = parseLinkerdVersion(cli.linkerdVersion);
    if ('error' in parsed) problems.push({ path: [], message: `--linkerd-version: ${parsed.error}` });
    else target = parsed;
  } else {
    const version = last('linkerdVersion');
    if (version) target = parseVersion(version.value!, ['linkerdVersion'], version.layer) ?? target;
  }
  const gatewayAPI = last('gatewayAPI');
  if (gatewayAPI) {
    target = { ...target, gatewayApi: gatewayAPI.value! };
    checkGatewayApi(gatewayAPI.value!, ['gatewayAPI'], gatewayAPI.layer);
  }

  const rootExtends = inputs[inputs.length - 1]!.extends;
  const preset: Preset = isPreset(rootExtends) ? rootExtends : 'recommended';
  const base = new Map<string, EffectiveRule>();
  for (const [id, rule] of Object.entries(registry)) {
    // Options here are what the config sets; the runner lays them over meta.defaultOptions.
    // A plugin's rules are off until the config turns them on, whatever the preset, as in ESLint.
    base.set(id, { severity: Object.hasOwn(builtin, id) || Object.hasOwn(policies, id) ? presetSeverity(rule, preset) : 'off', options: {} });
  }

  const readRules = (rules: Record<string, RuleEntry> | undefined, at: JsonPath, layer: number): Map<string, EffectiveRule> => {
    const out = new Map<string, EffectiveRule>();
    for (const [id, entry] of Object.entries(rules ?? {})) {
      const rule = Object.hasOwn(registry, id) ? registry[id] : undefined;
      if (!rule) {
        problems.push({ path: [...at, id], message: `${formatAt([...at, id])}: ${unknownRule(id)}`, layer });
        continue;
      }
      const [severity, options] = Array.isArray(entry) ? entry : [entry];
      if (options !== undefined) {
        const validate = optionsValidator(id, rule, [...at, id, 1], layer);
        if (validate === null) continue;
        if (!validate) {
          problems.push({ path: [...at, id, 1], message: `${formatAt([...at, id])}: rule "${id}" takes no options`, layer });
        } else if (!validate(options)) {
          for (const p of describeSchemaErrors(validate.errors ?? [], `${formatAt([...at, id])}[1]`)) {
            problems.push({ path: [...at, id, 1, ...p.path], message: p.message, layer });
          }
        }
      }
      out.set(id, { severity, options: options ?? {} });
    }
    return out;
  };

  const ignore: BasedGlob[] = [];
  const context: string[] = [];
  const overrides: Override[] = [];
  for (const layer of ordered) {
    const input = inputs[layer]!;
    const { baseDir } = layers[layer]!;
    for (const [id, rule] of readRules(input.rules, ['rules'], layer)) base.set(id, mergeRule(base.get(id), rule));
    for (const glob of input.ignore ?? []) ignore.push({ glob, baseDir });
    for (const path of input.context ?? []) context.push(resolvePath(baseDir, path));
    (input.overrides ?? []).forEach((o, i) => {
      const files = o.files.map((glob) => ({ glob, baseDir }));
      const override: Override = { files, match: basedMatcher(files), rules: readRules(o.rules, ['overrides', i, 'rules'], layer) };
      if (o.linkerdVersion !== undefined) {
        const parsed = parseVersion(o.linkerdVersion, ['overrides', i, 'linkerdVersion'], layer);
        if (parsed) override.linkerdVersion = parsed;
      }
      if (o.gatewayAPI !== undefined) {
        override.gatewayAPI = o.gatewayAPI;
        checkGatewayApi(o.gatewayAPI, ['overrides', i, 'gatewayAPI'], layer);
      }
      overrides.push(override);
    });
  }

  const cliRules = new Map<string, { severity: SeveritySetting; options?: Record<string, unknown> }>();
  for (const [id, severity, options] of cli.rules ?? []) {
    if (!Object.hasOwn(registry, id)) problems.push({ path: [], message: `--rule: ${unknownRule(id)}` });
    else if (!SEVERITIES.includes(severity)) problems.push({ path: [], message: `--rule ${id}: severity "${severity}" is not one of ${SEVERITIES.join(', ')}` });
    else if (options !== undefined) {
      const validate = optionsValidator(id, registry[id]!, [], undefined);
      if (validate === null) continue;
      if (!validate) problems.push({ path: [], message: `--rule ${id}: rule "${id}" takes no options` });
      else if (!validate(options)) for (const p of describeSchemaErrors(validate.errors ?? [])) problems.push({ path: [], message: `--rule ${id} options: ${p.message}` });
      else cliRules.set(id, { severity, options });
    } else cliRules.set(id, { severity });
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return new ResolvedConfig(
    target,
    last('clusterDomain')?.value ?? DEFAULT_CLUSTER_DOMAIN,
    preset,
    ignore,
    layers[0]!.baseDir,
    base,
    overrides,
    cliRules,
    layers.flatMap((l) => (l.file !== undefined ? [l.file] : [])),
    [...context, ...(cli.context?.paths ?? []).map((p) => resolvePath(cli.context!.cwd, p))],
    last('references')?.value ?? 'closed-world',
    last('linkerdOutput')?.value ?? 'exempt',
    cli.linkerdVersion !== undefined,
    last('defaultInboundPolicy')?.value,
    registry,
    plugins,
  );
}

/**
 * The plugins of every file of the chain, the root's first. One that cannot be loaded stops
 * the resolution: its rules' settings would only add errors about rules that do not exist.
 */
function loadPlugins(layers: readonly ConfigLayer[], inputs: readonly ConfigInput[], ordered: readonly number[]): LoadedPlugin[] {
  const out: LoadedPlugin[] = [];
  const problems: ConfigProblem[] = [];
  for (const layer of ordered) {
    const { file, baseDir } = layers[layer]!;
    (inputs[layer]!.plugins ?? []).forEach((specifier, i) => {
      const path: JsonPath = ['plugins', i];
      try {
        const plugin = loadPlugin(specifier, file ?? resolvePath(baseDir, '<config>'));
        const same = out.find((p) => p.name === plugin.name);
        if (!same) out.push(plugin);
        else if (same !== plugin) problems.push({ path, message: `${formatAt(path)}: plugin "${specifier}" is named "${plugin.name}", as ${same.module} already is; two plugins cannot share a name`, layer });
      } catch (err) {
        if (!(err instanceof PluginError)) throw err;
        problems.push({ path, message: `${formatAt(path)}: ${err.message}`, layer });
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

function formatAt(path: JsonPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

export function isActive(severity: SeveritySetting): severity is Severity {
  return severity !== 'off';
}

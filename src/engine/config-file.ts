import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type ConfigSource, configIn, readConfigFile } from '../load/config-file.js';
import { displayPathOf } from '../load/discover.js';
import { UsageError } from '../model/errors.js';
import { ConfigError, type CliOverrides, type ResolvedConfig, isPreset, resolveLayers } from './config.js';
import { PolicyError, policyErrorText } from './policies.js';
import type { Rule } from './rule.js';

export interface ConfigOptions {
  cwd: string;
  /** `--config FILE`: this file applies to every file linted. */
  config?: string;
  /** False with `--no-config-lookup`: the defaults apply to every file. */
  configLookup: boolean;
}

/** Where the configuration of a file comes from: one config for all, or the nearest config file of each. */
export interface Configs {
  /** The config of the working directory: what applies to standard input and what reports name. */
  readonly root: ResolvedConfig;
  /** The config that applies to the file (or directory) at `path`. */
  forPath(path: string): ResolvedConfig;
  /** The config that applies to the files directly in the directory `dir`. */
  forDirectory(dir: string): ResolvedConfig;
  /** Every config that applied to a path asked about so far, the root's first. */
  used(): readonly ResolvedConfig[];
}

/** One config for every file: `--config`, `--no-config-lookup`, or a config built in code. */
export function singleConfig(config: ResolvedConfig): Configs {
  return { root: config, forPath: () => config, forDirectory: () => config, used: () => [config] };
}

/**
 * The nearest config file of each file, looked up from the file's own directory upward:
 * the first directory holding a `.linkerd-lint.yaml` (or `.yml`) decides, with no merging
 * of the files above it (a config builds on another only by naming it in `extends`), as
 * ESLint looks up `eslint.config.js` from each file. A file with no config file above it
 * gets the defaults. Lookups are cached per directory, configs per file.
 */
export class ConfigLookup implements Configs {
  private readonly nearest = new Map<string, string | null>();
  private readonly loaded = new Map<string, ResolvedConfig>();
  private readonly seen = new Set<ResolvedConfig>();
  private defaults: ResolvedConfig | undefined;
  readonly root: ResolvedConfig;

  constructor(
    private readonly cwd: string,
    private readonly registry: Readonly<Record<string, Rule<any, any>>>,
    private readonly cli: CliOverrides,
  ) {
    this.root = this.forDirectory(cwd);
  }

  forPath(path: string): ResolvedConfig {
    const abs = isAbsolute(path) ? path : resolve(this.cwd, path);
    return this.forDirectory(dirname(abs));
  }

  /** The config of the files directly in `dir`. */
  forDirectory(dir: string): ResolvedConfig {
    const file = this.lookup(dir);
    const config = file === null ? (this.defaults ??= resolveOrExplain([], this.registry, this.cwd, this.cli)) : this.load(file);
    this.seen.add(config);
    return config;
  }

  used(): readonly ResolvedConfig[] {
    return [this.root, ...[...this.seen].filter((c) => c !== this.root)];
  }

  private lookup(dir: string): string | null {
    const cached = this.nearest.get(dir);
    if (cached !== undefined) return cached;
    const parent = dirname(dir);
    const found = configIn(dir, this.cwd) ?? (parent === dir ? null : this.lookup(parent));
    this.nearest.set(dir, found);
    return found;
  }

  private load(file: string): ResolvedConfig {
    let config = this.loaded.get(file);
    if (!config) {
      config = loadConfigFile(file, this.cwd, this.registry, this.cli);
      this.loaded.set(file, config);
    }
    return config;
  }
}

/** The configuration as the command line asks for it. */
export function loadConfigs(opts: ConfigOptions, registry: Readonly<Record<string, Rule<any, any>>>, cli: CliOverrides): Configs {
  if (opts.config !== undefined) return singleConfig(loadConfigFile(resolve(opts.cwd, opts.config), opts.cwd, registry, cli));
  if (!opts.configLookup) return singleConfig(resolveOrExplain([], registry, opts.cwd, cli));
  return new ConfigLookup(opts.cwd, registry, cli);
}

/**
 * Reads and resolves the configuration of the working directory: the `--config` file, the
 * nearest `.linkerd-lint.yaml`, or the defaults. Problems are reported with file:line:col.
 */
export function loadConfig(opts: ConfigOptions, registry: Readonly<Record<string, Rule<any, any>>>, cli: CliOverrides): ResolvedConfig {
  return loadConfigs(opts, registry, cli).root;
}

/** A config file and the files it extends, resolved. */
export function loadConfigFile(path: string, cwd: string, registry: Readonly<Record<string, Rule<any, any>>>, cli: CliOverrides): ResolvedConfig {
  return resolveChain(readConfigFile(path, cwd), cwd, registry, cli);
}

/**
 * A config given as an object rather than a file (the programmatic API's inline config):
 * its paths (`ignore`, `context`, `overrides`, a config file it `extends`) are relative to
 * `cwd`, and problems are reported at the setting's path, there being no file:line.
 */
export function inlineConfig(raw: unknown, cwd: string, registry: Readonly<Record<string, Rule<any, any>>>, cli: CliOverrides): ResolvedConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError('config: expected an object of settings');
  const source: ConfigSource = { path: join(cwd, '<inline config>'), raw: raw as Record<string, unknown>, locate: () => 'config' };
  return resolveChain(source, cwd, registry, cli);
}

function resolveChain(first: ConfigSource, cwd: string, registry: Readonly<Record<string, Rule<any, any>>>, cli: CliOverrides): ResolvedConfig {
  const chain: ConfigSource[] = [];
  for (let file = first.path; ; ) {
    const source = chain.length === 0 ? first : readConfigFile(file, cwd);
    chain.push(source);
    const parent = source.raw?.['extends'];
    if (typeof parent !== 'string' || isPreset(parent) || !/\.ya?ml$/i.test(parent)) break;
    const next = resolve(dirname(file), parent);
    const at = source.locate(['extends']);
    if (chain.some((c) => c.path === next)) {
      const names = [...chain.map((c) => displayPathOf(c.path, cwd)), displayPathOf(next, cwd)];
      throw new UsageError(`${at}: extends: the config files extend each other in a loop: ${names.join(' → ')}`);
    }
    if (!existsSync(next)) throw new UsageError(`${at}: extends: no config file ${displayPathOf(next, cwd)}; name a preset (recommended, strict, all) or the path of a config file, relative to this one`);
    file = next;
  }
  return resolveOrExplain(chain, registry, cwd, cli);
}

function resolveOrExplain(
  chain: readonly ConfigSource[],
  registry: Readonly<Record<string, Rule<any, any>>>,
  cwd: string,
  cli: CliOverrides,
): ResolvedConfig {
  const layers = chain.length > 0 ? chain.map((c) => ({ raw: c.raw, baseDir: dirname(c.path), file: c.path, locate: c.locate })) : [{ raw: undefined, baseDir: cwd }];
  try {
    return resolveLayers(layers, registry, cli, cwd);
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(policyErrorText(err));
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.problems.map((p) => {
      const source = p.layer !== undefined ? chain[p.layer] : undefined;
      return source && p.path.length > 0 ? `${source.locate([...p.path])}: ${p.message}` : p.message;
    });
    throw new UsageError(`invalid configuration:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
}

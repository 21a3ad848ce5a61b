import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { compileOptionsSchema } from '../load/options-schema.js';
import type { Validator } from '../model/schema.js';
import { CATEGORIES, POLICY_PREFIX, type Rule } from './rule.js';

/** A plugin as loaded: its name, where it came from, and its rules under their full ids (`name/rule-id`). */
export interface LoadedPlugin {
  readonly name: string;
  /** The resolved path of its module, or `<object>` for a plugin given as an object. */
  readonly module: string;
  /** The plugin's rules by full id, each with `meta.id` the full id. */
  readonly rules: Readonly<Record<string, Rule<any, any>>>;
}

/** What a plugin module's default export must be. */
export interface Plugin {
  /** Kebab-case: the prefix of its rule ids (`name/rule-id`). */
  name: string;
  /** Rule id (kebab-case, equal to the rule's `meta.id`) to rule, as `defineRule` makes them. */
  rules: Record<string, Rule<any, any>>;
}

/** A plugin that cannot be used: what is wrong with it, in words that name it. */
export class PluginError extends Error {
  override name = 'PluginError';
}

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FIX_KINDS = ['none', 'safe', 'unsafe', 'both'];
const SEVERITIES = ['info', 'warning', 'error'];
/** The prefix of the findings of CEL policies (`policy/<id>`): no plugin may take it. */
const RESERVED_NAMES = new Set([POLICY_PREFIX]);

// One load per module for the whole process: two configs that name the same file share its rule objects.
const byPath = new Map<string, LoadedPlugin>();
const byObject = new WeakMap<object, LoadedPlugin>();

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message.split('\n')[0]}`;
  return String(err);
}

/**
 * Where a plugin specifier points: a path (`./policies/index.js`, relative to the config
 * file), or a package name resolved from the config file's directory as Node resolves it.
 */
export function resolvePlugin(specifier: string, configFile: string): string {
  if (specifier.startsWith('./') || specifier.startsWith('../') || isAbsolute(specifier)) {
    const path = resolve(dirname(configFile), specifier);
    try {
      return createRequire(configFile).resolve(path);
    } catch {
      throw new PluginError(`plugin "${specifier}": no file ${path}`);
    }
  }
  try {
    return createRequire(configFile).resolve(specifier);
  } catch {
    throw new PluginError(`plugin "${specifier}": no package of that name can be found from ${dirname(configFile)}; install it there or give a path starting with ./`);
  }
}

/**
 * Loads the plugin named in a config file. Synchronous: Node 20.19+ requires ES modules
 * (without top-level await) as it does CommonJS ones, so config resolution stays one pass.
 */
export function loadPlugin(specifier: string, configFile: string): LoadedPlugin {
  const path = resolvePlugin(specifier, configFile);
  const cached = byPath.get(path);
  if (cached) return cached;
  let mod: unknown;
  try {
    mod = createRequire(configFile)(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ERR_REQUIRE_ASYNC_MODULE') {
      throw new PluginError(`plugin "${specifier}" uses top-level await, which a plugin cannot: its module must load synchronously`);
    }
    throw new PluginError(`plugin "${specifier}" failed to load: ${describe(err)}`);
  }
  // An ES module's default export, or what a CommonJS module assigns to module.exports.
  const isEsm = Object.prototype.toString.call(mod) === '[object Module]';
  if (isEsm && !('default' in (mod as object))) throw new PluginError(`plugin "${specifier}": the module has no default export; export default { name, rules }`);
  const exported = mod !== null && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : mod;
  const loaded = checkPlugin(exported, `plugin "${specifier}"`, path);
  byPath.set(path, loaded);
  return loaded;
}

/** A plugin given as an object (the fixture runner's): checked and prefixed once per object. */
export function pluginFromObject(plugin: unknown): LoadedPlugin {
  if (plugin !== null && typeof plugin === 'object') {
    const cached = byObject.get(plugin);
    if (cached) return cached;
  }
  const name = plugin !== null && typeof plugin === 'object' && typeof (plugin as Plugin).name === 'string' ? `"${(plugin as Plugin).name}"` : 'given';
  const loaded = checkPlugin(plugin, `plugin ${name}`, '<object>');
  byObject.set(plugin as object, loaded);
  return loaded;
}

function ruleProblem(id: string, rule: unknown): string | undefined {
  if (rule === null || typeof rule !== 'object') return 'is not a rule object (make it with defineRule)';
  const { meta, check } = rule as Rule;
  if (meta === null || typeof meta !== 'object') return 'has no meta object';
  if (meta.id !== id) return `has meta.id ${JSON.stringify(meta.id)}; expected "${id}", its key in rules`;
  if (typeof check !== 'function') return 'has no check function';
  if (typeof meta.description !== 'string') return 'has no meta.description string';
  if (!(CATEGORIES as readonly unknown[]).includes(meta.category)) return `has meta.category ${JSON.stringify(meta.category)}; expected one of ${CATEGORIES.join(', ')}`;
  if (!SEVERITIES.includes(meta.defaultSeverity)) return `has meta.defaultSeverity ${JSON.stringify(meta.defaultSeverity)}; expected one of ${SEVERITIES.join(', ')}`;
  if (!FIX_KINDS.includes(meta.fix)) return `has meta.fix ${JSON.stringify(meta.fix)}; expected one of ${FIX_KINDS.join(', ')}`;
  const messages = meta.messages as unknown;
  if (messages === null || typeof messages !== 'object' || Array.isArray(messages) || Object.keys(messages).length === 0) return 'has no meta.messages object of message templates';
  for (const [messageId, text] of Object.entries(messages)) if (typeof text !== 'string') return `has meta.messages.${messageId} that is not a string`;
  if (meta.docs === null || typeof meta.docs !== 'object' || typeof meta.docs.why !== 'string' || typeof meta.docs.howToFix !== 'string') {
    return 'has no meta.docs with why and howToFix strings';
  }
  const kinds = meta.kinds as unknown;
  if (kinds !== undefined && kinds !== '*' && !(Array.isArray(kinds) && kinds.every((k) => typeof k === 'string'))) return 'has meta.kinds that is neither "*" nor a list of kinds';
  for (const key of ['since', 'until'] as const) {
    if (meta[key] !== undefined && !/^2\.\d+$/.test(String(meta[key]))) return `has meta.${key} ${JSON.stringify(meta[key])}; expected a Linkerd release such as "2.18"`;
  }
  const options = meta.options as unknown;
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) return 'has meta.options that is not a JSON Schema object';
  return undefined;
}

function checkPlugin(plugin: unknown, label: string, module: string): LoadedPlugin {
  if (plugin === null || typeof plugin !== 'object' || Array.isArray(plugin)) {
    throw new PluginError(`${label}: its default export must be an object { name, rules }; got ${plugin === null ? 'null' : Array.isArray(plugin) ? 'an array' : typeof plugin}`);
  }
  const { name, rules } = plugin as Partial<Plugin>;
  if (typeof name !== 'string' || name === '') throw new PluginError(`${label}: its default export has no "name" string`);
  if (!KEBAB.test(name)) throw new PluginError(`${label}: name "${name}" is not kebab-case (lower-case words joined by -)`);
  if (RESERVED_NAMES.has(name)) throw new PluginError(`${label}: name "${name}" is reserved (the findings of CEL policies are policy/<id>)`);
  if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) throw new PluginError(`${label}: "rules" must be an object of rule id to rule`);
  const prefixed: Record<string, Rule<any, any>> = {};
  for (const [id, rule] of Object.entries(rules)) {
    if (!KEBAB.test(id)) throw new PluginError(`${label}: rule id "${id}" is not kebab-case`);
    const problem = ruleProblem(id, rule);
    if (problem) throw new PluginError(`${label}: rule "${id}" ${problem}`);
    const full = `${name}/${id}`;
    // The registry, reports and explain know a rule by its meta.id: the plugin's rule under its full id.
    const own = rule as Rule<any, any>;
    prefixed[full] = { ...own, meta: { ...own.meta, id: full }, check: (ctx) => own.check!.call(own, ctx) };
  }
  return Object.freeze({ name, module, rules: Object.freeze(prefixed) });
}

const compiled = new WeakMap<Rule<any, any>, Validator>();

/**
 * The validator of a rule's options compiled from its `meta.options`, for rules the build
 * did not precompile (plugin rules). Compiled on first use, so a run whose config gives no
 * plugin rule options never loads the schema compiler.
 */
export function compiledOptionsValidator(rule: Rule<any, any>): Validator | undefined {
  if (!rule.meta.options) return undefined;
  let validate = compiled.get(rule);
  if (!validate) {
    try {
      validate = compileOptionsSchema(rule.meta.options);
    } catch (err) {
      throw new PluginError(`rule "${rule.meta.id}": meta.options is not a valid JSON Schema: ${describe(err)}`);
    }
    compiled.set(rule, validate);
  }
  return validate;
}

/** Each plugin module of the configs with a hash of its text, for the cache key: editing a plugin's module invalidates the cache. */
export function pluginFingerprints(configs: Iterable<{ readonly plugins: readonly LoadedPlugin[] }>): string[] {
  const modules = new Set<string>();
  for (const config of configs) for (const p of config.plugins) modules.add(p.module);
  return [...modules].sort().map((module) => {
    let text: string;
    try {
      text = readFileSync(module, 'utf8');
    } catch {
      text = '';
    }
    return `plugin:${module}:${createHash('sha256').update(text).digest('hex')}`;
  });
}

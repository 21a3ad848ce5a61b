import { dirname, resolve } from 'node:path';
import { findConfig, readConfigFile } from '../load/config-file.js';
import { UsageError } from '../model/errors.js';
import type { JsonPath } from '../model/path.js';
import { ConfigError, type CliOverrides, type ResolvedConfig, resolveConfig } from './config.js';
import type { Rule } from './rule.js';

/**
 * Reads and resolves the configuration: the `--config` file, the nearest
 * `.linkerd-lint.yaml`, or the defaults. Problems are reported with file:line:col.
 */
export function loadConfig(
  opts: { cwd: string; config?: string; configLookup: boolean },
  registry: Readonly<Record<string, Rule<any, any>>>,
  cli: CliOverrides,
): ResolvedConfig {
  const path = opts.config !== undefined ? resolve(opts.cwd, opts.config) : opts.configLookup ? findConfig(opts.cwd) : undefined;
  if (path === undefined) return resolveOrExplain(undefined, registry, opts.cwd, cli);
  const source = readConfigFile(path, opts.cwd);
  return resolveOrExplain(source.raw, registry, dirname(path), cli, path, source.locate);
}

function resolveOrExplain(
  raw: unknown,
  registry: Readonly<Record<string, Rule<any, any>>>,
  baseDir: string,
  cli: CliOverrides,
  file?: string,
  locate?: (path: JsonPath) => string,
): ResolvedConfig {
  try {
    return resolveConfig(raw, registry, baseDir, cli, file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.problems.map((p) => (locate && p.path.length > 0 ? `${locate([...p.path])}: ${p.message}` : p.message));
    throw new UsageError(`invalid configuration:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
}

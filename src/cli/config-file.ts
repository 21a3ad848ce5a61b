import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Document, parseDocument } from 'yaml';
import { ConfigError, type CliOverrides, type ResolvedConfig, resolveConfig } from '../engine/config.js';
import { UsageError } from '../engine/errors.js';
import type { Rule } from '../engine/rule.js';
import { displayPathOf } from '../load/discover.js';
import { nodeAt } from '../load/locate.js';
import { LineIndex } from '../model/range.js';

export const CONFIG_NAMES = ['.linkerd-lint.yaml', '.linkerd-lint.yml'];

/** The nearest config file at or above `start`, if any. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function where(path: string, cwd: string, lines: LineIndex, offset: number): string {
  const pos = lines.position(offset);
  return `${displayPathOf(path, cwd)}:${pos.line}:${pos.column}`;
}

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

  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new UsageError(`cannot read config file ${displayPathOf(path, opts.cwd)}: ${(err as Error).message}`);
  }
  const lines = new LineIndex(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  if (doc.errors.length > 0) {
    throw new UsageError(
      doc.errors.map((e) => `${where(path, opts.cwd, lines, e.pos[0])}: invalid YAML in config file: ${e.message.split('\n')[0]}`).join('\n'),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new UsageError(`${displayPathOf(path, opts.cwd)}: the config file must hold a mapping of settings`);
  }
  return resolveOrExplain(raw ?? undefined, registry, dirname(path), cli, path, (p) => {
    const at = nodeAt(doc as Document.Parsed, doc.contents as never, p);
    const node = at.depth === p.length && at.key ? at.key : at.node;
    return node?.range ? where(path, opts.cwd, lines, node.range[0]) : displayPathOf(path, opts.cwd);
  });
}

function resolveOrExplain(
  raw: unknown,
  registry: Readonly<Record<string, Rule<any, any>>>,
  baseDir: string,
  cli: CliOverrides,
  file?: string,
  locate?: (path: (string | number)[]) => string,
): ResolvedConfig {
  try {
    return resolveConfig(raw, registry, baseDir, cli, file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const lines = err.problems.map((p) => (locate && p.path.length > 0 ? `${locate([...p.path])}: ${p.message}` : p.message));
    throw new UsageError(`invalid configuration:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
}

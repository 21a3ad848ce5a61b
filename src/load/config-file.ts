import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Document, isAlias, parseAllDocuments, parseDocument, visit } from 'yaml';
import { UsageError, systemErrorText } from '../model/errors.js';
import type { JsonPath } from '../model/path.js';
import { LineIndex } from '../model/range.js';
import { displayPathOf } from './discover.js';
import { nodeAt } from './locate.js';

export const CONFIG_NAMES = ['.linkerd-lint.yaml', '.linkerd-lint.yml'];

/**
 * The config file in `dir` itself, if any. Two in one directory is an error: which one
 * applies would depend on a name order nobody reads.
 */
export function configIn(dir: string, cwd: string): string | undefined {
  const found = CONFIG_NAMES.map((name) => join(dir, name)).filter((candidate) => existsSync(candidate));
  if (found.length > 1) throw new UsageError(`two config files in one directory: ${found.map((f) => displayPathOf(f, cwd)).join(' and ')}; keep one`);
  return found[0];
}

/** The nearest config file at or above `start`, if any. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const found = configIn(dir, start);
    if (found !== undefined) return found;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** A config file as read: its settings (not yet checked) and a way to say where a key is. */
export interface ConfigSource {
  path: string;
  /** The mapping of settings, or undefined for an empty file. */
  raw: Record<string, unknown> | undefined;
  /** `file:line:column` of the key (or value) at `path`, for messages. */
  locate(path: JsonPath): string;
}

function where(path: string, cwd: string, lines: LineIndex, offset: number): string {
  const pos = lines.position(offset);
  return `${displayPathOf(path, cwd)}:${pos.line}:${pos.column}`;
}

/**
 * The first value that YAML's extra tags made into something other than JSON data (a
 * `!!set`, `!!omap`, `!!binary` or `!!timestamp`), which settings would otherwise read as an
 * empty mapping or a stray object.
 */
function nonPlainValue(value: unknown, path: JsonPath): { path: JsonPath; what: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = nonPlainValue(v, [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const what = value instanceof Set ? 'a !!set' : value instanceof Map ? 'an !!omap' : value instanceof Date ? 'a !!timestamp' : 'a !!binary or other tagged value';
    return { path, what };
  }
  for (const [k, v] of Object.entries(value)) {
    const found = nonPlainValue(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/** The offset of an alias that refers to a node containing it (its value would contain itself), if any. */
function selfContainingAlias(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Alias(_, node) {
      const target = node.resolve(doc);
      const [start, end] = node.range ?? [0, 0];
      if (target?.range && target.range[0] <= start && end <= target.range[1] && !isAlias(target)) {
        found = start;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Reads and parses a config file; unreadable files and invalid YAML are usage errors with file:line:col. */
export function readConfigFile(path: string, cwd: string): ConfigSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new UsageError(`cannot read config file ${displayPathOf(path, cwd)}: ${systemErrorText(err)}`);
  }
  const lines = new LineIndex(text);
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  const all = Array.isArray(docs) ? docs : [];
  const doc = all[0] ?? parseDocument('');
  const errors = all.flatMap((d) => d.errors);
  if (errors.length > 0) {
    throw new UsageError(
      errors.map((e) => `${where(path, cwd, lines, e.pos[0])}: invalid YAML in config file: ${e.message.split('\n')[0]}`).join('\n'),
    );
  }
  const second = all[1];
  if (second) {
    throw new UsageError(`${where(path, cwd, lines, second.range[0])}: a config file holds one YAML document; this is a second one`);
  }
  const cycle = selfContainingAlias(doc);
  if (cycle !== undefined) {
    throw new UsageError(`${where(path, cwd, lines, cycle)}: invalid YAML in config file: this alias is inside the node it refers to`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new UsageError(`${displayPathOf(path, cwd)}: invalid YAML in config file: its aliases expand to more than 100 copies`);
  }
  const odd = nonPlainValue(raw, []);
  if (odd) {
    const at = nodeAt(doc as Document.Parsed, doc.contents as never, odd.path);
    const offset = (at.depth === odd.path.length ? at.node?.range?.[0] : undefined) ?? 0;
    throw new UsageError(`${where(path, cwd, lines, offset)}: invalid YAML in config file: ${odd.what} is not a setting value (use plain mappings, lists and scalars)`);
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new UsageError(`${displayPathOf(path, cwd)}: the config file must hold a mapping of settings`);
  }
  return {
    path,
    raw: (raw ?? undefined) as Record<string, unknown> | undefined,
    locate(p) {
      const at = nodeAt(doc as Document.Parsed, doc.contents as never, p);
      const node = at.depth === p.length && at.key ? at.key : at.node;
      return node?.range ? where(path, cwd, lines, node.range[0]) : displayPathOf(path, cwd);
    },
  };
}

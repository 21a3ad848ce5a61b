import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Document, parseDocument } from 'yaml';
import { UsageError } from '../model/errors.js';
import type { JsonPath } from '../model/path.js';
import { LineIndex } from '../model/range.js';
import { displayPathOf } from './discover.js';
import { nodeAt } from './locate.js';

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

/** Reads and parses a config file; unreadable files and invalid YAML are usage errors with file:line:col. */
export function readConfigFile(path: string, cwd: string): ConfigSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new UsageError(`cannot read config file ${displayPathOf(path, cwd)}: ${(err as Error).message}`);
  }
  const lines = new LineIndex(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  if (doc.errors.length > 0) {
    throw new UsageError(
      doc.errors.map((e) => `${where(path, cwd, lines, e.pos[0])}: invalid YAML in config file: ${e.message.split('\n')[0]}`).join('\n'),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
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

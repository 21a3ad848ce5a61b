import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { systemErrorText } from '../model/errors.js';
import type { FileResult, Finding } from '../model/finding.js';
import type { JsonPath } from '../model/path.js';
import type { Range } from '../model/range.js';
import type { Resource } from '../model/resource.js';
import type { SourceFile } from '../model/source.js';
import { type ReadResult, fileOfRead } from '../load/read.js';
import type { FileSettings } from './config.js';
import type { Configs } from './config-file.js';
import type { ReadOutput } from './lint.js';

/**
 * The results of a whole run, kept between runs (`--cache`). Cross-resource rules judge a
 * file by the others, so a result is reused only when nothing that decides any of them
 * changed: every linted and context file's content, each file's settings (rules, options,
 * release, modes), the rule set, the tool's version and the working directory (messages name
 * files by their path from it). Any change lints everything again.
 */
export const DEFAULT_CACHE_FILE = '.linkerd-lint-cache';
const FORMAT = 1;

/** The cache file: `--cache-location` as a file, or a directory (an existing one, or a path ending in `/`) to keep it in. */
export function cacheFilePath(cwd: string, location: string | undefined): string {
  if (location === undefined) return join(cwd, DEFAULT_CACHE_FILE);
  const path = resolve(cwd, location);
  if (/[\\/]$/.test(location)) return join(path, DEFAULT_CACHE_FILE);
  try {
    if (statSync(path).isDirectory()) return join(path, DEFAULT_CACHE_FILE);
  } catch {
    // Not there yet: a file of that name.
  }
  return path;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function contentOf(read: ReadResult): string {
  return read.ok ? read.file.text : `\0unreadable\0${read.failed.problems.map((p) => `${p.code}:${p.message}`).join('\n')}`;
}

/** What decides the results of a run, as one hash. */
export function cacheKey(read: ReadOutput, configs: Configs, ruleIds: readonly string[], version: string, cwd: string): string {
  const settingsIds = new Map<FileSettings, number>();
  const settingsText: string[] = [];
  const files = read.sources.map((source) => {
    const path = fileOfRead(source).path;
    const settings = configs.forPath(path).forFile(path);
    let id = settingsIds.get(settings);
    if (id === undefined) {
      settingsIds.set(settings, (id = settingsIds.size));
      const { target, clusterDomain, references, linkerdOutput } = settings.env;
      settingsText.push(JSON.stringify([[...settings.rules].sort(([a], [b]) => (a < b ? -1 : 1)), target.input, target.gatewayApi ?? 'auto', clusterDomain, references, linkerdOutput]));
    }
    return [path, sha(contentOf(source)), id];
  });
  const context = read.context.map((c) => [fileOfRead(c).path, sha(contentOf(c))]);
  // Messages name other files by their path from the working directory.
  return sha(JSON.stringify({ version, format: FORMAT, cwd, rules: ruleIds, settings: settingsText, files, context }));
}

interface CachedFinding {
  ruleId: string;
  severity: Finding['severity'];
  message: string;
  messageId?: string;
  range: Range;
  /** What reports say of the object the finding is about (SARIF's logical location and fingerprint). */
  resource?: Pick<Resource, 'group' | 'kind' | 'namespace' | 'name' | 'docPath' | 'apiVersion'>;
  path?: JsonPath;
  fix?: Finding['fix'];
  suppressions?: Finding['suppressions'];
}

interface CacheFile {
  format: number;
  key: string;
  results: { path: string; findings: CachedFinding[] }[];
}

function toCached(f: Finding): CachedFinding {
  const out: CachedFinding = { ruleId: f.ruleId, severity: f.severity, message: f.message, range: f.range };
  if (f.messageId !== undefined) out.messageId = f.messageId;
  if (f.resource) {
    const { group, kind, namespace, name, docPath, apiVersion } = f.resource;
    out.resource = { group, kind, namespace, name, docPath, apiVersion };
  }
  if (f.path) out.path = f.path;
  if (f.fix) out.fix = f.fix;
  if (f.suppressions) out.suppressions = f.suppressions;
  return out;
}

/** The cached results of a run with this key, tied to the files as read now; undefined on a miss or an unreadable cache. */
export function readCache(file: string, key: string, read: ReadOutput): FileResult[] | undefined {
  let cached: CacheFile;
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
  if (cached?.format !== FORMAT || cached.key !== key || !Array.isArray(cached.results)) return undefined;
  const files = new Map<string, SourceFile>(read.sources.map((s) => [fileOfRead(s).path, fileOfRead(s)]));
  const results: FileResult[] = [];
  for (const r of cached.results) {
    const source = files.get(r.path);
    if (!source) return undefined;
    results.push({
      file: source,
      findings: r.findings.map(({ resource, ...rest }) => ({ ...rest, file: source, ...(resource ? { resource: resource as Resource } : {}) })),
    });
  }
  return results;
}

/** Writes the results of a run under its key; a cache that cannot be written is said, never fatal. */
export function writeCache(file: string, key: string, results: readonly FileResult[]): string | undefined {
  const content: CacheFile = { format: FORMAT, key, results: results.map((r) => ({ path: r.file.path, findings: r.findings.map(toCached) })) };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, JSON.stringify(content));
    renameSync(temp, file);
    return undefined;
  } catch (err) {
    return `cannot write the cache ${file}: ${systemErrorText(err)}`;
  }
}

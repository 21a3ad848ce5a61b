import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../model/errors.js';
import { walkManifests } from './walk.js';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json', 'ts', 'mts', 'cts', 'tsx'] as const;
/** Declaration files hold types, never values: a directory walk leaves them out. */
const DECLARATION = /\.d\.[cm]?ts$/;
const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];
const GLOB_CHARS = /[*?[\]{}()!]/;

export interface DiscoverOptions {
  cwd: string;
  /** The config `ignore` globs that leave out a file or directory (absolute path); none when it is linted. */
  ignoredBy(path: string): readonly string[];
  errorOnUnmatchedPattern: boolean;
}

export function toPosix(path: string): string {
  return path.split('\\').join('/');
}

export function displayPathOf(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return toPosix(rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path);
}

/** A path named on the command line that the config's `ignore` globs exclude. */
export interface IgnoredPath {
  /** Absolute path. */
  path: string;
  /** A file, or a directory whose every manifest the globs exclude. */
  kind: 'file' | 'directory';
  /** The globs that matched, in config order. */
  globs: string[];
}

export interface Discovered {
  /** The files to lint, sorted and without duplicates. */
  files: string[];
  /** Named paths left out because the config ignores them, sorted by path. */
  ignored: IgnoredPath[];
}

/**
 * Expands command-line paths into the files to lint. A path named on the command line
 * is linted even when `.gitignore` excludes it: files named explicitly are linted
 * whatever their extension, directories are walked for manifests, and `.gitignore`
 * applies only to what the walk finds inside them. The config's `ignore` globs apply to
 * everything; a named file they match, or a named directory all of whose manifests they
 * match, is returned in `ignored` so it can be reported rather than pass silently, as
 * ESLint does for ignored files named on its command line. Files a glob matches are
 * discovered files, as in ESLint: `.gitignore` and `ignore` leave them out silently.
 * A path that does not exist is a usage error, and so is a directory or glob that
 * yields no manifest (unless `errorOnUnmatchedPattern` is off). Directories are walked
 * by our own walker (one pass, `.gitignore` read on the way); globby is loaded only for globs.
 */
export async function discover(args: readonly string[], opts: DiscoverOptions): Promise<Discovered> {
  const ignoredBy = (abs: string) => [...opts.ignoredBy(abs)];
  const isIgnored = (abs: string) => ignoredBy(abs).length > 0;
  const found = new Set<string>();
  const ignored = new Map<string, IgnoredPath>();

  for (const arg of args) {
    const abs = resolve(opts.cwd, arg);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      stat = undefined;
    }
    if (stat?.isFile()) {
      const globs = ignoredBy(abs);
      if (globs.length > 0) ignored.set(abs, { path: abs, kind: 'file', globs });
      else found.add(abs);
    } else if (stat?.isDirectory()) {
      const walked = walkManifests(abs, MANIFEST_EXTENSIONS).filter((f) => !DECLARATION.test(f));
      const kept = walked.filter((f) => !isIgnored(f));
      if (walked.length > 0 && kept.length === 0) {
        ignored.set(abs, { path: abs, kind: 'directory', globs: [...new Set(walked.flatMap(ignoredBy))] });
      } else if (kept.length === 0 && opts.errorOnUnmatchedPattern) {
        throw new UsageError(`no manifests to lint in "${arg}" (no *.yaml, *.yml, *.json or TypeScript file that .gitignore does not exclude)`);
      }
      for (const f of kept) found.add(f);
    } else if (GLOB_CHARS.test(arg)) {
      const matches = await glob([toPosix(arg)], opts.cwd);
      const kept = matches.filter((f) => !isIgnored(f));
      if (kept.length === 0 && opts.errorOnUnmatchedPattern) {
        throw new UsageError(
          matches.length > 0
            ? `every file matching the pattern "${arg}" is ignored by the config's "ignore" globs`
            : `no files match the pattern "${arg}" (files that .gitignore excludes do not count)`,
        );
      }
      for (const f of kept) found.add(f);
    } else {
      throw new UsageError(`no such file or directory: ${arg}`);
    }
  }
  return { files: oncePerRealFile([...found].sort()), ignored: [...ignored.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

/**
 * One path per real file: links to a file, or a file reached through a linked directory,
 * would otherwise be linted (and fixed) twice. The file's own path is kept when it was
 * found, else the first path (in sorted order) that leads to it.
 */
function oncePerRealFile(files: readonly string[]): string[] {
  const byReal = new Map<string, string>();
  for (const file of files) {
    let real = file;
    try {
      real = realpathSync(file);
    } catch {
      // Gone since discovery: reading it reports that.
    }
    const kept = byReal.get(real);
    if (kept === undefined || (file === real && kept !== real)) byReal.set(real, file);
  }
  const keep = new Set(byReal.values());
  return files.filter((f) => keep.has(f));
}

async function glob(patterns: string[], cwd: string): Promise<string[]> {
  const { globby } = await import('globby');
  // `**` descends into no linked directory, as the directory walk does: a link back up the
  // tree would otherwise repeat every file under it, or never end.
  return globby(patterns, { cwd, absolute: true, gitignore: true, ignore: ALWAYS_IGNORED, dot: false, onlyFiles: true, followSymbolicLinks: false });
}

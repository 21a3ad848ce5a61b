import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { UsageError } from '../model/errors.js';
import { walkManifests } from './walk.js';

export const MANIFEST_EXTENSIONS = ['yaml', 'yml', 'json'] as const;
const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];
const GLOB_CHARS = /[*?[\]{}()!]/;

export interface DiscoverOptions {
  cwd: string;
  /** Config `ignore` globs, relative to `baseDir`. */
  ignore: readonly string[];
  baseDir: string;
  errorOnUnmatchedPattern: boolean;
}

export function toPosix(path: string): string {
  return path.split('\\').join('/');
}

export function displayPathOf(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return toPosix(rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path);
}

/**
 * Expands command-line paths into the files to lint, sorted and without duplicates.
 * Files named explicitly are linted whatever their extension (unless the config ignores
 * them); directories are walked for manifests, honouring `.gitignore`; globs must match
 * something. A path that does not exist is a usage error. Directories are walked by our
 * own walker (one pass, `.gitignore` read on the way); globby is loaded only for globs.
 */
export async function discover(args: readonly string[], opts: DiscoverOptions): Promise<string[]> {
  const ignored = opts.ignore.length > 0 ? picomatch([...opts.ignore], { dot: true }) : () => false;
  const isIgnored = (abs: string) => {
    const rel = toPosix(relative(opts.baseDir, abs));
    return !rel.startsWith('..') && (ignored(rel) || ignored(`${rel}/`));
  };
  const found = new Set<string>();

  for (const arg of args) {
    const abs = resolve(opts.cwd, arg);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      stat = undefined;
    }
    if (stat?.isFile()) {
      if (!isIgnored(abs)) found.add(abs);
    } else if (stat?.isDirectory()) {
      const kept = walkManifests(abs, MANIFEST_EXTENSIONS).filter((f) => !isIgnored(f));
      if (kept.length === 0 && opts.errorOnUnmatchedPattern) {
        throw new UsageError(`no manifests to lint in "${arg}" (no *.yaml, *.yml or *.json file that .gitignore or the config does not ignore)`);
      }
      for (const f of kept) found.add(f);
    } else if (GLOB_CHARS.test(arg)) {
      const matches = await glob([toPosix(arg)], opts.cwd);
      const kept = matches.filter((f) => !isIgnored(f));
      if (kept.length === 0 && opts.errorOnUnmatchedPattern) {
        throw new UsageError(`no files match the pattern "${arg}"`);
      }
      for (const f of kept) found.add(f);
    } else {
      throw new UsageError(`no such file or directory: ${arg}`);
    }
  }
  return [...found].sort();
}

async function glob(patterns: string[], cwd: string): Promise<string[]> {
  const { globby } = await import('globby');
  return globby(patterns, { cwd, absolute: true, gitignore: true, ignore: ALWAYS_IGNORED, dot: false, onlyFiles: true });
}

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** A `.gitignore` file's rules, with the directory its patterns are relative to. */
interface IgnoreFile {
  dir: string;
  rules: Ignore;
}

const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

function loadIgnoreFile(dir: string): IgnoreFile | undefined {
  const path = join(dir, '.gitignore');
  try {
    return { dir, rules: ignore().add(readFileSync(path, 'utf8')) };
  } catch {
    return undefined;
  }
}

/** A path segment as a literal in a gitignore pattern. */
function escapeSegment(segment: string): string {
  return segment.replace(/[\\*?[\]!# ]/g, (c) => `\\${c}`);
}

/**
 * The `.gitignore` files of the directories above `root`, up to the repository root,
 * with `root` and the directories between it and each file re-included: a directory
 * named on the command line is walked even when a `.gitignore` excludes it, and only
 * what is found inside it is checked, as ripgrep and ruff do. The re-inclusions are
 * anchored directory patterns, so they match those directories and nothing inside them.
 */
function ancestorIgnoreFiles(root: string): IgnoreFile[] {
  const chain: string[] = [];
  for (let cur = dirname(root); ; cur = dirname(cur)) {
    chain.unshift(cur);
    if (existsSync(join(cur, '.git')) || dirname(cur) === cur) break;
  }
  // Only inside a repository do its ignore files apply.
  if (!existsSync(join(chain[0]!, '.git'))) return [];
  const files = chain.map(loadIgnoreFile).filter((f): f is IgnoreFile => f !== undefined);
  return files.map(({ dir, rules }) => {
    const segments = relative(dir, root).split(sep).map(escapeSegment);
    const named = segments.map((_, i) => `!/${segments.slice(0, i + 1).join('/')}/`);
    return { dir, rules: ignore().add(rules).add(named) };
  });
}

/**
 * Git's verdict: the deepest `.gitignore` with a matching pattern decides, a negation
 * re-including what a shallower file excluded.
 */
function gitIgnored(files: readonly IgnoreFile[], path: string, isDir: boolean): boolean {
  for (let i = files.length - 1; i >= 0; i--) {
    const { dir, rules } = files[i]!;
    const rel = relative(dir, path).split(sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const verdict = rules.test(isDir ? `${rel}/` : rel);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/**
 * Every file under `root` whose name ends with one of `extensions`, in one pass: hidden
 * entries, `node_modules` and `.git` are skipped, and `.gitignore` files (those above
 * `root` in its repository, and those met on the way down) are honoured as git does for
 * everything below `root`; `root` itself is walked even when they exclude it.
 * Links to files are followed; links to directories are not (git stores them as links,
 * and following them would report the same files twice or loop).
 */
export function walkManifests(root: string, extensions: readonly string[]): string[] {
  const wanted = extensions.map((e) => `.${e}`);
  const out: string[] = [];
  const visit = (dir: string, ignores: IgnoreFile[]) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const own = entries.some((e) => e.name === '.gitignore') ? loadIgnoreFile(dir) : undefined;
    const active = own ? [...ignores, own] : ignores;
    for (const entry of entries) {
      if (entry.name.startsWith('.') || ALWAYS_SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      const isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          isFile = statSync(path).isFile();
        } catch {
          continue;
        }
      }
      if (isDir) {
        if (!gitIgnored(active, path, true)) visit(path, active);
      } else if (isFile && wanted.some((ext) => entry.name.endsWith(ext)) && !gitIgnored(active, path, false)) {
        out.push(path);
      }
    }
  };
  visit(root, ancestorIgnoreFiles(root));
  return out.sort();
}

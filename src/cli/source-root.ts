import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest directory at or above `cwd` holding `.git` (a folder,
 * or a file in worktrees and submodules), else `cwd`. Code scanning and annotations
 * resolve paths against the checkout, so reports made from a subdirectory still point
 * at the right files.
 */
export function findSourceRoot(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

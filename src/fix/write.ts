import { type Stats, chmodSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { systemErrorText } from '../model/errors.js';
import type { SourceFile } from '../model/source.js';

/** True when the bytes on disk are what the linter read (text and byte-order mark). */
function unchanged(bytes: Buffer, file: SourceFile): boolean {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bom === file.bom && bytes.toString('utf8', bom ? 3 : 0) === file.text;
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Writes fixed text over `file` atomically (temporary file next to the real file, then
 * rename), keeping its byte-order mark and mode. A symbolic link is written through: the
 * file it points to gets the fixes and the link stays a link. A file with several hard
 * links is refused, as a rename would split them. The file must still hold what was read
 * both before the temporary file is written and right before the rename, which leaves only
 * the rename itself for another writer to race (`hooks.afterTempWritten` runs just before
 * that last check). Returns an error message, or undefined on success.
 */
export function writeFixed(file: SourceFile, text: string, hooks: { afterTempWritten?: () => void } = {}): string | undefined {
  let real: string;
  let before: Stats;
  try {
    real = realpathSync(file.path);
    before = statSync(real);
    if (!before.isFile()) return `${file.displayPath}: not a regular file; fixes not written`;
    if (before.nlink > 1) return `${file.displayPath}: has ${before.nlink} hard links, which replacing it would split; fixes not written`;
    if (!unchanged(readFileSync(real), file)) return `${file.displayPath}: changed on disk since it was read; fixes not written`;
  } catch (err) {
    return `${file.displayPath}: cannot re-read before writing: ${(err as Error).message}`;
  }
  const temp = join(dirname(real), `.${basename(real)}.linkerd-lint-${process.pid}.tmp`);
  try {
    writeFileSync(temp, (file.bom ? '\uFEFF' : '') + text, { mode: 0o600 });
    chmodSync(temp, before.mode & 0o7777);
    hooks.afterTempWritten?.();
    const now = statSync(real);
    if (!sameFile(before, now) || !unchanged(readFileSync(real), file)) {
      rmSync(temp, { force: true });
      return `${file.displayPath}: changed on disk while fixes were written; fixes not written`;
    }
    renameSync(temp, real);
    return undefined;
  } catch (err) {
    rmSync(temp, { force: true });
    return `${file.displayPath}: cannot write fixes: ${systemErrorText(err)}`;
  }
}

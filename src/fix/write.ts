import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SourceFile } from '../model/source.js';

/**
 * Writes fixed text over `file` atomically (temporary file in the same directory, then
 * rename), keeping its byte-order mark and mode. Refuses when the file on disk is no
 * longer what was read. Returns an error message, or undefined on success.
 */
export function writeFixed(file: SourceFile, text: string): string | undefined {
  let current: Buffer;
  try {
    current = readFileSync(file.path);
  } catch (err) {
    return `${file.displayPath}: cannot re-read before writing: ${(err as Error).message}`;
  }
  const hadBom = current.length >= 3 && current[0] === 0xef && current[1] === 0xbb && current[2] === 0xbf;
  if (hadBom !== file.bom || current.toString('utf8', hadBom ? 3 : 0) !== file.text) {
    return `${file.displayPath}: changed on disk since it was read; fixes not written`;
  }
  const temp = join(dirname(file.path), `.${basename(file.path)}.linkerd-lint-${process.pid}.tmp`);
  try {
    writeFileSync(temp, (file.bom ? '\uFEFF' : '') + text);
    chmodSync(temp, statSync(file.path).mode & 0o7777);
    renameSync(temp, file.path);
    return undefined;
  } catch (err) {
    rmSync(temp, { force: true });
    return `${file.displayPath}: cannot write fixes: ${(err as Error).message}`;
  }
}

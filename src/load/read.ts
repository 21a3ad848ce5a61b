import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { systemErrorText } from '../model/errors.js';
import type { ParsedFile } from '../model/parsed.js';
import { SourceFile, languageOf } from '../model/source.js';

/**
 * Larger files are skipped with a finding: manifests this big are generated bundles, not
 * hand-written. A file is read one document at a time and keeps no syntax trees past
 * 1 MiB (see parse.ts), so a file at the limit needs well under a gigabyte.
 */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; failed: ParsedFile };

/** The file a read was of, whether it could be read or not. */
export function fileOfRead(read: ReadResult): SourceFile {
  return read.ok ? read.file : read.failed.file;
}

function failure(path: string, displayPath: string, code: string, message: string): ReadResult {
  const file = new SourceFile(path, displayPath, '', languageOf(path));
  const at = { line: 1, column: 1, offset: 0 };
  return { ok: false, failed: { file, resources: [], comments: [], problems: [{ code, message, range: { start: at, end: at } }] } };
}

/** Decodes file bytes: strips a UTF-8 byte-order mark (remembered) and refuses binary content. */
export function decode(path: string, displayPath: string, bytes: Buffer, stdin = false): ReadResult {
  if (bytes.subarray(0, 8192).includes(0)) {
    return failure(path, displayPath, 'binary', 'file is not text (it contains NUL bytes); skipped');
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = bytes.toString('utf8', bom ? 3 : 0);
  return { ok: true, file: new SourceFile(path, displayPath, text, languageOf(path), bom, stdin) };
}

/**
 * Reads a file found by discovery. The file is opened without blocking and checked to be a
 * regular file on the open descriptor, so a FIFO or device swapped in since discovery is
 * refused instead of blocking the run; at most one byte over the limit is ever read, so a
 * file that grows meanwhile cannot exhaust memory.
 */
export function readSource(path: string, displayPath: string): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    if (!stat.isFile()) return failure(path, displayPath, 'unreadable', 'not a regular file (a FIFO, socket or device); skipped');
    if (stat.size > MAX_FILE_BYTES) return tooLarge(path, displayPath, stat.size);
    const bytes = readBounded(fd, stat.size);
    if (bytes.length > MAX_FILE_BYTES) return tooLarge(path, displayPath, bytes.length);
    return decode(path, displayPath, bytes);
  } catch (err) {
    return failure(path, displayPath, 'unreadable', `cannot read file: ${systemErrorText(err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tooLarge(path: string, displayPath: string, size: number): ReadResult {
  return failure(path, displayPath, 'too-large', `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit; skipped`);
}

/** Reads to the end, or to one byte past the limit, whichever comes first. */
function readBounded(fd: number, expected: number): Buffer {
  const cap = MAX_FILE_BYTES + 1;
  let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(expected + 1, 4096)));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (buf.length >= cap) break;
      const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    const n = readSync(fd, buf, length, buf.length - length, null);
    if (n === 0) break;
    length += n;
  }
  return buf.subarray(0, length);
}

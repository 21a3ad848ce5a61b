import { readFileSync, statSync } from 'node:fs';
import type { ParsedFile } from '../model/parsed.js';
import { SourceFile, languageOf } from '../model/source.js';

/** Larger files are skipped with a finding: manifests this big are generated bundles, not hand-written. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; failed: ParsedFile };

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

export function readSource(path: string, displayPath: string): ReadResult {
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      return failure(path, displayPath, 'too-large', `file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit; skipped`);
    }
    return decode(path, displayPath, readFileSync(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    return failure(path, displayPath, 'unreadable', `cannot read file (${code}): ${(err as Error).message}`);
  }
}

import { LineIndex } from './range.js';

export type SourceLanguage = 'yaml' | 'json' | 'typescript';

/** One input file as read from disk or stdin. `text` never holds the byte-order mark. */
export class SourceFile {
  private index: LineIndex | undefined;

  constructor(
    /** Absolute path (or the `--stdin-filename`, resolved). */
    readonly path: string,
    /** The path as shown to users: relative to the working directory, `/`-separated. */
    readonly displayPath: string,
    readonly text: string,
    readonly language: SourceLanguage,
    /** True when the file began with a UTF-8 byte-order mark, so a fixer can keep it. */
    readonly bom = false,
    /** True when the text came from standard input. */
    readonly stdin = false,
  ) {}

  get lines(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }
}

export function languageOf(path: string): SourceLanguage {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (/\.(c|m)?tsx?$/.test(lower)) return 'typescript';
  return 'yaml';
}

import type { JsonPath } from './path.js';
import type { Range } from './range.js';
import type { Resource } from './resource.js';
import type { SourceFile } from './source.js';

export type Severity = 'error' | 'warning' | 'info';

/** Replace `[start, end)` of the original file text (0-based offsets) with `text`. */
export interface TextEdit {
  range: readonly [number, number];
  text: string;
}

/**
 * A change that resolves one finding. `safe` keeps what the manifest means and `--fix`
 * applies it; `unsafe` changes runtime behaviour and needs `--unsafe-fixes` too.
 */
export interface Fix {
  kind: 'safe' | 'unsafe';
  edits: TextEdit[];
}

export interface Suppression {
  kind: 'inSource' | 'external';
  justification?: string;
}

/** One problem found: where, what, and how it may be fixed. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  messageId?: string;
  file: SourceFile;
  range: Range;
  /** The resource and path the finding is about, when there is one (used for stable fingerprints). */
  resource?: Resource;
  path?: JsonPath;
  fix?: Fix;
  suppressions?: Suppression[];
}

/** One linted file and what was found in it. `findings` are sorted and include suppressed ones. */
export interface FileResult {
  file: SourceFile;
  findings: Finding[];
  /** The fixed text, when fixes were computed and changed the file. */
  output?: string;
}

import type { Range } from './range.js';
import type { Resource } from './resource.js';
import type { SourceFile } from './source.js';

/** Why a file or document could not be read as data. */
export interface SyntaxProblem {
  /** The parser's code (`BAD_INDENT`, `DUPLICATE_KEY`, …) or ours (`unreadable`, `binary`, `too-large`, `alias-limit`, `too-deep`). */
  code: string;
  message: string;
  range: Range;
}

/** A comment in the source, kept only when it may hold a linkerd-lint directive. */
export interface SourceComment {
  /** The comment text without the leading `#`. */
  text: string;
  range: Range;
}

/** A file after parsing: its resources, what went wrong, and what rules need to know of its text. */
export interface ParsedFile {
  file: SourceFile;
  resources: Resource[];
  problems: SyntaxProblem[];
  /** Set when the file is an unrendered Helm/Go template: the first directive found. */
  template?: { range: Range; directive: string };
  comments: SourceComment[];
}

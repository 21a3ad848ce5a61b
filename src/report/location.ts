import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SourceFile } from '../model/source.js';
import type { FormatContext } from './types.js';

/**
 * A file's path relative to the source root, `/`-separated, or undefined when the file
 * lies outside it (or came from standard input without a name). GitHub resolves
 * annotation and SARIF paths against the repository checkout, so this is the path they need.
 */
export function rootRelativePath(file: SourceFile, ctx: Pick<FormatContext, 'cwd' | 'sourceRoot'>): string | undefined {
  if (file.stdin && file.displayPath === '<stdin>') return undefined;
  const rel = relative(ctx.sourceRoot ?? ctx.cwd, file.path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** A relative path as a URI reference: each segment percent-encoded, `/` kept. */
export function pathToUriReference(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `file:///…/` for a directory, with the trailing slash SARIF requires of a base URI. */
export function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

import { createTwoFilesPatch } from 'diff';
import { createColors } from 'picocolors';

/** A unified diff of one file's fixes; relative paths get git's `a/` and `b/` prefixes. */
export function unifiedDiff(displayPath: string, before: string, after: string, color: boolean): string {
  const [from, to] = displayPath.startsWith('/') ? [displayPath, displayPath] : [`a/${displayPath}`, `b/${displayPath}`];
  const patch = createTwoFilesPatch(from, to, before, after, undefined, undefined, { context: 3 });
  const body = patch.replace(/^=+\n/m, '').replace(/^Index: .*\n/m, '');
  if (!color) return body;
  const c = createColors(true);
  return body
    .split('\n')
    .map((l) => (l.startsWith('+++') || l.startsWith('---') ? c.bold(l) : l.startsWith('+') ? c.green(l) : l.startsWith('-') ? c.red(l) : l.startsWith('@@') ? c.cyan(l) : l))
    .join('\n');
}

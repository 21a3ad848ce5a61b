/**
 * A problem with how the tool was called or configured (a missing path, a bad config
 * file): reported without a stack trace, exit code 2. Every stage may raise it.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What the system errors a path can meet mean, so no raw `ENOENT: …, open '…'` reaches the user. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EEXIST: 'a file is in the way of a directory the path needs',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** A system error as a sentence with its code (`it is a directory (EISDIR)`), or its message when unknown. */
export function systemErrorText(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const text = typeof code === 'string' ? SYSTEM_ERRORS[code] : undefined;
  return text ? `${text} (${code})` : String((err as Error)?.message ?? err);
}

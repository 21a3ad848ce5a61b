/**
 * A problem with how the tool was called or configured (a missing path, a bad config
 * file): reported without a stack trace, exit code 2. Every stage may raise it.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

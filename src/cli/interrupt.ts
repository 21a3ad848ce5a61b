/** Signals that end a run early, with their conventional exit codes (128 + the signal number). */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Watched = keyof typeof EXIT_CODES;

export interface Interruption {
  /** The first signal received since watching began. */
  readonly signal: Watched | undefined;
  readonly exitCode: number | undefined;
  dispose(): void;
}

/**
 * Catches SIGINT, SIGTERM and SIGHUP while fixes are written, so a signal ends the run
 * between two files instead of killing it inside a write: every file is then either
 * fixed whole or untouched, and no temporary file is left behind.
 */
export function watchInterruptions(): Interruption {
  let signal: Watched | undefined;
  const handlers = (Object.keys(EXIT_CODES) as Watched[]).map((name) => {
    const handler = () => {
      signal ??= name;
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    get signal() {
      return signal;
    },
    get exitCode() {
      return signal && EXIT_CODES[signal];
    },
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/** Lets pending signal handlers run. */
export function yieldToSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ParsedFile } from '../model/parsed.js';
import type { SourceFile } from '../model/source.js';
import { type PackedFile, type ParseOptions, parseSource, unpackParsed } from './parse.js';
import type { ParseJob } from './parse-worker.js';

declare const __PARSE_WORKER__: string | undefined;

/**
 * How many threads parse: a number, or `auto` to use worker threads only for inputs large
 * enough to repay starting them (see AUTO_MIN_BYTES), on a machine with a core to spare.
 */
export type Concurrency = number | 'auto';

/**
 * Below this much YAML and JSON, `auto` parses in the main thread: a worker takes tens of
 * milliseconds to start, and the main thread still pays for every value it receives. On a
 * 2-core machine two threads were no faster than one on 500 files (3.8 MB) and took 29%
 * off on 5,000 (37 MB): see the README's Performance section.
 */
export const AUTO_MIN_BYTES = 8 * 1024 * 1024;

/** The most worker threads `auto` starts: the main thread receives all they send, so each one more gains less. */
const AUTO_MAX_WORKERS = 3;

/** The share of the bytes the main thread parses itself, beside receiving the workers'. */
const MAIN_SHARE = 0.4;

/** The worker's module, beside the bundle; none when running from source (tests of the code itself). */
function workerUrl(): URL | undefined {
  return typeof __PARSE_WORKER__ === 'string' ? new URL(__PARSE_WORKER__, import.meta.url) : undefined;
}

/** The number of worker threads to start for these files. */
export function workersFor(files: readonly SourceFile[], concurrency: Concurrency, options: ParseOptions): number {
  // A fix run keeps every syntax tree, which cannot cross threads.
  if (options.keepTrees || !workerUrl()) return 0;
  const parseable = files.filter((f) => f.language !== 'typescript');
  if (parseable.length < 2) return 0;
  if (concurrency !== 'auto') return Math.max(0, Math.min(concurrency - 1, parseable.length - 1));
  const bytes = parseable.reduce((n, f) => n + f.text.length, 0);
  if (bytes < AUTO_MIN_BYTES) return 0;
  return Math.max(0, Math.min(availableParallelism() - 1, AUTO_MAX_WORKERS));
}

/**
 * Parses YAML and JSON `files` (TypeScript is the caller's: it needs its compiler), in
 * worker threads as `workersFor` decides, the rest here; the results are in input order and
 * the same, value for value and position for position, as parsing all of them here.
 */
export async function parseFiles(files: readonly SourceFile[], concurrency: Concurrency, options: ParseOptions = {}): Promise<ParsedFile[]> {
  const workers = workersFor(files, concurrency, options);
  if (workers === 0) return files.map((f) => parseSource(f, options));
  return parseInThreads(files, workers, workerUrl()!, options);
}

/**
 * `parseFiles` with `workers` threads running the module at `url`. A thread that cannot
 * start, fails or stops early loses nothing: the files it did not send back are parsed here.
 */
export async function parseInThreads(files: readonly SourceFile[], workers: number, url: URL, options: ParseOptions = {}): Promise<ParsedFile[]> {
  const { Worker } = await import('node:worker_threads');
  const shares = split(files, workers);
  const results: (ParsedFile | undefined)[] = new Array(files.length);
  const threads: Worker[] = [];
  const done = shares.slice(1).filter((jobs) => jobs.length > 0).map((jobs) => {
    const worker = new Worker(url);
    threads.push(worker);
    return new Promise<void>((resolve) => {
      let left = jobs.length;
      worker.on('message', ({ index, packed }: { index: number; packed: PackedFile | null }) => {
        const file = files[index]!;
        results[index] = packed ? unpackParsed(file, packed) : parseSource(file, options);
        if (--left === 0) resolve();
      });
      // What it had not sent back is parsed in `finish`.
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
      worker.postMessage(jobs.map((i): ParseJob => ({ index: i, path: files[i]!.path, displayPath: files[i]!.displayPath, text: files[i]!.text, language: files[i]!.language })));
    });
  });
  try {
    for (const i of shares[0]!) results[i] = parseSource(files[i]!, options);
    await Promise.all(done);
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
  return Array.from(results, (r, i) => r ?? parseSource(files[i]!, options));
}

/**
 * The indexes of the files each thread parses, the main thread's first: contiguous runs of
 * about equal bytes (the main thread's smaller, so that its receiving keeps pace), none empty.
 */
function split(files: readonly SourceFile[], workers: number): number[][] {
  const total = files.reduce((n, f) => n + f.text.length, 0);
  const weights = [MAIN_SHARE, ...Array<number>(workers).fill((1 - MAIN_SHARE) / workers)];
  const shares: number[][] = weights.map(() => []);
  let thread = 0;
  let bound = total * weights[0]!;
  let seen = 0;
  files.forEach((f, i) => {
    const later = weights.length - 1 - thread;
    if (later > 0 && shares[thread]!.length > 0 && (seen >= bound || files.length - i <= later)) bound += total * weights[++thread]!;
    shares[thread]!.push(i);
    seen += f.text.length;
  });
  return shares;
}

// The entry of a parsing thread (dist/parse-worker.js): parses the files it is sent and
// posts each one back as data (see `packParsed`), the transferable position buffers moved
// rather than copied. A file it cannot pack is posted back as null, for the main thread.
import { parentPort } from 'node:worker_threads';
import { SourceFile, type SourceLanguage } from '../model/source.js';
import { packParsed, parseSource } from './parse.js';

export interface ParseJob {
  index: number;
  path: string;
  displayPath: string;
  text: string;
  language: SourceLanguage;
}

parentPort?.on('message', (jobs: ParseJob[]) => {
  for (const job of jobs) {
    const packed = packParsed(parseSource(new SourceFile(job.path, job.displayPath, job.text, job.language)));
    const buffers = packed ? packed.positions.map((p) => p.nodes.buffer as ArrayBuffer) : [];
    parentPort!.postMessage({ index: job.index, packed: packed ?? null }, buffers);
  }
});

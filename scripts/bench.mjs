// Benchmark: linkerd-lint against baselines measured in the same run, reported as ratios.
//   node scripts/bench.mjs [--runs N] [--sizes small,medium,large[,huge]]
// Baselines: `node -e 0` (process start-up) and the parse-only floor in ../shared/bench
// (read every file and parse it with positions). The workload is ../shared/bench/gen-tree.mjs.
// `huge` (one file of 100,000 documents, given on standard input) takes minutes: ask for it.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'bench');
const cli = join(root, 'bin', 'linkerd-lint.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: 'small,medium,large' } } });
const runs = Number(values.runs);
const SIZES = { small: [1, 5], medium: [500, 4], large: [5000, 4], huge: [1, 100000] };
const unknown = values.sizes.split(',').filter((name) => !SIZES[name]);
if (unknown.length > 0) {
  console.error(`unknown size ${unknown.join(', ')}: sizes are ${Object.keys(SIZES).join(', ')}`);
  process.exit(2);
}

if (!existsSync(join(root, 'dist', 'cli.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}

// Each measured process reports its own peak resident memory as it exits (a preload
// module), since Node gives a parent no resource usage of its children.
const scratch = mkdtempSync(join(tmpdir(), 'linkerd-lint-bench-rss-'));
const preload = join(scratch, 'peak.cjs');
const peakFile = join(scratch, 'peak');
writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_PEAK_FILE, String(process.resourceUsage().maxRSS)));\n");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time (ms) and median peak memory (MiB) of `runs` runs; `stdin` is a file to give on standard input. */
function time(args, env = {}, stdin = undefined) {
  const samples = [];
  const peaks = [];
  for (let i = 0; i < runs; i++) {
    const fd = stdin === undefined ? 'ignore' : openSync(stdin, 'r');
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['-r', preload, ...args], {
      env: { ...process.env, ...env, BENCH_PEAK_FILE: peakFile },
      encoding: 'utf8',
      stdio: [fd, 'pipe', 'pipe'],
      maxBuffer: 1024 ** 3,
    });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (typeof fd === 'number') closeSync(fd);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    peaks.push(Number(readFileSync(peakFile, 'utf8')) / 1024);
  }
  return { ms: median(samples), mib: median(peaks) };
}

const fmt = ({ ms, mib }) => `${ms.toFixed(0).padStart(6)} ms ${mib.toFixed(0).padStart(5)} MiB`;
const rows = [];
const nodeFloor = time(['-e', '0']);
rows.push(['node -e 0', nodeFloor]);
const examples = time([cli, join(root, 'examples'), '--no-config-lookup', '-f', 'json', '-o', '/dev/null']);
rows.push(['linkerd-lint examples/', examples, nodeFloor, 'node -e 0']);

if (!existsSync(join(shared, 'gen-tree.mjs'))) {
  console.log('(../shared/bench not found: generated trees skipped)');
} else {
  const work = mkdtempSync(join(tmpdir(), 'linkerd-lint-bench-'));
  try {
    for (const name of values.sizes.split(',')) {
      const [files, docs] = SIZES[name];
      const dir = join(work, name);
      spawnSync(process.execPath, [join(shared, 'gen-tree.mjs'), dir, String(files), String(docs)], { stdio: 'ignore' });
      const floor = time([join(shared, 'floor-parse.mjs'), dir], { PEERS: root });
      // One file of many documents comes on standard input (as a pipeline gives it), beyond the size limit of files read from disk.
      const single = docs > 1000 ? onlyFile(dir) : undefined;
      const ours = single
        ? time([cli, '-', '--no-config-lookup', '-f', 'json', '-o', '/dev/null'], {}, single)
        : time([cli, dir, '--no-config-lookup', '-f', 'json', '-o', '/dev/null']);
      rows.push([`parse floor ${name} (${files}x${docs})`, floor, nodeFloor, 'node -e 0']);
      rows.push([`linkerd-lint ${name}`, ours, floor, 'parse floor']);
      // The default parses large trees in worker threads: the same run in one thread shows what they gain.
      if (!single && files > 1) {
        const one = time([cli, dir, '--no-config-lookup', '--concurrency', 'off', '-f', 'json', '-o', '/dev/null']);
        rows.push([`linkerd-lint ${name}, one thread`, one, floor, 'parse floor']);
        rows.push([`linkerd-lint ${name}`, ours, one, 'one thread']);
      }
      // One small file is the pre-commit case, judged against Node's own start-up.
      if (files === 1 && !single) rows.push([`linkerd-lint ${name}`, ours, nodeFloor, 'node -e 0']);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The one file gen-tree wrote under `dir`. */
function onlyFile(dir) {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  if (files.length !== 1) throw new Error(`${dir}: expected one file, found ${files.length}`);
  return join(files[0].parentPath ?? files[0].path, files[0].name);
}

console.log(`median of ${runs} runs, Node ${process.version}`);
for (const [label, m, base, unit] of rows) {
  const ratios = base ? `  ${(m.ms / base.ms).toFixed(2)}x time, ${(m.mib / base.mib).toFixed(2)}x memory of ${unit}` : '';
  console.log(`${label.padEnd(34)} ${fmt(m)}${ratios}`);
}
rmSync(scratch, { recursive: true, force: true });

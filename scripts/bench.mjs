// Benchmark: linkerd-lint against baselines measured in the same run, reported as ratios.
//   node scripts/bench.mjs [--runs N] [--sizes small,medium,large]
// Baselines: `node -e 0` (process start-up) and the parse-only floor in ../shared/bench
// (read every file and parse it with positions). The workload is ../shared/bench/gen-tree.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = join(root, '..', 'shared', 'bench');
const cli = join(root, 'bin', 'linkerd-lint.js');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: 'small,medium,large' } } });
const runs = Number(values.runs);
const SIZES = { small: [1, 5], medium: [500, 4], large: [5000, 4] };

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

/** Median wall time (ms) and median peak memory (MiB) of `runs` runs. */
function time(args, env = {}) {
  const samples = [];
  const peaks = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['-r', preload, ...args], { env: { ...process.env, ...env, BENCH_PEAK_FILE: peakFile }, encoding: 'utf8' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
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
      const ours = time([cli, dir, '--no-config-lookup', '-f', 'json', '-o', '/dev/null']);
      rows.push([`parse floor ${name} (${files}x${docs})`, floor, nodeFloor, 'node -e 0']);
      rows.push([`linkerd-lint ${name}`, ours, floor, 'parse floor']);
      // One small file is the pre-commit case, judged against Node's own start-up.
      if (files === 1) rows.push([`linkerd-lint ${name}`, ours, nodeFloor, 'node -e 0']);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

console.log(`median of ${runs} runs, Node ${process.version}`);
for (const [label, m, base, unit] of rows) {
  const ratios = base ? `  ${(m.ms / base.ms).toFixed(2)}x time, ${(m.mib / base.mib).toFixed(2)}x memory of ${unit}` : '';
  console.log(`${label.padEnd(34)} ${fmt(m)}${ratios}`);
}
rmSync(scratch, { recursive: true, force: true });

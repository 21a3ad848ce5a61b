// Runs the property tests with many more cases than CI does: `npm run fuzz [-- runs [seed]]`.
// A failure prints the seed and path that reproduce it (FUZZ_SEED, and fast-check's path).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [runs = '20000', seed = String(Date.now() % 2 ** 31)] = process.argv.slice(2);
console.log(`fuzzing: ${runs} cases per property, seed ${seed}`);
const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const r = spawnSync(process.execPath, [vitest, 'run', 'test/properties.test.ts', '--testTimeout=0'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
});
process.exit(r.status ?? 1);

// The cost of evaluating the Gateway API route CRDs' own validation rules with the CEL engine
// instead of the hand-written translation (src/linkerd/admission/gateway-rules.ts, routes.ts),
// as ratios of medians measured in one run:
//   node scripts/gateway-cel-bench.mjs [--runs N] [dir ...]
// The routes are the agreement test's cases (test/gateway-cel/cases.ts) and every Gateway API
// route under the given directories (e.g. fixtures, ../shared/corpus, a generated tree).
// Start-up is measured in fresh processes: `node -e 0`, loading the built CLI's main chunk, and
// loading it with the CEL engine chunk, which a run loads today only for CEL policies and
// ValidatingAdmissionPolicies (src/policy/index.ts) and would load for every Gateway API route.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importTs } from './lib/import-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '9' } }, allowPositionals: true });
const runs = Number(values.runs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (a, b) => (a / b).toFixed(2);

const { bench } = await importTs(join(root, 'test', 'gateway-cel', 'bench.ts'));
const r = await bench(positionals, runs, join(root, 'test', 'gateway-cel', 'crd-rules.json'));
console.log(`routes: ${r.routes} (findings: hand-written ${r.failures.hand}, CEL rule failures ${r.failures.cel})`);
console.log(`one pass over the routes, median of ${runs}: hand-written ${r.hand.toFixed(2)} ms, CEL ${r.cel.toFixed(2)} ms; CEL / hand-written = ${ratio(r.cel, r.hand)}`);
console.log(`in-process: compile the 212 rules of v1.1.1 experimental: cold ${r.compileCold.toFixed(1)} ms, warm ${r.compileWarm.toFixed(1)} ms`);

if (!existsSync(join(root, 'dist', 'main.js'))) {
  console.log('start-up: build first (npm run build)');
} else {
  const engineChunk = readdirSync(join(root, 'dist', 'chunks')).find((f) => /^engine-.*\.js$/.test(f));
  const main = pathToFileURL(join(root, 'dist', 'main.js')).href;
  const chunk = pathToFileURL(join(root, 'dist', 'chunks', engineChunk)).href;
  const probe = (code) => {
    const start = process.hrtime.bigint();
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
    if (res.status !== 0) throw new Error(`start-up probe failed: ${code}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  // What a switch would do on the first route: read the bundle's rules and compile them.
  const rules = JSON.stringify(join(root, 'test', 'gateway-cel', 'crd-rules.json'));
  const compileAll =
    `await import(${JSON.stringify(main)}); const { engine } = await import(${JSON.stringify(chunk)});` +
    `const d = JSON.parse((await import('node:fs')).readFileSync(${rules}, 'utf8'));` +
    `const texts = new Set(); const walk = (s) => { for (const r of s.rules ?? []) texts.add(r.rule); for (const c of Object.values(s.properties ?? {})) walk(c); if (s.items) walk(s.items); };` +
    `for (const vs of Object.values(d.releases['v1.1.1'].experimental)) for (const id of Object.values(vs)) walk(d.schemas[id]);` +
    `for (const t of texts) engine.compile(t, { environment: 'crd' });`;
  const probes = {
    bare: '0',
    main: `await import(${JSON.stringify(main)})`,
    cel: `await import(${JSON.stringify(main)}); await import(${JSON.stringify(chunk)})`,
    rules: compileAll,
  };
  // Round by round, so that drift in the machine's load falls on every probe alike.
  const times = Object.fromEntries(Object.keys(probes).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, code] of Object.entries(probes)) times[k].push(probe(code));
  const bare = median(times.bare);
  const withMain = median(times.main);
  const withCel = median(times.cel);
  const withRules = median(times.rules);
  console.log(`start-up, median of ${runs} processes (ms, and ratio to node -e 0):`);
  console.log(`  node -e 0                                  ${bare.toFixed(1)}`);
  console.log(`  main chunk                                 ${withMain.toFixed(1)} (${ratio(withMain, bare)})`);
  console.log(`  main + CEL engine chunk                    ${withCel.toFixed(1)} (${ratio(withCel, bare)})`);
  console.log(`  main + engine + compile the bundle's rules ${withRules.toFixed(1)} (${ratio(withRules, bare)}); ${(withRules - withMain).toFixed(1)} ms over the main chunk`);
}

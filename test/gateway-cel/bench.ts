// What evaluating the Gateway API CRDs' rules with the CEL engine costs against the
// hand-written translation, on the same routes in one process (scripts/gateway-cel-bench.mjs).
import { performance } from 'node:perf_hooks';
import { gatewayRuleProblems } from '../../src/linkerd/admission.js';
import { defaultTarget } from '../../src/linkerd/releases.js';
import { loadCel } from '../../src/policy/index.js';
import { type Route, routesUnder } from './agreement.js';
import { caseRoutes } from './cases.js';
import { type CompiledSchema, RuleCompiler, evaluateRules, readCrdRules } from './evaluate.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

export interface BenchResult {
  routes: number;
  /** Milliseconds: compiling the bundle's rules once (cold) and again (warm, median). */
  compileCold: number;
  compileWarm: number;
  /** Milliseconds per pass over every route, medians of `runs` passes after one warm-up. */
  hand: number;
  cel: number;
  failures: { hand: number; cel: number };
}

/** `rulesFile`: test/gateway-cel/crd-rules.json (a bundled copy of this module cannot find it by itself). */
export async function bench(dirs: string[], runs: number, rulesFile: string): Promise<BenchResult> {
  const routes: Route[] = [...caseRoutes(), ...dirs.flatMap((d) => routesUnder(d))];
  const engine = await loadCel();
  const data = readCrdRules(rulesFile);
  // The CRDs Linkerd 2.18 bundles, which the hand-written code implements.
  const ids = data.releases['v1.1.1']!.experimental!;
  const compileAll = () => {
    const compiler = new RuleCompiler(engine);
    const out = new Map<string, CompiledSchema>();
    for (const [kind, versions] of Object.entries(ids)) for (const [v, id] of Object.entries(versions)) out.set(`${kind}/${v}`, compiler.compile(data.schemas[id]!));
    return out;
  };
  let schemas!: Map<string, CompiledSchema>;
  const compileCold = timed(() => (schemas = compileAll()));
  const compileWarm = median(Array.from({ length: runs }, () => timed(compileAll)));
  const target = defaultTarget();
  const served = routes.filter((r) => schemas.has(`${r.resource.kind}/${r.resource.version}`));
  const failures = { hand: 0, cel: 0 };
  const handPass = () => {
    failures.hand = 0;
    for (const r of served) failures.hand += gatewayRuleProblems(r.resource, target).length;
  };
  const celPass = () => {
    failures.cel = 0;
    for (const r of served) failures.cel += evaluateRules(engine, schemas.get(`${r.resource.kind}/${r.resource.version}`)!, r.resource.value).failures.length;
  };
  handPass();
  celPass();
  const hand: number[] = [];
  const cel: number[] = [];
  // Interleaved, so that drift in the machine's speed falls on both alike.
  for (let i = 0; i < runs; i++) {
    hand.push(timed(handPass));
    cel.push(timed(celPass));
  }
  return { routes: served.length, compileCold, compileWarm, hand: median(hand), cel: median(cel), failures };
}

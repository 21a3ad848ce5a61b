// The Action's start-up against the CLI's: from the start of the composite action's first
// step, run from the release tree (scripts/release-action.mjs) as the runner runs it, to
// the first finding on its output; and from the start of `node bin/linkerd-lint.js` on the
// same workspace to its first finding.
//   node scripts/bench-action.mjs [--runs N]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runComposite, spawnUntil } from './lib/composite.mjs';
import { writeReleaseTree } from './release-action.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const MANIFEST = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n  annotations:\n    linkerd.io/inject: enabled\n';

const work = mkdtempSync(join(tmpdir(), 'linkerd-lint-bench-action-'));
try {
  const release = join(work, 'action');
  writeReleaseTree(release);
  const workspace = join(work, 'workspace');
  mkdirSync(join(workspace, 'deploy'), { recursive: true });
  writeFileSync(join(workspace, 'deploy', 'ns.yaml'), MANIFEST);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const samples = { node: [], cli: [], action: [] };
  // Interleaved, so that a slower moment of the machine weighs on all three alike.
  for (let i = 0; i < runs; i++) {
    samples.node.push((await spawnUntil(process.execPath, ['-e', 'console.log("ready")'], { cwd: workspace, env, marker: 'ready' })).markerMs);
    samples.cli.push((await spawnUntil(process.execPath, [join(root, 'bin', 'linkerd-lint.js'), 'deploy'], { cwd: workspace, env, marker: 'no-inject-system-namespace' })).markerMs);
    samples.action.push((await runComposite(release, workspace, { paths: 'deploy' }, { env, marker: 'title=no-inject-system-namespace::' })).markerMs);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [node, cli, action] = [median(samples.node), median(samples.cli), median(samples.action)];
  console.log(`median of ${runs} runs to the first finding, Node ${process.version}`);
  console.log(`node -e (process start-up)       ${node.toFixed(0).padStart(5)} ms`);
  console.log(`node bin/linkerd-lint.js deploy  ${cli.toFixed(0).padStart(5)} ms`);
  console.log(`action from its release tree     ${action.toFixed(0).padStart(5)} ms  ${(action / cli).toFixed(2)} x the CLI`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

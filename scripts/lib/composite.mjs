// Runs a composite action's steps as the GitHub runner does, for the Action's tests and
// its start-up benchmark: `${{ inputs.* }}` substituted (declared defaults for inputs not
// given), each `run` written to a file and run with the shell `bash` stands for
// (`bash --noprofile --norc -eo pipefail {0}`), the step's `env:`, GITHUB_ACTION_PATH,
// GITHUB_WORKSPACE and a fresh GITHUB_OUTPUT per step; a failing step ends the run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Parses a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM … DELIM` blocks. */
export function readOutputs(file) {
  const out = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2], i + 1);
      out[block[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/**
 * Runs a command; resolves when it exits, with the milliseconds from `start` until `marker`
 * first appeared on its standard output (undefined if it never did).
 */
export function spawnUntil(command, args, { cwd, env, marker, start = performance.now() }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let markerMs;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      if (markerMs === undefined && marker !== undefined && stdout.includes(marker)) markerMs = performance.now() - start;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, markerMs }));
  });
}

/**
 * Runs the composite action in `actionPath` from `cwd` (the workspace) with the given
 * inputs. `env` is the job's environment (PATH and the like); `marker` a text whose first
 * appearance on standard output is timed from the start of the first step.
 */
export async function runComposite(actionPath, cwd, given = {}, { env = {}, marker } = {}) {
  const meta = parseYaml(readFileSync(join(actionPath, 'action.yml'), 'utf8'));
  const scratch = mkdtempSync(join(tmpdir(), 'linkerd-lint-composite-'));
  const inputs = Object.fromEntries(Object.entries(meta.inputs ?? {}).map(([id, spec]) => [id, given[id] ?? String(spec.default ?? '')]));
  const expand = (text) => text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, id) => inputs[id] ?? '');
  const stepOutputs = {};
  let stdout = '';
  let stderr = '';
  let markerMs;
  let code = 0;
  const start = performance.now();
  try {
    for (const [i, step] of (meta.runs?.steps ?? []).entries()) {
      const output = join(scratch, `output-${i}`);
      writeFileSync(output, '');
      const script = join(scratch, `step-${i}.sh`);
      writeFileSync(script, expand(String(step.run)));
      const stepEnv = { ...env, GITHUB_ACTION_PATH: actionPath, GITHUB_OUTPUT: output, GITHUB_WORKSPACE: cwd };
      for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = expand(String(v));
      // Until an earlier step showed it, the marker is looked for in this step's output, timed from the first step's start.
      const r = await spawnUntil('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env: stepEnv, marker: markerMs === undefined ? marker : undefined, start });
      stdout += r.stdout;
      stderr += r.stderr;
      markerMs ??= r.markerMs;
      // A failed step's outputs are kept too (a workflow reads them after `continue-on-error`).
      if (typeof step.id === 'string') stepOutputs[step.id] = readOutputs(output);
      if (r.code !== 0) {
        code = r.code ?? -1;
        break;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const outputs = Object.fromEntries(
    Object.entries(meta.outputs ?? {}).map(([id, spec]) => {
      const [, step = '', name = ''] = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(String(spec.value)) ?? [];
      return [id, stepOutputs[step]?.[name] ?? ''];
    }),
  );
  return { code, stdout, stderr, outputs, markerMs };
}

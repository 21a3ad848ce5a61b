import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers.js';

export const BIN = join(ROOT, 'bin', 'linkerd-lint.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would: a separate Node process, no TTY. */
export function cli(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The caller's colour settings must not leak into what a test asserts.
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  Object.assign(env, opts.env);
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch directory with the given files (paths relative to it). */
export function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'linkerd-lint-test-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

export const KUBE_SYSTEM_INJECTED = `apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
  annotations:
    linkerd.io/inject: enabled
`;

export const CLEAN_NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: emojivoto
  annotations:
    linkerd.io/inject: enabled
`;

/** Runs the built CLI and returns the ES modules it loaded (through a module-loading hook). */
export function loadedModules(args: string[], files: Record<string, string>): { code: number | null; stdout: string; modules: string[] } {
  const dir = tree({
    ...files,
    'hooks/register.mjs': "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
    'hooks/hooks.mjs':
      "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.LOADED_MODULES, url + '\\n');\n  return next(url, context);\n}\n",
  });
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const run = cli(args, { cwd: dir, env: { NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'hooks', 'register.mjs')).href}`, LOADED_MODULES: log } });
  return { code: run.code, stdout: run.stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

// The CEL engine is a chunk of its own, loaded only when the input holds CEL to evaluate.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KUBE_SYSTEM_INJECTED, cli, tree } from './cli-helpers.js';
import { ROOT } from './helpers.js';

/** The chunk of the built CLI that holds the CEL evaluator and the Kubernetes libraries. */
function celChunks(): string[] {
  const dir = join(ROOT, 'dist', 'chunks');
  return readdirSync(dir)
    .filter((f) => readFileSync(join(dir, f), 'utf8').includes('kubernetes.Quantity'))
    .map((f) => pathToFileURL(join(dir, f)).href);
}

/** Runs the built CLI and returns the ES modules it loaded (through a module-loading hook). */
function loadedModules(args: string[], files: Record<string, string>): { code: number | null; modules: string[] } {
  const dir = tree({
    ...files,
    'hooks/register.mjs': "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
    'hooks/hooks.mjs':
      "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.LOADED_MODULES, url + '\\n');\n  return next(url, context);\n}\n",
  });
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const run = cli(args, { cwd: dir, env: { NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'hooks', 'register.mjs')).href}`, LOADED_MODULES: log } });
  return { code: run.code, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replicas
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
  validations:
    - expression: object.spec.replicas <= 5
`;

describe('the CEL engine is loaded only when the input holds CEL', () => {
  it('is one chunk of the build', () => {
    expect(celChunks()).toHaveLength(1);
  });

  it('not for YAML without a ValidatingAdmissionPolicy', () => {
    const run = loadedModules(['ns.yaml'], { 'ns.yaml': KUBE_SYSTEM_INJECTED });
    expect(run.code).toBe(1);
    expect(run.modules.some((m) => m.endsWith('/dist/cli.js'))).toBe(true);
    expect(run.modules).not.toContain(celChunks()[0]);
  });

  it('for a ValidatingAdmissionPolicy', () => {
    const run = loadedModules(['vap.yaml'], { 'vap.yaml': POLICY });
    expect(run.code).toBe(0);
    expect(run.modules).toContain(celChunks()[0]);
  });
});

// The CEL engine is a chunk of its own, loaded only when the input holds CEL to evaluate.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KUBE_SYSTEM_INJECTED, loadedModules } from './cli-helpers.js';
import { ROOT } from './helpers.js';

/** The chunk of the built CLI that holds the CEL evaluator and the Kubernetes libraries. */
function celChunks(): string[] {
  const dir = join(ROOT, 'dist', 'chunks');
  return readdirSync(dir)
    .filter((f) => readFileSync(join(dir, f), 'utf8').includes('kubernetes.Quantity'))
    .map((f) => pathToFileURL(join(dir, f)).href);
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

  it("for a config's CEL policies, and not for a config without them", () => {
    const policy = 'policies:\n  - id: named\n    validations:\n      - expression: has(object.metadata.name)\n';
    const withPolicy = loadedModules(['ns.yaml'], { 'ns.yaml': KUBE_SYSTEM_INJECTED, '.linkerd-lint.yaml': policy });
    expect(withPolicy.code).toBe(1);
    expect(withPolicy.modules).toContain(celChunks()[0]);
    const without = loadedModules(['ns.yaml'], { 'ns.yaml': KUBE_SYSTEM_INJECTED, '.linkerd-lint.yaml': 'rules:\n  no-open-network: warning\n' });
    expect(without.code).toBe(1);
    expect(without.modules).not.toContain(celChunks()[0]);
  });
});

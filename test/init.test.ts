// --init writes a starter config targeting the newest release the manifests state.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLEAN_NAMESPACE, cli, tree } from './cli-helpers.js';

const SCHEMA = '# yaml-language-server: $schema=./node_modules/linkerd-lint/schemas/config.schema.json\n';

const createdBy = (name: string, by: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  annotations:\n    linkerd.io/created-by: ${by}\n`;

const injected = (proxyVersion: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: app
spec:
  template:
    metadata:
      annotations:
        linkerd.io/proxy-version: ${proxyVersion}
`;

describe('--init', () => {
  it('writes extends and the newest stated release: an edge after the stable releases', () => {
    const dir = tree({
      'helm/ns.yaml': createdBy('linkerd', 'linkerd/helm stable-2.14.10'),
      'cli/ns.yaml': createdBy('linkerd-viz', 'linkerd/cli edge-24.2.1'),
      'app/web.yaml': injected('edge-24.8.2'),
      'old/ns.yaml': createdBy('old', 'linkerd/cli stable-2.9.1'),
    });
    const text = `${SCHEMA}extends: recommended\nlinkerdVersion: "edge-24.8.2"   # stated in app/web.yaml\n`;
    expect(cli(['--init'], { cwd: dir })).toEqual({ code: 0, stdout: `wrote .linkerd-lint.yaml:\n${text}`, stderr: '' });
    expect(readFileSync(join(dir, '.linkerd-lint.yaml'), 'utf8')).toBe(text);
    const printed = JSON.parse(cli(['--print-config'], { cwd: dir }).stdout) as Record<string, unknown>;
    expect([printed.linkerdVersion, printed.linkerdRelease, printed.extends]).toEqual(['edge-24.8.2', '2.16', 'recommended']);
  });

  it('writes a stable release as its minor', () => {
    const dir = tree({ 'ns.yaml': createdBy('linkerd', 'linkerd/helm stable-2.14.10'), 'other.yaml': createdBy('x', 'linkerd/cli stable-2.12.3') });
    expect(cli(['--init'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(join(dir, '.linkerd-lint.yaml'), 'utf8')).toBe(`${SCHEMA}extends: recommended\nlinkerdVersion: "2.14"   # stated in ns.yaml\n`);
  });

  it('writes the default release when no manifest states one', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE });
    const r = cli(['--init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, '.linkerd-lint.yaml'), 'utf8')).toBe(
      `${SCHEMA}extends: recommended\nlinkerdVersion: "2.20"   # the default: no manifest here says which release it is for\n`,
    );
  });

  it('refuses to overwrite a config file: exit 2, the file unchanged', () => {
    const dir = tree({ '.linkerd-lint.yml': 'extends: strict\n', 'ns.yaml': CLEAN_NAMESPACE });
    expect(cli(['--init'], { cwd: dir })).toEqual({ code: 2, stdout: '', stderr: 'linkerd-lint: --init: .linkerd-lint.yml already exists; not overwritten\n' });
    expect(readFileSync(join(dir, '.linkerd-lint.yml'), 'utf8')).toBe('extends: strict\n');
  });
});

// Documents a kustomization applies as patches are partial: the schema rule does not ask
// them for the fields their base provides, but still checks the values they set.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintParsed } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import { ROOT, fixtureConfig, goldenLine } from './helpers.js';

function parsed(name: string, text: string) {
  const read = decode(join(ROOT, 'overlay', name), `overlay/${name}`, Buffer.from(text));
  if (!read.ok) throw new Error('not text');
  return parseSource(read.file);
}

const PATCH = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: web-http
  namespace: emojivoto
spec:
  proxyProtocol: HTTP/3
`;

function schemaFindings(kustomization: string | undefined): string[] {
  const files = [parsed('server-patch.yaml', PATCH), ...(kustomization ? [parsed('kustomization.yaml', kustomization)] : [])];
  return lintParsed(files, { config: fixtureConfig('schema'), rules: builtinRules })
    .results.flatMap((r) => r.findings)
    .filter((f) => f.ruleId === 'schema')
    .map(goldenLine);
}

describe('kustomize patches', () => {
  const bad = '7:18 schema spec.proxyProtocol is "HTTP/3"; expected one of unknown, HTTP/1, HTTP/2, gRPC, opaque, TLS';

  it('are whole resources when no kustomization names them', () => {
    expect(schemaFindings(undefined)).toEqual([
      '6:1 schema spec sets none of "podSelector", "externalWorkloadSelector"; expected exactly one',
      '6:1 schema spec is missing the required field "port"',
      bad,
    ]);
  });

  it('are partial when listed under patchesStrategicMerge', () => {
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatchesStrategicMerge:\n  - server-patch.yaml\n';
    expect(schemaFindings(kustomization)).toEqual([bad]);
  });

  it('are partial when listed under patches', () => {
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n  - path: ./server-patch.yaml\n';
    expect(schemaFindings(kustomization)).toEqual([bad]);
  });
});

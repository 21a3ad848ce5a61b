// duplicate-resource across files: which files count as one unit, and what is skipped.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintParsed } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { ROOT, fixtureConfig, goldenLine } from './helpers.js';

const server = (accessPolicy: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: web
  namespace: app
spec:
  podSelector: {matchLabels: {app: web}}
  port: http
  accessPolicy: ${accessPolicy}
`;

function lint(files: Record<string, string>, options?: Record<string, unknown>): string[] {
  const parsed = Object.entries(files).map(([name, text]) => parseSource(new SourceFile(join(ROOT, name), name, text, 'yaml')));
  const config = fixtureConfig('duplicate-resource', options ? { options } : {});
  return lintParsed(parsed, { config, rules: builtinRules })
    .results.flatMap((r) => r.findings.filter((f) => f.ruleId === 'duplicate-resource').map((f) => `${f.file.displayPath} ${goldenLine(f)}`));
}

describe('duplicate-resource across files', () => {
  it('reports a clash between two files of one directory with scope "directory", naming the first', () => {
    expect(lint({ 'deploy/a.yaml': server('deny'), 'deploy/b.yaml': server('audit') }, { scope: 'directory' })).toEqual([
      'deploy/b.yaml 4:9 duplicate-resource duplicate Server "app/web": already defined at deploy/a.yaml:4; applied together, one silently replaces the other',
    ]);
  });
  it('by default leaves files of one plain directory alone: they may be alternatives', () => {
    expect(lint({ 'deploy/a.yaml': server('deny'), 'deploy/b.yaml': server('audit') })).toEqual([]);
  });
  it('by default compares the documents of one file', () => {
    expect(lint({ 'deploy/a.yaml': `${server('deny')}---\n${server('audit')}` })).toEqual([
      'deploy/a.yaml 14:9 duplicate-resource duplicate Server "app/web": already defined at deploy/a.yaml:4; applied together, one silently replaces the other',
    ]);
  });
  it('by default compares the files one kustomization lists in resources, not its patches', () => {
    const files = {
      'app/kustomization.yaml': 'resources: [a.yaml, ./b.yaml]\npatches: [{path: patch.yaml}]\n',
      'app/a.yaml': server('deny'),
      'app/b.yaml': server('audit'),
      'app/patch.yaml': server('all-unauthenticated'),
      'app/unlisted.yaml': server('all-authenticated'),
    };
    expect(lint(files)).toEqual([
      'app/b.yaml 4:9 duplicate-resource duplicate Server "app/web": already defined at app/a.yaml:4; applied together, one silently replaces the other',
    ]);
  });
  it('by default follows listed directories to their kustomization, without joining overlays of one base', () => {
    const files = {
      'base/kustomization.yml': 'resources: [server.yaml]\n',
      'base/server.yaml': server('deny'),
      'overlays/prod/kustomization.yaml': 'resources: [../../base, server.yaml]\n',
      'overlays/prod/server.yaml': server('audit'),
      'overlays/dev/Kustomization': 'resources: [../../base]\npatchesStrategicMerge: [server.yaml]\n',
      'overlays/dev/server.yaml': server('all-unauthenticated'),
      'overlays/test/kustomization.yaml': 'resources: [../../base]\n',
      'overlays/test/server.yaml': server('all-authenticated'),
    };
    expect(lint(files)).toEqual([
      'overlays/prod/server.yaml 4:9 duplicate-resource duplicate Server "app/web": already defined at base/server.yaml:4; applied together, one silently replaces the other',
    ]);
  });
  it('leaves separate directories alone by default and with scope "directory", and compares them with scope "tree"', () => {
    const files = { 'clusters/east/srv.yaml': server('deny'), 'clusters/west/srv.yaml': server('audit') };
    expect(lint(files)).toEqual([]);
    expect(lint(files, { scope: 'directory' })).toEqual([]);
    expect(lint(files, { scope: 'tree' })).toHaveLength(1);
  });
  it('compares only within one file with scope "file"', () => {
    expect(lint({ 'deploy/a.yaml': server('deny'), 'deploy/b.yaml': server('audit') }, { scope: 'file' })).toEqual([]);
    expect(lint({ 'deploy/a.yaml': `${server('deny')}---\n${server('audit')}` }, { scope: 'file' })).toHaveLength(1);
  });
  it('with scope "directory", skips directories that kustomize builds, where patches repeat the names of resources', () => {
    const files = {
      'base/kustomization.yaml': 'resources: [server.yaml]\npatches: [{path: patch.yaml}]\n',
      'base/server.yaml': server('deny'),
      'base/patch.yaml': server('audit'),
    };
    expect(lint(files, { scope: 'directory' })).toEqual([]);
    expect(lint(files)).toEqual([]);
  });
  it('does not report identical copies', () => {
    expect(lint({ 'deploy/a.yaml': server('deny'), 'deploy/b.yaml': server('deny') })).toEqual([]);
  });
});

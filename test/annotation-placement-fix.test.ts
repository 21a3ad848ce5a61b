// Two keys moved into a pod template that has no annotations yet: each fix would create
// the mapping, so the rule offers the second move only once the first has created it.
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { fixParsed, lintParsed } from '../src/cli/lint.js';
import { YamlFixer } from '../src/fix/fixer.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import { fixtureConfig } from './helpers.js';

const SOURCE = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  annotations:
    config.linkerd.io/proxy-enable-native-sidecar: "true"
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata:
      annotations:
        linkerd.io/inject: enabled
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: buoyantio/booksapp:v0.0.5
`;

const FIXED = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  annotations: {}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata:
      annotations: {}
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: buoyantio/booksapp:v0.0.5
        metadata:
          annotations:
            config.linkerd.io/proxy-enable-native-sidecar: "true"
            linkerd.io/inject: enabled
`;

const fixer = new YamlFixer();
const config = fixtureConfig('annotation-placement');

function parsed(text: string) {
  const read = decode('/tmp/cronjob.yaml', 'cronjob.yaml', Buffer.from(text));
  if (!read.ok) throw new Error('not text');
  return parseSource(read.file);
}

describe('annotation-placement fixes that create the pod template annotations', () => {
  it('offers one creating move per pass', () => {
    const findings = lintParsed([parsed(SOURCE)], { config, rules: builtinRules, fixer })
      .results.flatMap((r) => r.findings)
      .filter((f) => f.ruleId === 'annotation-placement');
    expect(findings.map((f) => [f.range.start.line, Boolean(f.fix)])).toEqual([
      [6, true],
      [12, false],
    ]);
  });

  it('moves both keys over two passes', () => {
    const file = parsed(SOURCE);
    const result = fixParsed([file], { config, rules: builtinRules, fixer, unsafe: false, onlyRules: new Set(['annotation-placement']) });
    expect(result.rejected).toEqual([]);
    expect(result.changed.get(file.file)).toBe(FIXED);
  });
});

const WITH_EMPTY = SOURCE.replace('        spec:\n          restartPolicy', '        metadata:\n          annotations: {}\n        spec:\n          restartPolicy');

const WITH_EMPTY_FIXED = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  annotations: {}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata:
      annotations: {}
    spec:
      template:
        metadata:
          annotations: { config.linkerd.io/proxy-enable-native-sidecar: "true", linkerd.io/inject: enabled }
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: buoyantio/booksapp:v0.0.5
`;

describe('annotation-placement fixes into an empty pod template mapping', () => {
  it('fills `annotations: {}` one key per pass', () => {
    const file = parsed(WITH_EMPTY);
    const result = fixParsed([file], { config, rules: builtinRules, fixer, unsafe: false, onlyRules: new Set(['annotation-placement']) });
    expect(result.rejected).toEqual([]);
    expect(result.changed.get(file.file)).toBe(WITH_EMPTY_FIXED);
  });
});

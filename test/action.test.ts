import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readOutputs, runComposite, spawnUntil } from '../scripts/lib/composite.mjs';
import { CLEAN_NAMESPACE, KUBE_SYSTEM_INJECTED, tree } from './cli-helpers.js';
import { ROOT } from './helpers.js';

const ENTRY = join(ROOT, 'action', 'run.mjs');
const TEMPLATE_WARNING = 'kind: {{ .Values.kind }}\n';

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs the entry the way a JavaScript action step would: inputs in INPUT_* variables, a fresh GITHUB_OUTPUT. */
function runEntry(cwd: string, inputs: Record<string, string>): ActionRun {
  const scratch = mkdtempSync(join(tmpdir(), 'linkerd-lint-action-'));
  const output = join(scratch, 'output');
  const summary = join(scratch, 'summary');
  writeFileSync(output, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [ENTRY], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs: readOutputs(output), summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
}

describe('action entry point', () => {
  it('annotates, writes SARIF, sets outputs and fails on an error', () => {
    const dir = tree({ 'deploy/ns.yaml': KUBE_SYSTEM_INJECTED, 'deploy/t.yaml': TEMPLATE_WARNING, 'other/ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = runEntry(dir, { paths: 'deploy', 'sarif-file': 'reports/lint.sarif' });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      '::error file=deploy/ns.yaml,line=6,col=24,endLine=6,endColumn=31,title=no-inject-system-namespace::"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
      '::warning file=deploy/t.yaml,line=1,col=7,endLine=1,endColumn=25,title=template-not-rendered::file is an unrendered template ("{{ .Values.kind }}"); it was not linted. Lint the output of `helm template` instead',
      'linkerd-lint: 1 error, 1 warning, 0 notices in 2 files (2 files linted)',
      'linkerd-lint: 1 finding at or above fail-level "error"',
      '',
    ]);
    expect(r.outputs).toEqual({ 'sarif-file': join(dir, 'reports/lint.sarif'), errors: '1', warnings: '1', infos: '0' });
    const log = JSON.parse(readFileSync(join(dir, 'reports/lint.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(log.runs[0]!.results.map((x) => x.ruleId)).toEqual(['no-inject-system-namespace', 'template-not-rendered']);
    expect(r.summary).toContain('| deploy/ns.yaml:6:24 | error | "linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed | `no-inject-system-namespace` |');
  });

  it('the fail level decides the exit code, not the CLI', () => {
    const warnOnly = tree({ 't.yaml': TEMPLATE_WARNING });
    expect(runEntry(warnOnly, { 'fail-level': 'error' }).code).toBe(0);
    expect(runEntry(warnOnly, { 'fail-level': 'warning' }).code).toBe(1);
    expect(runEntry(warnOnly, { 'fail-level': 'info' }).code).toBe(1);
    const withError = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const none = runEntry(withError, { 'fail-level': 'none' });
    expect(none.code).toBe(0);
    expect(none.outputs.errors).toBe('1');
  });

  it('a clean tree passes with zero counts and the default SARIF path', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE });
    const r = runEntry(dir, {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('linkerd-lint: no problems in 1 file\n');
    expect(r.outputs).toEqual({ 'sarif-file': join(dir, 'linkerd-lint.sarif'), errors: '0', warnings: '0', infos: '0' });
    expect(r.summary).toContain('No problems found.');
  });

  it('passes config and linkerd-version through, under either variable spelling', () => {
    const dir = tree({ 'lint.yaml': 'rules:\n  no-inject-system-namespace: warning\n', 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = runEntry(dir, { config: 'lint.yaml', 'linkerd-version': '2.18' });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ errors: '0', warnings: '1' });
    const log = JSON.parse(readFileSync(join(dir, 'linkerd-lint.sarif'), 'utf8')) as { runs: { properties: { linkerdVersion: string } }[] };
    expect(log.runs[0]!.properties.linkerdVersion).toBe('2.18');
    expect(runEntry(dir, { config: 'lint.yaml', linkerd_version: '2.9' }).code).toBe(2);
  });

  it('bad inputs and CLI usage errors fail with exit code 2 and an error annotation', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE });
    const bad = runEntry(dir, { 'fail-level': 'fatal' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('::error title=linkerd-lint::fail-level "fatal" is not one of error, warning, info, none\n');
    const missing = runEntry(dir, { paths: 'nope.yaml' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('linkerd-lint: no such file or directory: nope.yaml\n');
    expect(missing.stdout).toBe('::error title=linkerd-lint::no such file or directory: nope.yaml\n');
    expect(missing.summary).toBe('### linkerd-lint\n\nCould not lint:\n\n```\nno such file or directory: nope.yaml\n```\n');
    expect(missing.outputs).toEqual({});
    const version = runEntry(dir, { 'linkerd-version': '3.0' });
    expect(version.code).toBe(2);
    expect(version.stdout).toMatch(/^::error title=linkerd-lint::invalid configuration:%0A {2}--linkerd-version: "3\.0" is not a Linkerd version this linter knows; expected one of 2\.10, /);
    const config = runEntry(tree({ 'ns.yaml': CLEAN_NAMESPACE, '.linkerd-lint.yaml': 'rules:\n  no-such-rule: error\n' }), {});
    expect(config.code).toBe(2);
    expect(config.stdout).toBe('::error title=linkerd-lint::invalid configuration:%0A  .linkerd-lint.yaml:2:3: rules.no-such-rule: unknown rule "no-such-rule"\n');
    expect(config.summary).toBe('### linkerd-lint\n\nCould not lint:\n\n```\ninvalid configuration:\n  .linkerd-lint.yaml:2:3: rules.no-such-rule: unknown rule "no-such-rule"\n```\n');
  });

  it('with access-base, adds to the summary the client → workload edges the change opens and closes against a git ref', () => {
    const dir = tree({});
    cpSync(join(ROOT, 'fixtures', 'access', 'emojivoto'), join(dir, 'k8s'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.org', '-c', 'user.name=ci', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    // The change opens the web front end to any meshed client.
    writeFileSync(
      join(dir, 'k8s', 'web-server.yaml'),
      'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: web-http, namespace: emojivoto}\nspec:\n  podSelector: {matchLabels: {app: web-svc}}\n  port: http\n  accessPolicy: all-authenticated\n',
    );
    const r = runEntry(dir, { paths: 'k8s', 'access-base': 'HEAD', 'fail-level': 'none' });
    expect(r.code).toBe(0);
    expect(r.summary.slice(r.summary.indexOf('\n### Who can call whom'))).toBe(
      '\n### Who can call whom: changes against HEAD\n\n```\naccess changes against HEAD: 1 opened, 1 closed, 0 changed\nopened:\n' +
        '  + any meshed client → emojivoto/Deployment/web:8080 (accessPolicy all-authenticated)\nclosed:\n' +
        '  - any client, unauthenticated → emojivoto/Deployment/web:8080 (default policy all-unauthenticated)\n```\n',
    );
    // A base that cannot be read is said in the summary and does not fail the step.
    const bad = runEntry(dir, { paths: 'k8s', 'access-base': 'no-such-ref', 'fail-level': 'none' });
    expect(bad.code).toBe(0);
    expect(bad.summary).toContain('### Who can call whom: changes against no-such-ref\n\n```\nCould not compare: access --base "no-such-ref": neither a directory nor a commit of the git repository here\n```\n');
  });

  it('takes fail-level in any case and writes correct plurals in the summary', () => {
    const dir = tree({ 't.yaml': TEMPLATE_WARNING });
    const r = runEntry(dir, { 'fail-level': 'Warning' });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').at(-2)).toBe('linkerd-lint: 1 finding at or above fail-level "warning"');
    expect(r.summary.split('\n').slice(0, 3)).toEqual(['### linkerd-lint', '', '0 errors, 1 warning, 0 infos']);
    expect(runEntry(dir, { 'fail-level': 'NONE' }).code).toBe(0);
  });

  it('passes args through, split as a shell splits words', () => {
    const dir = tree({ 't.yaml': TEMPLATE_WARNING });
    // The CLI's --max-warnings fails the step whatever the fail level.
    const strict = runEntry(dir, { args: '--max-warnings 0', 'fail-level': 'none' });
    expect(strict.code).toBe(1);
    expect(strict.stdout.split('\n').at(-2)).toBe('linkerd-lint found too many warnings (maximum: 0).');
    const quoted = runEntry(dir, { args: `--rule 'template-not-rendered:off'` });
    expect(quoted.outputs).toMatchObject({ warnings: '0' });
    expect(runEntry(dir, { args: "--rule 'x" })).toMatchObject({ code: 2, stdout: "::error title=linkerd-lint::args: a quote (') is not closed\n" });
  });

  it('lints from working-directory, annotating paths from the workspace, and takes paths with spaces one a line', () => {
    const dir = tree({ 'apps/my app/ns.yaml': KUBE_SYSTEM_INJECTED, 'apps/other/ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = runEntry(dir, { 'working-directory': 'apps', paths: 'my app\nother\n' });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::error')).map((l) => l.slice(0, l.indexOf(','))))
      .toEqual(['::error file=apps/my app/ns.yaml', '::error file=apps/other/ns.yaml']);
    expect(r.outputs).toMatchObject({ 'sarif-file': join(dir, 'apps', 'linkerd-lint.sarif'), errors: '2' });
    expect(runEntry(dir, { 'working-directory': 'nope' })).toMatchObject({ code: 2, stdout: '::error title=linkerd-lint::working-directory "nope" is not a directory\n' });
  });
});

// ---- action.yml, checked against the metadata rules GitHub applies, and run as a composite action ----

interface ActionMeta {
  name?: unknown;
  description?: unknown;
  inputs?: Record<string, Record<string, unknown>>;
  outputs?: Record<string, Record<string, unknown>>;
  runs?: { using?: unknown; main?: unknown; image?: unknown; steps?: Record<string, unknown>[] };
  branding?: { icon?: unknown; color?: unknown };
}

const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
const INPUT_KEYS = ['description', 'required', 'default', 'deprecationMessage'];

/** Problems with an action's metadata, after GitHub's metadata syntax reference. */
function actionProblems(meta: ActionMeta): string[] {
  const problems: string[] = [];
  const using = meta.runs?.using;
  if (typeof meta.name !== 'string' || !meta.name) problems.push('name is required');
  if (using !== 'composite' && (typeof meta.description !== 'string' || !meta.description)) problems.push('description is required');
  if (!meta.runs) return [...problems, 'runs is required'];
  for (const [id, spec] of Object.entries(meta.inputs ?? {})) {
    if (!ID.test(id)) problems.push(`input id "${id}" must start with a letter or _ and hold only letters, digits, - and _`);
    if (typeof spec.description !== 'string') problems.push(`input "${id}" needs a description`);
    for (const key of Object.keys(spec)) if (!INPUT_KEYS.includes(key)) problems.push(`input "${id}" has unknown key "${key}"`);
  }
  const stepIds = new Set<string>();
  if (using === 'composite') {
    if (!Array.isArray(meta.runs.steps) || meta.runs.steps.length === 0) problems.push('a composite action needs runs.steps');
    for (const [i, step] of (meta.runs.steps ?? []).entries()) {
      if (typeof step.id === 'string') {
        if (!ID.test(step.id)) problems.push(`step ${i}: id "${step.id}" is not a valid id`);
        stepIds.add(step.id);
      }
      if ((step.run === undefined) === (step.uses === undefined)) problems.push(`step ${i}: needs exactly one of run and uses`);
      if (step.run !== undefined && typeof step.shell !== 'string') problems.push(`step ${i}: a run step needs shell`);
    }
  } else if (using === 'node20' || using === 'node24') {
    if (typeof meta.runs.main !== 'string') problems.push(`runs.main is required with ${using}`);
  } else if (using === 'docker') {
    if (typeof meta.runs.image !== 'string') problems.push('runs.image is required with docker');
  } else {
    problems.push(`runs.using "${String(using)}" is not node20, node24, composite or docker`);
  }
  for (const [id, spec] of Object.entries(meta.outputs ?? {})) {
    if (!ID.test(id)) problems.push(`output id "${id}" is not a valid id`);
    if (typeof spec.description !== 'string') problems.push(`output "${id}" needs a description`);
    if (using === 'composite') {
      const ref = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.[\w-]+\s*\}\}$/.exec(String(spec.value ?? ''));
      if (!ref) problems.push(`output "${id}" of a composite action needs a value like \${{ steps.<id>.outputs.<name> }}`);
      else if (!stepIds.has(ref[1]!)) problems.push(`output "${id}" refers to unknown step "${ref[1]}"`);
    }
  }
  const text = JSON.stringify(meta.runs);
  for (const m of text.matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)) {
    if (!meta.inputs?.[m[1]!]) problems.push(`runs refers to undeclared input "${m[1]}"`);
  }
  if (meta.branding?.color !== undefined && !BRANDING_COLORS.includes(String(meta.branding.color))) {
    problems.push(`branding.color "${String(meta.branding.color)}" is not one of ${BRANDING_COLORS.join(', ')}`);
  }
  return problems;
}

const ACTION = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionMeta;
/** What a job's steps start with: the runner's PATH (node, npm, bash) and HOME. */
const JOB_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

describe('action.yml', () => {
  it('meets the action metadata rules', () => {
    expect(actionProblems(ACTION)).toEqual([]);
    expect(Object.keys(ACTION.inputs ?? {})).toEqual(['paths', 'config', 'linkerd-version', 'fail-level', 'sarif-file', 'args', 'access-base', 'working-directory']);
    expect(Object.keys(ACTION.outputs ?? {})).toEqual(['sarif-file', 'errors', 'warnings', 'infos']);
  });

  it('the metadata check finds what GitHub would reject', () => {
    const broken: ActionMeta = {
      name: 'x',
      inputs: { '1paths': { description: 'p' }, ok: { descripton: 'typo' } },
      outputs: { count: { description: 'n', value: '${{ steps.missing.outputs.count }}' } },
      runs: { using: 'composite', steps: [{ id: 'lint', run: 'echo ${{ inputs.nope }}' }] },
      branding: { color: 'pink' },
    };
    expect(actionProblems(broken)).toEqual([
      'input id "1paths" must start with a letter or _ and hold only letters, digits, - and _',
      'input "ok" needs a description',
      'input "ok" has unknown key "descripton"',
      'step 0: a run step needs shell',
      'output "count" refers to unknown step "missing"',
      'runs refers to undeclared input "nope"',
      'branding.color "pink" is not one of white, black, yellow, blue, green, orange, red, purple, gray-dark',
    ]);
    expect(actionProblems({ name: 'x', description: 'd', runs: { using: 'node16', main: 'x.js' } })).toEqual([
      'runs.using "node16" is not node20, node24, composite or docker',
    ]);
  });

  it('maps every input to the environment of the lint step', () => {
    const lint = ACTION.runs!.steps!.find((s) => s.id === 'lint')!;
    const env = lint.env as Record<string, string>;
    for (const id of Object.keys(ACTION.inputs ?? {})) {
      expect(env[`INPUT_${id.toUpperCase().replace(/-/g, '_')}`]).toBe(`\${{ inputs.${id} }}`);
    }
  });

  it('runs end to end as a composite action', async () => {
    const dir = tree({ 'deploy/ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = await runComposite(ROOT, dir, { paths: 'deploy', 'fail-level': 'warning' }, { env: JOB_ENV });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error file=deploy/ns.yaml,line=6,col=24,endLine=6,endColumn=31,title=no-inject-system-namespace::');
    const ok = await runComposite(ROOT, dir, { 'fail-level': 'none' }, { env: JOB_ENV });
    expect(ok).toMatchObject({ code: 0, outputs: { 'sarif-file': join(dir, 'linkerd-lint.sarif'), errors: '1', warnings: '0', infos: '0' } });
  });
});

// ---- the release tree (scripts/release-action.mjs): what `uses: …@<tag>` downloads ----

const RELEASE_ENTRIES = ['.pre-commit-hooks.yaml', 'LICENSE', 'README.md', 'action', 'action.yml', 'bin', 'dist', 'package.json'];
const FINDING = '::error file=deploy/ns.yaml,line=6,col=24,endLine=6,endColumn=31,title=no-inject-system-namespace::';

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split(sep).join('/')],
  );
}

/** The job's environment with an `npm` first on PATH that records its arguments and fails: the action must not call it. */
function jobWithoutNpm(): { env: NodeJS.ProcessEnv; calls: string } {
  const bin = mkdtempSync(join(tmpdir(), 'linkerd-lint-npm-'));
  const calls = join(bin, 'calls');
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "npm $*" >> "${calls}"\nexit 1\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  return { env: { ...JOB_ENV, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }, calls };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

describe('the release tree of the action', () => {
  let release = '';
  beforeAll(() => {
    // From the dist/ this test run built, as `node scripts/release-action.mjs DIR` writes it.
    release = join(mkdtempSync(join(tmpdir(), 'linkerd-lint-release-')), 'action');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release-action.mjs'), release], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('holds the action and the built CLI, and a manifest with nothing to install or build', () => {
    expect(readdirSync(release).sort()).toEqual(RELEASE_ENTRIES);
    expect(readFileSync(join(release, 'action.yml'), 'utf8')).toBe(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    expect(filesUnder(join(release, 'dist'))).toEqual(filesUnder(join(ROOT, 'dist')));
    const pkg = JSON.parse(readFileSync(join(release, 'package.json'), 'utf8')) as Record<string, unknown>;
    const source = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toEqual({
      name: 'linkerd-lint',
      version: source.version,
      description: source.description,
      license: 'Apache-2.0',
      type: 'module',
      bin: { 'linkerd-lint': 'bin/linkerd-lint.js' },
      engines: source.engines,
    });
    expect(existsSync(join(release, 'bin', 'linkerd-lint.js'))).toBe(true);
    const again = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release-action.mjs'), release], { encoding: 'utf8' });
    expect({ code: again.status, stderr: again.stderr }).toEqual({ code: 2, stderr: `release-action: ${release} is not empty\n` });
  });

  it('runs as the runner runs it: no install, no build, the finding; start-up measured against the CLI', async ({ annotate }) => {
    const { env, calls } = jobWithoutNpm();
    const workspace = tree({ 'deploy/ns.yaml': KUBE_SYSTEM_INJECTED });
    const before = filesUnder(release);
    // One Node start-up: the CLI runs inside the action's own process (counted by a preload
    // that every Node process of the run, children too, inherits through NODE_OPTIONS).
    const scratch = mkdtempSync(join(tmpdir(), 'linkerd-lint-starts-'));
    const starts = join(scratch, 'starts');
    writeFileSync(join(scratch, 'count.cjs'), `require('node:fs').appendFileSync(${JSON.stringify(starts)}, process.argv.slice(1).join(' ') + '\\n');\n`);
    const counted = await runComposite(release, workspace, { paths: 'deploy' }, { env: { ...env, NODE_OPTIONS: `--require ${join(scratch, 'count.cjs')}` } });
    expect(counted.code).toBe(1);
    expect(readFileSync(starts, 'utf8')).toBe(`${join(release, 'action', 'run.mjs')}\n`);
    const action: number[] = [];
    const cli: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await runComposite(release, workspace, { paths: 'deploy' }, { env, marker: FINDING });
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n')[0]).toBe(`${FINDING}"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed`);
      expect(r.outputs).toMatchObject({ errors: '1', 'sarif-file': join(workspace, 'linkerd-lint.sarif') });
      action.push(r.markerMs!);
      const c = await spawnUntil(process.execPath, [join(ROOT, 'bin', 'linkerd-lint.js'), 'deploy'], { cwd: workspace, env, marker: 'no-inject-system-namespace' });
      expect(c.code).toBe(1);
      cli.push(c.markerMs!);
    }
    // npm was never called, nothing was installed, built or written into the action.
    expect(existsSync(calls)).toBe(false);
    expect(filesUnder(release)).toEqual(before);
    expect(existsSync(join(release, 'node_modules'))).toBe(false);
    const [a, c] = [median(action), median(cli)];
    expect(a).toBeGreaterThan(0);
    expect(c).toBeGreaterThan(0);
    await annotate(`start-up to the first finding, median of 3: action ${a.toFixed(0)} ms, CLI ${c.toFixed(0)} ms (${(a / c).toFixed(2)}x)`);
  });

  it('a checkout without dist/ (a branch) still builds itself, with npm', async () => {
    const { env, calls } = jobWithoutNpm();
    const branch = join(mkdtempSync(join(tmpdir(), 'linkerd-lint-branch-')), 'action');
    cpSync(release, branch, { recursive: true });
    rmSync(join(branch, 'dist'), { recursive: true });
    const r = await runComposite(branch, tree({ 'deploy/ns.yaml': KUBE_SYSTEM_INJECTED }), { paths: 'deploy' }, { env });
    // The recording npm fails, which fails the build step before the lint step.
    expect(r.code).toBe(1);
    expect(readFileSync(calls, 'utf8')).toBe('npm ci --no-audit --no-fund --loglevel=error\n');
    expect(r.stdout).toBe('');
  });

  it('--tag commits the same tree on top of HEAD and tags it, leaving the branch and work tree alone', () => {
    // A clone whose build is a no-op (this run has built dist/; a rebuild here would cost
    // seconds), committed so that its work tree is clean.
    const clone = join(mkdtempSync(join(tmpdir(), 'linkerd-lint-clone-')), 'repo');
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8', env }).trim();
    execFileSync('git', ['clone', '-q', ROOT, clone]);
    cpSync(join(ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'scripts', 'release-action.mjs'), join(clone, 'scripts', 'release-action.mjs'));
    writeFileSync(join(clone, 'scripts', 'build.mjs'), '');
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'test setup');
    const head = git('rev-parse', 'HEAD');
    const tag = (name: string) => spawnSync(process.execPath, [join(clone, 'scripts', 'release-action.mjs'), '--tag', name], { cwd: clone, encoding: 'utf8', env });
    const r = tag('v9.9.9');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^tagged v9\.9\.9: [0-9a-f]{12}, the action with the built CLI \(git push origin v9\.9\.9\)\n$/);
    expect(git('rev-parse', 'v9.9.9^')).toBe(head);
    expect(git('ls-tree', '-r', '--name-only', 'v9.9.9').split('\n').sort()).toEqual(filesUnder(release).sort());
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(tag('v9.9.9')).toMatchObject({ status: 2, stderr: 'release-action: tag v9.9.9 exists already\n' });
    writeFileSync(join(clone, 'README.md'), 'changed\n');
    expect(tag('v9.9.10')).toMatchObject({ status: 2, stderr: 'release-action: the work tree has uncommitted changes; commit or stash them first\n' });
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import typescript from 'typescript';
import { describe, expect, it } from 'vitest';
import { KUBE_SYSTEM_INJECTED } from './cli-helpers.js';
import { ROOT } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The script of the README's "Programmatic API" section and the output the README shows for it. */
function readmeExample(): { script: string; output: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Programmatic API\n'));
  const script = /```js\n([\s\S]*?)```/.exec(section)![1]!;
  const output = /prints:\n\n```text\n([\s\S]*?)```/.exec(section)![1]!;
  return { script, output };
}

/** The files of the README's "Writing a plugin" section (each block after a `path`: line) and the report it shows. */
function readmePlugin(): { files: Record<string, string>; report: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Writing a plugin\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const files: Record<string, string> = {};
  for (const m of section.matchAll(/\n`([^`\s]+)`:\n\n```[a-z]*\n([\s\S]*?)```/g)) files[m[1]!] = m[2]!;
  const report = /`linkerd-lint namespaces\.yaml -f github` prints:\n\n```text\n([\s\S]*?)```/.exec(section)![1]!;
  return { files, report };
}

/** The files of the README's "CEL policies" worked example and the report it shows. */
function readmePolicy(): { files: Record<string, string>; report: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## CEL policies\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const files: Record<string, string> = {};
  for (const m of section.matchAll(/\n`([^`\s]+)`:\n\n```[a-z]*\n([\s\S]*?)```/g)) files[m[1]!] = m[2]!;
  const report = /`linkerd-lint deploy\.yaml -f github` prints:\n\n```text\n([\s\S]*?)```/.exec(section)![1]!;
  return { files, report };
}

/** A user's TypeScript calling every export of the API, as its declarations type it. */
const TYPED_USE = `import {
  type LintOptions, type LintResult, type LintMessage, type LintWarning, type RuleError, type RuleInfo, type Rule, type Plugin,
  builtinRules, defineRule, formatterNames, lintFiles, lintText, loadFormatter, optionDefaults, outputFixes, version,
} from 'linkerd-lint';
import { type FixtureTest, fixtureTests, pluginDocs, runFixtures } from 'linkerd-lint/testing';

const options: LintOptions = {
  cwd: '.',
  config: { linkerdVersion: '2.18', ignore: ['vendor/**'], rules: { 'proxy-resources': ['warning', {}] } },
  rules: { 'no-open-network': 'off' },
  context: ['base/'],
  fix: true,
  unsafeFixes: false,
};
const results: LintResult[] = await lintFiles(['.'], { ...options, errorOnUnmatchedPattern: false });
const first: LintMessage | undefined = results[0]?.messages[0];
const line: number | undefined = first?.line;
const fixed: string | undefined = (await lintText('kind: Namespace\\n', { filePath: 'ns.yaml' }))[0]?.output;
await outputFixes(results);
const notes: string[] = [];
const report: string = (await loadFormatter('sarif')).format(results, { color: false, warn: (message: string) => notes.push(message) });
const problems: (RuleError | LintWarning)[] = [];
const piped: LintResult[] = await lintFiles(['-', 'deploy/'], {
  stdin: { text: async () => new Uint8Array(), filePath: 'ns.yaml' },
  rules: [['no-open-network', 'off'], ['no-open-network', ['warning']]],
  quiet: true,
  cache: true,
  cacheLocation: '.cache/',
  onRuleError: (error: RuleError) => problems.push(error),
  onWarning: (warning: LintWarning) => problems.push(warning),
});
const info: RuleInfo | undefined = builtinRules['proxy-resources'];
const names: readonly string[] = formatterNames;
const rule: Rule<{ max: number }, 'tooMany'> = defineRule({
  meta: {
    id: 'max-resources',
    description: 'Report files with too many resources',
    category: 'best-practice',
    defaultSeverity: 'warning',
    fix: 'none',
    messages: { tooMany: 'the file holds {{count}} resources; expected at most {{max}}' },
    docs: { why: 'Small files review better.', howToFix: 'Split the file.' },
    defaultOptions: optionDefaults<{ max: number }>({ max: 10 }),
  },
  check(ctx) {
    for (const file of ctx.files) {
      if (file.resources.length > ctx.options.max) {
        ctx.report({ resource: file.resources[0]!, messageId: 'tooMany', data: { count: file.resources.length, max: ctx.options.max } });
      }
    }
  },
});
const plugin: Plugin = { name: 'acme', rules: { 'max-resources': rule } };
const fixtures: FixtureTest[] = fixtureTests({ plugin, rule: 'max-resources', dir: 'fixtures/max-resources' });
runFixtures({ plugin, rule: 'max-resources', dir: { href: 'file:///fixtures/' }, describe: (_name: string, fn: () => void) => fn(), it: () => {} });
const page: string = pluginDocs({ plugin, dir: 'fixtures' });
export const used = [version, line, fixed, report.length, piped.length, info?.url, names, rule.meta.id, fixtures.map((t) => t.name), page.length];
`;

describe('npm package', () => {
  it('has the Apache License 2.0 its package.json names, copyright the linkerd-lint authors', () => {
    expect((pkg as { license?: string }).license).toBe('Apache-2.0');
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license).toContain('Copyright 2026 The linkerd-lint authors');
  });

  it('the bundle requires nothing but Node built-ins', () => {
    const builtins = new Set(builtinModules);
    const required = new Set<string>();
    for (const file of filesUnder(join(ROOT, 'dist')).filter((f) => f.endsWith('.js'))) {
      // `(?<!['"])`: ajv keeps `'require("ajv/dist/runtime/…")'` as a code string for its standalone mode; it is never run.
      for (const m of readFileSync(file, 'utf8').matchAll(/(?<!['"])\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
        if (!m[1]!.startsWith('node:') && !builtins.has(m[1]!)) required.add(m[1]!);
      }
    }
    expect([...required]).toEqual([]);
    expect(pkg.engines.node).toBe('>=20.19');
  });

  it('packs into a small tarball that installs into an empty directory and runs', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'linkerd-lint-pack-'));
    const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    // Packed from a copy, with its lifecycle scripts, so `prepack`/`postpack` run as on publish;
    // the test run has just built dist/, so the copy's build is a no-op (a rebuild in place
    // would change dist/ under the other tests).
    const source = join(scratch, 'source');
    for (const entry of ['package.json', 'bin', 'dist', 'schemas', 'README.md', 'LICENSE', 'scripts/pack-manifest.mjs']) {
      cpSync(join(ROOT, entry), join(source, entry), { recursive: true });
    }
    writeFileSync(join(source, 'scripts', 'build.mjs'), '');
    const packed = JSON.parse(
      execFileSync(NPM, ['pack', '--json', '--pack-destination', scratch], { cwd: source, env, encoding: 'utf8' }),
    ) as { filename: string; size: number; files: { path: string }[] }[];
    const tarball = join(scratch, packed[0]!.filename);
    // The packed manifest has no `prepare` (npm 11 warns on installing a package with one); the copy gets it back.
    execFileSync('tar', ['-xzf', tarball, '-C', scratch, 'package/package.json', 'package/LICENSE']);
    const packedPkg = JSON.parse(readFileSync(join(scratch, 'package', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(packedPkg.scripts.prepare).toBeUndefined();
    expect(packedPkg.scripts.build).toBe('node scripts/build.mjs');
    expect(readFileSync(join(source, 'package.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(readFileSync(join(scratch, 'package', 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    // About 1,613 kB: about 360 kB of linkerd-lint (with config lookup per file, the access report and CEL policies), 16 kB
    // of the programmatic API and its declarations, 48 kB for plugins (ajv, about 38 kB, compiling plugin rules' options
    // schemas, loaded only for them; the loader, the fixture runner and their docs), the chunk of the CEL engine (about
    // 38 kB), loaded only to evaluate CEL, and the chunk of typescript-estree with the TypeScript compiler (about 1,140 kB),
    // loaded only to read TypeScript sources. The budget catches an accidental bundle of another dependency or of test data.
    expect(statSync(tarball).size).toBeLessThan(1_625_000);
    const paths = packed[0]!.files.map((f) => f.path);
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('schemas/config.schema.json');
    expect(paths).toContain('LICENSE');
    expect(paths.filter((p) => /^(src|test|rules|fixtures|scripts)\//.test(p))).toEqual([]);

    const app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}\n');
    execFileSync(NPM, ['install', '--offline', '--no-package-lock', tarball], { cwd: app, env, stdio: 'pipe' });
    expect(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['linkerd-lint']);

    // Loading every module of the installed package resolves all its imports with no dependency installed.
    const installed = join(app, 'node_modules', 'linkerd-lint', 'dist');
    const modules = filesUnder(installed).filter((f) => f.endsWith('.js') && !f.endsWith('cli.js'));
    expect(modules.length).toBeGreaterThan(5);
    const load = spawnSync(process.execPath, ['--input-type=module', '-e', `for (const f of ${JSON.stringify(modules)}) await import(f);`], { cwd: app, encoding: 'utf8' });
    expect(load.stderr).toBe('');
    expect(load.status).toBe(0);

    const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'linkerd-lint', ...args], { cwd: app, env, encoding: 'utf8' });
    expect(npx(['--version'])).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
    writeFileSync(join(app, 'ns.yaml'), KUBE_SYSTEM_INJECTED);
    const lint = npx(['ns.yaml', '-f', 'github']);
    expect(lint.status).toBe(1);
    expect(lint.stdout.split('\n')[0]).toBe(
      '::error file=ns.yaml,line=6,col=24,endLine=6,endColumn=31,title=no-inject-system-namespace::"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
    );
    // TypeScript sources too, with the parser the package bundles.
    writeFileSync(join(app, 'ns.ts'), "export const ns = { apiVersion: 'v1', kind: 'Namespace',\n  metadata: { name: 'kube-system', annotations: { 'linkerd.io/inject': 'enabled' } } };\n");
    const ts = npx(['ns.ts', '-f', 'github']);
    expect(ts.status).toBe(1);
    expect(ts.stdout.split('\n')[0]).toBe(
      '::error file=ns.ts,line=2,col=72,endLine=2,endColumn=81,title=no-inject-system-namespace::"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
    );
    const explain = npx(['explain', 'no-inject-system-namespace']);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toContain('Example (fixtures/no-inject-system-namespace/invalid/example.yaml)');

    // The README's example of the programmatic API, run as written, prints what the README says.
    const example = readmeExample();
    writeFileSync(join(app, 'example.mjs'), example.script);
    const run = spawnSync(process.execPath, ['example.mjs'], { cwd: app, env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(example.output);
    expect(run.status).toBe(0);

    // The README's plugin, its config, manifest, fixtures and fixture test, written as given: lint, explain,
    // SARIF, suppression, fixes, and its fixture tests under node's test runner.
    const plugin = readmePlugin();
    expect(Object.keys(plugin.files).sort()).toEqual([
      '.linkerd-lint.yaml',
      'namespaces.yaml',
      'policies/index.js',
      'scripts/docs.js',
      'test/fixtures/namespace-policy/fixed/example.yaml',
      'test/fixtures/namespace-policy/invalid/example.out',
      'test/fixtures/namespace-policy/invalid/example.yaml',
      'test/fixtures/namespace-policy/valid/annotated.yaml',
      'test/policies.test.js',
    ]);
    // As the README says of ES modules in .js files.
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true,"type":"module"}\n');
    for (const [path, text] of Object.entries(plugin.files)) {
      mkdirSync(dirname(join(app, path)), { recursive: true });
      writeFileSync(join(app, path), text);
    }
    const pluginLint = npx(['namespaces.yaml', '-f', 'github']);
    expect(pluginLint.stderr).toBe('');
    expect(pluginLint.stdout.split('\n')[0]).toBe(plugin.report.trimEnd());
    expect(pluginLint.status).toBe(1);
    const pluginExplain = npx(['explain', 'acme/namespace-policy']);
    expect(pluginExplain.stdout.split('\n')[0]).toBe('acme/namespace-policy: Require every Namespace to set its default inbound policy');
    expect(pluginExplain.stdout).toContain('\nDocumentation: https://platform.example.com/linkerd/namespace-policy\n');
    expect(pluginExplain.status).toBe(0);
    const sarif = JSON.parse(npx(['namespaces.yaml', '-f', 'sarif']).stdout) as {
      runs: { tool: { driver: { rules: { id: string; helpUri?: string }[] } }; results: { ruleId: string; ruleIndex: number; suppressions?: { justification?: string }[] }[] }[];
    };
    const pluginResults = sarif.runs[0]!.results.filter((r) => r.ruleId === 'acme/namespace-policy');
    expect(pluginResults.map((r) => r.suppressions?.map((x) => x.justification) ?? [])).toEqual([[], ['retired next sprint']]);
    expect(sarif.runs[0]!.tool.driver.rules[pluginResults[0]!.ruleIndex]).toMatchObject({ id: 'acme/namespace-policy', helpUri: 'https://platform.example.com/linkerd/namespace-policy' });
    const manifest = plugin.files['namespaces.yaml']!;
    expect(npx(['namespaces.yaml', '--fix']).status).toBe(1);
    expect(readFileSync(join(app, 'namespaces.yaml'), 'utf8')).toBe(manifest);
    expect(npx(['namespaces.yaml', '--fix', '--unsafe-fixes'])).toMatchObject({ status: 0, stdout: '' });
    expect(readFileSync(join(app, 'namespaces.yaml'), 'utf8')).toBe(
      manifest.replace('  name: payments\n', '  name: payments\n  annotations:\n    config.linkerd.io/default-inbound-policy: cluster-authenticated\n'),
    );
    const fixtureRun = spawnSync(process.execPath, ['--test', 'test/'], { cwd: app, env, encoding: 'utf8' });
    expect(fixtureRun.stderr).toBe('');
    expect(fixtureRun.stdout).toContain('\n# pass 4\n# fail 0\n');
    expect(fixtureRun.status).toBe(0);
    // Its rules page, with the example fixture.
    expect(spawnSync(process.execPath, ['scripts/docs.js'], { cwd: app, env, encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    const page = readFileSync(join(app, 'RULES.md'), 'utf8');
    expect(page.split('\n')[0]).toBe('# acme rules');
    expect(page).toContain(`Findings:\n\n\`\`\`text\n${plugin.files['test/fixtures/namespace-policy/invalid/example.out']}\`\`\``);
    // And fails on a golden that is wrong.
    writeFileSync(join(app, 'test/fixtures/namespace-policy/invalid/example.out'), plugin.files['test/fixtures/namespace-policy/invalid/example.out']!.replace('4:9', '4:3'));
    const failing = spawnSync(process.execPath, ['--test', 'test/'], { cwd: app, env, encoding: 'utf8' });
    expect(failing.stdout).toContain('not ok 2 - invalid/example.yaml matches its .out');
    expect(failing.status).toBe(1);

    // The README's CEL policy, written as given in a directory of its own: lint, explain, SARIF and the suppression.
    const policy = readmePolicy();
    expect(Object.keys(policy.files).sort()).toEqual(['.linkerd-lint.yaml', 'deploy.yaml', 'policies/proxy.yaml']);
    const celDir = join(app, 'cel');
    for (const [path, text] of Object.entries(policy.files)) {
      mkdirSync(dirname(join(celDir, path)), { recursive: true });
      writeFileSync(join(celDir, path), text);
    }
    const inCel = (args: string[]) => spawnSync(process.execPath, [join(app, 'node_modules', '.bin', 'linkerd-lint'), ...args], { cwd: celDir, env, encoding: 'utf8' });
    const celLint = inCel(['deploy.yaml', '-f', 'github']);
    expect(celLint.stderr).toBe('');
    expect(celLint.stdout.split('\n')[0]).toBe(policy.report.trimEnd());
    expect(celLint.status).toBe(0);
    const celExplain = inCel(['explain', 'policy/proxy-cpu-limit']);
    expect(celExplain.stdout.split('\n')[0]).toBe('policy/proxy-cpu-limit: Require a proxy CPU limit on every meshed Deployment');
    expect(celExplain.stdout).toContain("Without a limit the proxy competes with the application for the pod's CPU.");
    const celSarif = JSON.parse(inCel(['deploy.yaml', '-f', 'sarif']).stdout) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; suppressions?: { justification?: string }[] }[] }[];
    };
    const policyResults = celSarif.runs[0]!.results.filter((r) => r.ruleId === 'policy/proxy-cpu-limit');
    expect(policyResults.map((r) => r.suppressions?.map((x) => x.justification) ?? [])).toEqual([[], ['batch jobs may burst']]);
    expect(celSarif.runs[0]!.tool.driver.rules[policyResults[0]!.ruleIndex]!.id).toBe('policy/proxy-cpu-limit');

    // The shipped declarations type-check a user's code on their own: no @types/node, no yaml, no library check skipped.
    const shipped = filesUnder(join(app, 'node_modules', 'linkerd-lint', 'dist', 'types'));
    for (const file of shipped) {
      const imports = typescript.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
      for (const spec of imports) {
        expect(spec, file).toMatch(/^\.\.?\//);
        expect(existsSync(join(dirname(file), spec.replace(/\.js$/, '.d.ts'))), `${file} imports ${spec}`).toBe(true);
      }
    }
    writeFileSync(join(app, 'check.mts'), TYPED_USE);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [], lib: ['ES2023'] }, files: ['check.mts'] }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
    // And would catch a mistake: a misspelt option does not compile.
    writeFileSync(join(app, 'check.mts'), "import { lintText } from 'linkerd-lint';\nawait lintText('', { filePaht: 'ns.yaml' });\n");
    const wrong = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    expect(wrong.stdout).toContain("error TS2561: Object literal may only specify known properties, but 'filePaht' does not exist in type 'LintTextOptions'.");
    expect(wrong.status).toBe(2);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLEAN_NAMESPACE, KUBE_SYSTEM_INJECTED, cli, tree } from './cli-helpers.js';
import { ROOT } from './helpers.js';
import { builtinRules } from '../rules/index.js';
import { ruleDocsUrl } from '../src/version.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('information commands', () => {
  it('--version prints the package version', () => {
    expect(cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists options and exit codes', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--linkerd-version VERSION');
    expect(r.stdout).toContain('--no-warn-ignored');
    expect(r.stdout).toContain('Exit codes: 0 no errors');
  });

  it('--list-rules lists every rule with category, severity and fix kind', () => {
    const r = cli(['--list-rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^no-inject-system-namespace\s+security\s+error\s+unsafe\s+Disallow proxy injection/m);
    expect(r.stdout).toMatch(/^parse-error\s+correctness\s+error\s+none\s+/m);
  });

  it('--list-rules --format json gives every rule as data, with the docs URL SARIF uses', () => {
    const r = cli(['--list-rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list.map((x) => x.id)).toEqual(Object.keys(builtinRules));
    expect(list.find((x) => x.id === 'no-inject-system-namespace')).toEqual({
      id: 'no-inject-system-namespace',
      category: 'security',
      severity: 'error',
      fixKinds: ['unsafe'],
      docsUrl: ruleDocsUrl('no-inject-system-namespace'),
      since: null,
      until: null,
      description: 'Disallow proxy injection into kube-system, cert-manager, Linkerd and other system namespaces',
    });
    expect(list.find((x) => x.id === 'native-sidecar-wait-before-exit')).toMatchObject({ since: '2.15', until: '2.19' });
    expect(cli(['--list-rules', '-f', 'sarif'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'linkerd-lint: --list-rules: --format sarif is not supported; expected stylish or json\n',
    });
  });

  it('explain prints why, how to fix and the example fixture', () => {
    const r = cli(['explain', 'no-inject-system-namespace']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no-inject-system-namespace: Disallow proxy injection');
    expect(r.stdout).toContain('How to fix');
    expect(r.stdout).toContain('\nFix safety\n    Unsafe. Setting `disabled` changes what runs');
    expect(r.stdout).toContain('\nDefaults\n    {\n      "namespaces": []\n    }');
    expect(r.stdout).toContain('Example (fixtures/no-inject-system-namespace/invalid/example.yaml)');
    expect(r.stdout).toContain('6:24 no-inject-system-namespace "linkerd.io/inject: enabled" on system namespace "kube-system"');
  });

  it('explain of an unknown rule is a usage error with a suggestion', () => {
    const r = cli(['explain', 'no-inject-system-namespaces']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'linkerd-lint: unknown rule "no-inject-system-namespaces"; did you mean "no-inject-system-namespace"?; run "linkerd-lint --list-rules" to see them all\n',
    );
  });
});

describe('exit codes and usage errors', () => {
  it('exits 0 with no output on a clean tree', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE });
    expect(cli(['.'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits 1 on an error finding', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = cli(['ns.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ns.yaml\n  6:24  error  "linkerd.io/inject: enabled" on system namespace "kube-system"');
    expect(r.stdout).toContain('✖ 1 problem (1 error, 0 warnings)');
  });

  it('a missing path is exit 2, not a silent pass', () => {
    const r = cli(['does-not-exist.yaml']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'linkerd-lint: no such file or directory: does-not-exist.yaml\n' });
  });

  it('a glob that matches nothing is exit 2 unless told otherwise', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE });
    expect(cli(['nothing/**/*.yaml'], { cwd: dir }).code).toBe(2);
    expect(cli(['nothing/**/*.yaml', '--no-error-on-unmatched-pattern'], { cwd: dir }).code).toBe(0);
  });

  it('an unknown flag is exit 2 with the flag named and no stack trace', () => {
    const r = cli(['--formt', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^linkerd-lint: Unknown option '--formt'/);
    expect(r.stderr).not.toContain('    at ');
  });

  it('bad flag values are exit 2 with the allowed values', () => {
    expect(cli(['--format', 'xml', '.']).stderr).toBe('linkerd-lint: --format: unknown format "xml"; expected one of stylish, json, json-with-metadata, sarif, github, junit\n');
    expect(cli(['--rule', 'parse-error:fatal', '.']).stderr).toBe(
      'linkerd-lint: --rule parse-error: "fatal" is not a severity; expected one of off, info, warning, error\n',
    );
    expect(cli(['--max-warnings', 'lots', '.']).code).toBe(2);
    const r = cli(['--linkerd-version', '3.0', '.']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--linkerd-version: "3.0" is not a Linkerd version this linter knows; expected one of 2.10, 2.11');
  });

  it('--max-warnings turns too many warnings into exit 1', () => {
    const dir = tree({ 'tpl.yaml': 'kind: A\nmetadata:\n  name: {{ .Values.name }}\n' });
    expect(cli(['.'], { cwd: dir }).code).toBe(0);
    const r = cli(['.', '--max-warnings', '0'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('linkerd-lint found too many warnings (maximum: 0).\n');
  });

  it('--quiet reports errors only', () => {
    const dir = tree({ 'tpl.yaml': 'kind: A\nmetadata:\n  name: {{ .Values.name }}\n', 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = cli(['.', '--quiet', '-f', 'json'], { cwd: dir });
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    expect(results.flatMap((x) => x.messages.map((m) => m.ruleId))).toEqual(['no-inject-system-namespace']);
  });
});

describe('input', () => {
  it('reads standard input with --stdin-filename', () => {
    const r = cli(['-', '--stdin-filename', 'deploy/kube-system.yaml'], { input: KUBE_SYSTEM_INJECTED });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('deploy/kube-system.yaml\n  6:24  error');
  });

  it('--stdin-filename takes an absolute path, and its config', () => {
    const dir = tree({ 'deploy/.linkerd-lint.yaml': 'rules:\n  no-inject-system-namespace: warning\n' });
    const r = cli(['-', '--stdin-filename', join(dir, 'deploy', 'ns.yaml'), '-f', 'json'], { cwd: ROOT, input: KUBE_SYSTEM_INJECTED });
    const [result] = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; level: string }[] }[];
    expect(result!.filePath).toBe(join(dir, 'deploy', 'ns.yaml'));
    expect(result!.messages.map((m) => `${m.ruleId} ${m.level}`)).toEqual(['no-inject-system-namespace warning']);
    expect(r.code).toBe(0);
  });

  it('a broken document does not hide findings in the other documents of the file', () => {
    const text = `${KUBE_SYSTEM_INJECTED}---\nkind: Broken\nmetadata: {name: x\n---\n${KUBE_SYSTEM_INJECTED.replace('kube-system', 'cert-manager')}`;
    const dir = tree({ 'all.yaml': text });
    const r = cli(['all.yaml', '-f', 'json'], { cwd: dir });
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; line: number }[] }[];
    expect(result!.messages.map((m) => `${m.line} ${m.ruleId}`)).toEqual([
      '6 no-inject-system-namespace',
      '10 parse-error',
      '16 no-inject-system-namespace',
    ]);
    expect(r.code).toBe(1);
  });

  it('walks directories for manifests, honouring .gitignore and skipping node_modules', () => {
    const dir = tree({
      '.gitignore': 'rendered/\n',
      'apps/ns.yaml': KUBE_SYSTEM_INJECTED,
      'apps/ns.json': JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-public', annotations: { 'linkerd.io/inject': 'enabled' } } }),
      'apps/notes.txt': KUBE_SYSTEM_INJECTED,
      'rendered/ns.yaml': KUBE_SYSTEM_INJECTED,
      'node_modules/pkg/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    const r = cli(['.', '-f', 'json'], { cwd: dir });
    const files = (JSON.parse(r.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1));
    expect(files).toEqual(['apps/ns.json', 'apps/ns.yaml']);
  });

  it('lints a named file or directory that .gitignore excludes; inside a named directory .gitignore still applies', () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'rendered/\n*.gen.yaml\n',
      'rendered/ns.yaml': KUBE_SYSTEM_INJECTED,
      'rendered/ns.gen.yaml': KUBE_SYSTEM_INJECTED,
      'rendered/local/.gitignore': '*\n',
      'rendered/local/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    const linted = (args: string[]) => {
      const r = cli([...args, '-f', 'json'], { cwd: dir });
      return [r.code, (JSON.parse(r.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1))];
    };
    expect(linted(['rendered'])).toEqual([1, ['rendered/ns.yaml']]);
    expect(linted(['rendered/ns.gen.yaml'])).toEqual([1, ['rendered/ns.gen.yaml']]);
    expect(linted(['rendered/local/ns.yaml'])).toEqual([1, ['rendered/local/ns.yaml']]);
  });

  it('a named directory with no manifest once .gitignore is applied, or a glob matching none, is still exit 2', () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', '.gitignore': '*.gen.yaml\n', 'gen/ns.gen.yaml': KUBE_SYSTEM_INJECTED });
    expect(cli(['gen'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'linkerd-lint: no manifests to lint in "gen" (no *.yaml, *.yml, *.json or TypeScript file that .gitignore does not exclude)\n',
    });
    expect(cli(['gen/*.yaml'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'linkerd-lint: no files match the pattern "gen/*.yaml" (files that .gitignore excludes do not count)\n',
    });
    expect(cli(['gen', '--no-error-on-unmatched-pattern'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('lints files named explicitly whatever their extension', () => {
    const dir = tree({ 'notes.txt': KUBE_SYSTEM_INJECTED });
    expect(cli(['notes.txt'], { cwd: dir }).code).toBe(1);
  });

  it('refuses binary files with a finding and goes on', () => {
    const dir = tree({ 'a.yaml': 'kind: A\0\0', 'b.yaml': KUBE_SYSTEM_INJECTED });
    const r = cli(['.', '-f', 'json'], { cwd: dir });
    const results = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
    expect(results.map((x) => x.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([
      ['parse-error: file is not text (it contains NUL bytes); skipped'],
      ['no-inject-system-namespace: "linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed'],
    ]);
  });
});

describe('configuration', () => {
  it('says in a sentence why a config file cannot be read', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE, 'conf/x': '' });
    const r = cli(['-c', 'conf', 'ns.yaml'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, 'linkerd-lint: cannot read config file conf: it is a directory (EISDIR)\n']);
  });

  it('writes the rule list to -o', () => {
    const dir = tree({});
    const r = cli(['--list-rules', '-f', 'json', '-o', 'out/rules.json'], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([0, '']);
    const list = JSON.parse(readFileSync(join(dir, 'out', 'rules.json'), 'utf8')) as { id: string }[];
    expect(list.map((x) => x.id)).toContain('no-service-profile');
  });

  it('takes rule options on --rule as JSON, and says what is wrong with them', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    retry.linkerd.io/http: 5xx\n    retry.linkerd.io/limit: "5"\nspec:\n  ports:\n    - port: 80\n';
    const dir = tree({ 'svc.yaml': svc });
    const base = ['--no-config-lookup', '--rule', 'retry-without-timeout:off', '-f', 'json', 'svc.yaml'];
    const ids = (r: { stdout: string }) => (JSON.parse(r.stdout) as { messages: { ruleId: string }[] }[]).flatMap((f) => f.messages.map((m) => m.ruleId));
    expect(ids(cli(base, { cwd: dir }))).toEqual(['no-unbounded-retries']);
    const raised = cli([...base, '--rule', 'no-unbounded-retries:["error", {"maxRetryLimit": 5}]'], { cwd: dir });
    expect([raised.code, ids(raised)]).toEqual([0, []]);
    const badJson = cli([...base, '--rule', 'no-unbounded-retries:[error]'], { cwd: dir });
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/^linkerd-lint: --rule no-unbounded-retries: \[error\] is not valid JSON \(.*\); write e\.g\. --rule 'no-unbounded-retries:\["error", \{"option": 1\}\]'\n$/);
    const badOption = cli([...base, '--rule', 'no-unbounded-retries:["error", {"maxRetryLimt": 5}]'], { cwd: dir });
    expect([badOption.code, badOption.stderr]).toEqual([
      2,
      'linkerd-lint: invalid configuration:\n  --rule no-unbounded-retries options: unknown key "maxRetryLimt"; allowed keys here: maxRetryRatio, maxMinRetriesPerSecond, maxRetryLimit\n',
    ]);
  });

  it.each([
    ['a circular alias', 'rules: &a\n  x: *a\n', '.linkerd-lint.yaml:2:6: invalid YAML in config file: this alias is inside the node it refers to'],
    [
      'an alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n',
      '.linkerd-lint.yaml: invalid YAML in config file: its aliases expand to more than 100 copies',
    ],
    ['a second document', 'rules: {}\n---\nrules: {schema: off}\n', '.linkerd-lint.yaml:2:1: a config file holds one YAML document; this is a second one'],
    ['a !!set', 'rules: !!set {? schema}\n', '.linkerd-lint.yaml:1:14: invalid YAML in config file: a !!set is not a setting value (use plain mappings, lists and scalars)'],
    ['a __proto__ rule', 'rules: {__proto__: error}\n', 'invalid configuration:\n  .linkerd-lint.yaml:1:9: rules.__proto__: unknown rule "__proto__"'],
    [
      'an unquoted version',
      'linkerdVersion: 2.20\n',
      'invalid configuration:\n  .linkerd-lint.yaml:1:1: linkerdVersion is 2.2; expected string: YAML reads an unquoted version as a number (2.20 becomes 2.2); quote it, e.g. linkerdVersion: "2.20"',
    ],
  ])('a config file with %s is exit 2 with one sentence', (_, config, message) => {
    const r = cli(['ns.yaml'], { cwd: tree({ '.linkerd-lint.yaml': config, 'ns.yaml': CLEAN_NAMESPACE }) });
    expect([r.code, r.stderr]).toEqual([2, `linkerd-lint: ${message}\n`]);
  });

  it('finds .linkerd-lint.yaml upward and applies rule settings', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'rules:\n  no-inject-system-namespace: warning\n',
      'deploy/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    const r = cli(['ns.yaml', '-f', 'json'], { cwd: join(dir, 'deploy') });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { warningCount: number }[])[0]!.warningCount).toBe(1);
  });

  it('a bad config is exit 2 naming the file, line, key, value and what is allowed', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'extends: strictest\nrules:\n  no-inject-system-namespace: [error, {namespaces: kube-fleet}]\n  no-inject-sytem-namespace: off\n',
      'ns.yaml': CLEAN_NAMESPACE,
    });
    const r = cli(['.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'linkerd-lint: invalid configuration:\n  .linkerd-lint.yaml:1:1: extends is "strictest"; expected a preset (recommended, strict or all; default recommended), or the path of another config file to build on (relative to this one, ending .yaml or .yml), whose settings this file\'s are laid over\n',
    );
    const dir2 = tree({
      '.linkerd-lint.yaml': 'rules:\n  no-inject-system-namespace: [error, {namespaces: kube-fleet}]\n  no-inject-sytem-namespace: "off"\n',
      'ns.yaml': CLEAN_NAMESPACE,
    });
    const r2 = cli(['.'], { cwd: dir2 });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toBe(
      'linkerd-lint: invalid configuration:\n' +
        '  .linkerd-lint.yaml:2:40: rules.no-inject-system-namespace[1].namespaces is "kube-fleet"; expected array\n' +
        '  .linkerd-lint.yaml:3:3: rules.no-inject-sytem-namespace: unknown rule "no-inject-sytem-namespace"; did you mean "no-inject-system-namespace"?\n',
    );
  });

  it('invalid YAML in the config is exit 2 at its position', () => {
    const dir = tree({ 'lint.yaml': 'rules:\n  a: [\n', 'ns.yaml': CLEAN_NAMESPACE });
    const r = cli(['--config', 'lint.yaml', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^linkerd-lint: lint\.yaml:\d+:\d+: invalid YAML in config file: /);
  });

  it('two config files in one directory are exit 2 naming both', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'extends: strict\n', '.linkerd-lint.yml': 'extends: all\n', 'app/ns.yaml': CLEAN_NAMESPACE });
    const r = cli(['.'], { cwd: join(dir, 'app') });
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `linkerd-lint: two config files in one directory: ${join(dir, '.linkerd-lint.yaml')} and ${join(dir, '.linkerd-lint.yml')}; keep one\n`,
    });
  });

  it('ignore globs and overrides apply relative to the config file', () => {
    const dir = tree({
      '.linkerd-lint.yaml':
        'ignore: ["vendor/**"]\noverrides:\n  - files: ["sandbox/**"]\n    rules:\n      no-inject-system-namespace: "off"\n',
      'vendor/ns.yaml': KUBE_SYSTEM_INJECTED,
      'sandbox/ns.yaml': KUBE_SYSTEM_INJECTED,
      'prod/ns.yaml': KUBE_SYSTEM_INJECTED,
    });
    const r = cli(['.', '-f', 'json'], { cwd: dir });
    const results = JSON.parse(r.stdout) as { filePath: string; errorCount: number }[];
    expect(results.map((x) => [x.filePath.slice(dir.length + 1), x.errorCount])).toEqual([
      ['prod/ns.yaml', 1],
      ['sandbox/ns.yaml', 0],
    ]);
  });

  describe('named paths the config ignores', () => {
    const files = {
      '.linkerd-lint.yaml': 'ignore: ["vendor/**"]\n',
      'vendor/ns.yaml': KUBE_SYSTEM_INJECTED,
      'prod/ns.yaml': CLEAN_NAMESPACE,
    };
    const fileWarning =
      'file ignored: it matches the "ignore" glob "vendor/**" in .linkerd-lint.yaml; pass --no-warn-ignored to hide this warning';

    it('standard input named as an ignored file is not linted, and --fix gives the text back unchanged', () => {
      const dir = tree(files);
      const args = ['-', '--stdin-filename', 'vendor/other.yaml', '-f', 'json'];
      const r = cli(args, { cwd: dir, input: KUBE_SYSTEM_INJECTED });
      const [result] = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; message: string }[] }[];
      expect([r.code, result!.filePath, result!.messages.map((m) => [m.ruleId, m.message])]).toEqual([0, join(dir, 'vendor', 'other.yaml'), [['ignored-path', fileWarning]]]);
      const fixed = cli([...args, '--fix', '--unsafe-fixes'], { cwd: dir, input: KUBE_SYSTEM_INJECTED });
      expect([fixed.code, fixed.stdout]).toEqual([0, KUBE_SYSTEM_INJECTED]);
      expect(cli([...args, '--no-warn-ignored'], { cwd: dir, input: KUBE_SYSTEM_INJECTED })).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    });

    it('a named file is not linted but reported with a warning: exit 0, or 1 with --max-warnings 0', () => {
      const dir = tree(files);
      expect(cli(['vendor/ns.yaml'], { cwd: dir })).toEqual({
        code: 0,
        stdout: `\nvendor/ns.yaml\n  1:1  warning  ${fileWarning}  ignored-path\n\n✖ 1 problem (0 errors, 1 warning)\n`,
        stderr: '',
      });
      expect(cli(['vendor/ns.yaml', '--max-warnings', '0'], { cwd: dir })).toMatchObject({
        code: 1,
        stderr: 'linkerd-lint found too many warnings (maximum: 0).\n',
      });
      expect(cli(['vendor/ns.yaml', '--fix'], { cwd: dir }).code).toBe(0);
      expect(readFileSync(join(dir, 'vendor/ns.yaml'), 'utf8')).toBe(KUBE_SYSTEM_INJECTED);
    });

    it('--no-warn-ignored skips it silently, as --quiet hides the warning', () => {
      const dir = tree(files);
      expect(cli(['vendor/ns.yaml', '--no-warn-ignored', '--max-warnings', '0'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(cli(['vendor/ns.yaml', '--quiet', '--max-warnings', '0'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    });

    it('JSON has a result for the ignored file with the one warning, in path order among the linted files', () => {
      const dir = tree(files);
      const r = cli(['vendor/ns.yaml', 'prod/ns.yaml', '-f', 'json'], { cwd: dir });
      expect(r.code).toBe(0);
      const counts = { errorCount: 0, fatalErrorCount: 0, infoCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, usedDeprecatedRules: [] };
      expect(JSON.parse(r.stdout)).toEqual([
        { filePath: join(dir, 'prod/ns.yaml'), messages: [], suppressedMessages: [], warningCount: 0, ...counts },
        {
          filePath: join(dir, 'vendor/ns.yaml'),
          messages: [
            { ruleId: 'ignored-path', severity: 1, level: 'warning', message: fileWarning, messageId: 'file', line: 1, column: 1, endLine: 1, endColumn: 1 },
          ],
          suppressedMessages: [],
          warningCount: 1,
          ...counts,
        },
      ]);
    });

    it('a named directory whose every manifest the config ignores gets the same warning; a glob is discovery, exit 2', () => {
      const dir = tree(files);
      expect(cli(['vendor'], { cwd: dir })).toEqual({
        code: 0,
        stdout:
          '\nvendor\n  1:1  warning  directory ignored: every manifest in it matches the "ignore" glob "vendor/**" in .linkerd-lint.yaml; ' +
          'pass --no-warn-ignored to hide this warning  ignored-path\n\n✖ 1 problem (0 errors, 1 warning)\n',
        stderr: '',
      });
      expect(cli(['vendor', '--no-warn-ignored'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(cli(['vendor/*.yaml'], { cwd: dir })).toEqual({
        code: 2,
        stdout: '',
        stderr: 'linkerd-lint: every file matching the pattern "vendor/*.yaml" is ignored by the config\'s "ignore" globs\n',
      });
      // Inside a named directory the config ignores files silently, as discovery does.
      const r = cli(['.', '-f', 'json'], { cwd: dir });
      expect((JSON.parse(r.stdout) as { filePath: string }[]).map((x) => x.filePath.slice(dir.length + 1))).toEqual(['prod/ns.yaml']);
    });
  });

  it('--rule overrides the config and --print-config shows the result', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'linkerdVersion: edge-25.4.4\nrules:\n  template-not-rendered: error\n' });
    const r = cli(['--print-config', '--rule', 'template-not-rendered:off'], { cwd: dir });
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(printed.linkerdVersion).toBe('edge-25.4.4');
    expect(printed.linkerdRelease).toBe('2.18');
    expect((printed.rules as Record<string, unknown>)['template-not-rendered']).toBe('off');
  });
});

describe('suppressions', () => {
  const suppressed = `apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
  annotations:
    linkerd.io/inject: enabled # linkerd-lint-disable-line no-inject-system-namespace -- lab cluster
`;

  it('a disable comment suppresses the finding; JSON keeps it under suppressedMessages', () => {
    const r = cli(['-', '-f', 'json'], { input: suppressed });
    expect(r.code).toBe(0);
    const [result] = JSON.parse(r.stdout) as { messages: unknown[]; suppressedMessages: { suppressions: unknown[] }[] }[];
    expect(result!.messages).toEqual([]);
    expect(result!.suppressedMessages[0]!.suppressions).toEqual([{ kind: 'directive', justification: 'lab cluster' }]);
  });

  it('unused directives are warnings by default, errors or off on request', () => {
    const input = CLEAN_NAMESPACE.replace('enabled', 'enabled # linkerd-lint-disable-line no-inject-system-namespace');
    const warn = cli(['-'], { input });
    expect(warn.code).toBe(0);
    expect(warn.stdout).toContain('warning  unused linkerd-lint-disable-line directive');
    expect(cli(['-', '--report-unused-disable-directives'], { input }).code).toBe(1);
    expect(cli(['-', '--no-report-unused-disable-directives'], { input }).stdout).toBe('');
  });
});

describe('output', () => {
  it('JSON is ESLint-shaped with 1-based ranges', () => {
    const r = cli(['-', '-f', 'json', '--stdin-filename', 'ns.yaml'], { input: KUBE_SYSTEM_INJECTED });
    const [result] = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(result).toMatchObject({
      filePath: join(ROOT, 'ns.yaml'),
      errorCount: 1,
      fatalErrorCount: 0,
      warningCount: 0,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      suppressedMessages: [],
      messages: [
        {
          ruleId: 'no-inject-system-namespace',
          severity: 2,
          message: '"linkerd.io/inject: enabled" on system namespace "kube-system"; system namespaces must not be meshed',
          line: 6,
          column: 24,
          endLine: 6,
          endColumn: 31,
        },
      ],
    });
  });

  it('writes several formats in one run', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = cli(['ns.yaml', '-f', 'stylish', '-f', 'json', '-o', 'json=reports/lint.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('6:24  error');
    const written = JSON.parse(readFileSync(join(dir, 'reports/lint.json'), 'utf8')) as { errorCount: number }[];
    expect(written[0]!.errorCount).toBe(1);
    expect(cli(['ns.yaml', '-f', 'stylish', '-f', 'json'], { cwd: dir }).stderr).toContain('would both go to standard output');
  });

  it('colours follow NO_COLOR and FORCE_COLOR', () => {
    const plain = cli(['-'], { input: KUBE_SYSTEM_INJECTED, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = cli(['-'], { input: KUBE_SYSTEM_INJECTED, env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[31merror');
  });
});

describe('fixing', () => {
  const injected = `apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
  annotations:
    linkerd.io/inject: "enabled" # mesh everything
`;

  it('--fix leaves unsafe fixes alone; --unsafe-fixes applies them and writes only the changed bytes', () => {
    const dir = tree({ 'ns.yaml': injected, 'clean.yaml': CLEAN_NAMESPACE });
    const safeOnly = cli(['.', '--fix'], { cwd: dir });
    expect(safeOnly.code).toBe(1);
    expect(safeOnly.stdout).toContain('1 problem fixable with `--fix --unsafe-fixes`');
    expect(readFileSync(join(dir, 'ns.yaml'), 'utf8')).toBe(injected);

    const unsafe = cli(['.', '--fix', '--unsafe-fixes'], { cwd: dir });
    expect(unsafe).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'ns.yaml'), 'utf8')).toBe(injected.replace('"enabled"', '"disabled"'));
    expect(readFileSync(join(dir, 'clean.yaml'), 'utf8')).toBe(CLEAN_NAMESPACE);
  });

  it('--fix-dry-run prints a unified diff and writes nothing', () => {
    const dir = tree({ 'ns.yaml': injected });
    const r = cli(['ns.yaml', '--fix-dry-run', '--unsafe-fixes'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '--- a/ns.yaml\n+++ b/ns.yaml\n@@ -3,4 +3,4 @@\n metadata:\n   name: kube-system\n   annotations:\n' +
        '-    linkerd.io/inject: "enabled" # mesh everything\n+    linkerd.io/inject: "disabled" # mesh everything\n',
    );
    expect(readFileSync(join(dir, 'ns.yaml'), 'utf8')).toBe(injected);
  });

  it('--fix-dry-run with JSON puts the fixed text in output, as ESLint does', () => {
    const r = cli(['-', '--fix-dry-run', '--unsafe-fixes', '-f', 'json'], { input: injected });
    const [result] = JSON.parse(r.stderr) as { output: string; messages: unknown[] }[];
    expect(result!.output).toBe(injected.replace('"enabled"', '"disabled"'));
    expect(result!.messages).toEqual([]);
  });

  describe('--fix-dry-run for scripts: the diff on stdout, the report on stderr or in -o', () => {
    // The unsafe fix of line 6 is pending; the unfixable finding of the second document remains.
    const input = `${injected}---\napiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: web\nspec:\n  port: 8080\n  podSelector: {}\n  accessPolicy: all-unauthenticated\n`;
    const change = '-    linkerd.io/inject: "enabled" # mesh everything\n+    linkerd.io/inject: "disabled" # mesh everything\n';
    const diff = `--- a/ns.yaml\n+++ b/ns.yaml\n@@ -3,7 +3,7 @@\n metadata:\n   name: kube-system\n   annotations:\n${change}` +
      ' ---\n apiVersion: policy.linkerd.io/v1beta3\n kind: Server\n';
    const run = (args: string[], cwd?: string) =>
      cli(['-', '--stdin-filename', 'ns.yaml', '--no-config-lookup', '--fix-dry-run', '--unsafe-fixes', ...args], { input, ...(cwd ? { cwd } : {}) });

    it.each([
      ['stylish', (out: string) => expect(out).toMatch(/^\nns\.yaml\n +\d+:\d+ +error +.*no-unauthenticated-server\n/)],
      ['github', (out: string) => expect(out).toMatch(/^::error file=ns\.yaml,line=\d+,.*title=no-unauthenticated-server::/)],
      ['junit', (out: string) => expect(out).toContain('no-unauthenticated-server')],
      ['json', (out: string) => expect((JSON.parse(out) as { messages: { ruleId: string }[] }[])[0]!.messages.map((m) => m.ruleId)).toEqual(['no-unauthenticated-server'])],
      ['sarif', (out: string) => expect((JSON.parse(out) as { runs: { results: { ruleId: string }[] }[] }).runs[0]!.results.map((x) => x.ruleId)).toEqual(['no-unauthenticated-server'])],
    ])('-f %s: the remaining finding is reported on stderr, exit 1', (format, check) => {
      const r = run(['-f', format]);
      expect(r.stdout).toBe(diff);
      check(r.stderr);
      expect(r.code).toBe(1);
    });

    it('with -o the report goes to the file and stderr stays empty', () => {
      const dir = tree({});
      const r = run(['-f', 'sarif', '-o', 'lint.sarif'], dir);
      expect(r).toMatchObject({ code: 1, stdout: diff, stderr: '' });
      expect(readFileSync(join(dir, 'lint.sarif'), 'utf8')).toContain('"ruleId": "no-unauthenticated-server"');
    });

    it('pending fixes alone exit 0: the exit code is that of the findings the fixes leave', () => {
      const r = cli(['-', '--stdin-filename', 'ns.yaml', '--fix-dry-run', '--unsafe-fixes', '-f', 'json'], { input: injected });
      expect(r.stdout).toBe(`--- a/ns.yaml\n+++ b/ns.yaml\n@@ -3,4 +3,4 @@\n metadata:\n   name: kube-system\n   annotations:\n${change}`);
      expect(r.code).toBe(0);
    });
  });

  it('--fix on standard input prints the fixed text and sends the report to stderr', () => {
    const r = cli(['-', '--fix', '--unsafe-fixes'], { input: `${injected}---\nkind: Broken\nx: [1\n` });
    expect(r.stdout).toBe(`${injected.replace('"enabled"', '"disabled"')}---\nkind: Broken\nx: [1\n`);
    expect(r.stderr).toContain('error  Flow sequence in block collection must be sufficiently indented');
    expect(r.code).toBe(1);
  });

  it('JSON output carries each fix as one ESLint edit: an unsafe one as a suggestion, which --fix does not apply', () => {
    const r = cli(['-', '-f', 'json'], { input: injected });
    const [result] = JSON.parse(r.stdout) as { messages: Record<string, unknown>[] }[];
    const at = injected.indexOf('"enabled"');
    expect(result!.messages[0]).toMatchObject({
      suggestions: [{ desc: 'Apply the unsafe fix: it changes runtime behaviour (linkerd-lint --fix --unsafe-fixes applies it)', fix: { range: [at, at + 9], text: '"disabled"' } }],
      fixKind: 'unsafe',
    });
    expect(result!.messages[0]).not.toHaveProperty('fix');
  });
});

describe('print-config', () => {
  it('shows the settings that apply to a given file, overrides included', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'overrides:\n  - files: ["sandbox/**"]\n    rules:\n      no-inject-system-namespace: warning\n',
    });
    const rulesFor = (args: string[]) => (JSON.parse(cli(['--print-config', ...args], { cwd: dir }).stdout) as { rules: Record<string, unknown> }).rules;
    expect(rulesFor([])['no-inject-system-namespace']).toBe('error');
    expect(rulesFor(['sandbox/ns.yaml'])['no-inject-system-namespace']).toBe('warning');
  });
});

describe('dry-run diff headers', () => {
  it('names a file outside the working directory by its absolute path, without a/ b/ prefixes', () => {
    const dir = tree({ 'ns.yaml': KUBE_SYSTEM_INJECTED });
    const r = cli([join(dir, 'ns.yaml'), '--fix-dry-run', '--unsafe-fixes'], { cwd: ROOT });
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([`--- ${join(dir, 'ns.yaml')}`, `+++ ${join(dir, 'ns.yaml')}`]);
  });
});

describe('small command-line points', () => {
  it('--max-warnings -1 means no limit, as ESLint reads it', () => {
    const dir = tree({ 'tpl.yaml': 'kind: A\nmetadata:\n  name: {{ .Values.name }}\n' });
    expect(cli(['.', '--max-warnings', '-1'], { cwd: dir }).code).toBe(0);
    expect(cli(['.', '--max-warnings=-1'], { cwd: dir }).code).toBe(0);
    expect(cli(['.', '--max-warnings', '-2'], { cwd: dir }).stderr).toBe('linkerd-lint: --max-warnings: "-2" is not a whole number (use -1 for no limit)\n');
  });

  it('a misspelt flag gets the closest one', () => {
    expect(cli(['--formt', 'json']).stderr).toBe(`linkerd-lint: Unknown option '--formt'; did you mean "--format"?\nRun "linkerd-lint --help" for the list of options.\n`);
    expect(cli(['--zzzzzz']).stderr).toBe(`linkerd-lint: Unknown option '--zzzzzz'\nRun "linkerd-lint --help" for the list of options.\n`);
  });

  it('an output file that cannot be written is a sentence naming it, exit 2', () => {
    const dir = tree({ 'ns.yaml': CLEAN_NAMESPACE, 'out/keep': '' });
    expect(cli(['ns.yaml', '-o', 'out'], { cwd: dir })).toEqual({ code: 2, stdout: '', stderr: `linkerd-lint: cannot write ${join(dir, 'out')}: it is a directory (EISDIR)\n` });
    expect(cli(['ns.yaml', '-o', 'ns.yaml/report.txt'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: `linkerd-lint: cannot write ${join(dir, 'ns.yaml/report.txt')}: a file is in the way of a directory the path needs (EEXIST)\n`,
    });
  });

  it('TypeScript sources are linted, named or found in a directory; one that builds no manifest is silent', () => {
    const chart = "export const ns = { apiVersion: 'v1', kind: 'Namespace',\n  metadata: { name: 'kube-system', annotations: { 'linkerd.io/inject': 'enabled' } } };\n";
    const dir = tree({ 'app.ts': 'export {};\n', 'lib/chart.mts': chart, 'lib/types.d.ts': chart, 'lib/x.cts': 'export const x = 1;\n' });
    expect(cli(['app.ts', 'lib/x.cts'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    const found = cli(['lib', '-f', 'json'], { cwd: dir });
    expect(found.code).toBe(1);
    // The declaration file is left out of the walk; the file without a manifest is linted and clean.
    expect((JSON.parse(found.stdout) as { filePath: string; messages: { line: number; column: number; ruleId: string }[] }[]).map((r) => [
      r.filePath.slice(dir.length + 1),
      r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`),
    ])).toEqual([
      ['lib/chart.mts', ['2:72 no-inject-system-namespace']],
      ['lib/x.cts', []],
    ]);
  });
});

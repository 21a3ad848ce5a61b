// Rule plugins in config: how `plugins:` entries are resolved and loaded, what their rules
// default to, and the config errors a missing, throwing or malformed plugin gives.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintText } from '../src/api/index.js';
import { inlineConfig, loadConfigFile } from '../src/engine/config-file.js';
import type { CliOverrides } from '../src/engine/config.js';
import { tree } from './cli-helpers.js';
import { ACME_PLUGIN, MESSAGE, NAMESPACE } from './plugin-helpers.js';

function load(files: Record<string, string>, cli: CliOverrides = {}, config = '.linkerd-lint.yaml') {
  const dir = tree(files);
  return { dir, config: loadConfigFile(join(dir, config), dir, builtinRules, cli) };
}

function problem(files: Record<string, string>, cli: CliOverrides = {}): string {
  try {
    load(files, cli);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the config loaded');
}

const PLUGIN_CONFIG = 'plugins:\n  - ./acme.mjs\n';

describe('plugins in config', () => {
  it('loads a module relative to the config file; its rules are off until rules: turns them on', () => {
    const { config, dir } = load({ '.linkerd-lint.yaml': PLUGIN_CONFIG, 'acme.mjs': ACME_PLUGIN });
    expect(config.plugins.map((p) => [p.name, p.module])).toEqual([['acme', join(dir, 'acme.mjs')]]);
    expect(config.baseSettings.rules.get('acme/namespace-policy')).toEqual({ severity: 'off', options: {} });
    expect(config.rules['acme/namespace-policy']!.meta.id).toBe('acme/namespace-policy');
    expect(config.rules['no-open-network']).toBe(builtinRules['no-open-network']);

    const on = load({ '.linkerd-lint.yaml': `${PLUGIN_CONFIG}extends: all\nrules:\n  acme/namespace-policy: [error, { policy: deny }]\n`, 'acme.mjs': ACME_PLUGIN });
    expect(on.config.baseSettings.rules.get('acme/namespace-policy')).toEqual({ severity: 'error', options: { policy: 'deny' } });
    // `all` turns on every built-in rule, and still no plugin rule.
    expect(on.config.baseSettings.rules.get('acme/broken')).toEqual({ severity: 'off', options: {} });
  });

  it('resolves a package name from the config file\'s directory', () => {
    const { config, dir } = load({
      '.linkerd-lint.yaml': 'plugins: [linkerd-lint-plugin-acme]\nrules:\n  acme/namespace-policy: error\n',
      'node_modules/linkerd-lint-plugin-acme/package.json': '{"name":"linkerd-lint-plugin-acme","type":"module","exports":"./main.js"}\n',
      'node_modules/linkerd-lint-plugin-acme/main.js': ACME_PLUGIN,
    });
    expect(config.plugins[0]!.module).toBe(join(dir, 'node_modules', 'linkerd-lint-plugin-acme', 'main.js'));
    expect(config.baseSettings.rules.get('acme/namespace-policy')!.severity).toBe('error');
  });

  it('loads CommonJS modules (module.exports or exports.default) too', () => {
    const cjs = ACME_PLUGIN.replace('export default ', 'module.exports = ');
    expect(load({ '.linkerd-lint.yaml': 'plugins: [./acme.cjs]\n', 'acme.cjs': cjs }).config.plugins[0]!.name).toBe('acme');
    const transpiled = ACME_PLUGIN.replace('export default ', 'Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = ');
    expect(load({ '.linkerd-lint.yaml': 'plugins: [./acme.cjs]\n', 'acme.cjs': transpiled }).config.plugins[0]!.name).toBe('acme');
  });

  it('takes the plugins of every file of an extends chain, and one module\'s rules are one set of objects', () => {
    const { config } = load(
      {
        'base.yaml': 'plugins: [./acme.mjs]\n',
        'team/.linkerd-lint.yaml': 'extends: ../base.yaml\nrules:\n  acme/namespace-policy: error\n',
        'other/.linkerd-lint.yaml': 'plugins: [../acme.mjs]\n',
        'acme.mjs': ACME_PLUGIN,
      },
      {},
      'team/.linkerd-lint.yaml',
    );
    expect(config.baseSettings.rules.get('acme/namespace-policy')!.severity).toBe('error');
    const other = loadConfigFile(join(config.plugins[0]!.module, '..', 'other', '.linkerd-lint.yaml'), '/', builtinRules, {});
    expect(other.rules['acme/namespace-policy']).toBe(config.rules['acme/namespace-policy']);
  });

  it('turns plugin rules on from --rule, with options checked against meta.options', () => {
    const files = { '.linkerd-lint.yaml': PLUGIN_CONFIG, 'acme.mjs': ACME_PLUGIN };
    expect(load(files, { rules: [['acme/namespace-policy', 'error', { policy: 'deny' }]] }).config.baseSettings.rules.get('acme/namespace-policy')).toEqual({
      severity: 'error',
      options: { policy: 'deny' },
    });
    expect(problem(files, { rules: [['acme/namespace-policy', 'error', { policy: 'open' }]] })).toBe(
      'invalid configuration:\n  --rule acme/namespace-policy options: policy is "open"; expected one of all-authenticated, deny',
    );
    expect(problem(files, { rules: [['acme/namespace-polcy', 'error']] })).toBe(
      'invalid configuration:\n  --rule: unknown rule "acme/namespace-polcy": plugin "acme" has no rule "namespace-polcy"; did you mean "acme/namespace-policy"?',
    );
  });

  it('reports unknown plugin rules and bad options at their file:line', () => {
    expect(
      problem({
        '.linkerd-lint.yaml': `${PLUGIN_CONFIG}rules:\n  acme/namespace-polic: error\n  acem/namespace-policy: error\n  acme/namespace-policy: [error, { policy: open }]\n  acme/broken: [error, {}]\n`,
        'acme.mjs': ACME_PLUGIN,
      }),
    ).toBe(
      [
        'invalid configuration:',
        '  .linkerd-lint.yaml:4:3: rules.acme/namespace-polic: unknown rule "acme/namespace-polic": plugin "acme" has no rule "namespace-polic"; did you mean "acme/namespace-policy"?',
        '  .linkerd-lint.yaml:5:3: rules.acem/namespace-policy: unknown rule "acem/namespace-policy": no plugin "acem" is loaded; did you mean "acme"?',
        '  .linkerd-lint.yaml:6:36: rules["acme/namespace-policy"][1].policy is "open"; expected one of all-authenticated, deny',
        '  .linkerd-lint.yaml:7:24: rules.acme/broken: rule "acme/broken" takes no options',
      ].join('\n'),
    );
    expect(problem({ '.linkerd-lint.yaml': 'rules:\n  acme/namespace-policy: error\n' })).toBe(
      'invalid configuration:\n  .linkerd-lint.yaml:2:3: rules.acme/namespace-policy: unknown rule "acme/namespace-policy": no plugin "acme" is loaded; name its module under plugins',
    );
  });

  const broken: [string, string, string][] = [
    ['a missing file', 'plugins: [./nope.mjs]\n', 'plugin "./nope.mjs": no file {dir}/nope.mjs'],
    ['a missing package', 'plugins: [linkerd-lint-plugin-nope]\n', 'plugin "linkerd-lint-plugin-nope": no package of that name can be found from {dir}; install it there or give a path starting with ./'],
    ['a module that throws', "plugins: [./p.mjs]\n#throw new Error('no config for you');", 'plugin "./p.mjs" failed to load: no config for you'],
    ['a module with a syntax error', 'plugins: [./p.mjs]\n#export default {', 'plugin "./p.mjs" failed to load: SyntaxError: Unexpected end of input'],
    ['top-level await', 'plugins: [./p.mjs]\n#await null; export default {};', 'plugin "./p.mjs" uses top-level await, which a plugin cannot: its module must load synchronously'],
    ['no default export', 'plugins: [./p.mjs]\n#export const name = "x";', 'plugin "./p.mjs": the module has no default export; export default { name, rules }'],
    ['a default export that is no object', 'plugins: [./p.mjs]\n#export default 42;', 'plugin "./p.mjs": its default export must be an object { name, rules }; got number'],
    ['no name', 'plugins: [./p.mjs]\n#export default { rules: {} };', 'plugin "./p.mjs": its default export has no "name" string'],
    ['a name not kebab-case', 'plugins: [./p.mjs]\n#export default { name: "Acme", rules: {} };', 'plugin "./p.mjs": name "Acme" is not kebab-case (lower-case words joined by -)'],
    ['the name policy', 'plugins: [./p.mjs]\n#export default { name: "policy", rules: {} };', 'plugin "./p.mjs": name "policy" is reserved (the findings of CEL policies are policy/<id>)'],
    ['rules not an object', 'plugins: [./p.mjs]\n#export default { name: "acme", rules: [] };', 'plugin "./p.mjs": "rules" must be an object of rule id to rule'],
    ['a rule without check', 'plugins: [./p.mjs]\n#export default { name: "acme", rules: { x: { meta: { id: "x" } } } };', 'plugin "./p.mjs": rule "x" has no check function'],
    ['a meta.id unlike its key', 'plugins: [./p.mjs]\n#export default { name: "acme", rules: { x: { meta: { id: "y" }, check() {} } } };', 'plugin "./p.mjs": rule "x" has meta.id "y"; expected "x", its key in rules'],
    [
      'a rule without messages',
      'plugins: [./p.mjs]\n#export default { name: "acme", rules: { x: { meta: { id: "x", description: "d", category: "security", defaultSeverity: "error", fix: "none" }, check() {} } } };',
      'plugin "./p.mjs": rule "x" has no meta.messages object of message templates',
    ],
  ];
  for (const [what, spec, message] of broken) {
    it(`is a config error at the plugins: entry for ${what}`, () => {
      const [config, module] = spec.split('\n#');
      const files: Record<string, string> = { '.linkerd-lint.yaml': `linkerdVersion: "2.18"\n${config}` };
      if (module !== undefined) files['p.mjs'] = module;
      const dir = tree(files);
      let thrown: Error | undefined;
      try {
        loadConfigFile(join(dir, '.linkerd-lint.yaml'), dir, builtinRules, {});
      } catch (err) {
        thrown = err as Error;
      }
      expect(thrown?.name).toBe('UsageError');
      expect(thrown?.message).toBe(`invalid configuration:\n  .linkerd-lint.yaml:2:11: plugins[0]: ${message.replaceAll('{dir}', dir)}`);
    });
  }

  it('refuses two different modules under one name, and an options schema ajv cannot compile', () => {
    expect(problem({ '.linkerd-lint.yaml': 'plugins: [./a.mjs, ./b.mjs]\n', 'a.mjs': ACME_PLUGIN, 'b.mjs': ACME_PLUGIN })).toMatch(
      /^invalid configuration:\n {2}\.linkerd-lint\.yaml:1:20: plugins\[1\]: plugin "\.\/b\.mjs" is named "acme", as .*\/a\.mjs already is; two plugins cannot share a name$/,
    );
    const badSchema = ACME_PLUGIN.replace("{ enum: ['all-authenticated', 'deny'] }", "{ type: 'strin' }");
    expect(problem({ '.linkerd-lint.yaml': `${PLUGIN_CONFIG}rules:\n  acme/namespace-policy: [error, { policy: deny }]\n`, 'acme.mjs': badSchema })).toMatch(
      /^invalid configuration:\n {2}\.linkerd-lint\.yaml:4:34: rule "acme\/namespace-policy": meta\.options is not a valid JSON Schema: schema is invalid: data\/properties\/policy\/type must be equal to one of the allowed values/,
    );
  });

  it('works from the API\'s inline config, relative to cwd', async () => {
    const dir = tree({ 'acme.mjs': ACME_PLUGIN });
    const config = { plugins: ['./acme.mjs'], rules: { 'acme/namespace-policy': 'error' as const } };
    const [result] = await lintText(NAMESPACE, { cwd: dir, filePath: 'ns.yaml', config });
    expect(result!.messages.filter((m) => m.ruleId.startsWith('acme/')).map((m) => `${m.line}:${m.column} ${m.level} ${m.ruleId} ${m.message}`)).toEqual([
      `4:9 error acme/namespace-policy ${MESSAGE}`,
    ]);
    expect(() => inlineConfig({ plugins: ['./none.mjs'] }, dir, builtinRules, {})).toThrow(`invalid configuration:\n  config: plugins[0]: plugin "./none.mjs": no file ${dir}/none.mjs`);
  });
});

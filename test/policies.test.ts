import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFieldPath } from '../src/policy/field-path.js';
import { cli, tree } from './cli-helpers.js';

const NAMESPACES = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    linkerd.io/inject: disabled
---
apiVersion: v1
kind: Namespace
metadata:
  name: web
  labels:
    team: web
  annotations:
    linkerd.io/inject: enabled
`;

const INJECT_POLICY = `policies:
  - id: namespace-inject
    description: Require every Namespace to enable proxy injection
    severity: warning
    match:
      kinds: [Namespace]
    validations:
      - expression: "has(object.metadata.annotations) && object.metadata.annotations[?'linkerd.io/inject'].orValue('') == 'enabled'"
        message: "Namespaces must set linkerd.io/inject: enabled"
        fieldPath: metadata.annotations['linkerd.io/inject']
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 5
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: api:1
          ports:
            - containerPort: 8080
`;

/** `line:col rule-id severity message` of every finding of a stylish-free JSON run. */
function lint(dir: string, args: string[] = ['.']): { code: number | null; lines: string[]; stderr: string } {
  const r = cli([...args, '-f', 'json'], { cwd: dir });
  if (r.code === 2) return { code: 2, lines: [`exit 2: ${r.stderr}`], stderr: r.stderr };
  const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; severity: number; line: number; column: number; message: string }[] }[];
  return {
    code: r.code,
    stderr: r.stderr,
    lines: results.flatMap((x) => x.messages.map((m) => `${x.filePath.slice(dir.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.severity} ${m.message}`)),
  };
}

describe('CEL policies in the config', () => {
  it('reports each resource a policy matches and fails, at the fieldPath, under policy/<id>', () => {
    const dir = tree({ '.linkerd-lint.yaml': INJECT_POLICY, 'ns.yaml': NAMESPACES });
    const r = lint(dir);
    expect(r.lines).toEqual(['ns.yaml:6:24 policy/namespace-inject 1 Namespaces must set linkerd.io/inject: enabled']);
    expect(r.code).toBe(0);
  });

  it('reads policies from a policy file, with messageExpression, variables and reason', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'policies:\n  - ./policies/replicas.yaml\n',
      'policies/replicas.yaml': `policies:
  - id: replicas
    match: { apiGroups: [apps], kinds: [Deployment] }
    variables:
      - name: limit
        expression: "3"
    validations:
      - expression: "object.spec.replicas <= variables.limit"
        messageExpression: "'replicas ' + string(object.spec.replicas) + ' is over ' + string(variables.limit)"
        reason: Forbidden
        fieldPath: spec.replicas
`,
      'deploy.yaml': DEPLOYMENT,
    });
    const r = lint(dir);
    expect(r.lines).toEqual(['deploy.yaml:7:13 policy/replicas 2 replicas 5 is over 3 (Forbidden)']);
    expect(r.code).toBe(1);
  });

  it('falls back to the message, then to the failed expression, as Kubernetes does', () => {
    const dir = tree({
      '.linkerd-lint.yaml': `policies:
  - id: two
    match: { kinds: [Deployment] }
    validations:
      - expression: "object.spec.replicas < 2"
        message: fixed message
        messageExpression: "object.spec.nothing.here"
      - expression: "object.spec.replicas < 3"
`,
      'deploy.yaml': DEPLOYMENT,
    });
    expect(lint(dir).lines).toEqual([
      'deploy.yaml:2:1 policy/two 2 fixed message',
      'deploy.yaml:2:1 policy/two 2 failed expression: object.spec.replicas < 3',
    ]);
  });

  it('matches by group, kind, namespace, excluded namespace and labels', () => {
    const always = (match: string) => `policies:
  - id: p
    match: ${match}
    validations:
      - expression: "false"
        message: matched
`;
    const count = (match: string) => lint(tree({ '.linkerd-lint.yaml': always(match), 'ns.yaml': NAMESPACES, 'deploy.yaml': DEPLOYMENT })).lines.length;
    expect(count('{ kinds: [Namespace] }')).toBe(2);
    expect(count('{ apiGroups: [""] }')).toBe(2);
    expect(count('{ apiGroups: [apps] }')).toBe(1);
    expect(count('{ kinds: ["*"] }')).toBe(3);
    // A Namespace is in its own namespace.
    expect(count('{ namespaces: [shop] }')).toBe(2);
    expect(count('{ excludeNamespaces: [shop] }')).toBe(1);
    expect(count('{ labelSelector: { matchLabels: { team: web } } }')).toBe(1);
    expect(count('{ labelSelector: { matchExpressions: [{ key: team, operator: DoesNotExist }] } }')).toBe(2);
  });

  it('gives namespaceObject and resources() of the input to expressions', () => {
    const dir = tree({
      '.linkerd-lint.yaml': `policies:
  - id: meshed-namespace
    match: { kinds: [Deployment] }
    validations:
      - expression: "namespaceObject != null && namespaceObject.metadata.annotations['linkerd.io/inject'] == 'enabled'"
        message: the Deployment's Namespace does not enable injection
  - id: server-per-deployment
    match: { kinds: [Deployment] }
    validations:
      - expression: >-
          resources('policy.linkerd.io', 'Server', request.namespace).exists(s,
            s.spec.podSelector.matchLabels.all(k, k in object.spec.template.metadata.labels && object.spec.template.metadata.labels[k] == s.spec.podSelector.matchLabels[k]))
        message: no Server selects this Deployment's pods
`,
      'ns.yaml': NAMESPACES,
      'deploy.yaml': DEPLOYMENT,
    });
    expect(lint(dir).lines).toEqual([
      "deploy.yaml:2:1 policy/meshed-namespace 2 the Deployment's Namespace does not enable injection",
      "deploy.yaml:2:1 policy/server-per-deployment 2 no Server selects this Deployment's pods",
    ]);
    writeFileSync(
      join(dir, 'server.yaml'),
      'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: api\n  port: 8080\n',
    );
    expect(lint(dir).lines.filter((l) => l.includes('server-per-deployment'))).toEqual([]);
  });

  it('reports an expression that fails on a resource, once, as a finding of the policy', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'policies:\n  - id: labels\n    match: { kinds: [Namespace] }\n    validations:\n      - expression: "object.metadata.labels.team == \'web\'"\n',
      'ns.yaml': NAMESPACES,
    });
    expect(lint(dir).lines).toEqual(['ns.yaml:2:1 policy/labels 2 policy "labels" could not be evaluated on this object: No such key: labels']);
  });

  it('takes severities, overrides and suppressions like any rule', () => {
    const ns = `${NAMESPACES.replace('    linkerd.io/inject: disabled', '    # linkerd-lint-disable-next-line policy/namespace-inject\n    linkerd.io/inject: disabled')}`;
    const dir = tree({ '.linkerd-lint.yaml': `${INJECT_POLICY}rules:\n  policy/namespace-inject: error\n`, 'ns.yaml': ns, 'other.yaml': NAMESPACES });
    expect(lint(dir).lines).toEqual(['other.yaml:6:24 policy/namespace-inject 2 Namespaces must set linkerd.io/inject: enabled']);
    expect(lint(dir, ['.', '--rule', 'policy/namespace-inject:off']).lines).toEqual([]);
    const off = tree({ '.linkerd-lint.yaml': `${INJECT_POLICY}overrides:\n  - files: [other.yaml]\n    rules:\n      policy/namespace-inject: off\n`, 'other.yaml': NAMESPACES });
    expect(lint(off).lines).toEqual([]);
  });

  it('explains a policy and describes it in SARIF', () => {
    const dir = tree({
      '.linkerd-lint.yaml': INJECT_POLICY.replace('    severity: warning\n', '    severity: warning\n    explain: Unmeshed namespaces carry unencrypted traffic.\n'),
      'ns.yaml': NAMESPACES,
    });
    const explained = cli(['explain', 'policy/namespace-inject'], { cwd: dir });
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('policy/namespace-inject: Require every Namespace to enable proxy injection');
    expect(explained.stdout).toContain('Unmeshed namespaces carry unencrypted traffic.');
    const sarif = JSON.parse(cli(['.', '-f', 'sarif'], { cwd: dir }).stdout) as {
      runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; ruleIndex: number }[] }[];
    };
    const run = sarif.runs[0]!;
    const rule = run.tool.driver.rules.find((r) => r.id === 'policy/namespace-inject');
    expect(rule?.shortDescription.text).toBe('Require every Namespace to enable proxy injection');
    expect(rule?.defaultConfiguration.level).toBe('warning');
    expect(run.results.map((r) => run.tool.driver.rules[r.ruleIndex]!.id)).toEqual(['policy/namespace-inject']);
  });

  it('a config that extends another shares its policies; two configs that declare one id differently are an error', () => {
    const dir = tree({
      '.linkerd-lint.yaml': INJECT_POLICY,
      'ns.yaml': NAMESPACES,
      'team/.linkerd-lint.yaml': 'extends: ../.linkerd-lint.yaml\nrules:\n  policy/namespace-inject: error\n',
      'team/ns.yaml': NAMESPACES,
    });
    expect(lint(dir).lines).toEqual([
      'ns.yaml:6:24 policy/namespace-inject 1 Namespaces must set linkerd.io/inject: enabled',
      'team/ns.yaml:6:24 policy/namespace-inject 2 Namespaces must set linkerd.io/inject: enabled',
    ]);
    const clash = tree({
      '.linkerd-lint.yaml': INJECT_POLICY,
      'ns.yaml': NAMESPACES,
      'team/.linkerd-lint.yaml': INJECT_POLICY.replace("== 'enabled'", "!= 'disabled'"),
      'team/ns.yaml': NAMESPACES,
    });
    const r = lint(clash);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^linkerd-lint: policy "namespace-inject" is declared differently by two config files of one run: .*\.linkerd-lint\.yaml and .*team\/\.linkerd-lint\.yaml; give one of them another id\n$/);
  });

  it("--list-rules lists the working directory's policies after the built-in rules", () => {
    const dir = tree({ '.linkerd-lint.yaml': INJECT_POLICY });
    const listed = cli(['--list-rules'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout.trimEnd().split('\n').at(-1)).toMatch(/^policy\/namespace-inject +best-practice +warning +none +Require every Namespace to enable proxy injection$/);
    const json = JSON.parse(cli(['--list-rules', '-f', 'json'], { cwd: dir }).stdout) as { id: string; docsUrl: string | null }[];
    expect(json.at(-1)).toMatchObject({ id: 'policy/namespace-inject', docsUrl: null });
    expect(json[0]!.docsUrl).toBe('https://github.com/linkerd-lint/linkerd-lint/blob/main/docs/rules.md#annotation-placement');
  });

  it('does not reuse cached findings once a policy changes', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'policies:\n  - ./p.yaml\n', 'p.yaml': INJECT_POLICY, 'ns.yaml': NAMESPACES });
    expect(lint(dir, ['.', '--cache']).lines).toHaveLength(1);
    writeFileSync(join(dir, 'p.yaml'), readFileSync(join(dir, 'p.yaml'), 'utf8').replace("== 'enabled'", "!= 'nothing'"));
    expect(lint(dir, ['.', '--cache']).lines).toEqual([]);
  });
});

describe('CEL policy errors', () => {
  it('reports an expression that does not compile at its file:line, with the CEL error', () => {
    const dir = tree({
      '.linkerd-lint.yaml': 'policies:\n  - ./p.yaml\n',
      'p.yaml': 'policies:\n  - id: broken\n    validations:\n      - expression: "object.spec.exists(p, p.port == 80"\n',
      'ns.yaml': NAMESPACES,
    });
    const r = lint(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('linkerd-lint: invalid configuration:\n  p.yaml:4:9: CEL expression does not compile: Expected RPAREN, got EOF (column 35 of the expression)\n');
    const printed = cli(['--print-config'], { cwd: dir });
    expect(printed.code).toBe(2);
    expect(printed.stderr).toBe(r.stderr);
  });

  it('reports a policy that breaks the schema at its line in the policy file', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'policies:\n  - ./p.yaml\n', 'p.yaml': 'policies:\n  - id: ok\n    validation:\n      - expression: "true"\n' });
    const r = lint(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'linkerd-lint: invalid configuration:\n' +
        '  p.yaml:2:5: policies[0] is missing the required key "validations"\n' +
        '  p.yaml:3:5: unknown key "policies[0].validation"; allowed keys here: id, description, explain, severity, category, match, variables, validations\n',
    );
  });

  it('reports a policy id declared twice, a policy file that is not one, and a missing one', () => {
    const twice = tree({ '.linkerd-lint.yaml': `${INJECT_POLICY}  - id: namespace-inject\n    validations: [{ expression: "true" }]\n` });
    expect(lint(twice).stderr).toContain('.linkerd-lint.yaml:11:5: policy "namespace-inject" is declared twice (first at .linkerd-lint.yaml:2:5)');
    const wrong = tree({ '.linkerd-lint.yaml': 'policies: [./p.yaml]\n', 'p.yaml': 'rules: {}\n' });
    expect(lint(wrong).stderr).toContain('p.yaml:1:1: a policy file holds one setting, `policies:`, a list of policies');
    const missing = tree({ '.linkerd-lint.yaml': 'policies: [./nowhere.yaml]\n' });
    expect(lint(missing).stderr).toContain('cannot read policy file nowhere.yaml');
  });

  it('reports a rule setting for a policy no config declares', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'rules:\n  policy/nothing: error\n' });
    expect(lint(dir).stderr).toContain('.linkerd-lint.yaml:2:3: rules.policy/nothing: unknown rule "policy/nothing"');
  });
});

describe('parseFieldPath', () => {
  it('reads the paths a ValidatingAdmissionPolicy fieldPath may give', () => {
    expect(parseFieldPath('spec.replicas')).toEqual(['spec', 'replicas']);
    expect(parseFieldPath('.spec.containers[0].ports[1].containerPort')).toEqual(['spec', 'containers', 0, 'ports', 1, 'containerPort']);
    expect(parseFieldPath("metadata.annotations['linkerd.io/inject']")).toEqual(['metadata', 'annotations', 'linkerd.io/inject']);
    expect(parseFieldPath('metadata.labels["a\\"b"]')).toEqual(['metadata', 'labels', 'a"b']);
    expect(parseFieldPath('spec..x')).toBeUndefined();
    expect(parseFieldPath('spec.')).toBeUndefined();
    expect(parseFieldPath('spec[x]')).toBeUndefined();
    expect(parseFieldPath('')).toBeUndefined();
  });
});

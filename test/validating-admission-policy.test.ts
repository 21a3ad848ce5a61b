// What the fixture goldens do not show: the severities that validationActions give, the
// rule's own severity over them, and a CLI run that reads the policy from --context.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { cli, tree } from './cli-helpers.js';
import { FIXTURES, ROOT, fixtureConfig, lintCase, lintText } from './helpers.js';

const ID = 'validating-admission-policy';
const invalid = (name: string) => join(FIXTURES, ID, 'invalid', name);
const summary = (file: string, config = fixtureConfig(ID)) =>
  lintCase(file, config)
    .findings.filter((f) => f.ruleId === ID)
    .map((f) => `${f.range.start.line} ${f.severity} ${f.messageId}`);

const POLICY = (actions: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: two-replicas
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
  validations:
    - expression: object.spec.replicas >= 2
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: two-replicas
spec:
  policyName: two-replicas
  validationActions: ${actions}
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
`;

describe('validating-admission-policy severities', () => {
  it('maps Deny, Warn and Audit to error, warning and info, the highest of several', () => {
    const severities = (actions: string) => lintText(`${POLICY(actions)}---\n${DEPLOYMENT}`, ID).map((f) => f.severity);
    expect(severities('[Deny]')).toEqual(['error']);
    expect(severities('[Warn]')).toEqual(['warning']);
    expect(severities('[Audit]')).toEqual(['info']);
    expect(severities('[Warn, Audit]')).toEqual(['warning']);
    expect(severities('[Deny, Audit]')).toEqual(['error']);
  });

  it('keeps the higher severity where two bindings of one policy apply', () => {
    expect(summary(invalid('actions.yaml'))).toEqual(['61 warning violation', '80 info violation']);
  });

  it('reports an authorizer expression at info, and a compile error at the rule severity', () => {
    expect(summary(invalid('authorizer.yaml'))).toEqual(['16 info notEvaluable', '41 info notEvaluable', '54 error violation']);
    expect(summary(invalid('compile-error.yaml'))).toEqual(['16 error compileError', '17 error compileError', '18 error compileError', '20 error compileError', '32 error failed']);
  });

  it('never raises a finding above the severity the config gives the rule', () => {
    const config = resolveConfig({ rules: { [ID]: 'warning' } }, builtinRules, ROOT);
    expect(summary(invalid('example.yaml'), config)).toEqual(['61 warning violation']);
  });
});

describe('validating-admission-policy from the command line', () => {
  it('evaluates a policy given as --context against the linted files', () => {
    const dir = tree({ 'cluster/policy.yaml': POLICY('[Deny]'), 'app/web.yaml': DEPLOYMENT });
    const run = cli(['--no-config-lookup', '--format', 'json', '--context', 'cluster', 'app'], { cwd: dir });
    const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; line: number; column: number; message: string }[] }[];
    expect(results.map((r) => [r.filePath, r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`)])).toEqual([
      [join(dir, 'app', 'web.yaml'), ['2:1 validating-admission-policy policy "two-replicas": failed expression: object.spec.replicas >= 2']],
    ]);
    expect(run.code).toBe(1);
  });
});

const ALWAYS = (spec: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: p
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
${spec}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: p
spec:
  policyName: p
  validationActions: [Deny]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
`;

describe('validating-admission-policy variables', () => {
  it('builds the request of a CREATE offline', () => {
    const spec = `  validations:
    - expression: "false"
      messageExpression: "request.operation + ' ' + request.resource.group + '/' + request.resource.version + '/' + request.resource.resource + ' ' + request.kind.kind + ' ' + request.namespace + '/' + request.name + ' by [' + request.userInfo.username + ']' + (oldObject == null ? ' new' : ' old')"`;
    expect(lintText(ALWAYS(spec), ID).map((f) => f.message)).toEqual(['policy "p": CREATE apps/v1/deployments Deployment shop/web by [] new']);
  });

  it('evaluates variables on use, in order, and a failing one as a failure of the validation', () => {
    const spec = `  variables:
    - name: replicas
      expression: object.spec.replicas
    - name: doubled
      expression: variables.replicas * 2
    - name: broken
      expression: object.spec.paused
  validations:
    - expression: variables.doubled >= 4
      messageExpression: "'doubled is ' + string(variables.doubled)"
    - expression: variables.broken == false`;
    expect(lintText(ALWAYS(spec), ID).map((f) => f.message)).toEqual([
      'policy "p": doubled is 2',
      'policy "p": spec.validations[1].expression fails for this resource (variables.broken: No such key: paused), and its failurePolicy is Fail',
    ]);
  });
});

describe('validating-admission-policy namespaceObject', () => {
  const spec = `  validations:
    - expression: namespaceObject.metadata.labels.team == object.metadata.labels.team
      messageExpression: "'team ' + object.metadata.labels.team + ' does not own namespace ' + namespaceObject.metadata.name"`;
  const deployment = (namespace: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: ${namespace}
  labels:
    team: billing
`;
  const NAMESPACE = `---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: shop
`;

  it('is the Namespace of the object, from the tree', () => {
    expect(lintText(`${ALWAYS(spec)}${NAMESPACE}${deployment('shop')}`, ID).map((f) => `${f.range.start.line} ${f.message}`)).toEqual([
      // The Deployment of the template, in the same namespace, has no labels at all.
      '25 policy "p": spec.validations[0].expression fails for this resource (No such key: labels), and its failurePolicy is Fail',
      '40 policy "p": team billing does not own namespace shop',
    ]);
  });

  it('leaves an expression over it unjudged when the tree does not hold the Namespace', () => {
    expect(lintText(`${ALWAYS(spec)}${deployment('elsewhere')}`, ID)).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { lintParsed } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { parseTypeScript, prepareTypeScript } from '../src/load/typescript/index.js';
import type { ParsedFile } from '../src/model/parsed.js';
import { SourceFile, languageOf } from '../src/model/source.js';
import { ROOT } from './helpers.js';

const config = resolveConfig({ rules: { 'unused-disable-directive': 'warning' } }, builtinRules, ROOT);
const linkerd214 = resolveConfig({ linkerdVersion: '2.14' }, builtinRules, ROOT);
const linkerd218 = resolveConfig({ linkerdVersion: '2.18' }, builtinRules, ROOT);

function parse(name: string, text: string): ParsedFile {
  const file = new SourceFile(`/src/${name}`, name, text, languageOf(name));
  return file.language === 'typescript' ? parseTypeScript(file) : parseSource(file);
}

/** Every finding of the files linted together, as `file line:col rule-id`. */
function lint(files: Record<string, string>, under = config): string[] {
  const parsed = Object.entries(files).map(([name, text]) => parse(name, text));
  return lintParsed(parsed, { config: under, rules: builtinRules })
    .results.flatMap((r) => r.findings.filter((f) => !f.suppressions?.length).map((f) => `${f.file.displayPath} ${f.range.start.line}:${f.range.start.column} ${f.ruleId}`));
}

beforeAll(async () => {
  await prepareTypeScript([new SourceFile('/x.ts', 'x.ts', 'apiVersion', 'typescript')]);
});

const SERVER_TS = (name: string) => `export const server = {
  apiVersion: 'policy.linkerd.io/v1beta3',
  kind: 'Server',
  metadata: { name: ${name}, namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080 },
};
`;

const POLICY_YAML = `apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata:
  name: web
  namespace: shop
spec:
  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: web
  requiredAuthenticationRefs:
    - name: clients
      kind: MeshTLSAuthentication
      group: policy.linkerd.io
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata:
  name: clients
  namespace: shop
spec:
  identities: [frontend.shop.serviceaccount.identity.linkerd.cluster.local]
`;

const DEPLOYMENT_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations: {linkerd.io/inject: enabled}
    spec:
      containers:
        - name: web
          image: web
          ports: [{containerPort: 8080}]
`;

describe('TypeScript and YAML resources form one tree', () => {
  it('a Server in chart.ts is authorized by the AuthorizationPolicy in policy.yaml', () => {
    expect(lint({ 'chart.ts': SERVER_TS("'web'"), 'policy.yaml': POLICY_YAML, 'deploy.yaml': DEPLOYMENT_YAML })).toEqual([]);
  });

  it('and the same Server under another name is reported on its TypeScript line, the policy on its YAML one', () => {
    expect(lint({ 'chart.ts': SERVER_TS("'api'"), 'policy.yaml': POLICY_YAML, 'deploy.yaml': DEPLOYMENT_YAML })).toEqual([
      'chart.ts 4:21 server-without-authorization',
      'policy.yaml 10:11 dangling-reference',
    ]);
  });

  it('an image the program computes leaves the cross-resource findings about its pods alone', () => {
    const deployment = `import * as k8s from '@pulumi/kubernetes';
export function web(image: string) {
  return new k8s.apps.v1.Deployment('web', { metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }] } } } });
}
`;
    const server = 'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: api, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  port: 8080\n';
    expect(lint({ 'index.ts': deployment, 'server.yaml': server })).toEqual(['server.yaml 5:3 server-selects-nothing']);
  });
});

describe('unknown values never cause a finding', () => {
  const namespace = (annotations: string, prelude = '') => `${prelude}
export const ns = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'kube-system', annotations: ${annotations} },
};
`;

  it('a value the program computes is not judged; the literal is', () => {
    expect(lint({ 'ns.ts': namespace("{ 'linkerd.io/inject': 'enabled' }") })).toEqual(['ns.ts 5:72 no-inject-system-namespace']);
    expect(lint({ 'ns.ts': namespace("{ 'linkerd.io/inject': mode() }") })).toEqual([]);
  });

  it('a key missing from a mapping with an unknown spread may come from it; one written after it is judged', () => {
    const pod = (annotations: string) => `import { extra } from './common';
export const job = {
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' },
  spec: { template: { metadata: { annotations: ${annotations} }, spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm' }] } } },
};
`;
    // As in YAML: the Job's pod is injected, and Linkerd 2.14 has no native sidecar to end with it.
    expect(lint({ 'job.ts': pod("{ 'linkerd.io/inject': 'enabled' }") }, linkerd214)).toEqual(['job.ts 4:35 job-without-native-sidecar']);
    // The spread may set linkerd.io/inject: disabled, as the finding asks.
    expect(lint({ 'job.ts': pod("{ 'linkerd.io/inject': 'enabled', ...extra }") }, linkerd214)).toEqual([]);
    // Written after the spread, the annotation is what the pod gets.
    expect(lint({ 'job.ts': pod("{ ...extra, 'config.linkerd.io/proxy-cpu-request': 'lots' }") })).toEqual(['job.ts 4:99 invalid-annotation-value']);
  });

  it('a finding is left out when the rule read an unknown value of the resource, wherever it points', () => {
    const deployment = (grace: string, image: string) => `import * as k8s from '@pulumi/kubernetes';
import { cfg } from './cfg';
new k8s.apps.v1.Deployment('web', { metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } },
  template: {
    metadata: { labels: { app: 'web' }, annotations: { 'linkerd.io/inject': 'ingress', 'config.alpha.linkerd.io/proxy-wait-before-exit-seconds': '40' } },
    spec: { terminationGracePeriodSeconds: ${grace}, containers: [{ name: 'web', image: ${image} }] } } } });
`;
    expect(lint({ 'index.ts': deployment('30', "'docker.io/traefik:v3.1.4'") }, linkerd218)).toEqual([
      'index.ts 5:77 ingress-mode',
      'index.ts 5:146 wait-before-exit-exceeds-grace',
    ]);
    // The wait is judged against the grace period, the ingress mode by the controller the image is.
    expect(lint({ 'index.ts': deployment('cfg.grace', 'cfg.image') }, linkerd218)).toEqual([]);
  });

  it('schema validation skips what is unknown, and still judges what is known beside it', () => {
    const server = `import { labels } from './labels';
export const s = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'web', namespace: 'shop' },
  spec: { podSelector: { matchLabels: labels }, port: 70000 } };
`;
    expect(lint({ 's.ts': server })).toEqual(['s.ts 3:55 schema']);
  });

  it('schema validation skips what is unknown', () => {
    const server = (port: string) => `import { cfg } from './cfg';
export const s = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'web', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } }${port} } };
`;
    expect(lint({ 's.ts': server(', port: 70000') })).toEqual(['s.ts 3:63 schema']);
    // No port: the schema requires one. From an import, the port is unknown: it may well be there.
    expect(lint({ 's.ts': server('') })).toEqual(['s.ts 3:3 schema']);
    expect(lint({ 's.ts': server(', port: cfg.port') })).toEqual([]);
    expect(lint({ 's.ts': server(', ...cfg') })).toEqual([]);
  });

  it('a Server does not select "nothing" when the pods it may select have unknown labels', () => {
    const server = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  port: 8080
`;
    const deployment = (labels: string) => `import * as k8s from '@pulumi/kubernetes';
import { labels } from './labels';
new k8s.apps.v1.Deployment('web', {
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { matchLabels: ${labels} }, template: { metadata: { labels: ${labels} },
    spec: { containers: [{ name: 'web', image: 'web', ports: [{ containerPort: 8080 }] }] } } },
});
`;
    expect(lint({ 'server.yaml': server, 'index.ts': deployment("{ app: 'api' }") })).toEqual(['server.yaml 5:3 server-selects-nothing']);
    expect(lint({ 'server.yaml': server, 'index.ts': deployment('labels') })).toEqual([]);
  });

  it('no reference is called dangling when the input holds a target of that kind whose name is not known', () => {
    const servers = (name: string) => `import * as k8s from '@pulumi/kubernetes';
import { spec } from './server';
new k8s.apiextensions.CustomResource('web', {
  apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { namespace: 'shop'${name} },
  spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080 },
});
`;
    const policy = POLICY_YAML.replace('name: web\n  requiredAuthenticationRefs', 'name: web-server\n  requiredAuthenticationRefs');
    expect(lint({ 'policy.yaml': policy, 'index.ts': servers(", name: 'other'"), 'deploy.yaml': DEPLOYMENT_YAML })).toEqual([
      'index.ts 4:97 server-without-authorization',
      'policy.yaml 10:11 dangling-reference',
    ]);
    // Pulumi names it "web-<random suffix>" when it is applied: not a name to compare.
    expect(lint({ 'policy.yaml': policy, 'index.ts': servers(''), 'deploy.yaml': DEPLOYMENT_YAML })).toEqual([]);
  });

  it('a name generated when the object is applied leaves the findings about the object as a whole', () => {
    const split = `import * as k8s from '@pulumi/kubernetes';
new k8s.apiextensions.CustomResource('split', {
  apiVersion: 'split.smi-spec.io/v1alpha2',
  kind: 'TrafficSplit',
  metadata: { namespace: 'shop' },
  spec: { service: 'web', backends: [{ service: 'web-v1', weight: 100 }] },
});
`;
    expect(lint({ 'index.ts': split })).toEqual(['index.ts 4:3 no-traffic-split']);
    // Nor is metadata missing: the tool writes it, with the name.
    expect(lint({ 'index.ts': split.replace("  metadata: { namespace: 'shop' },\n", '') })).toEqual(['index.ts 4:3 no-traffic-split']);
  });

  it('a resource in a namespace the program computes is not compared with any namespace', () => {
    const server = (ns: string) => `import * as k8s from '@pulumi/kubernetes';
const ns = new k8s.core.v1.Namespace('shop');
export const s = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'api', namespace: ${ns} },
  spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080 } };
`;
    // The policy in shop targets Server web, not api.
    expect(lint({ 's.ts': server("'shop'"), 'policy.yaml': POLICY_YAML, 'deploy.yaml': DEPLOYMENT_YAML })).toEqual([
      'policy.yaml 10:11 dangling-reference',
      's.ts 3:95 server-without-authorization',
    ]);
    // Nor is what it may be compared with: a Server of unknown namespace may sit in shop, and whatever a
    // rule reads of it there (its selector, its port) may decide a finding on the policy.
    expect(lint({ 's.ts': server('ns.metadata.name'), 'policy.yaml': POLICY_YAML, 'deploy.yaml': DEPLOYMENT_YAML })).toEqual([]);
  });

  it('a directive over a finding left out for an unknown value is not called unused', () => {
    const text = `export const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', annotations: {
  // linkerd-lint-disable-next-line no-inject-system-namespace -- the mesh's own
  'linkerd.io/inject': ${'mode()'} } } };
`;
    expect(lint({ 'ns.ts': text })).toEqual([]);
    expect(lint({ 'ns.ts': text.replace('mode()', "'disabled'") })).toEqual(['ns.ts 2:3 unused-disable-directive']);
  });
});

describe('suppression comments in TypeScript', () => {
  it('line and block comments disable the findings of their line and the next', () => {
    const text = `export const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', annotations: {
  // linkerd-lint-disable-next-line no-inject-system-namespace -- the mesh's own
  'linkerd.io/inject': 'enabled' } } };
export const other = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-public', annotations: {
  'linkerd.io/inject': 'enabled' /* linkerd-lint-disable-line no-inject-system-namespace */ } } };
export const third = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease', annotations: {
  'linkerd.io/inject': 'enabled' } } };
`;
    const parsed = parse('ns.ts', text);
    const findings = lintParsed([parsed], { config, rules: builtinRules }).results.flatMap((r) => r.findings);
    expect(findings.map((f) => `${f.range.start.line} ${f.ruleId} ${f.suppressions?.[0]?.justification ?? f.suppressions?.length ?? 'reported'}`)).toEqual([
      "3 no-inject-system-namespace the mesh's own",
      '5 no-inject-system-namespace 1',
      '7 no-inject-system-namespace reported',
    ]);
  });
});

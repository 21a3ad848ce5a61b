// `--concurrency`: YAML and JSON parsed in worker threads must give the report parsing in
// one thread gives, cross-file findings and fixes included. NODE_DEBUG=worker makes Node
// say when it starts a worker, which tells the two paths apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tree } from './cli-helpers.js';

const DEPLOYMENT = `apiVersion: apps/v1
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
      annotations:
        linkerd.io/inject: enabled
    spec:
      containers:
        - name: web
          image: web:1
          ports:
            - name: http
              containerPort: 8080
`;

const SERVER = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: web-http
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  port: htpp
---
apiVersion: policy.linkerd.io/v1beta1
kind: ServerAuthorization
metadata:
  name: web-clients
  namespace: shop
spec:
  server:
    name: web-http
  client:
    meshTLS:
      serviceAccounts:
        - name: client
`;

const FILES = {
  'app/deploy.yaml': DEPLOYMENT,
  'app/server.yaml': SERVER,
  'app/list.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', annotations: { 'linkerd.io/inject': 'enabled' } } }] }),
  'app/broken.yaml': 'kind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
  'app/chart.yaml': 'kind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n',
  'app/repaired.yaml': "kind: ConfigMap\nmetadata:\n  name: quoted\n  labels:\n    note: 'a long note\n    continued here'\n",
  'app/directive.yaml': '%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: linkerd\n  annotations:\n    linkerd.io/inject: enabled\n',
};

function run(args: string[], cwd: string) {
  const r = cli(['--no-config-lookup', ...args], { cwd, env: { NODE_DEBUG: 'worker' } });
  return { ...r, workers: (r.stderr.match(/create new worker/g) ?? []).length };
}

describe('--concurrency', () => {
  it('parses in worker threads and reports what one thread reports', () => {
    const dir = tree(FILES);
    const one = run(['-f', 'json', '--concurrency', 'off', '.'], dir);
    const three = run(['-f', 'json', '--concurrency', '3', '.'], dir);
    expect(one.workers).toBe(0);
    expect(three.workers).toBe(2);
    expect(three.code).toBe(one.code);
    expect(one.code).toBe(1);
    expect(three.stdout).toBe(one.stdout);
    const ids = (JSON.parse(one.stdout) as { filePath: string; messages: { ruleId: string | null }[] }[]).flatMap((f) => f.messages.map((m) => m.ruleId));
    // The cross-file findings are there: the Server's port is judged against the Deployment in another file.
    expect(ids).toEqual(expect.arrayContaining(['server-selects-nothing', 'no-server-authorization', 'no-inject-system-namespace', 'parse-error', 'template-not-rendered']));
  });

  it('starts no worker for a small input by default', () => {
    const dir = tree(FILES);
    expect(run(['-f', 'json', '.'], dir).workers).toBe(0);
  });

  it('fixes in one thread, since a fix run keeps the syntax trees', () => {
    const dir = tree(FILES);
    const r = run(['--fix', '--unsafe-fixes', '--concurrency', '3', '.'], dir);
    expect(r.workers).toBe(0);
    expect(readFileSync(join(dir, 'app/server.yaml'), 'utf8')).toContain('kind: AuthorizationPolicy');
  });

  it.each(['0', 'two', '1.5', '-1'])('refuses --concurrency %s', (value) => {
    const r = cli(['--no-config-lookup', `--concurrency=${value}`, '.'], { cwd: tree(FILES) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--concurrency: "${value}" is not a number of threads (1 or more), auto or off`);
  });
});

// opaque-port-required and opaque-ports-consistency judge copies of one object once (opaque
// Servers grouped by namespace and selector, backends grouped by what decides their
// verdict): copies that differ in a decisive field must still get their own verdict, and
// findings keep their order.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintParsed } from '../src/engine/lint.js';
import { parseSource } from '../src/load/parse.js';
import { decode } from '../src/load/read.js';
import { builtinRules } from '../rules/index.js';
import { ROOT, fixtureConfig, goldenLine } from './helpers.js';

/** Lints `files` (relative name to text) as one tree, returning `ruleId`'s findings as `file line:col message`. */
function lintTree(ruleId: string, files: Record<string, string>): string[] {
  const parsed = Object.entries(files).map(([name, text]) => {
    const read = decode(join(ROOT, name), name, Buffer.from(text));
    if (!read.ok) throw new Error('not text');
    return parseSource(read.file);
  });
  return lintParsed(parsed, { config: fixtureConfig(ruleId), rules: builtinRules })
    .results.flatMap((r) => r.findings)
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.file.displayPath} ${goldenLine(f).replace(` ${ruleId} `, ' ')}`);
}

const db = (opts: { namespace?: string; app?: string; opaque?: string }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
${opts.namespace ? `  namespace: ${opts.namespace}\n` : ''}spec:
  selector:
    matchLabels:
      app: ${opts.app ?? 'db'}
  template:
    metadata:
      labels:
        app: ${opts.app ?? 'db'}
      annotations:
        linkerd.io/inject: enabled
        config.linkerd.io/opaque-ports: "${opts.opaque ?? '8443'}"
    spec:
      containers:
        - name: postgres
          image: postgres:16
          ports:
            - containerPort: 5432
              name: postgres
            - containerPort: 8443
`;

const opaqueServer = (opts: { namespace?: string; app?: string; port: string }) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: db
${opts.namespace ? `  namespace: ${opts.namespace}\n` : ''}spec:
  podSelector:
    matchLabels:
      app: ${opts.app ?? 'db'}
  port: ${opts.port}
  proxyProtocol: opaque
`;

const dropped = (file: string, line: number) =>
  `${file} ${line}:30 container port 5432 of Deployment db is in Linkerd's default opaque ports, but config.linkerd.io/opaque-ports "8443" on Deployment db ` +
  'replaces that list without it: connections to it go through protocol detection, which stalls or misreads them; add 5432 to the annotation';

describe('opaque-port-required over copies of one pod', () => {
  it('takes an opaque Server without a namespace to cover only the pods of its own directory', () => {
    const findings = lintTree('opaque-port-required', {
      'a/db.yaml': `${opaqueServer({ port: '5432' })}---\n${db({})}`,
      'b/db.yaml': db({}),
    });
    expect(findings).toEqual([dropped('b/db.yaml', 21)]);
  });

  it('tells copies apart by namespace and by labels', () => {
    const findings = lintTree('opaque-port-required', {
      'all.yaml': [
        opaqueServer({ namespace: 'shop', port: 'postgres' }),
        db({ namespace: 'shop' }),
        db({ namespace: 'other' }),
        db({ namespace: 'shop', app: 'db2' }),
        db({ namespace: 'shop' }),
      ].join('---\n'),
    });
    // The documents start at lines 1, 13, 38, 63 and 88: the copies in `other` and with other labels are reported.
    expect(findings).toEqual([dropped('all.yaml', 59), dropped('all.yaml', 84)]);
  });

  it('joins the ports of copies of one Server that name different ones', () => {
    const findings = lintTree('opaque-port-required', {
      'all.yaml': [opaqueServer({ namespace: 'shop', port: '8443' }), opaqueServer({ namespace: 'shop', port: '5432' }), db({ namespace: 'shop' })].join('---\n'),
    });
    expect(findings).toEqual([]);
  });
});

const service = (annotation?: string) => `apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: shop
${annotation ? `  annotations:\n    config.linkerd.io/opaque-ports: "${annotation}"\n` : ''}spec:
  selector:
    app: db
  ports:
    - name: admin
      port: 8443
`;

const podOnly = (value: string, line = 10) =>
  `svc.yaml ${line}:7 port 8443 on Deployment db is opaque (config.linkerd.io/opaque-ports "${value}"), but port 8443 of Service db, which targets it, ` +
  "is not (the install's default opaque ports): meshed clients of the Service run protocol detection on a port the server treats as opaque TCP; " +
  'add 8443 to config.linkerd.io/opaque-ports on the Service';

const expressionServer = (values: string) => `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: db-expr
  namespace: shop
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: In, values: [${values}]}
  port: 5432
  proxyProtocol: opaque
`;

describe('opaque-port-required over opaque Servers', () => {
  it('finds a Server that selects by expressions alone, and skips one whose expressions miss', () => {
    expect(lintTree('opaque-port-required', { 'all.yaml': [expressionServer('other, db'), db({ namespace: 'shop' })].join('---\n') })).toEqual([]);
    expect(lintTree('opaque-port-required', { 'all.yaml': [expressionServer('other'), db({ namespace: 'shop' })].join('---\n') })).toEqual([dropped('all.yaml', 34)]);
  });

  it('finds a Server by any label it requires, not only the pod\'s first', () => {
    const server = opaqueServer({ namespace: 'shop', port: '5432' }).replace('      app: db\n', '      app: db\n      tier: data\n');
    const pod = db({ namespace: 'shop' }).replace('        app: db\n      annotations:', '        team: x\n        tier: data\n        app: db\n      annotations:');
    expect(lintTree('opaque-port-required', { 'all.yaml': [server, pod].join('---\n') })).toEqual([]);
    expect(lintTree('opaque-port-required', { 'all.yaml': [server, pod.replace('        tier: data\n', '')].join('---\n') })).toEqual([dropped('all.yaml', 36)]);
  });
});

describe('opaque-ports-consistency over copies of one pod', () => {
  it('judges each copy by its own list and reports them in input order', () => {
    const findings = lintTree('opaque-ports-consistency', {
      'svc.yaml': service(),
      'pods.yaml': [
        db({ namespace: 'shop', opaque: '8443' }),
        db({ namespace: 'shop', opaque: '5432' }),
        db({ namespace: 'shop', opaque: '8443,9000' }),
        db({ namespace: 'shop', opaque: '5432,8443' }),
        db({ namespace: 'shop', opaque: '8443' }),
      ].join('---\n'),
    });
    // The copy whose list leaves 8443 out agrees with the Service; the others, in three groups, do not.
    expect(findings).toEqual([podOnly('8443'), podOnly('8443,9000'), podOnly('5432,8443'), podOnly('8443')]);
  });

  it('judges copies of one Service by their own lists over the same backends', () => {
    const findings = lintTree('opaque-ports-consistency', {
      'svc.yaml': [service(), service('8443')].join('---\n'),
      'pods.yaml': [db({ namespace: 'shop', opaque: '8443' }), db({ namespace: 'shop', opaque: '5432' })].join('---\n'),
    });
    expect(findings).toEqual([
      podOnly('8443'),
      'svc.yaml 24:7 port 8443 of Service db is opaque (config.linkerd.io/opaque-ports "8443"), but the port it targets, 8443 on Deployment db, ' +
        'is not (config.linkerd.io/opaque-ports "5432"): the server\'s proxy runs protocol detection on connections its clients send as opaque TCP; ' +
        'add 8443 to config.linkerd.io/opaque-ports on the pod template',
    ]);
  });
});

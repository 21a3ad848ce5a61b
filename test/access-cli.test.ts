// `linkerd-lint access` through the built CLI: the reports of the Linkerd docs' policy
// walkthroughs (emojivoto, booksapp) in every format, and --from/--to answers with their
// exact text and exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tree } from './cli-helpers.js';
import { FIXTURES } from './helpers.js';

const access = (args: string[], cwd?: string) => cli(['access', '--no-config-lookup', ...args], cwd ? { cwd } : {});
const golden = (name: string) => readFileSync(join(FIXTURES, 'access', `${name}.golden`), 'utf8');

describe('the access report of the walkthroughs', () => {
  for (const walkthrough of ['emojivoto', 'booksapp']) {
    for (const format of ['table', 'json', 'mermaid', 'dot']) {
      it(`${walkthrough} as ${format}`, () => {
        const r = access(['-f', format, `fixtures/access/${walkthrough}`]);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe(golden(`${walkthrough}.${format}`));
        expect(r.code).toBe(0);
      });
    }
  }

  it('emojivoto under a cluster default of deny', () => {
    const r = access(['--default-inbound-policy', 'deny', 'fixtures/access/emojivoto']);
    expect(r.stdout).toBe(golden('emojivoto-deny.table'));
    expect(r.code).toBe(0);
  });

  it('takes the cluster default from the config file', () => {
    const dir = tree({ '.linkerd-lint.yaml': 'defaultInboundPolicy: all-authenticated\n' });
    const r = cli(['access', '-c', join(dir, '.linkerd-lint.yaml'), '-f', 'json', 'fixtures/access/emojivoto']);
    const report = JSON.parse(r.stdout) as { clusterDefaultPolicy: unknown; namespaces: { workloads: { name: string; ports: { access: string }[] }[] }[] };
    expect(report.clusterDefaultPolicy).toEqual({ value: 'all-authenticated', from: 'config' });
    const web = report.namespaces[0]!.workloads.find((w) => w.name === 'web')!;
    expect(web.ports.map((p) => p.access)).toEqual(['authenticated']);
  });

  it('limits the report to the namespaces asked for', () => {
    const r = access(['-f', 'json', '-n', 'other', 'fixtures/access/emojivoto']);
    expect(JSON.parse(r.stdout)).toMatchObject({ namespaces: [], servers: [], edges: [], highlights: [] });
  });

  it('draws in the graphs exactly the edges the JSON lists', () => {
    for (const walkthrough of ['emojivoto', 'booksapp']) {
      const report = JSON.parse(golden(`${walkthrough}.json`)) as { clients: { id: string }[]; edges: { from: string; to: string }[] };
      const pairs = new Set(report.edges.map((e) => `${e.from} -> ${e.to}`));
      const dot = [...golden(`${walkthrough}.dot`).matchAll(/^  "client:([^"]+)" -> "workload:([^"]+)"/gm)].map((m) => `${m[1]} -> ${m[2]}`);
      expect(new Set(dot)).toEqual(pairs);
      expect(dot.length).toBe(pairs.size);
      const mermaid = golden(`${walkthrough}.mermaid`);
      expect([...mermaid.matchAll(/-->/g)].length).toBe(pairs.size);
      for (const e of report.edges) expect(report.clients.map((c) => c.id)).toContain(e.from);
    }
  });
});

describe('access --from --to', () => {
  it('allows the web front end to call the voting service', () => {
    const r = access(['fixtures/access/emojivoto', '--from', 'emojivoto/web', '--to', 'emojivoto/voting-svc:grpc']);
    expect(r.stdout).toBe(`allowed: emojivoto/web → emojivoto/voting-svc:grpc
  from: Deployment web (fixtures/access/emojivoto/app.yaml:77), serviceaccount emojivoto/web, identity web.emojivoto.serviceaccount.identity.linkerd.cluster.local
  to: Service voting-svc (fixtures/access/emojivoto/app.yaml:68) port 8080 (grpc), target port 8080
  to: Deployment voting (fixtures/access/emojivoto/app.yaml:50) port 8080 (grpc)
    Server voting-grpc (fixtures/access/emojivoto/policy.yaml:4) selects the port: accessPolicy deny, so what no authorization admits is refused
    ServerAuthorization voting-grpc (fixtures/access/emojivoto/policy.yaml:18) admits serviceaccount emojivoto/web from the cluster networks
`);
    expect(r.code).toBe(0);
  });

  it('denies a client the input does not hold, and says what it took it for', () => {
    const r = access(['fixtures/access/emojivoto', '--from', 'default/grpcurl', '--to', 'emojivoto/voting:8080']);
    expect(r.stdout).toBe(`denied: default/grpcurl → emojivoto/voting:8080
  from: default/grpcurl is not a workload or service account in the input: taken as service account grpcurl of namespace default, with meshed pods (identity grpcurl.default.serviceaccount.identity.linkerd.cluster.local)
  to: Deployment voting (fixtures/access/emojivoto/app.yaml:50) port 8080 (grpc)
    Server voting-grpc (fixtures/access/emojivoto/policy.yaml:4) selects the port: accessPolicy deny, so what no authorization admits is refused
    ServerAuthorization voting-grpc (fixtures/access/emojivoto/policy.yaml:18) admits only serviceaccount emojivoto/web from the cluster networks
`);
    expect(r.code).toBe(1);
  });

  it('denies books a DELETE on authors, which only webapp may send', () => {
    const r = access(['fixtures/access/booksapp', '--from', 'booksapp/books', '--to', 'booksapp/authors:service', '--method', 'DELETE', '--path', '/authors/1.json']);
    expect(r.stdout).toBe(`denied: booksapp/books → booksapp/authors:service DELETE /authors/1.json
  from: Deployment books (fixtures/access/booksapp/app.yaml:77), serviceaccount booksapp/books, identity books.booksapp.serviceaccount.identity.linkerd.cluster.local
  to: Deployment authors (fixtures/access/booksapp/app.yaml:46) port 7001 (service)
    Server authors-server (fixtures/access/booksapp/policy.yaml:4) selects the port: accessPolicy deny, so what no authorization admits is refused
    denied: HTTPRoute authors-modify-route (fixtures/access/booksapp/policy.yaml:90) (DELETE /authors/*, PUT /authors/*, POST /authors.json/*)
      AuthorizationPolicy authors-modify-policy (fixtures/access/booksapp/policy.yaml:116) with MeshTLSAuthentication authors-modify-authn (fixtures/access/booksapp/policy.yaml:107) admits only serviceaccount booksapp/webapp
`);
    expect(r.code).toBe(1);
  });

  it('allows webapp the same request', () => {
    const r = access(['fixtures/access/booksapp', '--from', 'booksapp/webapp', '--to', 'booksapp/authors:service', '--method', 'delete', '--path', '/authors/1.json']);
    expect(r.stdout).toBe(`allowed: booksapp/webapp → booksapp/authors:service DELETE /authors/1.json
  from: Deployment webapp (fixtures/access/booksapp/app.yaml:15), serviceaccount booksapp/webapp, identity webapp.booksapp.serviceaccount.identity.linkerd.cluster.local
  to: Deployment authors (fixtures/access/booksapp/app.yaml:46) port 7001 (service)
    Server authors-server (fixtures/access/booksapp/policy.yaml:4) selects the port: accessPolicy deny, so what no authorization admits is refused
    allowed: HTTPRoute authors-modify-route (fixtures/access/booksapp/policy.yaml:90) (DELETE /authors/*, PUT /authors/*, POST /authors.json/*)
      AuthorizationPolicy authors-modify-policy (fixtures/access/booksapp/policy.yaml:116) with MeshTLSAuthentication authors-modify-authn (fixtures/access/booksapp/policy.yaml:107) admits serviceaccount booksapp/webapp
`);
    expect(r.code).toBe(0);
  });

  it('refuses a request no route matches', () => {
    const r = access(['fixtures/access/booksapp', '--from', 'booksapp/traffic', '--to', 'booksapp/authors:service', '--path', '/books']);
    expect(r.stdout).toBe(`denied: booksapp/traffic → booksapp/authors:service /books
  from: Deployment traffic (fixtures/access/booksapp/app.yaml:108), serviceaccount booksapp/traffic, identity traffic.booksapp.serviceaccount.identity.linkerd.cluster.local
  to: Deployment authors (fixtures/access/booksapp/app.yaml:46) port 7001 (service)
    Server authors-server (fixtures/access/booksapp/policy.yaml:4) selects the port: accessPolicy deny, so what no authorization admits is refused
    no route matches /books, so the proxy refuses it (404); the routes: HTTPRoute authors-get-route (fixtures/access/booksapp/policy.yaml:16) (GET /authors.json/*, GET /authors/*); HTTPRoute authors-modify-route (fixtures/access/booksapp/policy.yaml:90) (DELETE /authors/*, PUT /authors/*, POST /authors.json/*); HTTPRoute authors-probe-route (fixtures/access/booksapp/policy.yaml:54) (GET /ping/*)
`);
    expect(r.code).toBe(1);
  });

  it('without a path, answers for every route and allows when one admits the client', () => {
    const r = access(['fixtures/access/booksapp', '--from', 'booksapp/books', '--to', 'booksapp/authors:7001']);
    expect(r.stdout).toBe(`allowed (partly): booksapp/books → booksapp/authors:7001
  from: Deployment books (fixtures/access/booksapp/app.yaml:77), serviceaccount booksapp/books, identity books.booksapp.serviceaccount.identity.linkerd.cluster.local
  to: Deployment authors (fixtures/access/booksapp/app.yaml:46) port 7001 (service)
    Server authors-server (fixtures/access/booksapp/policy.yaml:4) selects the port: accessPolicy deny, so what no authorization admits is refused
    allowed: HTTPRoute authors-get-route (fixtures/access/booksapp/policy.yaml:16) (GET /authors.json/*, GET /authors/*)
      AuthorizationPolicy authors-get-policy (fixtures/access/booksapp/policy.yaml:41) with MeshTLSAuthentication authors-get-authn (fixtures/access/booksapp/policy.yaml:31) admits serviceaccount booksapp/books, serviceaccount booksapp/webapp
    denied: HTTPRoute authors-modify-route (fixtures/access/booksapp/policy.yaml:90) (DELETE /authors/*, PUT /authors/*, POST /authors.json/*)
      AuthorizationPolicy authors-modify-policy (fixtures/access/booksapp/policy.yaml:116) with MeshTLSAuthentication authors-modify-authn (fixtures/access/booksapp/policy.yaml:107) admits only serviceaccount booksapp/webapp
    allowed: HTTPRoute authors-probe-route (fixtures/access/booksapp/policy.yaml:54) (GET /ping/*)
      AuthorizationPolicy authors-probe-policy (fixtures/access/booksapp/policy.yaml:77) with NetworkAuthentication authors-probe-authn (fixtures/access/booksapp/policy.yaml:67) admits any client, unauthenticated, from 0.0.0.0/0, ::/0
`);
    expect(r.code).toBe(0);
  });

  it('denies a client without a proxy what requires an identity', () => {
    const dir = tree({
      'app.yaml': readFileSync(join(FIXTURES, 'access', 'booksapp', 'app.yaml'), 'utf8'),
      'policy.yaml': readFileSync(join(FIXTURES, 'access', 'booksapp', 'policy.yaml'), 'utf8'),
      'legacy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: legacy, namespace: booksapp}\nspec:\n  template:\n    metadata:\n      annotations: {linkerd.io/inject: disabled}\n    spec:\n      containers: [{name: app}]\n',
    });
    const r = access(['.', '--from', 'booksapp/legacy', '--to', 'booksapp/authors:7001', '--path', '/authors/1.json', '--method', 'GET'], dir);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'denied: booksapp/legacy → booksapp/authors:7001 GET /authors/1.json',
      '  from: Deployment legacy (legacy.yaml:2) has no proxy, so it connects without a mesh identity',
    ]);
    expect(r.stdout).toContain('admits only serviceaccount booksapp/books, serviceaccount booksapp/webapp: the client has no proxy, so it has no mesh identity\n');
    expect(r.code).toBe(1);
  });

  it('names the port of a workload without a proxy by the pod spec, and refuses a port it does not declare', () => {
    const dir = tree({
      'legacy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: legacy, namespace: booksapp}\nspec:\n  template:\n    metadata:\n      annotations: {linkerd.io/inject: disabled}\n    spec:\n      containers: [{name: app, ports: [{name: http, containerPort: 7000}]}]\n',
    });
    const r = access(['.', '--from', 'booksapp/books', '--to', 'booksapp/legacy:http'], dir);
    expect(r.stdout.split('\n').slice(2, 4)).toEqual(['  to: Deployment legacy (legacy.yaml:2) port 7000 (http)', '    Deployment legacy has no proxy: no policy applies, every client reaches it']);
    expect(r.code).toBe(0);
    const bad = access(['.', '--from', 'booksapp/books', '--to', 'booksapp/legacy:admin'], dir);
    expect([bad.code, bad.stderr]).toEqual([2, 'linkerd-lint: --to "booksapp/legacy:admin": Deployment legacy declares no port named admin\n']);
  });

  it('checks a NetworkAuthentication against --from-ip', () => {
    const dir = tree({
      'app.yaml': readFileSync(join(FIXTURES, 'access', 'booksapp', 'app.yaml'), 'utf8'),
      'policy.yaml': readFileSync(join(FIXTURES, 'access', 'booksapp', 'policy.yaml'), 'utf8').replace('    - cidr: 0.0.0.0/0\n    - cidr: ::/0\n', '    - cidr: 10.0.0.0/8\n'),
    });
    const ask = (...extra: string[]) => access(['.', '--from', 'booksapp/kubelet', '--to', 'booksapp/authors:7001', '--path', '/ping', ...extra], dir);
    expect(ask('--from-ip', '10.1.2.3').code).toBe(0);
    const outside = ask('--from-ip', '192.168.0.1');
    expect(outside.stdout).toContain("admits only any client, unauthenticated, from 10.0.0.0/8: the client's address is not in 10.0.0.0/8\n");
    expect(outside.code).toBe(1);
    const pod = ask();
    expect(pod.stdout.split('\n')[0]).toBe('depends on the client address: booksapp/kubelet → booksapp/authors:7001 /ping');
    expect(pod.stdout).toContain("(allowed only on the client's address being in 10.0.0.0/8)");
    expect(pod.code).toBe(1);
  });

  it.each([
    [['--from', 'booksapp/books', '--to', 'booksapp/nope:7002'], '--to "booksapp/nope:7002": the input holds no workload or Service nope in namespace booksapp'],
    [['--from', 'booksapp/books', '--to', 'booksapp/books:7009'], '--to "booksapp/books:7009": Deployment books has no inbound port 7009 (it declares 7002 (service))'],
    [['--from', 'booksapp/books', '--to', 'booksapp/books'], '--to "booksapp/books": expected <namespace>/<workload or service>:<port>'],
    [['--from', 'booksapp', '--to', 'booksapp/books:7002'], '--from "booksapp": expected <namespace>/<serviceaccount or workload>'],
    [['--from', 'booksapp/x'], 'access: --from and --to go together; give both, or neither for the report'],
    [['--path', '/x'], 'access --path: only with --from and --to'],
    [['--from', 'booksapp/books', '--to', 'booksapp/books:7002', '--path', 'x'], '--path "x": expected a path starting with /'],
    [['--from', 'booksapp/books', '--to', 'booksapp/books:7002', '--from-ip', '10.0.0.0/8'], '--from-ip "10.0.0.0/8": expected an IPv4 or IPv6 address'],
    [['-f', 'svg'], 'access --format: unknown format "svg"; expected one of table, json, mermaid, dot, html'],
    [['--default-inbound-policy', 'open'], 'access --default-inbound-policy: "open" is not a policy; expected one of all-unauthenticated, all-authenticated, cluster-unauthenticated, cluster-authenticated, deny, audit'],
  ])('exits 2 on %j', (args, message) => {
    const r = access(['fixtures/access/booksapp', ...args]);
    expect(r.stderr).toBe(`linkerd-lint: ${message}\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('prints its help', () => {
    const r = access(['--help']);
    expect(r.stdout.split('\n')[0]).toBe('Usage: linkerd-lint access [options] [paths...]');
    expect(r.code).toBe(0);
  });
});

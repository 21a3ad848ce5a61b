// The ServiceProfile → HTTPRoute conversion: what it writes, and why it refuses when the proxy would route differently.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateServiceProfile } from '../src/linkerd/migrations/service-profile.js';
import { type LinkerdTarget, parseLinkerdVersion } from '../src/linkerd/releases.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree } from '../src/model/tree.js';
import { ROOT } from './helpers.js';

function target(v: string): LinkerdTarget {
  const t = parseLinkerdVersion(v);
  if ('error' in t) throw new Error(t.error);
  return t;
}

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}';

function migrate(spec: string, opts: { version?: string; namespace?: string; extra?: string } = {}) {
  const profile = `apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata: {name: web.shop.svc.cluster.local, namespace: ${opts.namespace ?? 'shop'}}\nspec:\n${spec}`;
  const text = [SERVICE, profile, ...(opts.extra ? [opts.extra] : [])].join('\n---\n');
  const resources = parseSource(new SourceFile(join(ROOT, 'p.yaml'), 'p.yaml', text, 'yaml')).resources;
  const sp = resources.find((r) => r.kind === 'ServiceProfile')!;
  return migrateServiceProfile(sp, new ManifestTree(resources), target(opts.version ?? '2.20'), 'cluster.local');
}

function route(path: string, extra = ''): string {
  return `  routes:\n  - name: r\n    condition: {pathRegex: '${path}'}\n${extra}`;
}

function rulesOf(result: ReturnType<typeof migrate>): unknown {
  if (!result.ok) throw new Error(result.reason);
  return result.manifests.map((m) => (m.spec as { rules: unknown }).rules);
}

describe('migrateServiceProfile', () => {
  it('writes one rule per route and a catch-all, safe when nothing but routing changes hands', () => {
    const result = migrate('  routes:\n  - name: list\n    condition: {method: get, pathRegex: /api/list}');
    expect(result).toEqual({
      ok: true,
      keepProfile: false,
      safe: true,
      notes: [],
      manifests: [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'web', namespace: 'shop' },
          spec: {
            parentRefs: [{ group: 'core', kind: 'Service', name: 'web' }],
            rules: [
              { matches: [{ path: { type: 'Exact', value: '/api/list' }, method: 'GET' }] },
              { matches: [{ path: { type: 'PathPrefix', value: '/' } }] },
            ],
          },
        },
      ],
    });
  });

  it.each([
    ['/books', { type: 'Exact', value: '/books' }],
    ['^/books$', { type: 'Exact', value: '/books' }],
    ['/books\\.json', { type: 'Exact', value: '/books.json' }],
    ['/books(/.*)?', { type: 'PathPrefix', value: '/books' }],
    ['/books(?:/.*)?', { type: 'PathPrefix', value: '/books' }],
    ['/.*', { type: 'PathPrefix', value: '/' }],
  ])('converts pathRegex %s exactly', (regex, path) => {
    expect((rulesOf(migrate(route(regex))) as unknown[][])[0]![0]).toEqual({ matches: [{ path }] });
  });

  it.each([
    ['/api.*', 'route "r": pathRegex /api.* cannot be converted: it matches any path that starts with the characters /api, and PathPrefix matches whole path segments only (PathPrefix /api does not match /apix)'],
    ['/api/.*', 'route "r": pathRegex /api/.* cannot be converted: it matches the paths under /api/ but not /api itself, and PathPrefix /api would take both; write it as /api(/.*)? if /api belongs to the route'],
    ['/books/\\d+', 'route "r": pathRegex /books/\\d+ cannot be converted: it is not a literal path or a literal prefix followed by (/.*)?, and the conversion writes only Exact and PathPrefix matches'],
    ['/a//b', 'route "r": the path /a//b of pathRegex /a//b contains //, which an HTTPRoute path may not'],
  ])('refuses pathRegex %s', (regex, reason) => {
    expect(migrate(route(regex))).toEqual({ ok: false, reason, path: ['spec', 'routes', 0, 'condition', 'pathRegex'] });
  });

  it('refuses any, not and methods HTTPRoute lacks, naming the route', () => {
    expect(migrate('  routes:\n  - name: reads\n    condition: {any: [{method: GET}]}')).toMatchObject({ ok: false, reason: 'route "reads": it uses condition.any, and one HTTPRoute rule matches one method and path' });
    expect(migrate('  routes:\n  - name: no\n    condition: {not: {method: GET}}')).toMatchObject({ ok: false, reason: 'route "no": it uses condition.not, which HTTPRoute matches cannot express' });
    expect(migrate('  routes:\n  - name: p\n    condition: {method: PROPFIND}')).toMatchObject({ ok: false, path: ['spec', 'routes', 0, 'condition', 'method'] });
  });

  it('rewrites a timeout the policy parser refuses, and puts it where the target reads it', () => {
    expect((rulesOf(migrate(route('/a', '    timeout: 1m30s\n'))) as unknown[][])[0]![0]).toEqual({ matches: [{ path: { type: 'Exact', value: '/a' } }], timeouts: { request: '90s' } });
    const r219 = migrate(route('/a', '    timeout: 1.5s\n'), { version: '2.19' });
    if (!r219.ok) throw new Error(r219.reason);
    expect(r219.manifests.map((m) => (m.metadata as { annotations?: unknown }).annotations)).toEqual([undefined, { 'timeout.linkerd.io/request': '1500ms' }]);
    expect(r219.safe).toBe(false);
    expect(migrate(route('/a', '    timeout: 100us\n'))).toMatchObject({ ok: false, path: ['spec', 'routes', 0, 'timeout'] });
  });

  it('treats a zero timeout as none, as the destination controller does', () => {
    expect(migrate(route('/a', '    timeout: 0s\n'))).toMatchObject({ ok: true, safe: true });
  });

  it('turns failure response classes into the retry status list and the budget into a limit', () => {
    const classes = '    isRetryable: true\n    responseClasses:\n    - {condition: {status: {min: 500, max: 504}}, isFailure: true}\n    - {condition: {status: {min: 429, max: 429}}, isFailure: true}\n    - {condition: {status: {min: 505}}, isFailure: false}\n';
    const result = migrate(`  retryBudget: {retryRatio: 1.5, minRetriesPerSecond: 10, ttl: 10s}\n${route('/a', classes)}`);
    if (!result.ok) throw new Error(result.reason);
    expect(result.manifests[1]!.metadata).toEqual({ name: 'web-2', namespace: 'shop', annotations: { 'retry.linkerd.io/http': '429,500-504', 'retry.linkerd.io/limit': '2' } });
    expect(result.safe).toBe(false);
  });

  it('refuses when a later, longer route would overtake an earlier one', () => {
    const spec = "  routes:\n  - name: api\n    condition: {pathRegex: '/api(/.*)?'}\n    timeout: 10s\n  - name: orders\n    condition: {pathRegex: /api/orders}\n    timeout: 30s";
    expect(migrate(spec)).toEqual({
      ok: false,
      path: ['spec', 'routes'],
      reason:
        'a request to /api/orders with another method takes route "api" in the profile (timeout 10s and no retries), but the rule of route "orders" in the HTTPRoutes, which is the most specific match there (timeout 30s and no retries)',
    });
  });

  it('allows overlaps where both routes behave the same, or the profile order agrees', () => {
    expect(migrate("  routes:\n  - name: orders\n    condition: {pathRegex: /api/orders}\n    timeout: 30s\n  - name: api\n    condition: {pathRegex: '/api(/.*)?'}\n    timeout: 10s")).toMatchObject({ ok: true });
    expect(migrate("  routes:\n  - name: api\n    condition: {pathRegex: '/api(/.*)?'}\n  - name: orders\n    condition: {pathRegex: /api/orders}")).toMatchObject({ ok: true });
  });

  it('refuses a tie between two HTTPRoutes, whose order depends on creation time', () => {
    const spec = '  routes:\n  - name: root\n    condition: {pathRegex: /}\n    isRetryable: true';
    expect(migrate(spec)).toMatchObject({ ok: false, reason: expect.stringContaining('ties with rules of another HTTPRoute, and which wins depends on creation time') });
  });

  it('writes dstOverrides as weighted backendRefs on every rule', () => {
    const result = migrate('  dstOverrides:\n  - {authority: web-v1.shop.svc.cluster.local:80, weight: 750m}\n  - {authority: web-v2.shop.svc.cluster.local, weight: 250m}');
    expect(rulesOf(result)).toEqual([[{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web-v1', port: 80, weight: 3 }, { name: 'web-v2', port: 80, weight: 1 }] }]]);
    expect(migrate('  dstOverrides:\n  - {authority: web.other.svc.cluster.local:80, weight: 1}')).toMatchObject({ ok: false, path: ['spec', 'dstOverrides', 0, 'authority'] });
  });

  it('writes a consumer route for a client-namespace profile, unless the Service namespace has its own profile', () => {
    const result = migrate(route('/a'), { namespace: 'client' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.safe).toBe(false);
    expect(result.manifests[0]!.metadata).toEqual({ name: 'web', namespace: 'client' });
    expect((result.manifests[0]!.spec as { parentRefs: unknown }).parentRefs).toEqual([{ group: 'core', kind: 'Service', name: 'web', namespace: 'shop' }]);
    const own = 'apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata: {name: web.shop.svc.cluster.local, namespace: shop}\nspec:\n' + route('/b');
    expect(migrate(route('/a'), { namespace: 'client', extra: own })).toMatchObject({ ok: false, reason: expect.stringContaining('would fall back to ServiceProfile web.shop.svc.cluster.local in shop') });
  });

  it('refuses when another route already attaches to the Service', () => {
    const other = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web-canary, namespace: shop}\nspec: {parentRefs: [{name: web, kind: Service, group: core}], rules: [{}]}';
    expect(migrate(route('/a'), { extra: other })).toMatchObject({ ok: false, reason: 'HTTPRoute web-canary already attaches to Service shop/web and the profile hides it; merge the profile\'s routes into it by hand' });
  });

  it('keeps a profile with opaquePorts and writes v1beta1 on 2.16', () => {
    const result = migrate(`  opaquePorts: ["11211"]\n${route('/a')}`, { version: '2.16' });
    expect(result).toMatchObject({ ok: true, keepProfile: true, safe: true });
    if (result.ok) expect(result.manifests[0]!.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
  });
});

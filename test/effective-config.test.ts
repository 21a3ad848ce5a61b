// The effective outbound configuration: which timeout and retry each route rule gets, and from where, per release.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboundRoutes, policyDurationOf, profileService, routeNames, routesOfParent, ruleTimeoutsRead, shadowingProfile } from '../src/linkerd/effective-config.js';
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

function tree(text: string): ManifestTree {
  return new ManifestTree(parseSource(new SourceFile(join(ROOT, 'e.yaml'), 'e.yaml', text, 'yaml')).resources);
}

function service(annotations: Record<string, string> = {}): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`);
  return ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: cart', '  namespace: shop', ...(lines.length ? ['  annotations:', ...lines] : [])].join('\n');
}

function route(opts: { apiVersion?: string; kind?: string; annotations?: Record<string, string>; rules?: string; parent?: string } = {}): string {
  const lines = Object.entries(opts.annotations ?? {}).map(([k, v]) => `    ${k}: "${v}"`);
  return [
    `apiVersion: ${opts.apiVersion ?? 'gateway.networking.k8s.io/v1'}`,
    `kind: ${opts.kind ?? 'HTTPRoute'}`,
    'metadata:',
    '  name: r',
    '  namespace: shop',
    ...(lines.length ? ['  annotations:', ...lines] : []),
    'spec:',
    '  parentRefs:',
    opts.parent ?? '    - {name: cart, kind: Service, group: core}',
    opts.rules ?? '  rules:\n    - {}',
  ].join('\n');
}

function rulesOf(text: string, version = '2.20') {
  return outboundRoutes(tree(text), target(version), 'cluster.local').map((r) => r.rules.map((rule) => ({
    timeout: rule.timeout && `${rule.timeout.text} from ${rule.timeout.from} (${rule.timeout.source.describe})`,
    ignored: rule.ignored?.why,
    replacedBy: rule.replacedBy,
    retry: rule.retry && `${rule.retry.keys.join('+')} from ${rule.retry.describe}`,
  })));
}

describe('request timeouts', () => {
  it('takes the route annotation over the rule field, and the rule field over the Service', () => {
    const text = `${service({ 'timeout.linkerd.io/request': '9s' })}\n---\n${route({
      annotations: { 'timeout.linkerd.io/request': '1s' },
      rules: '  rules:\n    - timeouts: {request: 2s}',
    })}\n---\n${route({ rules: '  rules:\n    - timeouts: {request: 2s}\n    - {}' }).replace('name: r', 'name: r2')}`;
    expect(rulesOf(text)).toEqual([
      [{ timeout: '1s from route (HTTPRoute r)', ignored: undefined, replacedBy: undefined, retry: undefined }],
      [
        { timeout: '2s from rule (rule 1 of HTTPRoute r2)', ignored: undefined, replacedBy: undefined, retry: undefined },
        { timeout: '9s from parent (Service cart)', ignored: undefined, replacedBy: undefined, retry: undefined },
      ],
    ]);
  });

  it('ignores a Gateway API timeouts.request before 2.20, and falls back to the Service', () => {
    const text = `${service({ 'timeout.linkerd.io/request': '9s' })}\n---\n${route({ rules: '  rules:\n    - timeouts: {request: 2s}' })}`;
    expect(rulesOf(text, '2.19')[0]![0]).toEqual({
      timeout: '9s from parent (Service cart)',
      ignored: 'Linkerd 2.19 ignores on Gateway API HTTPRoutes (it reads it from 2.20)',
      replacedBy: undefined,
      retry: undefined,
    });
    expect(rulesOf(text, '2.20')[0]![0]!.timeout).toBe('2s from rule (rule 1 of HTTPRoute r)');
  });

  it('drops a timeouts.request outside the policy duration syntax', () => {
    const text = `${service()}\n---\n${route({ rules: '  rules:\n    - timeouts: {request: 1m30s}' })}`;
    expect(rulesOf(text)[0]![0]!.ignored).toMatch(/^is not a duration the policy controller parses/);
    expect(rulesOf(text)[0]![0]!.timeout).toBeUndefined();
  });

  it('reads the policy.linkerd.io v1beta3 field on every release, and no annotation before 2.16', () => {
    const r = route({ apiVersion: 'policy.linkerd.io/v1beta3', rules: '  rules:\n    - timeouts: {request: 2s}' });
    const text = `${service({ 'timeout.linkerd.io/request': '9s' })}\n---\n${r}`;
    expect(rulesOf(text, '2.15')[0]![0]!.timeout).toBe('2s from rule (rule 1 of HTTPRoute r)');
    const bare = `${service({ 'timeout.linkerd.io/request': '9s' })}\n---\n${route()}`;
    expect(rulesOf(bare, '2.15')[0]![0]!.timeout).toBeUndefined();
    expect(rulesOf(bare, '2.16')[0]![0]!.timeout).toBe('9s from parent (Service cart)');
  });

  it('lets any route timeout key replace the Service timeouts as a whole', () => {
    const text = `${service({ 'timeout.linkerd.io/request': '9s' })}\n---\n${route({ annotations: { 'timeout.linkerd.io/idle': '1m' } })}`;
    expect(rulesOf(text)[0]![0]).toMatchObject({ timeout: undefined, replacedBy: 'timeout.linkerd.io/idle' });
  });

  it('keeps an explicit zero as a timeout of 0', () => {
    const text = `${service()}\n---\n${route({ rules: '  rules:\n    - timeouts: {request: 0s}' })}`;
    expect(rulesOf(text)[0]![0]!.timeout).toBe('0s from rule (rule 1 of HTTPRoute r)');
  });

  it('says why a field is not read', () => {
    const t = tree(`${route({ kind: 'GRPCRoute' })}\n---\n${route({ apiVersion: 'policy.linkerd.io/v1beta2' })}`);
    expect(t.resources.map((r) => ruleTimeoutsRead(r, target('2.20')))).toEqual([
      { read: false, why: 'GRPCRoutes do not have, so it is dropped' },
      { read: false, why: 'policy.linkerd.io/v1beta2 HTTPRoutes do not have (only v1beta3 does), so it is dropped' },
    ]);
  });
});

describe('outbound routes', () => {
  it('leaves out routes attached only to Servers or Gateways', () => {
    const text = [
      route({ parent: '    - {name: cart-http, kind: Server, group: policy.linkerd.io}' }),
      route({ parent: '    - {name: public}' }),
      route({ parent: '    - {name: cart, kind: Service}' }),
    ].join('\n---\n');
    // A Service parentRef without `group` defaults to the route's own group, which is no Service.
    expect(outboundRoutes(tree(text), target('2.20'), 'cluster.local')).toEqual([]);
  });

  it('reads EgressNetwork parents from 2.17', () => {
    const text = route({ parent: '    - {name: out, kind: EgressNetwork, group: policy.linkerd.io}' });
    expect(outboundRoutes(tree(text), target('2.16'), 'cluster.local')).toHaveLength(0);
    expect(outboundRoutes(tree(text), target('2.17'), 'cluster.local').map((r) => r.parent.describe)).toEqual(['EgressNetwork out']);
  });

  it('finds the shadowing profile by FQDN, only when it has routes or dstOverrides', () => {
    const profile = (spec: string) => `apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata:\n  name: cart.shop.svc.example.org\n  namespace: client\nspec:\n${spec}`;
    expect(shadowingProfile(tree(profile('  routes: [{name: a, condition: {method: GET}}]')), 'cart', 'shop', 'example.org')?.name).toBe('cart.shop.svc.example.org');
    expect(shadowingProfile(tree(profile('  dstOverrides: [{authority: x, weight: 1}]')), 'cart', 'shop', 'example.org')).toBeDefined();
    expect(shadowingProfile(tree(profile('  retryBudget: {retryRatio: 0.2, minRetriesPerSecond: 1, ttl: 10s}')), 'cart', 'shop', 'example.org')).toBeUndefined();
    expect(shadowingProfile(tree(profile('  routes: [{name: a, condition: {method: GET}}]')), 'cart', 'shop', 'cluster.local')).toBeUndefined();
    const text = `${service()}\n---\n${profile('  routes: [{name: a, condition: {method: GET}}]').replace('example.org', 'cluster.local')}\n---\n${route()}`;
    expect(outboundRoutes(tree(text), target('2.20'), 'cluster.local')[0]!.parent.profile?.name).toBe('cart.shop.svc.cluster.local');
  });

  it('asks each profile name once per tree: a second Service of that name in another namespace gets its own answer', () => {
    const profile = (namespace: string, spec: string) =>
      `apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata:\n  name: cart.${namespace}.svc.cluster.local\n  namespace: ${namespace}\nspec:\n${spec}`;
    const t = tree([profile('shop', '  retryBudget: {retryRatio: 0.2}'), profile('shop', '  routes: [{name: a, condition: {method: GET}}]'), profile('shop2', '  retryBudget: {retryRatio: 0.2}')].join('\n---\n'));
    const shop = t.named('ServiceProfile', 'shop', 'cart.shop.svc.cluster.local')[1];
    expect(shadowingProfile(t, 'cart', 'shop', 'cluster.local')).toBe(shop);
    expect(shadowingProfile(t, 'cart', 'shop2', 'cluster.local')).toBeUndefined();
    expect(shadowingProfile(t, 'cart', 'shop', 'cluster.local')).toBe(shop);
  });

  it('lists the routes of each parent in input order, once per parent, with their distinct names', () => {
    const other = (name: string, parent: string) => route({ parent }).replace('  name: r', `  name: ${name}`);
    const text = [
      service(),
      route(),
      other('s', '    - {name: cart, namespace: shop2, kind: Service, group: core}'),
      route(),
      other('e', '    - {name: cart, kind: EgressNetwork, group: policy.linkerd.io}'),
      other('t', '    - {name: cart, kind: Service, group: core}'),
    ].join('\n---\n');
    const t = tree(text);
    const shop = routesOfParent(t, target('2.20'), 'cluster.local', 'Service', 'shop', 'cart');
    expect(shop.map((r) => r.describe)).toEqual(['HTTPRoute r', 'HTTPRoute r', 'HTTPRoute t']);
    expect(routeNames(shop)).toEqual(['HTTPRoute r', 'HTTPRoute t']);
    expect(routesOfParent(t, target('2.20'), 'cluster.local', 'Service', 'shop', 'cart')).toBe(shop);
    expect(routesOfParent(t, target('2.20'), 'cluster.local', 'Service', 'shop2', 'cart').map((r) => r.describe)).toEqual(['HTTPRoute s']);
    expect(routesOfParent(t, target('2.20'), 'cluster.local', 'EgressNetwork', 'shop', 'cart').map((r) => r.describe)).toEqual(['HTTPRoute e']);
    expect(routesOfParent(t, target('2.20'), 'cluster.local', 'Service', undefined, 'cart')).toEqual([]);
  });

  it('reads the balancer failure-accrual mode the target knows', () => {
    const text = `${service({ 'balancer.linkerd.io/failure-accrual': 'unified' })}\n---\n${route()}`;
    expect(outboundRoutes(tree(text), target('2.19'), 'cluster.local')[0]!.parent.failureAccrual).toBeUndefined();
    expect(outboundRoutes(tree(text), target('2.20'), 'cluster.local')[0]!.parent.failureAccrual).toBe('unified');
  });
});

describe('retries', () => {
  it('uses the route retry wholesale, else the Service one for the route protocol', () => {
    const svc = service({ 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/grpc': 'unavailable', 'retry.linkerd.io/timeout': '1s' });
    const text = [
      svc,
      route({ annotations: { 'retry.linkerd.io/limit': '3' } }),
      route({ kind: 'GRPCRoute' }).replace('name: r', 'name: g'),
      route({ annotations: { 'retry.linkerd.io/limit': '0' } }).replace('name: r', 'name: z'),
    ].join('\n---\n');
    expect(rulesOf(text).map((r) => r[0]!.retry)).toEqual([
      'retry.linkerd.io/limit from HTTPRoute r',
      // A zero limit is unset, so the Service retry applies.
      'retry.linkerd.io/timeout+retry.linkerd.io/http from Service cart',
      // HTTPRoutes come first, then GRPCRoutes.
      'retry.linkerd.io/timeout+retry.linkerd.io/grpc from Service cart',
    ]);
  });

  it('reads no retry annotation before 2.16 and none that does not parse', () => {
    const text = `${service({ 'retry.linkerd.io/http': '5xx' })}\n---\n${route()}`;
    expect(rulesOf(text, '2.15')[0]![0]!.retry).toBeUndefined();
    const bad = `${service({ 'retry.linkerd.io/http': '5xx, 429' })}\n---\n${route()}`;
    expect(rulesOf(bad)[0]![0]!.retry).toBeUndefined();
  });

  it('carries the limit and the condition list the proxy gets', () => {
    const text = `${service({ 'retry.linkerd.io/http': '5xx,429', 'retry.linkerd.io/limit': '7' })}\n---\n${route()}`;
    const retry = outboundRoutes(tree(text), target('2.20'), 'cluster.local')[0]!.rules[0]!.retry;
    expect(retry).toMatchObject({ limit: 7, conditions: '5xx,429', from: 'parent' });
    const zero = `${service({ 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '0' })}\n---\n${route()}`;
    expect(outboundRoutes(tree(zero), target('2.20'), 'cluster.local')[0]!.rules[0]!.retry?.limit).toBeUndefined();
  });
});

describe('route kinds by release', () => {
  it('reads policy.linkerd.io HTTPRoutes from 2.13, Gateway API HTTPRoutes from 2.14 and GRPCRoutes from 2.16', () => {
    const text = [
      service(),
      route({ apiVersion: 'policy.linkerd.io/v1beta2' }).replace('name: r', 'name: p'),
      route().replace('name: r', 'name: h'),
      route({ kind: 'GRPCRoute' }).replace('name: r', 'name: g'),
    ].join('\n---\n');
    const names = (v: string) => outboundRoutes(tree(text), target(v), 'cluster.local').map((r) => r.describe);
    expect(names('2.12')).toEqual([]);
    expect(names('2.13')).toEqual(['HTTPRoute p']);
    expect(names('2.15')).toEqual(['HTTPRoute p', 'HTTPRoute h']);
    expect(names('2.16')).toEqual(['HTTPRoute p', 'HTTPRoute h', 'GRPCRoute g']);
  });

  it('builds the model once per tree and target', () => {
    const t = tree(`${service()}\n---\n${route()}`);
    expect(outboundRoutes(t, target('2.20'), 'cluster.local')).toBe(outboundRoutes(t, target('2.20'), 'cluster.local'));
    expect(outboundRoutes(t, target('2.19'), 'cluster.local')).not.toBe(outboundRoutes(t, target('2.20'), 'cluster.local'));
  });
});

describe('profileService', () => {
  const profile = (name: string) => tree(`apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nmetadata: {name: ${name}, namespace: shop}\nspec: {}`).ofKind('ServiceProfile')[0]!;

  it('reads the Service from <service>.<namespace>.svc.<clusterDomain>', () => {
    expect(profileService(profile('cart.shop.svc.cluster.local'), 'cluster.local')).toEqual({ service: 'cart', namespace: 'shop' });
    expect(profileService(profile('cart.shop.svc.corp.example'), 'corp.example')).toEqual({ service: 'cart', namespace: 'shop' });
  });

  it('is undefined for other names', () => {
    expect(profileService(profile('cart.shop.svc.cluster.local'), 'corp.example')).toBeUndefined();
    expect(profileService(profile('cart'), 'cluster.local')).toBeUndefined();
    expect(profileService(profile('a.cart.shop.svc.cluster.local'), 'cluster.local')).toBeUndefined();
  });
});

describe('policyDurationOf', () => {
  it.each([
    ['1m30s', '90s', 90_000],
    ['1.5s', '1500ms', 1500],
    ['1.1s', '1100ms', 1100],
    ['300ms', '300ms', 300],
    ['2h', '2h', 7_200_000],
    ['48h', '2d', 172_800_000],
    ['10s', '10s', 10_000],
    ['0s', '0s', 0],
  ])('writes the Go duration %s as %s', (go, text, ms) => {
    expect(policyDurationOf(go)).toEqual({ ok: true, text, ms });
  });

  it.each([
    ['100us', 'is not a whole number of milliseconds, which is the finest unit of the policy duration syntax'],
    ['-1s', 'is negative'],
    ['10', 'is not a Go duration'],
  ])('has no policy duration for %s', (go, why) => {
    expect(policyDurationOf(go)).toEqual({ ok: false, why });
  });
});

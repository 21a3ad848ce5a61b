import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { placesFor, readByTarget } from '../src/linkerd/annotation-sites.js';
import { KEYS, LINKERD_PREFIXES, linkerdPrefixOf, similarKeys } from '../src/linkerd/annotations.js';
import { nativeSidecarOn } from '../src/linkerd/native-sidecar.js';
import { type LinkerdTarget, parseLinkerdVersion } from '../src/linkerd/releases.js';
import { sharedPath } from './helpers.js';

function target(v: string): LinkerdTarget {
  const t = parseLinkerdVersion(v);
  if ('error' in t) throw new Error(t.error);
  return t;
}

describe('annotation catalog', () => {
  it('holds only keys under a Linkerd prefix, with consistent releases', () => {
    for (const info of KEYS.values()) {
      expect(linkerdPrefixOf(info.key), info.key).toBeDefined();
      if (info.since && info.removedIn) expect(Number(info.since.slice(2))).toBeLessThan(Number(info.removedIn.slice(2)));
      if (info.deprecated) expect(KEYS.has(info.deprecated.use), info.deprecated.use).toBe(true);
      if (!info.written) expect(info.places.length, info.key).toBeGreaterThan(0);
    }
    expect(LINKERD_PREFIXES.every((p) => p.endsWith('.io/'))).toBe(true);
  });

  it('knows every key LINKERD-FACTS §2 names, where ../shared exists', () => {
    const facts = sharedPath('reference', 'LINKERD-FACTS.md');
    if (!facts) return;
    const text = readFileSync(facts, 'utf8');
    const section = text.slice(text.indexOf('\n## 2.'), text.indexOf('\n### 2.7'));
    const named = new Set([...section.matchAll(/`([a-z.]*linkerd\.io\/[a-z0-9-]+)`/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(60);
    expect([...named].filter((k) => !KEYS.has(k))).toEqual([]);
  });

  it('knows none of the invented keys that no Linkerd release reads', () => {
    for (const k of ['linkerd.io/proxy-retry-budget', 'config.linkerd.io/proxy-retry-budget', 'retry.linkerd.io/budget', 'timeout.linkerd.io/backend']) {
      expect(KEYS.has(k), k).toBe(false);
    }
  });

  it('reads keys only in their releases', () => {
    const info = (k: string) => KEYS.get(k)!;
    expect(readByTarget(info('config.linkerd.io/init-image'), target('2.19'))).toBe(true);
    expect(readByTarget(info('config.linkerd.io/init-image'), target('edge-26.8.3'))).toBe(false);
    expect(readByTarget(info('retry.linkerd.io/http'), target('2.15'))).toBe(false);
    expect(readByTarget(info('retry.linkerd.io/http'), target('edge-24.8.2'))).toBe(true);
    expect(readByTarget(info('config.linkerd.io/disable-identity'), target('2.11'))).toBe(true);
    expect(readByTarget(info('config.linkerd.io/disable-identity'), target('2.12'))).toBe(false);
  });

  it('places the beta native-sidecar key on Namespaces only in 2.19', () => {
    const beta = KEYS.get('config.beta.linkerd.io/proxy-enable-native-sidecar')!;
    expect(placesFor(beta, target('2.19'))).toEqual(['pod', 'namespace']);
    expect(placesFor(beta, target('2.20'))).toEqual(['pod']);
  });
});

describe('similarKeys', () => {
  it('suggests the one close key for a typo', () => {
    expect(similarKeys('config.linkerd.io/proxy-cpu-limt')).toEqual(['config.linkerd.io/proxy-cpu-limit']);
    expect(similarKeys('linkerd.io/injct')).toEqual(['linkerd.io/inject']);
    expect(similarKeys('balancer.linkerd.io/failure-accrual-consecutive-max-failure')).toEqual([
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures',
    ]);
  });
  it('suggests the same name under another Linkerd prefix', () => {
    expect(similarKeys('linkerd.io/proxy-cpu-limit')).toEqual(['config.linkerd.io/proxy-cpu-limit']);
    expect(similarKeys('config.linkerd.io/disable-tap')).toEqual(['viz.linkerd.io/disable-tap']);
  });
  it('lists every close key, closest first, and nothing for inventions', () => {
    expect(similarKeys('config.linkerd.io/proxy-gids')).toEqual(['config.linkerd.io/proxy-gid', 'config.linkerd.io/proxy-uid']);
    expect(similarKeys('linkerd.io/proxy-retry-budget')).toEqual([]);
  });
});

describe('nativeSidecarOn', () => {
  const t20 = target('2.20');
  const t19 = target('2.19');
  it('defaults to on from 2.20 and off before', () => {
    expect(nativeSidecarOn(undefined, undefined, t20)).toBe(true);
    expect(nativeSidecarOn(undefined, undefined, t19)).toBe(false);
  });
  it('follows the key precedence and ignores values ParseBool refuses', () => {
    const alphaOn = { 'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'true' };
    expect(nativeSidecarOn({ ...alphaOn, 'config.beta.linkerd.io/proxy-enable-native-sidecar': 'false' }, undefined, t19)).toBe(false);
    expect(nativeSidecarOn({ 'config.linkerd.io/proxy-enable-native-sidecar': 'no', ...alphaOn }, undefined, t19)).toBe(true);
    expect(nativeSidecarOn({ 'config.linkerd.io/proxy-enable-native-sidecar': 'false' }, undefined, t20)).toBe(false);
    // 2.19 does not read the canonical key yet.
    expect(nativeSidecarOn({ 'config.linkerd.io/proxy-enable-native-sidecar': 'false', ...alphaOn }, undefined, t19)).toBe(true);
  });
  it('inherits from the namespace, except the beta key on 2.20', () => {
    expect(nativeSidecarOn({}, { 'config.linkerd.io/proxy-enable-native-sidecar': 'false' }, t20)).toBe(false);
    expect(nativeSidecarOn({}, { 'config.beta.linkerd.io/proxy-enable-native-sidecar': 'false' }, t20)).toBe(true);
    expect(nativeSidecarOn({}, { 'config.beta.linkerd.io/proxy-enable-native-sidecar': 'true' }, t19)).toBe(true);
  });
});

// The opaque-ports list that applies to a pod or Service: its own annotation, its
// Namespace's, or the install default of the target release.
import { describe, expect, it } from 'vitest';
import { appProtocolOpaque, defaultOpaquePorts, effectiveOpaquePorts, opaquePortsIn } from '../src/linkerd/opaque-ports.js';
import { parseLinkerdVersion, type LinkerdTarget } from '../src/linkerd/releases.js';
import { parseSource } from '../src/load/parse.js';
import { annotationsAt } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';

function parse(text: string): Resource {
  return parseSource(new SourceFile('/t/a.yaml', 't/a.yaml', text, 'yaml')).resources[0]!;
}

function target(v: string): LinkerdTarget {
  return parseLinkerdVersion(v) as LinkerdTarget;
}

const service = (annotations: string) =>
  parse(`apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  namespace: shop\n  annotations: {${annotations}}\n`);
const namespace = (annotations: string) => parse(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {${annotations}}\n`);
const site = (r: Resource) => ({ resource: r, annotations: annotationsAt(r.value), annotationsPath: ['metadata', 'annotations'] });
const none = new Map<string, number>();

describe('defaultOpaquePorts', () => {
  it('follows proxy.opaquePorts of each release: 443 dropped and 4444, 6379, 9300 added in 2.11', () => {
    expect(defaultOpaquePorts(target('2.10'))).toEqual([25, 443, 587, 3306, 5432, 11211]);
    expect(defaultOpaquePorts(target('2.11'))).toEqual([25, 587, 3306, 4444, 5432, 6379, 9300, 11211]);
    expect(defaultOpaquePorts(target('2.20'))).toEqual([25, 587, 3306, 4444, 5432, 6379, 9300, 11211]);
  });
});

describe('opaquePortsIn', () => {
  it('reads numbers, ranges and names it can resolve, and skips the rest', () => {
    const names = new Map([['postgres', 5432]]);
    expect([...opaquePortsIn('8443, 9000-9002,postgres,unknown,x-1', names)].sort()).toEqual([5432, 8443, 9000, 9001, 9002]);
  });
});

describe('effectiveOpaquePorts', () => {
  it('takes the resource\'s own annotation, which replaces the default list', () => {
    const list = effectiveOpaquePorts(site(service('config.linkerd.io/opaque-ports: "8443"')), namespace('config.linkerd.io/opaque-ports: "5432"'), target('2.20'), none);
    expect(list).toMatchObject({ from: 'own', value: '8443', path: ['metadata', 'annotations', 'config.linkerd.io/opaque-ports'] });
    expect([...list.ports]).toEqual([8443]);
  });

  it('counts an empty own annotation as a list with no ports', () => {
    const list = effectiveOpaquePorts(site(service('config.linkerd.io/opaque-ports: ""')), undefined, target('2.20'), none);
    expect(list.from).toBe('own');
    expect(list.ports.size).toBe(0);
  });

  it('inherits the Namespace\'s annotation, else the release default', () => {
    const ns = namespace('config.linkerd.io/opaque-ports: "9000"');
    const inherited = effectiveOpaquePorts(site(service('')), ns, target('2.20'), none);
    expect(inherited).toMatchObject({ from: 'namespace', value: '9000', resource: ns });
    expect([...inherited.ports]).toEqual([9000]);
    const fallback = effectiveOpaquePorts(site(service('')), namespace(''), target('2.10'), none);
    expect(fallback.from).toBe('default');
    expect([...fallback.ports]).toEqual([25, 443, 587, 3306, 5432, 11211]);
  });
});

describe('appProtocolOpaque', () => {
  it('is read from 2.18: http and h2c are detected, anything else is opaque, case-insensitively', () => {
    expect(appProtocolOpaque('HTTP', target('2.18'))).toBe(false);
    expect(appProtocolOpaque('kubernetes.io/h2c', target('2.20'))).toBe(false);
    expect(appProtocolOpaque('grpc', target('2.18'))).toBe(true);
    expect(appProtocolOpaque('linkerd.io/opaque', target('2.19'))).toBe(true);
    expect(appProtocolOpaque('mysql', target('2.17'))).toBeUndefined();
    expect(appProtocolOpaque(undefined, target('2.20'))).toBeUndefined();
  });
});

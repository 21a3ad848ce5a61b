// The workload model: what pods declare, and which port a Server's `port` selects on them per release.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { proxyPortsOf } from '../src/linkerd/injection.js';
import { type LinkerdTarget, parseLinkerdVersion } from '../src/linkerd/releases.js';
import {
  type ProxyView,
  type Workload,
  WorkloadModel,
  isRuntimePodLabel,
  proxyViewOf,
  serverPortOn,
  serverPortOnExternal,
} from '../src/linkerd/workloads.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { ManifestTree } from '../src/model/tree.js';
import { ROOT } from './helpers.js';

function target(v: string): LinkerdTarget {
  const t = parseLinkerdVersion(v);
  if ('error' in t) throw new Error(t.error);
  return t;
}

function model(text: string): { model: WorkloadModel; tree: ManifestTree } {
  const tree = new ManifestTree(parseSource(new SourceFile(join(ROOT, 'w.yaml'), 'w.yaml', text, 'yaml')).resources);
  return { model: new WorkloadModel(tree), tree };
}

const POD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
      annotations: {linkerd.io/inject: enabled}
    spec:
      initContainers:
        - name: agent
          restartPolicy: Always
          ports: [{name: metrics, containerPort: 9100}]
          readinessProbe: {httpGet: {port: 9101}}
      containers:
        - name: web
          ports:
            - {name: http, containerPort: 8080}
            - {name: dns, containerPort: 5353, protocol: UDP}
          readinessProbe: {httpGet: {port: 8081}}
          livenessProbe: {httpGet: {port: http}}
          startupProbe: {httpGet: {port: 8082}}
`;

function web(): Workload {
  return model(POD).model.workloads[0]!;
}

const classic: ProxyView = { injected: true, nativeSidecar: false, inbound: 4143, admin: 4191 };
const native: ProxyView = { ...classic, nativeSidecar: true };
const none: ProxyView = { ...classic, injected: false };

describe('workload model', () => {
  it('reads probe ports given as numbers, from readiness and liveness probes only', () => {
    expect(web().probePorts).toEqual([
      { port: 8081, container: 'web', init: false },
      { port: 9101, container: 'agent', init: true },
    ]);
  });

  it('reads ExternalWorkloads with their labels and ports, and selects them', () => {
    const { model: m } = model(`apiVersion: workload.linkerd.io/v1beta1
kind: ExternalWorkload
metadata: {name: vm, namespace: mixed, labels: {app: legacy}}
spec:
  ports: [{port: 80, name: http}, {port: 53, name: dns, protocol: UDP}]
`);
    expect(m.externalWorkloads.map((w) => [w.resource.name, w.labels, w.ports])).toEqual([
      ['vm', { app: 'legacy' }, [{ port: 80, name: 'http', protocol: 'TCP' }, { port: 53, name: 'dns', protocol: 'UDP' }]],
    ]);
    expect(m.hasExternalWorkloads('mixed')).toBe(true);
    expect(m.hasExternalWorkloads('shop')).toBe(false);
    expect(m.selectExternalWorkloads('mixed', { matchLabels: { app: 'legacy' } })).toHaveLength(1);
    expect(m.selectExternalWorkloads('mixed', { matchLabels: { app: 'web' } })).toHaveLength(0);
    const vm = m.externalWorkloads[0]!;
    expect(serverPortOnExternal(vm, 'http')).toBe(true);
    expect(serverPortOnExternal(vm, 'dns')).toBe(false);
    expect(serverPortOnExternal(vm, 9999)).toBe(true);
  });

  it('knows the labels pods get at runtime', () => {
    expect(isRuntimePodLabel('linkerd.io/workload-ns')).toBe(true);
    expect(isRuntimePodLabel('pod-template-hash')).toBe(true);
    expect(isRuntimePodLabel('app')).toBe(false);
  });
});

describe('serverPortOn', () => {
  const t = (v: string) => target(v);

  it('selects declared TCP port names and numbers of regular containers', () => {
    expect(serverPortOn(web(), 'http', classic, t('2.17'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 8080, classic, t('2.17'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 5353, classic, t('2.17'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 'dns', classic, t('2.17'))).toEqual({ kind: 'none' });
    expect(serverPortOn(web(), 'grpc', classic, t('2.17'))).toEqual({ kind: 'none' });
    expect(serverPortOn(web(), 9090, classic, t('2.17'))).toEqual({ kind: 'none' });
  });

  it('counts probe ports given as numbers from 2.12, and not startup probes', () => {
    expect(serverPortOn(web(), 8081, classic, t('2.12'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 8081, classic, t('2.11'))).toEqual({ kind: 'none' });
    expect(serverPortOn(web(), 8082, classic, t('2.20'))).toEqual({ kind: 'none' });
  });

  it('counts the proxy ports on pods that may be injected', () => {
    expect(serverPortOn(web(), 'linkerd-admin', classic, t('2.17'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 4191, classic, t('2.17'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 4143, none, t('2.17'))).toEqual({ kind: 'none' });
    expect(serverPortOn(web(), 'linkerd-proxy', none, t('2.17'))).toEqual({ kind: 'none' });
    expect(serverPortOn(web(), 5191, { ...classic, admin: 5191 }, t('2.17'))).toEqual({ kind: 'selected' });
  });

  it('hides the proxy port names of a native sidecar on 2.15–2.18 only', () => {
    expect(serverPortOn(web(), 'linkerd-admin', native, t('2.15'))).toEqual({ kind: 'proxyNativeSidecar', number: 4191 });
    expect(serverPortOn(web(), 'linkerd-proxy', native, t('2.18'))).toEqual({ kind: 'proxyNativeSidecar', number: 4143 });
    expect(serverPortOn(web(), 'linkerd-admin', native, t('2.19'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 4191, native, t('2.18'))).toEqual({ kind: 'selected' });
  });

  it('counts ports that only init containers declare from 2.20', () => {
    expect(serverPortOn(web(), 'metrics', classic, t('2.19'))).toEqual({ kind: 'initOnly', containers: ['agent'] });
    expect(serverPortOn(web(), 9100, classic, t('2.19'))).toEqual({ kind: 'initOnly', containers: ['agent'] });
    expect(serverPortOn(web(), 9101, classic, t('2.19'))).toEqual({ kind: 'initOnly', containers: ['agent'] });
    expect(serverPortOn(web(), 'metrics', classic, t('2.20'))).toEqual({ kind: 'selected' });
    expect(serverPortOn(web(), 9100, classic, t('2.20'))).toEqual({ kind: 'selected' });
  });
});

describe('proxyViewOf', () => {
  it('reads injection, native sidecars and port overrides from the pod and its Namespace', () => {
    const { model: m, tree } = model(`${POD}---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  annotations:
    config.alpha.linkerd.io/proxy-enable-native-sidecar: "true"
    config.linkerd.io/proxy-inbound-port: "5143"
`);
    expect(proxyViewOf(m.workloads[0]!, tree.namespace('shop'), target('2.17'))).toEqual({
      injected: true,
      nativeSidecar: true,
      inbound: 5143,
      admin: 4191,
    });
  });

  it('takes a pod rendered with its proxy as an init container for a native sidecar', () => {
    const { model: m } = model(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  initContainers: [{name: linkerd-proxy, restartPolicy: Always}]
  containers: [{name: app}]
`);
    expect(proxyViewOf(m.workloads[0]!, undefined, target('2.17'))).toMatchObject({ injected: true, nativeSidecar: true });
  });
});

describe('proxyPortsOf', () => {
  it('prefers the pod annotation, ignores values Go cannot parse, and falls back to the defaults', () => {
    expect(proxyPortsOf(undefined, undefined)).toEqual({ inbound: 4143, admin: 4191 });
    expect(proxyPortsOf({ 'config.linkerd.io/proxy-admin-port': '5191' }, { 'config.linkerd.io/proxy-admin-port': '6191' })).toEqual({
      inbound: 4143,
      admin: 5191,
    });
    expect(proxyPortsOf({}, { 'config.linkerd.io/proxy-admin-port': '6191' })).toEqual({ inbound: 4143, admin: 6191 });
    // The injector ignores a value it cannot parse and keeps the install's port, not the Namespace's.
    expect(proxyPortsOf({ 'config.linkerd.io/proxy-admin-port': 'x' }, { 'config.linkerd.io/proxy-admin-port': '6191' })).toEqual({
      inbound: 4143,
      admin: 4191,
    });
  });
});

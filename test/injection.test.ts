// What a pod asks of the injector, which pods the webhook sees, and how a pod's
// injection-time settings come from its own annotations or its Namespace's.
import { describe, expect, it } from 'vitest';
import { effectiveDefaultPolicy } from '../src/linkerd/inbound-policy.js';
import { carriesProxy, injectionRequest, mayBeMeshed, webhookSkips } from '../src/linkerd/injection.js';
import { effectiveAnnotation, sameNamespace } from '../src/linkerd/pod-config.js';
import { parseLinkerdVersion, type LinkerdTarget } from '../src/linkerd/releases.js';
import { parseSource } from '../src/load/parse.js';
import { annotationsAt, podTemplateOf } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import { SourceFile } from '../src/model/source.js';

function parse(text: string, path = '/t/a.yaml'): Resource[] {
  return parseSource(new SourceFile(path, path.slice(1), text, 'yaml')).resources;
}

function target(v: string): LinkerdTarget {
  return parseLinkerdVersion(v) as LinkerdTarget;
}

const ns = (annotations: string, labels = '') =>
  parse(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {${annotations}}\n  labels: {${labels}}\n`)[0]!;

describe('injectionRequest', () => {
  it('follows the webhook truth table: the pod decides, else an enabling Namespace', () => {
    expect(injectionRequest({ 'linkerd.io/inject': 'enabled' }, ns(''))).toEqual({ value: 'enabled', from: 'pod' });
    expect(injectionRequest({}, ns('linkerd.io/inject: ingress'))).toEqual({ value: 'ingress', from: 'namespace' });
    expect(injectionRequest({ 'linkerd.io/inject': 'enabled' }, ns('linkerd.io/inject: ingress'))).toEqual({ value: 'enabled', from: 'pod' });
    expect(injectionRequest({ 'linkerd.io/inject': 'disabled' }, ns('linkerd.io/inject: enabled'))).toBeUndefined();
    expect(injectionRequest({ 'linkerd.io/inject': 'ingress' }, ns('linkerd.io/inject: disabled'))).toEqual({ value: 'ingress', from: 'pod' });
    expect(injectionRequest({}, ns('linkerd.io/inject: disabled'))).toBeUndefined();
    expect(injectionRequest({}, ns(''))).toBeUndefined();
  });

  it('refuses on an invalid value on either side, the Namespace\'s too', () => {
    expect(injectionRequest({ 'linkerd.io/inject': 'true' }, ns('linkerd.io/inject: enabled'))).toBeUndefined();
    expect(injectionRequest({ 'linkerd.io/inject': 'enabled' }, ns('linkerd.io/inject: "yes"'))).toBeUndefined();
    expect(injectionRequest({ 'linkerd.io/inject': true }, undefined)).toBeUndefined();
  });

  it('takes an empty value as none, and an unknown Namespace as unknown', () => {
    expect(injectionRequest({ 'linkerd.io/inject': '' }, ns('linkerd.io/inject: enabled'))).toEqual({ value: 'enabled', from: 'namespace' });
    expect(injectionRequest({ 'linkerd.io/inject': null }, undefined)).toBe('unknown');
    expect(injectionRequest(undefined, undefined)).toBe('unknown');
    expect(injectionRequest({ 'linkerd.io/inject': 'ingress' }, undefined)).toEqual({ value: 'ingress', from: 'pod' });
    expect(injectionRequest({ 'linkerd.io/inject': 'disabled' }, undefined)).toBeUndefined();
  });
});

describe('webhookSkips', () => {
  it('knows the namespace label in every release, names and pod labels from 2.12', () => {
    const labelled = ns('', 'config.linkerd.io/admission-webhooks: disabled');
    expect(webhookSkips({}, { name: 'shop', resource: labelled }, target('2.10'))).toBe('namespace-label');
    expect(webhookSkips({}, { name: 'cert-manager', resource: undefined }, target('2.12'))).toBe('namespace-name');
    expect(webhookSkips({}, { name: 'kube-system', resource: undefined }, target('2.11'))).toBeUndefined();
    expect(webhookSkips({ 'linkerd.io/control-plane-component': 'destination' }, { name: 'x', resource: undefined }, target('2.20'))).toBe('pod-label');
    expect(webhookSkips({ 'linkerd.io/cni-resource': 'true' }, { name: 'x', resource: undefined }, target('2.11'))).toBeUndefined();
    expect(webhookSkips({}, { name: 'shop', resource: ns('') }, target('2.20'))).toBeUndefined();
  });
});

describe('mayBeMeshed', () => {
  const [meshed, hostNetwork, manual, skipped] = parse(`apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop, annotations: {linkerd.io/inject: enabled}}
spec: {containers: [{name: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop, annotations: {linkerd.io/inject: enabled}}
spec: {hostNetwork: true, containers: [{name: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: kube-system}
spec: {initContainers: [{name: linkerd-proxy, restartPolicy: Always}], containers: [{name: app}]}
---
apiVersion: v1
kind: Pod
metadata: {name: d, namespace: kube-system, annotations: {linkerd.io/inject: enabled}}
spec: {containers: [{name: app}]}
`);
  const t = target('2.20');
  it('is false only for pods that certainly get no proxy', () => {
    expect(mayBeMeshed(meshed!, { value: meshed!.value }, undefined, t)).toBe(true);
    expect(mayBeMeshed(hostNetwork!, { value: hostNetwork!.value }, undefined, t)).toBe(false);
    expect(mayBeMeshed(manual!, { value: manual!.value }, undefined, t)).toBe(true);
    expect(mayBeMeshed(skipped!, { value: skipped!.value }, undefined, t)).toBe(false);
    expect(mayBeMeshed(skipped!, { value: skipped!.value }, undefined, target('2.11'))).toBe(true);
  });

  it('finds a proxy carried as a container or a native sidecar', () => {
    expect([carriesProxy(meshed!.value.spec as Record<string, unknown>), carriesProxy(manual!.value.spec as Record<string, unknown>), carriesProxy(undefined)]).toEqual([false, true, false]);
  });
});

describe('pod configuration', () => {
  const [deploy] = parse(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      annotations:
        config.linkerd.io/skip-inbound-ports: ""
        config.linkerd.io/default-inbound-policy: allow
`);
  const site = { resource: deploy!, templatePath: ['spec', 'template'], annotations: annotationsAt(podTemplateOf(deploy!)!.value) };
  const namespace = ns('config.linkerd.io/skip-inbound-ports: "8080", config.linkerd.io/default-inbound-policy: deny, config.linkerd.io/admin-port: "5000"');

  it('keeps the pod\'s own value, an empty one too, and inherits the rest', () => {
    expect(effectiveAnnotation('config.linkerd.io/skip-inbound-ports', site, namespace)).toMatchObject({ value: '', from: 'pod', path: ['spec', 'template', 'metadata', 'annotations', 'config.linkerd.io/skip-inbound-ports'] });
    expect(effectiveAnnotation('config.linkerd.io/admin-port', site, namespace)).toMatchObject({ value: '5000', from: 'namespace', resource: namespace });
    expect(effectiveAnnotation('config.linkerd.io/admin-port', site, undefined)).toBeUndefined();
  });

  it('leaves the install default when the pod\'s own policy is invalid, not the Namespace\'s', () => {
    expect(effectiveDefaultPolicy(site, namespace)).toBeUndefined();
    expect(effectiveDefaultPolicy({ ...site, annotations: {} }, namespace)).toMatchObject({ value: 'deny', from: 'namespace' });
  });

  it('puts resources without a namespace together only within one directory', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n';
    const [a] = parse(doc, '/repo/app/a.yaml');
    const [b] = parse(doc, '/repo/app/b.yaml');
    const [c] = parse(doc, '/repo/policy/c.yaml');
    const [d] = parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: shop}\n', '/repo/policy/d.yaml');
    expect([sameNamespace(a!, b!), sameNamespace(a!, c!), sameNamespace(c!, d!), sameNamespace(d!, d!)]).toEqual([true, false, false, true]);
  });
});

// The workload model and the injection decision that cross-resource rules share.
import { describe, expect, it } from 'vitest';
import { injectionOf } from '../src/linkerd/injection.js';
import { parseLinkerdVersion, type LinkerdTarget } from '../src/linkerd/releases.js';
import { declaresPort, targetPortsOn, workloadModel } from '../src/linkerd/workloads.js';
import { parseSource } from '../src/load/parse.js';
import { ManifestTree } from '../src/model/tree.js';
import { SourceFile } from '../src/model/source.js';

function treeOf(text: string): ManifestTree {
  return new ManifestTree(parseSource(new SourceFile('/t/a.yaml', 'a.yaml', text, 'yaml')).resources);
}

function target(v: string): LinkerdTarget {
  return parseLinkerdVersion(v) as LinkerdTarget;
}

const TREE = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web, tier: front}
      annotations: {linkerd.io/inject: enabled}
    spec:
      serviceAccountName: web-sa
      initContainers:
        - name: sidecar
          restartPolicy: Always
          ports: [{containerPort: 9000, name: side}]
      containers:
        - name: app
          ports:
            - {containerPort: 8080, name: http}
            - {containerPort: 9090, name: metrics}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: job, namespace: shop}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: job}}
        spec:
          containers: [{name: run}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {port: 9090}
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: shop}
spec:
  type: ExternalName
  externalName: example.com
`;

describe('workload model', () => {
  const model = workloadModel(treeOf(TREE));

  it('reads pods from templates with labels, service account and declared ports', () => {
    expect(model.workloads.map((w) => [w.resource.name, w.labels, w.serviceAccount, w.ports.map((p) => `${p.container}:${p.name ?? ''}:${p.port}${p.init ? ' init' : ''}`)])).toEqual([
      ['web', { app: 'web', tier: 'front' }, 'web-sa', ['app:http:8080', 'app:metrics:9090', 'sidecar:side:9000 init']],
      ['job', { app: 'job' }, 'default', []],
    ]);
  });

  it('selects pods by matchLabels and matchExpressions, only in the namespace', () => {
    expect(model.selectWorkloads('shop', { matchLabels: { app: 'web' } }).map((w) => w.resource.name)).toEqual(['web']);
    expect(model.selectWorkloads('shop', { matchExpressions: [{ key: 'app', operator: 'In', values: ['job', 'x'] }] }).map((w) => w.resource.name)).toEqual(['job']);
    expect(model.selectWorkloads('shop', {}).length).toBe(2);
    expect(model.selectWorkloads('other', {}).length).toBe(0);
    expect([model.hasWorkloads('shop'), model.hasWorkloads('other')]).toEqual([true, false]);
  });

  it('resolves Service ports to container ports, named target ports included', () => {
    const svc = model.service('shop', 'web')!;
    const [web] = model.backendsOf(svc);
    expect(web!.resource.name).toBe('web');
    expect(svc.ports.map((p) => targetPortsOn(web!, p))).toEqual([[8080], [9090]]);
    expect(model.backendsOf(model.service('shop', 'external')!)).toEqual([]);
    expect([declaresPort(web!, 'http'), declaresPort(web!, 8080), declaresPort(web!, 'side'), declaresPort(web!, 4143)]).toEqual([true, true, true, false]);
    expect(declaresPort(web!, 'linkerd-proxy', [{ name: 'linkerd-proxy', port: 4143 }])).toBe(true);
  });
});

describe('injection', () => {
  const ns = (annotations: string, labels = '') =>
    treeOf(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {${annotations}}\n  labels: {${labels}}\n`).resources[0];
  const pod = (annotations: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({ annotations, spec });
  const at = (name: string, resource = ns('')) => ({ name, resource });

  it('follows the pod annotation over the namespace, disabled and invalid values meaning no proxy', () => {
    const t = target('2.18');
    expect(injectionOf(pod({ 'linkerd.io/inject': 'enabled' }), at('shop'), t)).toBe('yes');
    expect(injectionOf(pod({}), at('shop', ns('linkerd.io/inject: enabled')), t)).toBe('yes');
    expect(injectionOf(pod({}), at('shop', ns('linkerd.io/inject: ingress')), t)).toBe('yes');
    expect(injectionOf(pod({ 'linkerd.io/inject': 'disabled' }), at('shop', ns('linkerd.io/inject: enabled')), t)).toBe('no');
    expect(injectionOf(pod({ 'linkerd.io/inject': 'true' }), at('shop', ns('linkerd.io/inject: enabled')), t)).toBe('no');
    expect(injectionOf(pod({}), at('shop', ns('linkerd.io/inject: yes')), t)).toBe('no');
    expect(injectionOf(pod({}), { name: 'shop', resource: undefined }, t)).toBe('unknown');
  });

  it('skips namespaces the injector never sees, and host-network pods; a pod with its own proxy is meshed', () => {
    const enabled = pod({ 'linkerd.io/inject': 'enabled' });
    expect(injectionOf(enabled, at('shop', ns('', 'config.linkerd.io/admission-webhooks: disabled')), target('2.18'))).toBe('no');
    expect(injectionOf(enabled, { name: 'kube-system', resource: undefined }, target('2.12'))).toBe('no');
    expect(injectionOf(enabled, { name: 'kube-system', resource: undefined }, target('2.11'))).toBe('yes');
    expect(injectionOf(pod({ 'linkerd.io/inject': 'enabled' }, { hostNetwork: true }), at('shop'), target('2.18'))).toBe('no');
    expect(injectionOf(pod({}, { containers: [{ name: 'linkerd-proxy' }] }), at('shop'), target('2.18'))).toBe('yes');
    expect(injectionOf(pod({}, { initContainers: [{ name: 'linkerd-proxy' }] }), at('shop'), target('2.18'))).toBe('yes');
  });

  it('decides as the webhook does where the pod and namespace values disagree', () => {
    const t = target('2.18');
    // An invalid namespace value refuses injection even for a pod that asks for it.
    expect(injectionOf(pod({ 'linkerd.io/inject': 'enabled' }), at('shop', ns('linkerd.io/inject: on')), t)).toBe('no');
    // An empty value is no value: the namespace decides.
    expect(injectionOf(pod({ 'linkerd.io/inject': '' }), at('shop', ns('linkerd.io/inject: enabled')), t)).toBe('yes');
    // The injector's objectSelector leaves Linkerd's own pods out from 2.12.
    const controlPlane = { annotations: { 'linkerd.io/inject': 'enabled' }, labels: { 'linkerd.io/control-plane-component': 'destination' }, spec: {} };
    expect(injectionOf(controlPlane, at('shop'), t)).toBe('no');
    expect(injectionOf(controlPlane, at('shop'), target('2.11'))).toBe('yes');
  });
});

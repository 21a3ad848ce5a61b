// Two of Kyverno's published Linkerd policies (github.com/kyverno/policies, linkerd/) as
// plugin rules, where a rule can do what a CEL policy cannot: offer a fix. Both judge pods
// and the pod templates of the workloads that create them, as Kyverno's pod rules do.
import { defineRule } from 'linkerd-lint';

const SKIP_ANNOTATIONS = ['config.linkerd.io/skip-inbound-ports', 'config.linkerd.io/skip-outbound-ports'];
const WORKLOADS = ['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'];

/** Where a resource's pod metadata is: the Pod's own, a CronJob's job template's, or the workload's template's. */
function podMetadataPath(resource) {
  if (resource.kind === 'Pod') return ['metadata'];
  if (resource.kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'metadata'];
  return ['spec', 'template', 'metadata'];
}

function valueAt(value, path) {
  return path.reduce((v, key) => (v !== null && typeof v === 'object' ? v[key] : undefined), value);
}

const noPortSkipping = defineRule({
  meta: {
    id: 'no-port-skipping',
    description: 'Disallow pods that skip inbound or outbound ports, which exempts them from mTLS',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    kinds: WORKLOADS,
    messages: {
      skipped: '{{annotation}} exempts these ports from mTLS and policy; pods may not skip ports',
    },
    docs: {
      why: "Traffic on a skipped port bypasses the proxy: it is neither encrypted nor authorized by Linkerd's policy. Kyverno's prevent-linkerd-port-skipping forbids the two annotations.",
      howToFix: 'Remove the annotation, and mark the ports opaque (config.linkerd.io/opaque-ports) if the proxy cannot detect their protocol.',
      fixSafety: 'Unsafe: removing the annotation sends the traffic of those ports through the proxy once the pods restart.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const at = [...podMetadataPath(resource), 'annotations'];
      const annotations = valueAt(resource.value, at);
      if (annotations === null || typeof annotations !== 'object') continue;
      for (const annotation of SKIP_ANNOTATIONS) {
        if (!(annotation in annotations)) continue;
        ctx.report({
          resource,
          path: [...at, annotation],
          at: 'key',
          messageId: 'skipped',
          data: { annotation },
          fix: (fixer) => ({ kind: 'unsafe', edits: fixer.removeKey(resource, [...at, annotation]) }),
        });
      }
    }
  },
});

const noInjectionOverride = defineRule({
  meta: {
    id: 'no-injection-override',
    description: 'Disallow pods that turn off proxy injection with linkerd.io/inject disabled',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    kinds: WORKLOADS,
    messages: {
      disabled: 'linkerd.io/inject: disabled keeps these pods out of the mesh; pods may not disable injection',
    },
    docs: {
      why: "A pod that disables injection runs without a proxy in a meshed namespace: its traffic is neither encrypted nor subject to policy. Kyverno's prevent-linkerd-pod-injection-override forbids it.",
      howToFix: 'Remove the annotation, so the pod takes the namespace injection setting.',
      fixSafety: 'Unsafe: the pods get a proxy once they restart.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const path = [...podMetadataPath(resource), 'annotations', 'linkerd.io/inject'];
      if (valueAt(resource.value, path) !== 'disabled') continue;
      ctx.report({
        resource,
        path,
        messageId: 'disabled',
        fix: (fixer) => ({ kind: 'unsafe', edits: fixer.removeKey(resource, path) }),
      });
    }
  },
});

export default {
  name: 'kyverno-linkerd',
  rules: { 'no-port-skipping': noPortSkipping, 'no-injection-override': noInjectionOverride },
};

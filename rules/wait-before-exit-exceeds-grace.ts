import { defineRule } from '../src/engine/rule.js';
import { describeWorkload, podInjection } from '../src/linkerd/injection.js';
import { nativeSidecarOn } from '../src/linkerd/native-sidecar.js';
import { WAIT_BEFORE_EXIT_KEY, waitBeforeExitOf } from '../src/linkerd/proxy-shutdown.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject, podTemplateOf } from '../src/model/k8s.js';

/** Kubernetes' default `terminationGracePeriodSeconds`. */
const DEFAULT_GRACE = 30;

export default defineRule({
  meta: {
    id: 'wait-before-exit-exceeds-grace',
    description: 'Warn when the proxy\'s wait before exit is not shorter than the pod\'s termination grace period',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'very-high',
    skipLinkerdOutput: true,
    kinds: POD_TEMPLATE_KINDS,
    messages: {
      exceeds:
        `{{workload}} has the proxy wait {{wait}}s before exit (${WAIT_BEFORE_EXIT_KEY} on its {{source}}), ` +
        'not less than terminationGracePeriodSeconds {{grace}}{{defaulted}}: the kubelet kills the pod before the wait ends; ' +
        'make the wait shorter than the grace period',
    },
    docs: {
      why:
        `\`${WAIT_BEFORE_EXIT_KEY}\` gives the proxy container a preStop hook that sleeps that many seconds, so that the ` +
        'proxy outlives the application while it drains. The hook runs inside the pod\'s ' +
        '`terminationGracePeriodSeconds` (30 unless set): a wait as long as the grace period, or longer, is cut off when ' +
        'the kubelet kills the pod, so the pod always takes the whole grace period to stop and the proxy never exits on ' +
        'its own (linkerd2 #6993, #10058). A Namespace\'s value counts, as the injector copies it onto its pods. Pods whose ' +
        'proxy runs as a native sidecar are left to `native-sidecar-wait-before-exit` (2.15–2.19) and `removed-annotation` (2.20).',
      howToFix:
        'Make the wait shorter than `terminationGracePeriodSeconds`, or raise the grace period above the wait.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const template = podTemplateOf(resource);
      if (!template) continue;
      const spec = isObject(template.value.spec) ? template.value.spec : undefined;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      const pod = annotationsAt(template.value);
      const nsAnnotations = namespace ? annotationsAt(namespace.value) : undefined;
      const wait = waitBeforeExitOf(pod, nsAnnotations);
      if (!wait || nativeSidecarOn(pod, nsAnnotations, ctx.target)) continue;
      const injection = podInjection(resource, template, namespace, ctx.target);
      if (injection === 'no') continue;
      const set = spec?.terminationGracePeriodSeconds;
      const grace = typeof set === 'number' && Number.isInteger(set) ? set : DEFAULT_GRACE;
      if (wait.seconds < grace) continue;
      const path = wait.from === 'pod'
        ? [...template.path, 'metadata', 'annotations', WAIT_BEFORE_EXIT_KEY]
        : typeof set === 'number' ? [...template.path, 'spec', 'terminationGracePeriodSeconds'] : template.path;
      const data = {
        workload: describeWorkload(resource),
        wait: wait.seconds,
        source: wait.from === 'pod' ? 'pod template' : `namespace ${resource.namespace}`,
        grace,
        defaulted: typeof set === 'number' ? '' : ' (the default)',
      };
      ctx.report({ resource, path, messageId: 'exceeds', data });
    }
  },
});

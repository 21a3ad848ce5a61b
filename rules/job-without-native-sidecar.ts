import { type Fixer, defineRule } from '../src/engine/rule.js';
import { carriesProxy, describeWorkload, podInjection } from '../src/linkerd/injection.js';
import { nativeSidecarOn } from '../src/linkerd/native-sidecar.js';
import { decidingNativeKey, nativeSidecarKeyFor, shutsProxyDown, waitBeforeExitOf, WAIT_BEFORE_EXIT_KEY } from '../src/linkerd/proxy-shutdown.js';
import { atLeast } from '../src/linkerd/releases.js';
import { annotationsAt, isObject, podTemplateOf } from '../src/model/k8s.js';

export default defineRule({
  meta: {
    id: 'job-without-native-sidecar',
    description: 'Warn about meshed Jobs and CronJobs whose proxy runs as a classic sidecar, so that the Job never completes',
    category: 'reliability',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    precision: 'high',
    skipLinkerdOutput: true,
    kinds: ['Job', 'CronJob'],
    messages: {
      classic:
        '{{workload}} gets a Linkerd proxy as a classic sidecar on Linkerd {{target}}: the proxy keeps running after the job\'s containers exit, ' +
        'so the Job never completes; set {{key}}: "true" on its pod template to run the proxy as a native sidecar',
      classicWithWait:
        '{{workload}} gets a Linkerd proxy as a classic sidecar on Linkerd {{target}}: the proxy keeps running after the job\'s containers exit, ' +
        `so the Job never completes; native sidecars ({{key}}: "true") need ${WAIT_BEFORE_EXIT_KEY} removed first, as the injector refuses a pod with both`,
      optedOut:
        '{{workload}} opts out of native sidecars ({{key}}: "{{value}}" on its {{source}}), so its proxy keeps running after the job\'s containers exit ' +
        'and the Job never completes; set {{fixKey}}: "true" on its pod template',
      noNative:
        '{{workload}} gets a Linkerd proxy, and Linkerd {{target}} has no native sidecars: the proxy keeps running after the job\'s containers exit, ' +
        'so the Job never completes; end the proxy when the job is done (run it under linkerd-await --shutdown, or POST to ' +
        'http://localhost:4191/shutdown), or set linkerd.io/inject: disabled on its pod template',
    },
    docs: {
      why:
        'With a classic sidecar the proxy is one more container of the pod: when the job\'s own containers exit, the proxy ' +
        'keeps running, the pod never terminates and the Job never completes (linkerd2 #1869, #7425); a CronJob piles up ' +
        'running Jobs. A native sidecar (an init container with `restartPolicy: Always`, KEP-753) is stopped by the kubelet ' +
        'once the other containers are done. Linkerd runs the proxy natively when asked from 2.15 (the ' +
        '`config.alpha.linkerd.io/proxy-enable-native-sidecar` annotation, or `config.beta.linkerd.io/…` from 2.19) and by ' +
        'default from 2.20 unless `config.linkerd.io/proxy-enable-native-sidecar: "false"` opts out. A key the target ' +
        'release does not read does not count; a Namespace\'s keys count as the injector copies them onto its pods. Jobs ' +
        'whose containers end the proxy themselves (`linkerd-await --shutdown`, a request to the proxy\'s `/shutdown` ' +
        'endpoint) are not reported. The install-wide Helm value `proxy.nativeSidecar` is not visible in manifests: set ' +
        'the annotation to make the manifest say what runs.',
      howToFix:
        'Set the native-sidecar annotation the target reads to `"true"` on the pod template (Kubernetes 1.29 or later). ' +
        'Before 2.15, end the proxy from the job (`linkerd-await --shutdown -- <command>`, which from 2.16 needs ' +
        '`config.linkerd.io/proxy-admin-shutdown: enabled`), or do not mesh the Job (`linkerd.io/inject: disabled`).',
      fixSafety:
        'The fix adds the native-sidecar key the target reads, with value `"true"`, to the pod template\'s annotations (or ' +
        'sets it to `"true"` where the pod opts out). It is unsafe: it changes how the proxy runs, and needs Kubernetes ' +
        '1.29 or later. No fix is offered before 2.15 (no native sidecars), nor on 2.15–2.19 when the pod sets ' +
        '`proxy-wait-before-exit-seconds`, which the injector refuses together with native sidecars.',
      messages: { noNative: 'Before 2.15, where Linkerd has no native sidecars.' },
    },
  },
  check(ctx) {
    const target = ctx.target.release;
    for (const resource of ctx.resources) {
      const template = podTemplateOf(resource);
      if (!template) continue;
      const spec = isObject(template.value.spec) ? template.value.spec : undefined;
      // A pod that carries its own proxy was injected already; the annotation would change nothing.
      if (carriesProxy(spec) || shutsProxyDown(spec)) continue;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      const pod = annotationsAt(template.value);
      const nsAnnotations = namespace ? annotationsAt(namespace.value) : undefined;
      const injection = podInjection(resource, template, namespace, ctx.target);
      if (injection !== 'yes' || nativeSidecarOn(pod, nsAnnotations, ctx.target)) continue;
      const annotationsPath = [...template.path, 'metadata', 'annotations'];
      const workload = describeWorkload(resource);
      const key = nativeSidecarKeyFor(ctx.target);
      if (!key) {
        ctx.report({ resource, path: annotationsPath, messageId: 'noNative', data: { workload, target } });
        continue;
      }
      const fix = (fixer: Fixer) => ({
        kind: 'unsafe' as const,
        edits: pod && Object.prototype.hasOwnProperty.call(pod, key)
          ? fixer.setScalar(resource, [...annotationsPath, key], 'true')
          : fixer.insertKey(resource, annotationsPath, key, 'true'),
      });
      const deciding = decidingNativeKey(pod, nsAnnotations, ctx.target);
      if (atLeast(ctx.target, '2.20') && deciding) {
        const path = deciding.from === 'pod' ? [...annotationsPath, deciding.key] : annotationsPath;
        const data = { workload, key: deciding.key, value: deciding.value, source: deciding.from === 'pod' ? 'pod template' : `namespace ${resource.namespace}`, fixKey: key };
        ctx.report({ resource, path, messageId: 'optedOut', data, fix });
      } else if (waitBeforeExitOf(pod, nsAnnotations)) {
        ctx.report({ resource, path: annotationsPath, messageId: 'classicWithWait', data: { workload, target, key } });
      } else {
        ctx.report({ resource, path: annotationsPath, messageId: 'classic', data: { workload, target, key }, fix });
      }
    }
  },
});

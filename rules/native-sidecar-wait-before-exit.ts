import { defineRule } from '../src/engine/rule.js';
import { carriesProxy, describeWorkload, podInjection } from '../src/linkerd/injection.js';
import { nativeSidecarOn } from '../src/linkerd/native-sidecar.js';
import { WAIT_BEFORE_EXIT_KEY, decidingNativeKey, waitBeforeExitOf } from '../src/linkerd/proxy-shutdown.js';
import { POD_TEMPLATE_KINDS, annotationsAt, isObject, podTemplateOf } from '../src/model/k8s.js';

export default defineRule({
  meta: {
    id: 'native-sidecar-wait-before-exit',
    description: 'Report pods that set the proxy\'s wait before exit while running it as a native sidecar, which the injector refuses',
    category: 'reliability',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    skipLinkerdOutput: true,
    kinds: POD_TEMPLATE_KINDS,
    since: '2.15',
    // From 2.20 the key is ignored with native sidecars instead (removed-annotation reports it).
    until: '2.19',
    messages: {
      refused:
        `{{workload}} sets ${WAIT_BEFORE_EXIT_KEY}: "{{wait}}" (on its {{waitSource}}) and runs the proxy as a native sidecar ` +
        '({{key}}: "{{value}}" on its {{nativeSource}}): the injector of Linkerd {{target}} refuses to create its pods; ' +
        'drop one of the two',
    },
    docs: {
      why:
        'On Linkerd 2.15–2.19 the proxy injector renders its patch with the chart\'s proxy template, which stops with ' +
        '`proxy.nativeSidecar and waitBeforeExitSeconds cannot be used simultaneously` when both are set ' +
        '(linkerd2 `charts/partials/templates/_proxy.tpl`); the webhook then denies the pod (`controller/webhook/server.go`), ' +
        'so the workload\'s pods are never created. A Namespace\'s annotations count, as the injector copies them onto ' +
        'its pods. From 2.20 the guard is gone (linkerd2 #15267) and the wait is ignored with native sidecars, which ' +
        '`removed-annotation` reports.',
      howToFix:
        'Remove `proxy-wait-before-exit-seconds` (a native sidecar is stopped after the application containers anyway), ' +
        'or turn native sidecars off for the workload.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const template = podTemplateOf(resource);
      if (!template) continue;
      const spec = isObject(template.value.spec) ? template.value.spec : undefined;
      // A pod that carries its own proxy is left alone by the injector.
      if (carriesProxy(spec)) continue;
      const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
      const pod = annotationsAt(template.value);
      const nsAnnotations = namespace ? annotationsAt(namespace.value) : undefined;
      const wait = waitBeforeExitOf(pod, nsAnnotations);
      const native = decidingNativeKey(pod, nsAnnotations, ctx.target);
      if (!wait || !native || !nativeSidecarOn(pod, nsAnnotations, ctx.target)) continue;
      const injection = podInjection(resource, template, namespace, ctx.target);
      if (injection === 'no') continue;
      const annotations = [...template.path, 'metadata', 'annotations'];
      const source = (from: 'pod' | 'namespace') => (from === 'pod' ? 'pod template' : `namespace ${resource.namespace}`);
      const data = {
        workload: describeWorkload(resource),
        wait: wait.text,
        waitSource: source(wait.from),
        key: native.key,
        value: native.value,
        nativeSource: source(native.from),
        target: ctx.target.release,
      };
      const path = wait.from === 'pod' ? [...annotations, WAIT_BEFORE_EXIT_KEY] : native.from === 'pod' ? [...annotations, native.key] : template.path;
      ctx.report({ resource, path, at: 'key', messageId: 'refused', data });
    }
  },
});

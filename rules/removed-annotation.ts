import { defineRule } from '../src/engine/rule.js';
import { anyPlacesFor, linkerdKeys } from '../src/linkerd/annotation-sites.js';
import { KEYS } from '../src/linkerd/annotations.js';
import { annotationsAt, podTemplateOf } from '../src/model/k8s.js';
import { nativeSidecarOn } from '../src/linkerd/native-sidecar.js';
import { atLeast } from '../src/linkerd/releases.js';

const WAIT_BEFORE_EXIT = 'config.alpha.linkerd.io/proxy-wait-before-exit-seconds';

export default defineRule({
  meta: {
    id: 'removed-annotation',
    description: 'Warn about Linkerd annotations that the target release no longer reads, does not read yet, or deprecates',
    category: 'deprecation',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'very-high',
    kinds: '*',
    messages: {
      removed: '"{{key}}" was removed in Linkerd {{removedIn}}; the target release {{target}} ignores it',
      tooNew: '"{{key}}" is read only from Linkerd {{since}} on; the target release {{target}} ignores it',
      deprecated: '"{{key}}" is deprecated since Linkerd {{since}}; use "{{replacement}}"',
      ignoredNative:
        '"{{key}}" has no effect on Linkerd {{target}} when the proxy runs as a native sidecar, as this pod\'s does',
    },
    docs: {
      why:
        'Linkerd drops annotations as features move: `config.linkerd.io/disable-identity` went in 2.12, the ' +
        '`config.linkerd.io/init-image*` keys in 2.20 (proxy-init became part of the proxy image), the ' +
        '`trace-collector*` keys with the jaeger extension in 2.19. A key the target release does not read (because it ' +
        'is gone, or newer than the release) is silently ignored. The alpha and beta native-sidecar keys still work on ' +
        '2.20 but are deprecated for `config.linkerd.io/proxy-enable-native-sidecar`, and ' +
        '`proxy-wait-before-exit-seconds` does nothing on 2.20 for a proxy that runs as a native sidecar.',
      howToFix:
        'Remove the key, or use the replacement the message names; for a key that is too new, upgrade Linkerd or ' +
        'set `linkerdVersion` to the release you run.',
    },
  },
  check(ctx) {
    const target = ctx.target.release;
    for (const resource of ctx.resources) {
      for (const found of linkerdKeys(resource)) {
        const info = KEYS.get(found.key);
        if (!info || info.written || info.as !== found.field.slice(0, -1)) continue;
        const role = found.site.role;
        // Keys where no release reads them are `annotation-placement`'s findings.
        if (role === 'workload' || role === 'other' || !anyPlacesFor(info).includes(role)) continue;
        const at = { resource, path: found.path, at: 'key' as const };
        if (info.removedIn && atLeast(ctx.target, info.removedIn)) {
          ctx.report({ ...at, messageId: 'removed', data: { key: info.key, target, removedIn: info.removedIn } });
        } else if (info.since && !atLeast(ctx.target, info.since)) {
          ctx.report({ ...at, messageId: 'tooNew', data: { key: info.key, target, since: info.since } });
        } else if (info.deprecated && atLeast(ctx.target, info.deprecated.in)) {
          ctx.report({ ...at, messageId: 'deprecated', data: { key: info.key, since: info.deprecated.in, replacement: info.deprecated.use } });
        } else if (info.key === WAIT_BEFORE_EXIT && role === 'pod' && atLeast(ctx.target, '2.20') && found.value !== '0') {
          const template = podTemplateOf(resource);
          const namespace = resource.namespace ? ctx.tree.namespace(resource.namespace) : undefined;
          const nsAnnotations = namespace ? annotationsAt(namespace.value) : undefined;
          if (template && nativeSidecarOn(annotationsAt(template.value), nsAnnotations, ctx.target)) {
            ctx.report({ ...at, messageId: 'ignoredNative', data: { key: info.key, target } });
          }
        }
      }
    }
  },
});

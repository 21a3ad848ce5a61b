import { defineRule } from '../src/engine/rule.js';
import { linkerdKeys } from '../src/linkerd/annotation-sites.js';
import { KEYS, similarKeys } from '../src/linkerd/annotations.js';
import { getAt } from '../src/model/path.js';

/**
 * Prefixes under which users pick label keys of their own, so an unknown one is no mistake.
 * Linkerd reads no label under viz.linkerd.io/. Under mirror.linkerd.io/ a Link selects the
 * Services to mirror by any label (`linkerd multicluster link --selector`, linkerd2
 * multicluster/cmd/link.go; Link `spec.selector`, `remoteDiscoverySelector`,
 * `federatedServiceSelector`), and the Link usually lives in another cluster's manifests.
 */
const USER_LABEL_PREFIXES = ['viz.linkerd.io/', 'mirror.linkerd.io/'];

export default defineRule({
  meta: {
    id: 'unknown-annotation',
    description: 'Disallow annotation and label keys under a Linkerd prefix that no Linkerd release knows',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'safe',
    precision: 'high',
    kinds: '*',
    messages: {
      unknown: '"{{key}}" is not a Linkerd {{what}}; no Linkerd release reads it, so it does nothing',
      didYouMean: '"{{key}}" is not a Linkerd {{what}}; did you mean "{{suggestion}}"?',
      didYouMeanOneOf: '"{{key}}" is not a Linkerd {{what}}; did you mean one of {{suggestions}}?',
    },
    docs: {
      fixSafety:
        'Safe. A misspelt key is read by nothing, so renaming it to the one key it is closest to gives it the effect ' +
        'its author meant. No fix is offered when several known keys are equally close, or when the mapping already ' +
        'holds the corrected key (the rename would make a duplicate key).',
      why:
        'Every Linkerd component silently ignores keys it does not know. A misspelt `config.linkerd.io/proxy-cpu-limt`, ' +
        'a key from a blog post that never existed (`linkerd.io/proxy-retry-budget`) or a key under the wrong prefix ' +
        '(`linkerd.io/proxy-cpu-limit`) leaves the proxy at its defaults with no warning anywhere. Keys that Linkerd ' +
        'writes itself on the objects it creates or injects (`linkerd.io/proxy-version`, `linkerd.io/created-by`, the ' +
        'multicluster mirror keys) are known, so captured manifests pass. Labels under `viz.linkerd.io/` and ' +
        '`mirror.linkerd.io/` are not judged: Linkerd reads no label under the first, and under the second users ' +
        'choose the labels their Links select Services by (`linkerd multicluster link --selector ' +
        'mirror.linkerd.io/export-svcs=app`), usually in another cluster\'s manifests. A misspelt ' +
        '`mirror.linkerd.io/exported` label therefore goes unreported; annotations under both prefixes are judged.',
      howToFix:
        'Use the key Linkerd documents (the message suggests the closest ones). `--fix` renames the key when exactly ' +
        'one known key is that close.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      for (const found of linkerdKeys(resource)) {
        if (KEYS.has(found.key)) continue;
        if (found.field === 'labels' && USER_LABEL_PREFIXES.some((prefix) => found.key.startsWith(prefix))) continue;
        const what = found.field === 'labels' ? 'label' : 'annotation';
        const similar = similarKeys(found.key);
        if (similar.length === 0) {
          ctx.report({ resource, path: found.path, at: 'key', messageId: 'unknown', data: { key: found.key, what } });
        } else if (similar.length === 1) {
          const suggestion = similar[0]!;
          // Renaming onto a key the mapping already holds would make a duplicate key.
          const clash = getAt(resource.value, [...found.path.slice(0, -1), suggestion]) !== undefined;
          ctx.report({
            resource,
            path: found.path,
            at: 'key',
            messageId: 'didYouMean',
            data: { key: found.key, what, suggestion },
            fix: clash ? undefined : (fixer) => ({ kind: 'safe', edits: fixer.renameKey(resource, found.path, suggestion) }),
          });
        } else {
          const suggestions = similar.slice(0, 3).map((k) => `"${k}"`).join(', ');
          ctx.report({ resource, path: found.path, at: 'key', messageId: 'didYouMeanOneOf', data: { key: found.key, what, suggestions } });
        }
      }
    }
  },
});


// The README's example plugin, in TypeScript: `defineRule` types its messages and options.
import { defineRule, optionDefaults } from '../../src/api/index.js';

const ANNOTATION = 'config.linkerd.io/default-inbound-policy';

type Policy = 'all-authenticated' | 'cluster-authenticated' | 'deny';

const namespacePolicy = defineRule({
  meta: {
    id: 'namespace-policy',
    description: 'Require every Namespace to set its default inbound policy',
    category: 'security',
    defaultSeverity: 'error',
    fix: 'unsafe',
    kinds: ['Namespace'],
    messages: { missing: 'Namespace "{{name}}" sets no {{annotation}} annotation; expected "{{policy}}"' },
    docs: { why: 'Pods get the cluster-wide default policy.', howToFix: 'Annotate the Namespace.' },
    options: { type: 'object', properties: { policy: { enum: ['all-authenticated', 'cluster-authenticated', 'deny'] } }, additionalProperties: false },
    defaultOptions: optionDefaults<{ policy: Policy }>({ policy: 'all-authenticated' }),
  },
  check(ctx) {
    for (const ns of ctx.resources) {
      const annotations = (ns.value.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
      if (annotations?.[ANNOTATION] !== undefined) continue;
      ctx.report({
        resource: ns,
        path: ['metadata', 'name'],
        messageId: 'missing',
        data: { name: ns.name ?? '', annotation: ANNOTATION, policy: ctx.options.policy },
        fix: (fixer) => ({ kind: 'unsafe', edits: fixer.insertKey(ns, ['metadata', 'annotations'], ANNOTATION, ctx.options.policy) }),
      });
    }
  },
});

export default { name: 'acme', rules: { 'namespace-policy': namespacePolicy } };

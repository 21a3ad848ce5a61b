// A plugin written as its users write one (a module of plain objects, no import of the
// package), for the plugin suites to load from scratch directories.

/** The module text of plugin `acme` with one rule: Namespaces must set their default inbound policy (unsafe fix, one option). */
export const ACME_PLUGIN = `const ANNOTATION = 'config.linkerd.io/default-inbound-policy';
const namespacePolicy = {
  meta: {
    id: 'namespace-policy',
    description: 'Require every Namespace to set its default inbound policy',
    category: 'security',
    defaultSeverity: 'warning',
    fix: 'unsafe',
    kinds: ['Namespace'],
    messages: { missing: 'Namespace "{{name}}" sets no {{annotation}} annotation; expected "{{policy}}"' },
    docs: { why: 'Pods get the cluster-wide default policy.', howToFix: 'Annotate the Namespace.', url: 'https://example.com/acme#namespace-policy' },
    options: { type: 'object', properties: { policy: { enum: ['all-authenticated', 'deny'] } }, additionalProperties: false },
    defaultOptions: { policy: 'all-authenticated' },
  },
  check(ctx) {
    for (const ns of ctx.resources) {
      if (ns.value.metadata?.annotations?.[ANNOTATION] !== undefined) continue;
      ctx.report({
        resource: ns,
        path: ['metadata', 'name'],
        messageId: 'missing',
        data: { name: ns.name, annotation: ANNOTATION, policy: ctx.options.policy },
        fix: (fixer) => ({ kind: 'unsafe', edits: fixer.insertKey(ns, ['metadata', 'annotations'], ANNOTATION, ctx.options.policy) }),
      });
    }
  },
};
const broken = {
  meta: { ...namespacePolicy.meta, id: 'broken', fix: 'none', options: undefined, defaultOptions: undefined },
  check(ctx) {
    if (ctx.resources.some((r) => r.name === 'boom')) throw new TypeError('boom is not allowed');
  },
};
export default { name: 'acme', rules: { 'namespace-policy': namespacePolicy, broken } };
`;

export const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: payments
`;

export const MESSAGE = 'Namespace "payments" sets no config.linkerd.io/default-inbound-policy annotation; expected "all-authenticated"';

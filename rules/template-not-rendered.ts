import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'template-not-rendered',
    description: 'Report files that are unrendered Helm or Go templates',
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    messages: {
      template:
        'file is an unrendered template ("{{directive}}"); it was not linted. Lint the output of `helm template` instead',
    },
    docs: {
      why:
        'A chart template is not a manifest: its `{{ }}` directives decide what the manifest will be, so nothing in it ' +
        'can be checked until it is rendered. Rather than guess, the file is reported once, at its first directive, and skipped. ' +
        '`{{ }}` inside quoted or block strings (Prometheus alert text, Argo Workflows parameters) is data and does not count.',
      howToFix:
        'Render the chart and lint the result, e.g. `helm template my-release ./chart | linkerd-lint -`, ' +
        'and add the templates folder to `ignore` in `.linkerd-lint.yaml`.',
    },
  },
  check(ctx) {
    for (const parsed of ctx.files) {
      if (parsed.template) {
        ctx.report({
          file: parsed.file,
          range: parsed.template.range,
          messageId: 'template',
          data: { directive: parsed.template.directive },
        });
      }
    }
  },
});

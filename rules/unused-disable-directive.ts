import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'unused-disable-directive',
    description: 'Report suppression comments and ignore annotations that suppress nothing',
    category: 'best-practice',
    defaultSeverity: 'warning',
    fix: 'none',
    // Reported by src/engine/suppress.ts once every other rule has run.
    reportedByEngine: true,
    precision: 'very-high',
    messages: {
      unused: 'unused {{directive}} directive (no "{{rule}}" finding to suppress)',
      unusedAll: 'unused {{directive}} directive (no finding to suppress)',
      unknownRule: 'unknown rule "{{rule}}" in {{directive}} directive{{hint}}',
    },
    docs: {
      why:
        'A suppression that no longer matches a finding hides nothing today but will silently hide the next real problem ' +
        'of that rule at that place. Unknown rule ids are usually typos, so the suppression never worked.',
      howToFix: 'Delete the directive (or the `ignore.linkerd-lint.io/<rule>` annotation), or correct the rule id.',
    },
  },
});

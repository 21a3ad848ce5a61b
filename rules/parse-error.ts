import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'parse-error',
    description: 'Report YAML, JSON and TypeScript syntax errors, duplicate keys and unreadable files',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    messages: {
      syntax: '{{message}}',
    },
    docs: {
      why:
        'A document that does not parse cannot be applied, and a duplicate key silently drops one of its values ' +
        '(or is refused, depending on the client). The rest of the file and of the tree is still linted; ' +
        'only the broken document is skipped. A TypeScript source that does not parse builds no manifest the ' +
        'linter can read, so none of it is linted.',
      howToFix: 'Correct the syntax at the reported position; for a duplicate key, keep the entry you mean and delete the other.',
    },
  },
  check(ctx) {
    for (const parsed of ctx.files) {
      for (const problem of parsed.problems) {
        ctx.report({ file: parsed.file, range: problem.range, messageId: 'syntax', data: { message: problem.message } });
      }
    }
  },
});

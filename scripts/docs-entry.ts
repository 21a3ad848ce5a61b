// What `npm run docs` renders: the README rule table and docs/rules.md.
import { builtinRules } from '../rules/index.js';
import { renderRuleDocs, renderRuleTable, spliceRuleTable } from '../src/cli/docs.js';

export { builtinRules, renderRuleDocs, renderRuleTable, spliceRuleTable };

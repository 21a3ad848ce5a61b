import { builtinRules as registry } from '../../rules/index.js';
import { ruleDocsUrl } from '../version.js';
import type { RuleInfo } from './types.js';

/** What each built-in rule is, by id, in id order: the facts `--list-rules --format json` gives. */
export const builtinRules: Readonly<Record<string, RuleInfo>> = Object.freeze(
  Object.fromEntries(
    Object.values(registry)
      .map((r) => r.meta)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((meta): [string, RuleInfo] => [
        meta.id,
        Object.freeze({
          id: meta.id,
          description: meta.description,
          category: meta.category,
          defaultSeverity: meta.defaultSeverity,
          fix: meta.fix,
          notRecommended: meta.notRecommended === true,
          ...(meta.options ? { options: meta.options } : {}),
          url: ruleDocsUrl(meta.id),
        }),
      ]),
  ),
);

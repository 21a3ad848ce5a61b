// What the build compiles into standalone validators: the config schema and every
// rule's options schema.
import configSchema from '../schemas/config.schema.json' with { type: 'json' };
import { builtinRules } from '../rules/index.js';

export const config = configSchema as Record<string, unknown>;

export const ruleOptions: Record<string, Record<string, unknown>> = Object.fromEntries(
  Object.values(builtinRules)
    .filter((rule) => rule.meta.options)
    .map((rule) => [rule.meta.id, rule.meta.options as Record<string, unknown>]),
);

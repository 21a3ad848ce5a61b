// What the build compiles into standalone validators: the config schema and every
// rule's options schema.
import configSchema from '../schemas/config.schema.json' with { type: 'json' };
import { builtinRules } from '../rules/index.js';
import { looseRules } from './config-schema.js';

// The loader checks rule ids and options itself, with its own messages (src/engine/config.ts).
export const config = { ...configSchema, definitions: { ...configSchema.definitions, rules: looseRules } } as Record<string, unknown>;

export const ruleOptions: Record<string, Record<string, unknown>> = Object.fromEntries(
  Object.values(builtinRules)
    .filter((rule) => rule.meta.options)
    .map((rule) => [rule.meta.id, rule.meta.options as Record<string, unknown>]),
);

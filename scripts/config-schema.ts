// The `rules` definition of schemas/config.schema.json, generated from the rule registry
// so editors complete rule ids and check each rule's options. The rest of that file is
// written by hand; `npm run schemas` rewrites only this definition (a test checks it).
import { builtinRules } from '../rules/index.js';
import { ruleDocsUrl } from '../src/version.js';

type Schema = Record<string, unknown>;
type RuleLike = { meta: { id: string; description: string; options?: Schema } };

const SEVERITY = { $ref: '#/definitions/severity' };

/** The id of a plugin's rule: the plugin's name and the rule's, both kebab-case. */
export const PLUGIN_RULE_ID = '^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$';
const PLUGIN_RULE: Schema = {
  description: "A plugin's rule: one of off, info, warning, error, or [severity, {options}]",
  anyOf: [SEVERITY, { type: 'array', minItems: 1, items: [SEVERITY, { type: 'object' }], additionalItems: false }],
};

/**
 * What the config loader itself checks against: any rule id, severity or [severity, {options}].
 * It reports unknown ids (with a suggestion) and bad options (from the rule's own
 * options schema) in its own words, so its schema stays this loose.
 */
export const looseRules: Schema = {
  type: 'object',
  description: 'Rule id to severity, or to [severity, options].',
  additionalProperties: {
    description: 'one of off, info, warning, error, or [severity, {options}]',
    anyOf: [SEVERITY, { type: 'array', minItems: 1, items: [SEVERITY, { type: 'object' }], additionalItems: false }],
  },
};

/** Every rule id with its severity, or [severity, options] for a rule that takes options. */
export function rulesDefinition(rules: Readonly<Record<string, RuleLike>> = builtinRules): Schema {
  const properties: Record<string, Schema> = {};
  for (const { meta } of Object.values(rules).sort((a, b) => a.meta.id.localeCompare(b.meta.id))) {
    const description = `${meta.description}. ${ruleDocsUrl(meta.id)}`;
    properties[meta.id] = meta.options
      ? {
          description,
          anyOf: [SEVERITY, { type: 'array', minItems: 1, items: [SEVERITY, meta.options], additionalItems: false }],
        }
      : { description, anyOf: [SEVERITY, { type: 'array', items: [SEVERITY], minItems: 1, additionalItems: false }] };
  }
  return {
    type: 'object',
    description: 'Rule id to severity (off, info, warning, error), or to [severity, options] for a rule that takes options.',
    properties,
    // A plugin's rules, `name/rule-id`: their options are checked against the plugin's own schema when the config loads.
    patternProperties: { [PLUGIN_RULE_ID]: PLUGIN_RULE },
    additionalProperties: false,
  };
}

const RULES_START = '\n    "rules": {';

/** The config schema's text with its `definitions.rules` (the last definition) generated anew. */
export function configSchemaText(current: string, rules?: Readonly<Record<string, RuleLike>>): string {
  const definitions = current.indexOf('\n  "definitions": {');
  const start = current.indexOf(RULES_START, definitions);
  if (definitions === -1 || start === -1) throw new Error('config.schema.json: no definitions.rules to replace');
  const body = JSON.stringify(rulesDefinition(rules), null, 2).replace(/\n/g, '\n    ');
  return `${current.slice(0, start)}\n    "rules": ${body}\n  }\n}\n`;
}

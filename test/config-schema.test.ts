// schemas/config.schema.json knows every rule: editors complete rule ids and check options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { configSchemaText } from '../scripts/config-schema.js';
import { ROOT } from './helpers.js';

const text = readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8');
const schema = JSON.parse(text) as { definitions: { rules: { properties: Record<string, unknown> } } };
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const valid = (config: unknown) => validate(config) as boolean;

describe('schemas/config.schema.json rules', () => {
  it('is what the rule registry generates (run `npm run schemas` to update)', () => {
    expect(text).toBe(configSchemaText(text));
  });

  it('lists every rule id', () => {
    expect(Object.keys(schema.definitions.rules.properties).sort()).toEqual(Object.keys(builtinRules).sort());
  });

  it('refuses an unknown rule id, under rules and under overrides[].rules', () => {
    expect(valid({ rules: { 'no-inject-system-namespace': 'warning' } })).toBe(true);
    expect(valid({ rules: { 'no-inject-system-namespaces': 'warning' } })).toBe(false);
    expect(valid({ overrides: [{ files: ['a/**'], rules: { 'no-inject-system-namespace': 'off' } }] })).toBe(true);
    expect(valid({ overrides: [{ files: ['a/**'], rules: { 'no-such-rule': 'off' } }] })).toBe(false);
  });

  it('checks a rule\'s options against its meta.options, and takes none for a rule without options', () => {
    expect(valid({ rules: { 'no-inject-system-namespace': ['error', { namespaces: ['platform'] }] } })).toBe(true);
    expect(valid({ rules: { 'no-inject-system-namespace': ['error', { namespaces: 'platform' }] } })).toBe(false);
    expect(valid({ rules: { 'no-inject-system-namespace': ['error', { namespace: ['platform'] }] } })).toBe(false);
    expect(valid({ rules: { 'no-inject-system-namespace': ['loud'] } })).toBe(false);
    expect(valid({ rules: { 'parse-error': ['error'] } })).toBe(true);
    expect(valid({ rules: { 'parse-error': ['error', {}] } })).toBe(false);
  });
});

// The built-in rules, by id. Explicit and sorted: adding a rule is adding a line here.
import type { Rule } from '../src/engine/rule.js';
import deprecatedApiVersion from './deprecated-api-version.js';
import noInjectSystemNamespace from './no-inject-system-namespace.js';
import parseError from './parse-error.js';
import schema from './schema.js';
import templateNotRendered from './template-not-rendered.js';
import unknownApiVersion from './unknown-api-version.js';
import unusedDisableDirective from './unused-disable-directive.js';

type AnyRule = Rule<any, any>;

export const builtinRules: Readonly<Record<string, AnyRule>> = {
  'deprecated-api-version': deprecatedApiVersion,
  'no-inject-system-namespace': noInjectSystemNamespace,
  'parse-error': parseError,
  schema,
  'template-not-rendered': templateNotRendered,
  'unknown-api-version': unknownApiVersion,
  'unused-disable-directive': unusedDisableDirective,
};

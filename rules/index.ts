// The built-in rules, by id. Explicit and sorted: adding a rule is adding a line here.
import type { Rule } from '../src/engine/rule.js';
import duplicateResource from './duplicate-resource.js';
import noInjectSystemNamespace from './no-inject-system-namespace.js';
import parseError from './parse-error.js';
import templateNotRendered from './template-not-rendered.js';
import unknownLinkerdConfig from './unknown-linkerd-config.js';
import unusedDisableDirective from './unused-disable-directive.js';

type AnyRule = Rule<any, any>;

export const builtinRules: Readonly<Record<string, AnyRule>> = {
  'duplicate-resource': duplicateResource,
  'no-inject-system-namespace': noInjectSystemNamespace,
  'parse-error': parseError,
  'template-not-rendered': templateNotRendered,
  'unknown-linkerd-config': unknownLinkerdConfig,
  'unused-disable-directive': unusedDisableDirective,
};

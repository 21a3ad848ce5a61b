import { POLICY_PREFIX, type RuleMeta } from '../engine/rule.js';
import { didYouMean } from '../model/text.js';
import { UsageError } from '../model/errors.js';
import { ruleDocsUrl } from '../version.js';

export interface RuleExample {
  /** Fixture file name, e.g. `example.yaml`. */
  name: string;
  input: string;
  /** The expected findings, as in the fixture's `.out` golden. */
  findings: string;
  fixed?: string;
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l ? `    ${l}` : ''))
    .join('\n');
}

/** `linkerd-lint explain <rule-id>`: what, why, how to fix, and the rule's own example fixture. */
export function explain(
  id: string | undefined,
  rules: Readonly<Record<string, { meta: RuleMeta<string> }>>,
  examples: Readonly<Record<string, RuleExample>>,
): string {
  if (!id) throw new UsageError('explain needs a rule id, e.g. "linkerd-lint explain no-inject-system-namespace"');
  const rule = Object.hasOwn(rules, id) ? rules[id] : undefined;
  if (!rule && id.includes('/')) {
    throw new UsageError(`unknown rule "${id}"${didYouMean(id, Object.keys(rules))}; a plugin's rules are known from the config file that names the plugin (run explain where that config applies)`);
  }
  if (!rule) throw new UsageError(`unknown rule "${id}"${didYouMean(id, Object.keys(rules))}; run "linkerd-lint --list-rules" to see them all`);
  const m = rule.meta;
  const out = [
    `${m.id}: ${m.description}`,
    '',
    `Category: ${m.category} · Default severity: ${m.defaultSeverity}${id.includes('/') && !id.startsWith(`${POLICY_PREFIX}/`) ? ' (once the config turns it on)' : ''} · Fix: ${m.fix}${m.since ? ` · Since Linkerd ${m.since}` : ''}${m.until ? ` · Until ${m.until}` : ''}`,
    '',
    'Why',
    indent(m.docs.why),
    '',
    'How to fix',
    indent(m.docs.howToFix),
  ];
  if (m.docs.fixSafety) out.push('', 'Fix safety', indent(m.docs.fixSafety));
  const described = Object.entries(m.docs.messages ?? {});
  if (described.length) out.push('', 'Message ids', indent(described.map(([messageId, text]) => `${messageId}: ${text}`).join('\n')));
  if (m.options) {
    out.push('', 'Options', indent(JSON.stringify(m.options, null, 2)));
    if (m.defaultOptions) out.push('', 'Defaults', indent(JSON.stringify(m.defaultOptions, null, 2)));
  }
  const example = examples[id];
  if (example) {
    out.push('', `Example (fixtures/${id}/invalid/${example.name})`, indent(example.input), '', 'Findings', indent(example.findings));
    if (example.fixed !== undefined) out.push('', 'After --fix', indent(example.fixed));
  }
  // A plugin's rule links to its own page, if it names one.
  const url = m.docs.url ?? (id.includes('/') ? undefined : ruleDocsUrl(id));
  out.push(...(url ? ['', `Documentation: ${url}`] : []), '');
  return out.join('\n');
}

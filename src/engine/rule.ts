import type { Fixer } from '../fix/fixer.js';
import type { Finding, Fix, Severity, Suppression, TextEdit } from '../model/finding.js';
import type { ParsedFile } from '../model/parsed.js';
import type { JsonPath } from '../model/path.js';
import type { Range } from '../model/range.js';
import type { Resource } from '../model/resource.js';
import type { ResourceSchemas } from '../model/schema.js';
import type { SourceFile } from '../model/source.js';
import type { ManifestTree } from '../model/tree.js';
import type { LinkerdTarget, Release } from '../linkerd/releases.js';

export type SeveritySetting = Severity | 'off';
export type FixKind = 'none' | 'safe' | 'unsafe';
export type Category = 'security' | 'reliability' | 'deprecation' | 'correctness' | 'best-practice';

export type { Finding, Fix, Fixer, Severity, Suppression, TextEdit };

export const SEVERITIES: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];
export const CATEGORIES: readonly Category[] = ['security', 'reliability', 'deprecation', 'correctness', 'best-practice'];

export interface ReportDescriptor<M extends string = string> {
  /** The resource the finding is about. Omit only with `file` and `range`. */
  resource?: Resource;
  /** Where inside the resource; omitted means the resource as a whole (its `kind:` line). */
  path?: JsonPath;
  file?: SourceFile;
  range?: Range;
  messageId: M;
  data?: Record<string, string | number>;
  /** Called only when the rule's `meta.fix` is not `none`; return null when no fix fits this case. */
  fix?: (fixer: Fixer) => TextEdit[] | null | undefined;
}

export interface RuleContext<O = Record<string, unknown>, M extends string = string> {
  /** Resources of the kinds the rule declared, from the files this rule runs on. */
  readonly resources: readonly Resource[];
  /** Every resource in the input, for cross-resource checks. */
  readonly tree: ManifestTree;
  /** Every parsed file this rule runs on. */
  readonly files: readonly ParsedFile[];
  readonly target: LinkerdTarget;
  readonly clusterDomain: string;
  /** The resource schemas of this run, for `validateResource` (src/linkerd/resource-schemas.ts). */
  readonly schemas: ResourceSchemas;
  readonly options: O;
  report(descriptor: ReportDescriptor<M>): void;
}

export interface RuleDocs {
  /** Why the problem matters: what breaks, in one or two paragraphs of Markdown. */
  why: string;
  /** How to fix it, as an instruction. */
  howToFix: string;
}

export interface RuleMeta<M extends string = string> {
  /** Kebab-case id: the file name, the fixture folder, and the public name in configs. */
  id: string;
  /** One line, starting with Disallow, Require, Enforce, Report or Warn; no full stop. */
  description: string;
  category: Category;
  defaultSeverity: Severity;
  fix: FixKind;
  /** Kinds whose resources the rule reads; omitted means it reads none (file-level rule). */
  kinds?: readonly string[] | '*';
  /** Linkerd releases the rule applies to; outside them it stays silent. */
  since?: Release;
  until?: Release;
  /** Message templates with `{{name}}` placeholders. */
  messages: Record<M, string>;
  docs: RuleDocs;
  /** JSON Schema of the options object, when the rule takes options. */
  options?: Record<string, unknown>;
  defaultOptions?: Record<string, unknown>;
  /** Off in the `recommended` preset (on in `strict` and `all`). */
  notRecommended?: boolean;
  /** Findings come from the engine (suppression bookkeeping), not from `check`. */
  reportedByEngine?: boolean;
  /** SARIF `security-severity` for security rules (0.1–10.0). */
  securitySeverity?: number;
  /** How often a finding is a real problem (SARIF `precision`). */
  precision?: 'very-high' | 'high' | 'medium' | 'low';
}

export interface Rule<O = Record<string, unknown>, M extends string = string> {
  meta: RuleMeta<M>;
  /** Absent only for rules whose findings the engine itself reports (`meta.reportedByEngine`). */
  check?(ctx: RuleContext<O, M>): void;
}

/** Identity function that lets TypeScript infer message ids and option types from the literal. */
export function defineRule<O = Record<string, unknown>, M extends string = string>(rule: Rule<O, M>): Rule<O, M> {
  return rule;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(data, name) ? String(data[name]) : whole,
  );
}

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
import type { ReferenceMode } from '../linkerd/references.js';

export type SeveritySetting = Severity | 'off';
/** The fixes a rule can offer: none, only safe ones, only unsafe ones, or either kind case by case. */
export type FixKind = 'none' | 'safe' | 'unsafe' | 'both';
export type Category = 'security' | 'reliability' | 'deprecation' | 'correctness' | 'best-practice';

export type { Finding, Fix, Fixer, Severity, Suppression, TextEdit };

/** The namespace of the rule ids of a config's CEL policies (`policy/<id>`), which no plugin may take as its name. */
export const POLICY_PREFIX = 'policy';

export const SEVERITIES: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];
export const CATEGORIES: readonly Category[] = ['security', 'reliability', 'deprecation', 'correctness', 'best-practice'];

/** What a rule passes to `ctx.report`: where the finding is, its message, and how to fix it. */
export interface ReportDescriptor<M extends string = string> {
  /** The resource the finding is about. Omit only with `file` and `range`. */
  resource?: Resource;
  /**
   * Where inside the resource. Omitted or `[]` means the resource as a whole (its head,
   * the `kind:` line); a missing key falls back to the nearest parent that exists.
   */
  path?: JsonPath;
  /** Point at the key of `path` (an annotation name, an unknown field) instead of its value. */
  at?: 'key' | 'value';
  /** For findings about a file rather than a resource: the file and the range, as given. */
  file?: SourceFile;
  range?: Range;
  messageId: M;
  data?: Record<string, string | number>;
  /**
   * A lower severity for this finding than the rule's (a pattern the docs recommend, kept
   * visible at `info`). Never raises it: the finding gets the lower of the two.
   */
  severity?: Severity;
  /**
   * Called only when fixes are wanted. Returns this case's fix, saying whether it is safe
   * (of a kind `meta.fix` allows), or null when no fix fits this case.
   */
  fix?: (fixer: Fixer) => Fix | null | undefined;
}

/** What a rule's `check` is given: the resources and files it runs on, the target, its options, and `report`. */
export interface RuleContext<O = RuleOptions, M extends string = string> {
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
  /** Which references cross-resource rules judge: see `canJudgeReference` (src/linkerd/references.ts). */
  readonly references: ReferenceMode;
  /** The options the config gives this rule over `meta.defaultOptions`. */
  readonly options: O;
  report(descriptor: ReportDescriptor<M>): void;
}

/** A rule's documentation, as `explain` and the rules page show it. */
export interface RuleDocs<M extends string = string> {
  /** Why the problem matters: what breaks, in one or two paragraphs of Markdown. */
  why: string;
  /** How to fix it, as an instruction. */
  howToFix: string;
  /**
   * For rules with fixes: what the fix changes and why it is safe (keeps what the manifest
   * means) or unsafe (changes what runs), and when no fix is offered.
   */
  fixSafety?: string;
  /** The rule's documentation page, for a plugin's rule (built-in rules link to the project's rules page). */
  url?: string;
  /** What each message id stands for, where its template alone does not say (one that is all placeholder). */
  messages?: Partial<Record<M, string>>;
}

export type RuleOptions = Record<string, unknown>;

/** What a rule is: its id, what it reports, its messages, options and docs. */
export interface RuleMeta<M extends string = string, O = RuleOptions> {
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
  docs: RuleDocs<M>;
  /** JSON Schema of the options object, when the rule takes options. */
  options?: Record<string, unknown>;
  /** The options a rule runs with unless the config says otherwise: the one place defaults live. */
  defaultOptions?: O;
  /** Off in the `recommended` preset (on in `strict` and `all`). */
  notRecommended?: boolean;
  /** Findings come from the engine (suppression bookkeeping), not from `check`. */
  reportedByEngine?: boolean;
  /** SARIF `security-severity` for security rules (0.1–10.0). */
  securitySeverity?: number;
  /** CWE ids the problem is an instance of (`CWE-306`), shown as SARIF tags. */
  cwe?: readonly string[];
  /**
   * Skip the manifests Linkerd itself renders (its install, Helm charts and extensions):
   * their choices are Linkerd's, and users vendor them unchanged. Config `linkerdOutput: lint`
   * lints them too.
   */
  skipLinkerdOutput?: boolean;
  /** How often a finding is a real problem (SARIF `precision`). */
  precision?: 'very-high' | 'high' | 'medium' | 'low';
}

/** A rule: its `meta` and the `check` that reports findings. */
export interface Rule<O = RuleOptions, M extends string = string> {
  meta: RuleMeta<M, O>;
  /** Absent only for rules whose findings the engine itself reports (`meta.reportedByEngine`). */
  check?(ctx: RuleContext<O, M>): void;
}

/**
 * Declares a rule. Message ids are inferred from `meta.messages` and options from
 * `meta.defaultOptions` (declare its type with `optionDefaults<Options>({...})`), so a
 * report with an unknown message id, or a read of an option that does not exist, does
 * not compile. Give no type arguments: an explicit one would stop the inference.
 */
export function defineRule<const M extends string, O extends object = Record<never, never>>(rule: Rule<O, M>): Rule<O, M> {
  return rule;
}

/** Types a rule's `meta.defaultOptions` as `O`: `defaultOptions: optionDefaults<Options>({ scope: 'file' })`. */
export function optionDefaults<O extends object>(defaults: O): O {
  return defaults;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(data, name) ? String(data[name]) : whole,
  );
}

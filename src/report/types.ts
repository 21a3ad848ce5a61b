import type { FileResult, Finding, Severity } from '../model/finding.js';

export type { FileResult };

/**
 * What a formatter reads of a rule: the fields of a rule's `meta` that reports show.
 * Declared here so formatters depend on no engine type; every rule's `meta` has this shape.
 */
export interface RuleDescription {
  id: string;
  description: string;
  category: string;
  defaultSeverity: Severity;
  docs: { why: string; howToFix: string; url?: string };
  securitySeverity?: number;
  precision?: string;
  cwe?: readonly string[];
  fix?: 'none' | 'safe' | 'unsafe' | 'both';
  notRecommended?: boolean;
  /** JSON Schema of the rule's options object. */
  options?: Record<string, unknown>;
  /** Message templates by message id. */
  messages?: Readonly<Record<string, string>>;
}

/** The tool that wrote the report, for the SARIF `tool` object and rule links. */
export interface ToolInfo {
  version: string;
  homepage: string;
  /** The documentation page of a rule. */
  ruleDocsUrl(ruleId: string): string;
}

export interface FormatContext {
  cwd: string;
  /**
   * The directory SARIF and GitHub paths are relative to: the repository root (nearest
   * ancestor of `cwd` holding `.git`), or `cwd` outside a repository. Defaults to `cwd`.
   */
  sourceRoot?: string;
  color: boolean;
  rules: Readonly<Record<string, { meta: RuleDescription }>>;
  /** The target Linkerd release: what the user wrote, and the release whose facts applied. */
  target: { input: string; release: string };
  tool: ToolInfo;
  /** Unsafe fixes that `--unsafe-fixes` would add, for the stylish hint. */
  fixMode: 'none' | 'safe' | 'unsafe';
  /** Tells the user on standard error about a report that had to leave something out. */
  warn?: (message: string) => void;
}

/**
 * The documentation page of a rule: its own `docs.url`, the project's rules page for a
 * built-in rule, none for a plugin's rule (`name/rule-id`) that names no page.
 */
export function ruleUrl(meta: RuleDescription, tool: ToolInfo): string | undefined {
  return meta.docs.url ?? (meta.id.includes('/') ? undefined : tool.ruleDocsUrl(meta.id));
}

export type Formatter = (results: readonly FileResult[], ctx: FormatContext) => string;

export function active(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppressions?.length);
}

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  /** Errors and warnings that `--fix` (safe fixes only) would fix, as ESLint counts them. */
  fixableErrors: number;
  fixableWarnings: number;
  /** Findings whose only fix is unsafe. */
  unsafeFixable: number;
  safeFixable: number;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const c: Counts = { errors: 0, warnings: 0, infos: 0, fixableErrors: 0, fixableWarnings: 0, unsafeFixable: 0, safeFixable: 0 };
  for (const f of active(findings)) {
    if (f.severity === 'error') c.errors++;
    else if (f.severity === 'warning') c.warnings++;
    else c.infos++;
    if (!f.fix) continue;
    if (f.fix.kind === 'unsafe') {
      c.unsafeFixable++;
      continue;
    }
    c.safeFixable++;
    if (f.severity === 'error') c.fixableErrors++;
    else if (f.severity === 'warning') c.fixableWarnings++;
  }
  return c;
}

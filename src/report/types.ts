import type { Finding, RuleMeta } from '../engine/rule.js';
import type { SourceFile } from '../model/source.js';
import type { LinkerdTarget } from '../model/versions.js';

/** What a formatter gets for one file. `findings` are sorted and include suppressed ones. */
export interface FileResult {
  file: SourceFile;
  findings: Finding[];
  /** The fixed text, when fixes were computed and changed the file. */
  output?: string;
}

export interface FormatContext {
  cwd: string;
  /**
   * The directory SARIF and GitHub paths are relative to: the repository root (nearest
   * ancestor of `cwd` holding `.git`), or `cwd` outside a repository. Defaults to `cwd`.
   */
  sourceRoot?: string;
  color: boolean;
  rules: Readonly<Record<string, { meta: RuleMeta<string> }>>;
  target: LinkerdTarget;
  toolVersion: string;
  /** Unsafe fixes that `--unsafe-fixes` would add, for the stylish hint. */
  fixMode: 'none' | 'safe' | 'unsafe';
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

import type { Finding, Fix } from '../model/finding.js';
import type { ParsedFile } from '../model/parsed.js';
import { SourceFile } from '../model/source.js';
import { applyFixes } from './edits.js';

export const MAX_FIX_PASSES = 10;

export interface FixLoopOptions {
  /** Apply unsafe fixes too. */
  unsafe: boolean;
  /** Only fixes of these rules (all when omitted). */
  onlyRules?: ReadonlySet<string>;
  /** Parses a source file (the same parser linting uses). */
  parse(file: SourceFile): ParsedFile;
  /** Lints the whole tree and returns every finding, with fixes computed. */
  lint(files: readonly ParsedFile[]): Finding[];
}

/** A file whose fixes were (partly) refused because applying them broke its syntax. */
export interface RejectedFix {
  file: SourceFile;
  rules: string[];
  message: string;
}

export interface FixLoopResult {
  /** The files as they are after fixing (same order as given). */
  files: ParsedFile[];
  /** Original file → fixed text, for files whose text changed. */
  changed: Map<SourceFile, string>;
  rejected: RejectedFix[];
  passes: number;
}

function withText(file: SourceFile, text: string): SourceFile {
  return new SourceFile(file.path, file.displayPath, text, file.language, file.bom, file.stdin);
}

/**
 * Lints, applies the fixes that do not overlap, and lints again, until nothing changes,
 * for at most MAX_FIX_PASSES passes. A file that comes back to the text it had two passes
 * earlier is frozen (two fixes undoing each other). Every pass re-parses what it wrote;
 * fixes whose result would not parse are dropped and reported, naming their rules, and
 * nothing is written for them.
 */
export function fixLoop(initial: readonly ParsedFile[], opts: FixLoopOptions): FixLoopResult {
  let files = [...initial];
  const original = new Map(initial.map((p, i) => [i, p.file]));
  const history = new Map<number, string[]>(initial.map((p, i) => [i, [p.file.text]]));
  const frozen = new Set<number>();
  const rejected: RejectedFix[] = [];
  // A rule whose fix broke a file is not tried again on that file in later passes.
  const refused = new Map<number, Set<string>>();
  let passes = 0;

  while (passes < MAX_FIX_PASSES) {
    passes++;
    const findings = opts.lint(files);
    const byFile = new Map<SourceFile, RuleFix[]>();
    for (const f of findings) {
      if (!f.fix || f.suppressions?.length) continue;
      if (f.fix.kind === 'unsafe' && !opts.unsafe) continue;
      if (opts.onlyRules && !opts.onlyRules.has(f.ruleId)) continue;
      let list = byFile.get(f.file);
      if (!list) byFile.set(f.file, (list = []));
      list.push({ ...f.fix, ruleId: f.ruleId });
    }
    let changedThisPass = false;
    files = files.map((parsed, i) => {
      const fixes = byFile.get(parsed.file)?.filter((f) => !refused.get(i)?.has(f.ruleId));
      if (!fixes?.length || frozen.has(i)) return parsed;
      const next = applyVerified(parsed, fixes, opts.parse, (rules, message) => {
        rejected.push({ file: original.get(i)!, rules, message });
        refused.set(i, new Set([...(refused.get(i) ?? []), ...rules]));
      });
      if (!next) return parsed;
      const seen = history.get(i)!;
      if (seen.length >= 2 && seen[seen.length - 2] === next.file.text) {
        frozen.add(i);
        return parsed;
      }
      seen.push(next.file.text);
      changedThisPass = true;
      return next;
    });
    if (!changedThisPass) break;
  }

  const changed = new Map<SourceFile, string>();
  files.forEach((p, i) => {
    const from = original.get(i)!;
    if (p.file.text !== from.text) changed.set(from, p.file.text);
  });
  return { files, changed, rejected, passes };
}

type RuleFix = Fix & { ruleId: string };

/** Applies fixes to one file and re-parses; drops the fixes that break the syntax. */
function applyVerified(
  parsed: ParsedFile,
  fixes: RuleFix[],
  parse: (file: SourceFile) => ParsedFile,
  reject: (rules: string[], message: string) => void,
): ParsedFile | undefined {
  const before = parsed.problems.length;
  const attempt = (list: RuleFix[]) => {
    const { text } = applyFixes(parsed.file.text, list);
    if (text === parsed.file.text) return undefined;
    const next = parse(withText(parsed.file, text));
    return { next, ok: next.problems.length <= before && !(next.template && !parsed.template) };
  };
  const all = attempt(fixes);
  if (!all) return undefined;
  if (all.ok) return all.next;

  const breaking = fixes.filter((f) => attempt([f])?.ok === false);
  const rules = [...new Set((breaking.length ? breaking : fixes).map((f) => f.ruleId))].sort();
  const problem = all.next.problems[0];
  reject(
    rules,
    `fixes of ${rules.map((r) => `"${r}"`).join(', ')} would leave ${parsed.file.displayPath} unparsable` +
      (problem ? ` (${problem.range.start.line}:${problem.range.start.column} ${problem.message})` : '') +
      '; those fixes were not applied',
  );
  if (breaking.length === 0) return undefined;
  const rest = attempt(fixes.filter((f) => !breaking.includes(f)));
  return rest?.ok ? rest.next : undefined;
}

import { annotationsAt } from '../model/k8s.js';
import type { ParsedFile } from '../model/parsed.js';
import type { Range } from '../model/range.js';
import type { Resource } from '../model/resource.js';
import { didYouMean } from '../model/text.js';
import { uncertainLines } from '../model/unknown.js';
import type { Finding, Severity } from './rule.js';
import { formatMessage } from './rule.js';

export const IGNORE_ANNOTATION_PREFIX = 'ignore.linkerd-lint.io/';
export const UNUSED_DIRECTIVE_RULE = 'unused-disable-directive';

type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable-file' | 'annotation';

interface Directive {
  kind: DirectiveKind;
  /** Rule ids named; empty means every rule. */
  rules: string[];
  justification?: string;
  range: Range;
  /** For annotations: the resource carrying it. */
  resource?: Resource;
  /** For comments: the line it covers (disable-line, disable-next-line). */
  line?: number;
  used: Set<string>;
}

const COMMENT_DIRECTIVE = /^\s*linkerd-lint-(disable-next-line|disable-line|disable-file)(?:\s+([^]*?))?\s*$/;

/** Parses `linkerd-lint-disable-line a, b -- reason`; returns undefined for other comments. */
export function parseDirectiveComment(text: string): { kind: DirectiveKind; rules: string[]; justification?: string } | undefined {
  const m = COMMENT_DIRECTIVE.exec(text);
  if (!m) return undefined;
  const body = m[2] ?? '';
  const sep = body.search(/(?:^|\s)--(?:\s|$)/);
  const list = sep === -1 ? body : body.slice(0, sep);
  const reason = sep === -1 ? undefined : body.slice(sep).replace(/^\s*--\s*/, '').trim();
  const rules = list
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return { kind: m[1] as DirectiveKind, rules, ...(reason ? { justification: reason } : {}) };
}

function collectDirectives(parsed: ParsedFile): Directive[] {
  const out: Directive[] = [];
  for (const comment of parsed.comments) {
    const d = parseDirectiveComment(comment.text);
    if (!d) continue;
    const line =
      d.kind === 'disable-line' ? comment.range.start.line : d.kind === 'disable-next-line' ? comment.range.start.line + 1 : undefined;
    out.push({ ...d, range: comment.range, ...(line !== undefined ? { line } : {}), used: new Set() });
  }
  for (const resource of parsed.resources) {
    const annotations = annotationsAt(resource.value);
    if (!annotations) continue;
    for (const [key, value] of Object.entries(annotations)) {
      if (!key.startsWith(IGNORE_ANNOTATION_PREFIX)) continue;
      const rule = key.slice(IGNORE_ANNOTATION_PREFIX.length);
      const reason = typeof value === 'string' && value.trim() ? value.trim() : undefined;
      out.push({
        kind: 'annotation',
        rules: [rule],
        ...(reason ? { justification: reason } : {}),
        range: resource.locate(['metadata', 'annotations', key], 'key').range,
        resource,
        used: new Set(),
      });
    }
  }
  return out;
}

function covers(d: Directive, f: Finding): boolean {
  if (d.rules.length > 0 && !d.rules.includes(f.ruleId)) return false;
  switch (d.kind) {
    case 'disable-file':
      return true;
    case 'annotation':
      return f.resource === d.resource;
    default:
      return f.range.start.line === d.line;
  }
}

function directiveName(d: Directive): string {
  return d.kind === 'annotation' ? `${IGNORE_ANNOTATION_PREFIX}${d.rules[0]}` : `linkerd-lint-${d.kind}`;
}

export interface SuppressionOptions {
  /** Rule ids the registry knows. */
  knownRules: ReadonlySet<string>;
  /** Whether a rule ran for the file: a directive for a rule that is off is never called unused. */
  isActive(ruleId: string): boolean;
  /** Severity of `unused-disable-directive` for this file, or undefined when off. */
  unusedSeverity: Severity | undefined;
  messages: Record<'unused' | 'unusedAll' | 'unknownRule', string>;
  /** Findings not reported because they rest on values the source does not give: they use the directives they match. */
  doubted?: readonly Finding[];
}

/**
 * Whether a directive that suppressed nothing may have had something to suppress: it covers
 * a line with a value the source does not give statically, or a resource that has one.
 */
function mayBeUsed(d: Directive, parsed: ParsedFile, lines: () => ReadonlySet<number>): boolean {
  if (d.resource) return d.resource.unknown !== undefined;
  if (!parsed.resources.some((r) => r.unknown)) return false;
  return d.kind === 'disable-file' || (d.line !== undefined && lines().has(d.line));
}

/**
 * Marks findings covered by a directive as suppressed (they are kept: SARIF reports
 * them as suppressed) and returns findings for directives that suppressed nothing.
 */
export function applySuppressions(parsed: ParsedFile, findings: Finding[], opts: SuppressionOptions): Finding[] {
  const directives = collectDirectives(parsed);
  if (directives.length === 0) return [];
  for (const f of findings) {
    if (f.ruleId === UNUSED_DIRECTIVE_RULE) continue;
    for (const d of directives) {
      if (!covers(d, f)) continue;
      d.used.add(f.ruleId);
      f.suppressions ??= [];
      f.suppressions.push({ kind: 'inSource', ...(d.justification ? { justification: d.justification } : {}) });
    }
  }
  for (const f of opts.doubted ?? []) for (const d of directives) if (covers(d, f)) d.used.add(f.ruleId);
  if (!opts.unusedSeverity) return [];
  const severity = opts.unusedSeverity;
  const out: Finding[] = [];
  const report = (d: Directive, messageId: keyof SuppressionOptions['messages'], data: Record<string, string>) =>
    out.push({
      ruleId: UNUSED_DIRECTIVE_RULE,
      severity,
      message: formatMessage(opts.messages[messageId], data),
      messageId,
      file: parsed.file,
      range: d.range,
      ...(d.resource ? { resource: d.resource, path: ['metadata', 'annotations', directiveName(d)] } : {}),
    });
  let lines: Set<number> | undefined;
  const unknownLines = () => (lines ??= uncertainLines(parsed.resources));
  for (const d of directives) {
    const directive = directiveName(d);
    if (d.rules.length === 0) {
      if (d.used.size === 0 && !mayBeUsed(d, parsed, unknownLines)) report(d, 'unusedAll', { directive });
      continue;
    }
    for (const rule of d.rules) {
      if (!opts.knownRules.has(rule)) {
        report(d, 'unknownRule', { rule, directive, hint: didYouMean(rule, opts.knownRules) });
      } else if (!d.used.has(rule) && opts.isActive(rule) && !mayBeUsed(d, parsed, unknownLines)) {
        report(d, 'unused', { rule, directive });
      }
    }
  }
  return out;
}

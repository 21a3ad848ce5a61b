import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../model/finding.js';
import { formatPath } from '../model/path.js';
import { resourceId } from '../model/resource.js';
import { directoryUri, pathToUriReference, rootRelativePath } from './location.js';
import { MAX_RESULTS_PER_RUN, type Truncation, bySeverity, fitGzipBudget, truncationInvocation, truncationWarning } from './sarif-limits.js';
import { type FileResult, type FormatContext, type Formatter, type RuleDescription, type ToolInfo, ruleUrl } from './types.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
/** Our own fingerprint key; GitHub computes `primaryLocationLineHash` itself (see `fingerprints`). */
const FINGERPRINT_KEY = 'linkerdLint/v1';
/** GitHub shows at most this many characters of a rule's short and full description. */
const DESCRIPTION_LIMIT = 1024;


const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > limit / 2 ? cut.slice(0, space) : cut}…`;
}

/** Markdown without the backticks and emphasis a plain-text viewer would show literally. */
function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '"$1"').replace(/\*\*([^*]+)\*\*/g, '$1');
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, ch: string) => ch.toUpperCase());
}

interface ReportingDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration?: { level: 'error' | 'warning' | 'note' };
  properties: Record<string, unknown>;
}

function ruleDescriptor(meta: RuleDescription, tool: ToolInfo): ReportingDescriptor {
  const url = ruleUrl(meta, tool);
  // GitHub code scanning reads CWE tags in this form (`external/cwe/cwe-306`).
  const tags = [meta.category, 'linkerd', 'kubernetes', ...(meta.cwe ?? []).map((id) => `external/cwe/${id.toLowerCase()}`)];
  const properties: Record<string, unknown> = { tags, category: meta.category };
  if (meta.precision) properties.precision = meta.precision;
  // GitHub treats any rule carrying `security-severity` as a security rule, so only security rules get it.
  if (meta.category === 'security' && meta.securitySeverity !== undefined) {
    properties['security-severity'] = meta.securitySeverity.toFixed(1);
  } else {
    properties['problem.severity'] = PROBLEM_SEVERITY[meta.defaultSeverity];
  }
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: clip(meta.description, DESCRIPTION_LIMIT) },
    fullDescription: { text: clip(plain(meta.docs.why), DESCRIPTION_LIMIT) },
    help: {
      text: `${plain(meta.docs.why)}\n\nHow to fix: ${plain(meta.docs.howToFix)}${url ? `\n\nDocumentation: ${url}` : ''}`,
      markdown: `${meta.docs.why}\n\n**How to fix:** ${meta.docs.howToFix}${url ? `\n\n[Documentation of ${meta.id}](${url})` : ''}`,
    },
    ...(url ? { helpUri: url } : {}),
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties,
  };
}

/** A descriptor for a finding whose rule is not in the registry, so the log stays valid for GitHub. */
function unknownRuleDescriptor(id: string): ReportingDescriptor {
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: id },
    fullDescription: { text: id },
    help: { text: id, markdown: id },
    properties: { tags: ['linkerd'] },
  };
}

function sha(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

/**
 * Fingerprint material that does not mention line numbers, so a finding keeps its
 * fingerprint when lines are inserted above it. A finding about a resource is
 * identified by rule, file, resource identity (kind.group/namespace/name), message id
 * and JSON path. A finding with no resource (a syntax error, an unrendered template, an
 * unused directive) is identified by rule, file, message and the text of the line it
 * starts on, with whitespace removed — the same idea as GitHub's own line hash.
 */
function fingerprintKey(f: Finding, uri: string): string {
  if (f.resource) {
    return sha([f.ruleId, uri, resourceId(f.resource), formatPath([...f.resource.docPath, ...(f.path ?? [])]), f.messageId ?? '']);
  }
  const lineText = f.file.lines.lineText(f.range.start.line).replace(/\s+/g, '');
  return sha([f.ruleId, uri, f.message, lineText]);
}

function artifactLocation(result: FileResult, ctx: FormatContext): { uri: string; uriBaseId?: string } {
  const rel = rootRelativePath(result.file, ctx);
  if (rel !== undefined) return { uri: pathToUriReference(rel), uriBaseId: SRCROOT };
  if (result.file.stdin && result.file.displayPath === '<stdin>') return { uri: 'stdin' };
  return { uri: pathToFileURL(result.file.path).href };
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: every rule as a
 * `reportingDescriptor`, every finding (suppressed ones too, marked `suppressions`) as a
 * result with a 1-based region whose `endColumn` is exclusive, as SARIF defines it.
 * Within GitHub's upload limits (sarif-limits.ts): over them, the least severe results are
 * left out, and a run-level notification and a warning say so.
 */
export const sarif: Formatter = (results, ctx) => {
  const rules: ReportingDescriptor[] = Object.values(ctx.rules).map((r) => ruleDescriptor(r.meta, ctx.tool));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  let sarifResults: ({ level: string } & Record<string, unknown>)[] = [];
  for (const result of results) {
    const location = artifactLocation(result, ctx);
    const seen = new Map<string, number>();
    for (const f of result.findings) {
      let ruleIndex = index.get(f.ruleId);
      if (ruleIndex === undefined) {
        ruleIndex = rules.push(unknownRuleDescriptor(f.ruleId)) - 1;
        index.set(f.ruleId, ruleIndex);
      }
      const key = fingerprintKey(f, location.uri);
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      const { start, end } = f.range;
      sarifResults.push({
        ruleId: f.ruleId,
        ruleIndex,
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: location,
              region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
            },
            ...(f.resource ? { logicalLocations: [{ fullyQualifiedName: resourceId(f.resource), kind: 'object' }] } : {}),
          },
        ],
        partialFingerprints: { [FINGERPRINT_KEY]: `${key}:${occurrence}` },
        ...(f.suppressions?.length
          ? {
              suppressions: f.suppressions.map((s) => ({
                kind: s.kind,
                ...(s.justification ? { justification: s.justification } : {}),
              })),
            }
          : {}),
      });
    }
  }
  // Over GitHub's limits, keep the most severe.
  const total = sarifResults.length;
  if (total > MAX_RESULTS_PER_RUN) sarifResults = bySeverity(sarifResults).slice(0, MAX_RESULTS_PER_RUN);
  const render = (kept: readonly unknown[], notice: Truncation | undefined) => {
    const log = {
      $schema: SARIF_SCHEMA,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'linkerd-lint',
              semanticVersion: ctx.tool.version,
              version: ctx.tool.version,
              informationUri: ctx.tool.homepage,
              rules,
            },
          },
          originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(ctx.sourceRoot ?? ctx.cwd) } },
          columnKind: 'utf16CodeUnits',
          results: kept,
          ...(notice ? { invocations: [truncationInvocation(notice)] } : {}),
          properties: { linkerdVersion: ctx.target.input, linkerdRelease: ctx.target.release },
        },
      ],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
  };
  let notice: Truncation | undefined = total > MAX_RESULTS_PER_RUN ? { total, kept: MAX_RESULTS_PER_RUN } : undefined;
  let text = render(sarifResults, notice);
  const fitted = fitGzipBudget(sarifResults, text, total, render);
  if (fitted) ({ text, notice } = fitted);
  if (notice) ctx.warn?.(truncationWarning(notice));
  return text;
};

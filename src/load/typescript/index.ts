import type { ParsedFile, SourceComment, SyntaxProblem } from '../../model/parsed.js';
import type { Resource } from '../../model/resource.js';
import type { SourceFile } from '../../model/source.js';
import type { EsNode } from './ast.js';
import { toResource } from './build.js';
import type { Val } from './evaluate.js';
import { MAX_DEPTH } from '../depth.js';
import { loadTypeScriptParser, loadedTypeScriptParser } from './parser.js';
import { mayBuildManifests } from './prescan.js';
import { Scopes } from './scope.js';
import { findManifests } from './shapes.js';

export { mayBuildManifests };

const DIRECTIVE_MARK = 'linkerd-lint-';

/** Loads the parser when one of `files` needs it (a TypeScript source that passes the pre-scan). */
export async function prepareTypeScript(files: readonly SourceFile[]): Promise<void> {
  if (files.some((f) => f.language === 'typescript' && mayBuildManifests(f.text))) await loadTypeScriptParser();
}

/**
 * The manifests a TypeScript source builds, with the comments that may hold
 * `linkerd-lint-disable…` directives. A source that fails the pre-scan is read as
 * building none without being parsed; one that does must have the parser loaded
 * (`prepareTypeScript`). A syntax error is a problem at its position, as in YAML.
 */
export function parseTypeScript(file: SourceFile): ParsedFile {
  const empty: ParsedFile = { file, resources: [], problems: [], comments: [] };
  if (!mayBuildManifests(file.text)) return empty;
  const parse = loadedTypeScriptParser();
  if (!parse) throw new Error(`the TypeScript parser is not loaded (reading ${file.displayPath})`);
  let program: EsNode;
  try {
    program = parse(file.text, {
      range: true,
      comment: true,
      jsx: /\.[cm]?tsx$/i.test(file.path),
      jsDocParsingMode: 'none',
      filePath: file.path,
    }) as unknown as EsNode;
  } catch (err) {
    if (err instanceof RangeError) return { ...empty, problems: [tooDeep(file, 0)] };
    const e = err as { index?: number; message?: string };
    const at = typeof e.index === 'number' ? e.index : 0;
    return { ...empty, problems: [{ code: 'TS_SYNTAX', message: e.message ?? String(err), range: file.lines.range(at, at + 1) }] };
  }
  const comments: SourceComment[] = [];
  if (file.text.includes(DIRECTIVE_MARK)) {
    for (const c of program.comments as EsNode[]) {
      const text = c.value as string;
      if (text.includes(DIRECTIVE_MARK)) comments.push({ text: c.type === 'Block' ? text.replace(/^\s*\*+/, '') : text, range: file.lines.range(c.range[0], c.range[1]) });
    }
  }
  const scopes = new Scopes(program);
  const problems: SyntaxProblem[] = [];
  const resources: Resource[] = [];
  let candidates;
  try {
    candidates = findManifests(program, scopes, file.text);
  } catch (err) {
    // The evaluator recurses like the parser does; it may run out of stack on what the parser just read.
    if (err instanceof RangeError) return { ...empty, comments, problems: [tooDeep(file, 0)] };
    throw err;
  }
  for (const c of candidates) {
    // As for YAML (src/load/depth.ts): the rules walk values, and a value this deep would exhaust the stack.
    if (depthOf(c.body) > MAX_DEPTH) problems.push(tooDeep(file, c.root.range[0]));
    else resources.push(toResource(c, file, resources.length));
  }
  return { file, resources, problems, comments };
}

function tooDeep(file: SourceFile, at: number): SyntaxProblem {
  return { code: 'too-deep', message: `source is nested more than ${MAX_DEPTH} levels deep; not linted`, range: file.lines.range(at, at + 1) };
}

/** How deeply a value nests, counted without recursion. */
function depthOf(root: Val): number {
  let max = 0;
  const stack: [Val, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > MAX_DEPTH) break;
    if (v.t === 'object') for (const e of v.entries.values()) stack.push([e.val, d + 1]);
    else if (v.t === 'array') for (const item of v.items) stack.push([item, d + 1]);
  }
  return max;
}

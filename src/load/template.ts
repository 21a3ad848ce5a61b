import type { CstFacts, CstToken } from './cst.js';

/**
 * Go-template actions that can only come from an unrendered Helm chart. Plain `{{ x }}`
 * also appears in rendered manifests as data (Prometheus alert text, Argo Workflows
 * parameters, Flagger metric queries), so it counts only where no quoted or block
 * scalar holds it, and then only with Helm's own words — unless the file does not even
 * parse, when any action outside a scalar is taken for template syntax.
 */
const HELM_WORDS =
  /^\{\{-|-\}\}$|\.(Values|Release|Chart|Capabilities|Files|Template)\b|^\{\{-?\s*(?:\/\*|(?:if|else|end|range|with|define|include|template|block|tpl|toYaml|required|lookup)\b)/;

/**
 * Each `{{ … }}` action: from a `{{` to the first `}}` after it. One pass with indexOf, so
 * a long run of `{` with no `}}` costs linear time (a backtracking regex is quadratic there).
 */
function* actions(text: string): Generator<{ index: number; text: string }> {
  let from = 0;
  for (;;) {
    const start = text.indexOf('{{', from);
    if (start === -1) return;
    const close = text.indexOf('}}', start + 2);
    // No later action can close either.
    if (close === -1) return;
    yield { index: start, text: text.slice(start, close + 2) };
    from = close + 2;
  }
}

function containing(tokens: readonly CstToken[], offset: number): CstToken | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid]!;
    if (offset < t.offset) hi = mid - 1;
    else if (offset >= t.offset + t.source.length) lo = mid + 1;
    else return t;
  }
  return undefined;
}

/** Returns the offset and text of the first action that marks `text` as an unrendered template. */
export function findTemplateDirective(
  text: string,
  facts: CstFacts,
  parses: boolean,
): { offset: number; directive: string } | undefined {
  for (const match of actions(text)) {
    const offset = match.index;
    if (containing(facts.comments, offset)) continue;
    const scalar = containing(facts.scalars, offset);
    if (scalar && scalar.type !== 'scalar') continue;
    const directive = match.text.length > 80 ? `${match.text.slice(0, 77)}...` : match.text;
    if (!parses && !scalar) return { offset, directive };
    if (HELM_WORDS.test(match.text)) return { offset, directive };
  }
  return undefined;
}

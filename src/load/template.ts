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

const ACTION = /\{\{(?:[^}]|\}(?!\}))*\}\}/g;

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
  for (const match of text.matchAll(ACTION)) {
    const offset = match.index;
    if (containing(facts.comments, offset)) continue;
    const scalar = containing(facts.scalars, offset);
    if (scalar && scalar.type !== 'scalar') continue;
    const directive = match[0].length > 80 ? `${match[0].slice(0, 77)}...` : match[0];
    if (!parses && !scalar) return { offset, directive };
    if (HELM_WORDS.test(match[0])) return { offset, directive };
  }
  return undefined;
}

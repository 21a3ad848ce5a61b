import type { JsonPath } from '../model/path.js';

/**
 * A ValidatingAdmissionPolicy `fieldPath` as a path: dotted field names, `[n]` list
 * indexes and `['key']` map keys (k8s.io/apiserver/pkg/admission/plugin/policy/validating,
 * which accepts the same forms), with or without a leading dot.
 */
export function parseFieldPath(text: string): JsonPath | undefined {
  const path: (string | number)[] = [];
  let i = text.startsWith('.') ? 1 : 0;
  while (i < text.length) {
    const rest = text.slice(i);
    let m: RegExpMatchArray | null;
    if ((m = rest.match(/^[A-Za-z_$][\w$-]*/))) {
      path.push(m[0]);
    } else if ((m = rest.match(/^\[(\d+)\]/))) {
      path.push(Number(m[1]));
    } else if ((m = rest.match(/^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/) ?? rest.match(/^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/))) {
      path.push(m[1]!.replace(/\\(.)/g, '$1'));
    } else return undefined;
    i += m[0].length;
    if (i < text.length && text[i] === '.') {
      i++;
      if (i === text.length) return undefined;
    } else if (i < text.length && text[i] !== '[') return undefined;
  }
  return path.length > 0 ? path : undefined;
}

/**
 * Why a pattern would not compile with the Rust `regex` crate that Linkerd's policy
 * controller uses, or undefined when we see no reason. That crate has RE2-like syntax:
 * no look-around, no back-references, no atomic groups. Only constructs we are sure it
 * refuses are reported, so a pattern JavaScript would reject (for instance one using
 * `(?i)`) is not flagged here.
 */
export function rustRegexProblem(pattern: string): string | undefined {
  let depth = 0;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const problem = escapeProblem(pattern, i);
      if (problem) return problem;
      i = skipEscape(pattern, i);
      continue;
    }
    if (ch === '[') {
      const end = classEnd(pattern, i);
      if (end === undefined) return 'unclosed character class "["';
      const inner = pattern.slice(i, end);
      const bad = /\\([1-9])/.exec(inner);
      if (bad) return `back-reference "\\${bad[1]}" inside a character class is not supported`;
      i = end;
      continue;
    }
    if (ch === '(') {
      if (pattern[i + 1] === '?') {
        const problem = groupProblem(pattern.slice(i + 2));
        if (problem) return problem;
      }
      depth++;
      i++;
      continue;
    }
    if (ch === ')') {
      if (depth === 0) return 'unopened group ")"';
      depth--;
    }
    i++;
  }
  return depth > 0 ? 'unclosed group "("' : undefined;
}

function escapeProblem(pattern: string, at: number): string | undefined {
  const next = pattern[at + 1];
  if (next === undefined) return 'pattern ends with a lone "\\"';
  if (/[1-9]/.test(next)) return `back-reference "\\${next}" is not supported`;
  if (next === 'k' && /[<{']/.test(pattern[at + 2] ?? '')) return 'named back-reference "\\k" is not supported';
  return undefined;
}

/** Index after an escape sequence, including `\p{…}`, `\x{…}` and friends. */
function skipEscape(pattern: string, at: number): number {
  const next = pattern[at + 1];
  if ((next === 'p' || next === 'P' || next === 'x' || next === 'u' || next === 'U') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  return at + 2;
}

/** Index after the `]` closing the class opened at `open`; classes may nest, as in the regex crate. */
function classEnd(pattern: string, open: number): number | undefined {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  let depth = 1;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i = skipEscape(pattern, i);
      continue;
    }
    if (ch === '[') {
      if (pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2);
        if (close !== -1) {
          i = close + 2;
          continue;
        }
      }
      depth++;
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      continue;
    }
    if (ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return undefined;
}

/** `rest` is what follows `(?`. */
function groupProblem(rest: string): string | undefined {
  if (rest.startsWith('=') || rest.startsWith('!')) return `look-ahead "(?${rest[0]}" is not supported`;
  if (rest.startsWith('<=') || rest.startsWith('<!')) return `look-behind "(?${rest.slice(0, 2)}" is not supported`;
  if (rest.startsWith('>')) return 'atomic group "(?>" is not supported';
  if (rest.startsWith('#')) return 'comment group "(?#" is not supported';
  if (/^P?<[A-Za-z_][\w.[\]]*>/.test(rest)) return undefined;
  if (rest.startsWith('P=') || rest.startsWith('P>')) return 'named back-reference "(?P=" is not supported';
  if (/^[imsRUux-]*[:)]/.test(rest)) return undefined;
  return `unknown group syntax "(?${rest.slice(0, 3)}"`;
}

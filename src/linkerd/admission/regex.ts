/**
 * Why a pattern would not compile with the Rust `regex` crate that Linkerd's policy
 * controller and proxy use, or undefined when we see no reason. That crate has RE2-like
 * syntax: no look-around, no back-references, no atomic groups, and it is strict where
 * other engines guess: a `{` that does not open a repetition count such as `{2}` or
 * `{1,3}`, a `*`, `+` or `?` with nothing before it to repeat, an escape of a letter it
 * does not know (`\Z`, `\Q`, `\h`), a class range out of order (`[a-Z]`). Only constructs
 * we are sure it refuses are reported (checked against the parser in rust-lang/regex
 * `regex-syntax/src/ast/parse.rs`), so a pattern JavaScript would reject (for instance one
 * using `(?i)`) is not flagged here. With the `x` flag (whitespace and `#` comments
 * ignored) spacing is not judged, and a pattern holding a `#` not at all.
 */
export function rustRegexProblem(pattern: string): string | undefined {
  const strict = !/\(\?[imsRUu-]*x/.test(pattern);
  // A `#` comment may hide any syntax, so such a pattern is not judged at all.
  if (!strict && pattern.includes('#')) return undefined;
  let depth = 0;
  let i = 0;
  // Whether a repetition operator here has something before it to repeat.
  let canRepeat = false;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const problem = escapeProblem(pattern, i);
      if (problem) return problem;
      const letter = pattern[i + 1];
      i = skipEscape(pattern, i);
      // `\b{start}` and friends are word-boundary assertions, not counted repetitions.
      if (letter === 'b' || letter === 'B') {
        const special = /^\{[A-Za-z-]+\}/.exec(pattern.slice(i));
        if (special) i += special[0].length;
      }
      canRepeat = true;
      continue;
    }
    if (ch === '[') {
      const end = classEnd(pattern, i);
      if (end === undefined) return 'unclosed character class "["';
      const problem = classProblem(pattern.slice(i, end), strict);
      if (problem) return problem;
      i = end;
      canRepeat = true;
      continue;
    }
    if (ch === '(') {
      if (pattern[i + 1] === '?') {
        const problem = groupProblem(pattern.slice(i + 2));
        if (problem) return problem;
        // `(?i)` sets flags for what follows: it is no group and nothing to repeat.
        const flags = /^\(\?[imsRUux-]+\)/.exec(pattern.slice(i));
        if (flags) {
          i += flags[0].length;
          canRepeat = false;
          continue;
        }
      }
      depth++;
      i++;
      const prefix = /^\?(?:[imsRUux-]*:|P?<[^>]*>)/.exec(pattern.slice(i));
      if (prefix) i += prefix[0].length;
      canRepeat = false;
      continue;
    }
    if (ch === ')') {
      if (depth === 0) return 'unopened group ")"';
      depth--;
      i++;
      canRepeat = true;
      continue;
    }
    if (strict && ch === '|') {
      canRepeat = false;
      i++;
      continue;
    }
    if (strict && (ch === '*' || ch === '+' || ch === '?')) {
      if (!canRepeat) return `"${ch}" has nothing before it to repeat` + (ch === '*' ? ' (for any characters write ".*")' : '');
      i++;
      continue;
    }
    if (strict && ch === '{') {
      if (!canRepeat) return '"{" has nothing before it to repeat (write "\\{" for a literal brace)';
      const problem = countProblem(pattern, i);
      if (typeof problem === 'string') return problem;
      i = problem;
      continue;
    }
    canRepeat = true;
    i++;
  }
  return depth > 0 ? 'unclosed group "("' : undefined;
}

/** Letters the crate accepts after `\` outside a class; `p`, `P`, `x`, `u` and `U` take an argument. */
const ESCAPE_LETTERS = new Set('abdfnrstvwzABDSWpPxuU');
/** Assertions, which a class cannot hold. */
const NOT_IN_CLASS = new Set('bBAz<>');

function escapeProblem(pattern: string, at: number, inClass = false): string | undefined {
  const next = pattern[at + 1];
  if (next === undefined) return 'pattern ends with a lone "\\"';
  if (next === '0') return 'octal escape "\\0" is not supported';
  if (/[1-9]/.test(next)) return `back-reference "\\${next}" is not supported`;
  if (next === 'k' && /[<{']/.test(pattern[at + 2] ?? '')) return 'named back-reference "\\k" is not supported';
  if (/[A-Za-z]/.test(next) && !ESCAPE_LETTERS.has(next)) return `unknown escape "\\${next}"`;
  if (inClass && NOT_IN_CLASS.has(next)) return `"\\${next}" is an assertion, which a character class cannot hold`;
  return argumentProblem(pattern, at);
}

const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** What is wrong with the argument of `\x`, `\u`, `\U`, `\p` or `\P` at `at`, if anything. */
function argumentProblem(pattern: string, at: number): string | undefined {
  const letter = pattern[at + 1]!;
  const rest = pattern.slice(at + 2);
  const digits = HEX_DIGITS[letter];
  if (digits !== undefined) {
    if (rest.startsWith('{')) {
      return /^\{[0-9A-Fa-f]+\}/.test(rest) ? undefined : `"\\${letter}{" must hold hex digits and be closed by "}"`;
    }
    return new RegExp(`^[0-9A-Fa-f]{${digits}}`).test(rest) ? undefined : `"\\${letter}" must be followed by ${digits} hex digits or {…}`;
  }
  if (letter === 'p' || letter === 'P') {
    if (rest.startsWith('{')) return rest.includes('}') ? undefined : `"\\${letter}{" is not closed by "}"`;
    if (rest === '') return `"\\${letter}" must be followed by a Unicode class name`;
  }
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

/**
 * The index after the counted repetition opening at `open` (`{2}`, `{2,}`, `{1,3}`, spaces
 * allowed), or why it is none: the crate reads every `{` after an atom as one.
 */
function countProblem(pattern: string, open: number): number | string {
  const m = /^\{\s*(\d+)\s*(?:(,)\s*(?:(\d+)\s*)?)?\}/.exec(pattern.slice(open));
  if (!m) {
    const close = pattern.indexOf('}', open);
    const text = close === -1 ? pattern.slice(open) : pattern.slice(open, close + 1);
    return `"${text}" is not a repetition count such as {2} or {1,3} (write "\\{" for a literal brace)`;
  }
  if (m[3] !== undefined && Number(m[1]) > Number(m[3])) return `repetition count "${m[0]}" has its minimum above its maximum`;
  return open + m[0].length;
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

/** `cls` is a whole class, `[` to `]`. */
function classProblem(cls: string, strict: boolean): string | undefined {
  for (let i = 1; i < cls.length - 1; i++) {
    if (cls[i] !== '\\') continue;
    const problem = escapeProblem(cls, i, true);
    if (problem) return problem.startsWith('back-reference') ? `${problem.replace(' is not', ' inside a character class is not')}` : problem;
    i++;
  }
  return strict ? reversedRange(cls) : undefined;
}

/**
 * A range such as `a-Z` whose start comes after its end. Only plain classes are read
 * (no escapes, nested classes or set operations), where every `x-y` between two
 * characters is a range.
 */
function reversedRange(cls: string): string | undefined {
  let body = cls.slice(1, -1);
  if (body.startsWith('^')) body = body.slice(1);
  if (/[\\[]|&&|--|~~/.test(body)) return undefined;
  const chars = [...body];
  for (let i = 0; i + 2 < chars.length; i++) {
    if (chars[i + 1] !== '-') continue;
    const [from, to] = [chars[i]!, chars[i + 2]!];
    if (from.codePointAt(0)! > to.codePointAt(0)!) return `character class range "${from}-${to}" is out of order`;
    i += 2;
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

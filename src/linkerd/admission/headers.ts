/** RFC 7230 token characters, as the `http` crate's `HeaderName::from_bytes` accepts them (any case). */
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

export function headerNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a header name must not be empty';
  if (!TOKEN.test(name)) return 'a header name may hold only letters, digits and !#$%&\'*+-.^_`|~';
  return undefined;
}

/** `HeaderValue::from_str`: visible bytes, spaces and tabs; no other control characters. */
export function headerValueProblem(value: string): string | undefined {
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      return `a header value must not hold control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return undefined;
}

/** A location inside a resource's value: keys and sequence indexes from the resource root. */
export type JsonPath = readonly (string | number)[];

const SIMPLE_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Parses `spec.routes[2].timeout` and `metadata.annotations["linkerd.io/inject"]`.
 * Keys that hold dots or slashes must use the bracket-and-quotes form.
 */
export function parsePath(text: string): JsonPath {
  const out: (string | number)[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      i++;
      continue;
    }
    if (ch === '[') {
      const close = text[i + 1] === '"' ? findClosingQuote(text, i + 1) + 1 : text.indexOf(']', i);
      if (close <= i || text[close] !== ']') throw new Error(`bad path "${text}": unclosed "["`);
      const inner = text.slice(i + 1, close);
      if (inner.startsWith('"')) out.push(JSON.parse(inner) as string);
      else if (/^\d+$/.test(inner)) out.push(Number(inner));
      else throw new Error(`bad path "${text}": "[${inner}]" is neither an index nor a quoted key`);
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

function findClosingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

export function formatPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (SIMPLE_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function toPath(path: JsonPath | string): JsonPath {
  return typeof path === 'string' ? parsePath(path) : path;
}

/** Reads the value at `path`, or undefined when any step is missing. */
export function getAt(value: unknown, path: JsonPath): unknown {
  let cur: unknown = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}

/** A JSON pointer (`/rules/foo/0`, as JSON Schema validators report) as a path. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

// The Kubernetes URL library: k8s.io/apiserver/pkg/cel/library/urls.go, whose url() accepts
// what Go's net/url.ParseRequestURI accepts (an absolute URI or an absolute path) and then
// reads the parts url.Parse gives. The parsing here follows net/url's parse().
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';

export class URLValue {
  constructor(
    readonly scheme: string,
    /** host[:port], brackets kept for IPv6. */
    readonly host: string,
    /** The path, unescaped. */
    readonly path: string,
    readonly rawPath: string,
    readonly rawQuery: string,
  ) {}
}

const CTL = /[\x00-\x1f\x7f]/;

/** net/url's shouldEscape for the path mode (RFC 3986 §3.3). */
function pathKeeps(c: string): boolean {
  return /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c);
}

/** net/url's unescape: `%XX` sequences decoded; a malformed one is an error. */
function unescape(s: string, plusIsSpace: boolean): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const bytes: number[] = [];
  const raw = Buffer.from(plusIsSpace ? s.replace(/\+/g, ' ') : s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25) {
      bytes.push(parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16));
      i += 2;
    } else bytes.push(raw[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** net/url's escape in path mode. */
function escapePath(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && pathKeeps(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** net/url's validEncoded in path mode: a raw path that needs no re-escaping. */
function validEncoded(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (!pathKeeps(c)) return false;
  }
  return true;
}

/** net/url's parseHost: a bracketed IPv6 literal or a name, and an optional all-digit port. */
function validHost(host: string): boolean {
  let rest = host;
  if (host.startsWith('[')) {
    const end = host.lastIndexOf(']');
    if (end < 0) return false;
    rest = host.slice(end + 1);
    if (rest !== '' && !/^:\d*$/.test(rest)) return false;
    return true;
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !/^:\d*$/.test(host.slice(colon))) return false;
  // Host characters net/url refuses unescaped (shouldEscape in host mode).
  return !/[\s"#%<>\\^`{|}]/.test(host.replace(/%[0-9a-fA-F]{2}/g, ''));
}

/**
 * Parses as net/url's parse(rawURL, viaRequest): with `viaRequest` (ParseRequestURI) the
 * text must be an absolute URI or an absolute path and a `#` is not a fragment mark.
 */
function parseURL(raw: string, viaRequest: boolean): URLValue | string {
  if (CTL.test(raw)) return 'net/url: invalid control character in URL';
  if (raw === '' && viaRequest) return 'empty url';
  let rest = raw;
  if (!viaRequest) {
    const hash = rest.indexOf('#');
    if (hash >= 0) rest = rest.slice(0, hash);
  }
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith(':')) return 'missing protocol scheme';
  let rawQuery = '';
  if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) [rest, rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return new URLValue(scheme, '', '', '', rawQuery);
    if (viaRequest) return 'invalid URI for request';
  }
  let host = '';
  if ((scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const after = rest.slice(2);
    const slash = after.indexOf('/');
    const authority = slash >= 0 ? after.slice(0, slash) : after;
    rest = slash >= 0 ? after.slice(slash) : '';
    const at = authority.lastIndexOf('@');
    host = at >= 0 ? authority.slice(at + 1) : authority;
    if (!validHost(host)) return `invalid port or host ${JSON.stringify(host)}`;
  }
  const path = unescape(rest, false);
  if (path === undefined) return `invalid URL escape in ${JSON.stringify(rest)}`;
  return new URLValue(scheme, host, path, escapePath(path) === rest ? '' : rest, rawQuery);
}

function urlOf(s: string): URLValue {
  const checked = parseURL(s, true);
  if (typeof checked === 'string') throw celError(`URL parse error during conversion from string: parse ${JSON.stringify(s)}: ${checked}`);
  const u = parseURL(s, false);
  if (typeof u === 'string') throw celError(`URL parse error during conversion from string: parse ${JSON.stringify(s)}: ${u}`);
  return u;
}

function hostname(u: URLValue): string {
  const h = u.host;
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function port(u: URLValue): string {
  const h = u.host;
  const start = h.startsWith('[') ? h.indexOf(']') + 1 : 0;
  const colon = h.indexOf(':', start);
  return colon >= 0 ? h.slice(colon + 1) : '';
}

/** net/url's ParseQuery: `&`-separated pairs, `+` as space; a pair with `;` or a bad escape is dropped. */
function query(u: URLValue): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = unescape(eq >= 0 ? pair.slice(0, eq) : pair, true);
    const value = unescape(eq >= 0 ? pair.slice(eq + 1) : '', true);
    if (key === undefined || value === undefined) continue;
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

export function registerURL(env: Environment): void {
  const U = 'kubernetes.URL';
  env
    .registerType(U, URLValue)
    .registerFunction(`url(string): ${U}`, urlOf)
    .registerFunction('isURL(string): bool', (s: string) => typeof parseURL(s, true) !== 'string')
    .registerFunction(`${U}.getScheme(): string`, (u: URLValue) => u.scheme)
    .registerFunction(`${U}.getHost(): string`, (u: URLValue) => u.host)
    .registerFunction(`${U}.getHostname(): string`, hostname)
    .registerFunction(`${U}.getPort(): string`, port)
    .registerFunction(`${U}.getEscapedPath(): string`, (u: URLValue) =>
      u.rawPath !== '' && validEncoded(u.rawPath) && unescape(u.rawPath, false) === u.path ? u.rawPath : escapePath(u.path),
    )
    .registerFunction(`${U}.getQuery(): map<string, list<string>>`, query);
}

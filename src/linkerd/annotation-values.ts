/**
 * Parsers for the value syntaxes of Linkerd annotations. Each
 * follows the component that reads the value: the injector uses Go's parsers, the policy
 * controller its own stricter ones, so the same-looking value can be fine for one key
 * and wrong for another. Sources: linkerd2 `pkg/inject/inject.go` (the injector);
 * `parse_duration` and `parse_bool_annotation` in `policy-controller/k8s/index/src/outbound/index.rs`,
 * `parse_portset` in `policy-controller/k8s/index/src/ports.rs`, `parse_http_retry` and
 * `parse_grpc_retry` in `policy-controller/k8s/index/src/outbound/index/{http,grpc}.rs`.
 */
import { parseGoDuration as parseGoDurationNs } from './admission/durations.js';
import type { ValueFormat } from './annotations.js';
import { type LinkerdTarget, type Release, atLeast } from './releases.js';

/** Go `strconv.ParseBool`: the injector's and the policy controller's boolean tokens. */
const BOOL_TOKENS = new Set(['1', 't', 'T', 'true', 'TRUE', 'True', '0', 'f', 'F', 'false', 'FALSE', 'False']);

export function isBoolToken(text: string): boolean {
  return BOOL_TOKENS.has(text);
}

/**
 * Go `time.ParseDuration`, in milliseconds: one or more `<number><unit>` terms with an
 * optional sign; fractions allowed; `0` alone needs no unit. Undefined when Go refuses it.
 */
export function parseGoDuration(text: string): number | undefined {
  const ns = parseGoDurationNs(text);
  return ns === undefined ? undefined : ns / 1e6;
}

const POLICY_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type PolicyDuration = { ok: true; ms: number } | { ok: false; hint?: string };

/**
 * The policy controller's duration: exactly `<unsigned integer><unit>` with unit
 * `ms|s|m|h|d`, or a bare `0`; surrounding whitespace is trimmed. No fractions, no
 * compounds, no negatives. A bare non-zero number gets a hint, as the controller gives.
 */
export function parsePolicyDuration(text: string): PolicyDuration {
  const t = text.trim();
  if (t === '0') return { ok: true, ms: 0 };
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(t);
  if (m) return { ok: true, ms: Number(m[1]) * POLICY_UNITS[m[2]!]! };
  if (/^\d+$/.test(t)) return { ok: false, hint: `${t}s` };
  return { ok: false };
}

/** A Kubernetes port name (IANA service name): lowercase letters, digits and inner dashes, at least one letter, 15 characters at most. */
export function isPortName(text: string): boolean {
  return text.length <= 15 && /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(text) && /[a-z]/.test(text) && !text.includes('--');
}

function isPortNumber(text: string): boolean {
  if (!/^\d{1,5}$/.test(text)) return false;
  const n = Number(text);
  return n >= 1 && n <= 65535;
}

/** The first entry of a port list that is not a port, an ascending range or (with `names`) a port name; undefined when all are fine. */
export function badPortEntry(text: string, names: boolean): string | undefined {
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const range = /^(\d+)-(\d+)$/.exec(entry);
    if (range) {
      if (!isPortNumber(range[1]!) || !isPortNumber(range[2]!) || Number(range[1]) > Number(range[2])) return entry;
      continue;
    }
    if (isPortNumber(entry)) continue;
    if (names && isPortName(entry)) continue;
    return entry;
  }
  return undefined;
}

/** The port numbers a port list covers (names and bad entries skipped); for rules that compare ports. */
export function portsIn(text: string): Set<number> {
  const out = new Set<number>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    const range = /^(\d+)-(\d+)$/.exec(entry);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo >= 1 && hi <= 65535 && lo <= hi) for (let p = lo; p <= hi; p++) out.add(p);
    } else if (isPortNumber(entry)) out.add(Number(entry));
  }
  return out;
}

/** Kubernetes `resource.Quantity` syntax: a decimal number with an optional binary, decimal or exponent suffix. */
export function isQuantity(text: string): boolean {
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/.test(text);
}

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIPv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return false;
  let body = text;
  let groupsNeeded = 8;
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length < groupsNeeded : groups.length === groupsNeeded;
}

/** One CIDR block, IPv4 or IPv6 (`10.0.0.0/8`, `fd00::/8`). */
export function isCidr(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return false;
  const bits = Number(m[2]);
  if (isIPv4(m[1]!)) return bits <= 32;
  return isIPv6(m[1]!) && bits <= 128;
}

/** The first entry of a comma-separated CIDR list that is not a CIDR; undefined when all are. */
export function badCidrEntry(text: string): string | undefined {
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry !== '' && !isCidr(entry)) return entry;
  }
  return undefined;
}

/**
 * The first bad entry of a `retry.linkerd.io/http` list: `5xx`, `gateway-error`, a status
 * `NNN` or range `NNN-MMM` within 100–599 (low ≤ high). Case-insensitive; entries are not
 * trimmed, so a space makes an entry bad.
 */
export function badHttpRetryEntry(text: string): string | undefined {
  for (const entry of text.split(',')) {
    const e = entry.toLowerCase();
    if (e === '5xx' || e === 'gateway-error') continue;
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(e);
    if (m) {
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (lo >= 100 && hi <= 599 && lo <= hi) continue;
    }
    return entry;
  }
  return undefined;
}

export const GRPC_RETRY_CODES = ['cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable'] as const;

/** The first bad entry of a `retry.linkerd.io/grpc` list (case-insensitive, entries not trimmed). */
export function badGrpcRetryEntry(text: string): string | undefined {
  return text.split(',').find((e) => !(GRPC_RETRY_CODES as readonly string[]).includes(e.toLowerCase()));
}

/** Go `strconv.ParseInt`/`ParseUint` base 10 within [min, max]; the policy controller's Rust integer parse is the same for these inputs. */
export function parseIntegerIn(text: string, min: number, max: number): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  if (min >= 0 && text.startsWith('-')) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

/** A decimal floating-point number as Go's `ParseFloat` and Rust's `f64::from_str` both accept it (no hex, no inf/NaN). */
export function parseDecimal(text: string): number | undefined {
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** What is wrong with a `proxy-additional-env` value (a JSON array of `EnvVar` objects), or undefined when it is fine. */
export function envVarListProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!Array.isArray(parsed)) return 'not a JSON array';
  const i = parsed.findIndex(
    (item) => item === null || typeof item !== 'object' || Array.isArray(item) || typeof (item as { name?: unknown }).name !== 'string',
  );
  return i === -1 ? undefined : `item ${i} is not an object with a string "name"`;
}

/** What is wrong with a value, said as what would have been allowed. */
export interface ValueProblem {
  expected: string;
  /** Set when the value is valid only from a later release than the target. */
  since?: Release;
}

const PORT_LIST = 'a comma-separated list of port numbers (1-65535) and ascending ranges such as "4567,4568,8000-8100"';

function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

function describeInt(min: number, max: number): string {
  if (min <= Number.MIN_SAFE_INTEGER) return 'an integer';
  if (max >= Number.MAX_SAFE_INTEGER) return min === 0 ? 'a whole number of 0 or more' : `an integer of ${min} or more`;
  return `an integer from ${min} to ${max}`;
}

/** Checks a (string) value against its format for the target release; undefined when Linkerd accepts it. */
export function valueProblem(format: ValueFormat, text: string, target: LinkerdTarget): ValueProblem | undefined {
  switch (format.type) {
    case 'bool-go':
    case 'bool-rust':
      return isBoolToken(text) ? undefined : { expected: '"true" or "false"' };
    case 'enum': {
      const now = format.values.filter((v) => v.since === undefined || atLeast(target, v.since)).map((v) => v.value);
      if (now.includes(text)) return undefined;
      const later = format.values.find((v) => v.value === text);
      return { expected: now.length === 1 ? quoteList(now) : `one of ${quoteList(now)}`, since: later?.since };
    }
    case 'dur-go':
      return parseGoDuration(text) === undefined ? { expected: 'a Go duration such as "500ms", "1.5s" or "1m30s"' } : undefined;
    case 'dur-policy': {
      const d = parsePolicyDuration(text);
      if (d.ok) return undefined;
      const base = 'a whole number with one unit (ms, s, m, h or d) such as "5s" or "200ms", or "0"';
      return { expected: d.hint ? `${base}; did you mean "${d.hint}"?` : base };
    }
    case 'ports':
    case 'ports+names': {
      const names = format.type === 'ports+names';
      const bad = badPortEntry(text, names);
      if (bad === undefined) return undefined;
      const list = names ? PORT_LIST.replace(' and ascending ranges', ', ascending ranges and port names') : PORT_LIST;
      const note = format.type === 'ports' && format.namesNote && isPortName(bad) ? `; ${format.namesNote}` : '';
      return { expected: `${list} ("${bad}" is not one)${note}` };
    }
    case 'quantity':
      return isQuantity(text) ? undefined : { expected: 'a Kubernetes quantity such as "100m", "1" or "64Mi"' };
    case 'cidrs': {
      const bad = badCidrEntry(text);
      return bad === undefined ? undefined : { expected: `a comma-separated list of CIDRs such as "10.0.0.0/8,fd00::/8" ("${bad}" is not one)` };
    }
    case 'int':
      return parseIntegerIn(text, format.min, format.max) === undefined ? { expected: describeInt(format.min, format.max) } : undefined;
    case 'float': {
      const n = parseDecimal(text);
      const ok = n !== undefined && (format.exclusive ? n > format.min && n < format.max : n >= format.min && n <= format.max);
      if (ok) return undefined;
      return { expected: format.exclusive ? `a number strictly between ${format.min} and ${format.max}` : `a number from ${format.min} to ${format.max}` };
    }
    case 'http-retry': {
      const bad = badHttpRetryEntry(text);
      return bad === undefined
        ? undefined
        : { expected: `a comma-separated list, without spaces, of "5xx", "gateway-error", status codes and ranges within 100-599 such as "5xx,429" ("${bad}" is not one)` };
    }
    case 'grpc-retry': {
      const bad = badGrpcRetryEntry(text);
      return bad === undefined
        ? undefined
        : { expected: `a comma-separated list, without spaces, of ${quoteList(GRPC_RETRY_CODES)} ("${bad}" is not one)` };
    }
    case 'env-json': {
      const problem = envVarListProblem(text);
      return problem === undefined ? undefined : { expected: `a JSON array of Kubernetes EnvVar objects (${problem})` };
    }
    case 'text':
      return undefined;
  }
}

// The Kubernetes IP and CIDR libraries: k8s.io/apiserver/pkg/cel/library/ip.go and cidr.go,
// which parse with Go's net/netip (ParseAddr, ParsePrefix) and reject zones and
// IPv4-mapped IPv6 addresses. Addresses are held as their bytes (4 or 16).
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';

export class IPAddr {
  constructor(readonly bytes: Uint8Array) {}
  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }
  toString(): string {
    return formatAddr(this.bytes);
  }
}

export class CIDR {
  constructor(
    readonly addr: IPAddr,
    readonly bits: number,
  ) {}
  toString(): string {
    return `${this.addr}/${this.bits}`;
  }
  masked(): CIDR {
    return new CIDR(new IPAddr(mask(this.addr.bytes, this.bits)), this.bits);
  }
  contains(ip: IPAddr): boolean {
    if (ip.family !== this.addr.family) return false;
    return sameBytes(mask(ip.bytes, this.bits), mask(this.addr.bytes, this.bits));
  }
}

function mask(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** netip.ParseAddr's IPv4 form: four decimal fields, no leading zeros, each at most 255. */
function parseIPv4(s: string): Uint8Array | string {
  const fields = s.split('.');
  if (fields.length !== 4) return 'IPv4 address too short';
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const f = fields[i]!;
    if (!/^\d{1,3}$/.test(f)) return f === '' ? 'IPv4 field must have at least one digit' : 'unexpected character';
    if (f.length > 1 && f[0] === '0') return 'IPv4 field has octet with leading zero';
    const v = Number(f);
    if (v > 255) return 'IPv4 field has value >255';
    out[i] = v;
  }
  return out;
}

/** netip.ParseAddr's IPv6 form: hex groups, one `::`, an optional trailing IPv4 part; a zone is split off. */
function parseIPv6(s: string): { bytes: Uint8Array; zone: string } | string {
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return 'zone must be a non-empty string';
  }
  const out = new Uint8Array(16);
  const halves = s.split('::');
  if (halves.length > 2) return 'multiple :: in address';
  const groupsOf = (part: string): number[] | string => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (typeof v4 === 'string') return v4;
        groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) groups.push(parseInt(p, 16));
      else return p === '' ? 'colon must be followed by more characters' : /^[0-9a-fA-F]+$/.test(p) ? 'IPv6 field has value >=2^16' : 'unexpected character';
    }
    return groups;
  };
  const head = groupsOf(halves[0]!);
  if (typeof head === 'string') return head;
  let groups: number[];
  if (halves.length === 2) {
    const tail = groupsOf(halves[1]!);
    if (typeof tail === 'string') return tail;
    if (head.length + tail.length > 7) return 'IPv6 address too long';
    groups = [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length < 8) return 'IPv6 address too short';
    if (head.length > 8) return 'IPv6 address too long';
    groups = head;
  }
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return { bytes: out, zone };
}

function is4In6(b: Uint8Array): boolean {
  return b.length === 16 && b.slice(0, 10).every((v) => v === 0) && b[10] === 0xff && b[11] === 0xff;
}

/** ip.go's parseIPAddr: netip.ParseAddr, then no zone and no IPv4-mapped IPv6 address. */
export function parseIP(raw: string): IPAddr | string {
  const parsed = raw.includes(':') ? parseIPv6(raw) : raw.includes('.') ? parseIPv4(raw) : raw === '' ? 'unable to parse IP' : 'unable to parse IP';
  if (typeof parsed === 'string') return `IP Address ${JSON.stringify(raw)} parse error during conversion from string: ParseAddr(${JSON.stringify(raw)}): ${parsed}`;
  if (parsed instanceof Uint8Array) return new IPAddr(parsed);
  if (parsed.zone !== '') return `IP address ${JSON.stringify(raw)} with zone value is not allowed`;
  if (is4In6(parsed.bytes)) return `IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
  return new IPAddr(parsed.bytes);
}

/** cidr.go's parseCIDR: netip.ParsePrefix (bits without sign or leading zero), no IPv4-mapped address. */
export function parseCIDR(raw: string): CIDR | string {
  const fail = (why: string) => `network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(raw)}): ${why}`;
  const slash = raw.lastIndexOf('/');
  if (slash < 0) return fail('no \'/\'');
  const addrText = raw.slice(0, slash);
  const bitsText = raw.slice(slash + 1);
  const parsed = addrText.includes(':') ? parseIPv6(addrText) : parseIPv4(addrText);
  if (typeof parsed === 'string') return fail(`ParseAddr(${JSON.stringify(addrText)}): ${parsed}`);
  if (!(parsed instanceof Uint8Array) && parsed.zone !== '') return fail('IPv6 zones cannot be present in a prefix');
  const bytes = parsed instanceof Uint8Array ? parsed : parsed.bytes;
  if (!/^(0|[1-9]\d*)$/.test(bitsText)) return fail(`bad bits after slash: ${JSON.stringify(bitsText)}`);
  const bits = Number(bitsText);
  if (bits > bytes.length * 8) return fail(`prefix length out of range`);
  if (is4In6(bytes)) return `network address parse error during conversion from string: IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
  return new CIDR(new IPAddr(bytes), bits);
}

/** netip.Addr.String: dotted decimal, or RFC 5952 (lower-case hex, the first longest run of two or more zero groups as `::`). */
function formatAddr(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (b[i * 2]! << 8) | b[i * 2 + 1]!);
  let start = -1;
  let len = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > len) [start, len] = [i, j - i];
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (start < 0) return hex(groups);
  return `${hex(groups.slice(0, start))}::${hex(groups.slice(start + len))}`;
}

function ipOf(s: string): IPAddr {
  const ip = parseIP(s);
  if (typeof ip === 'string') throw celError(ip);
  return ip;
}

function cidrOf(s: string): CIDR {
  const c = parseCIDR(s);
  if (typeof c === 'string') throw celError(c);
  return c;
}

// The predicates of netip.Addr that ip.go exposes.
const isLoopback = (ip: IPAddr) => (ip.family === 4 ? ip.bytes[0] === 127 : formatAddr(ip.bytes) === '::1');
const isMulticast = (ip: IPAddr) => (ip.family === 4 ? (ip.bytes[0]! & 0xf0) === 0xe0 : ip.bytes[0] === 0xff);
const isLinkLocalUnicast = (ip: IPAddr) => (ip.family === 4 ? ip.bytes[0] === 169 && ip.bytes[1] === 254 : ip.bytes[0] === 0xfe && (ip.bytes[1]! & 0xc0) === 0x80);
const isUnspecified = (ip: IPAddr) => ip.bytes.every((v) => v === 0);

/** containsCIDR as cidr.go documents it: the other network lies inside this one (same family, at least as long a prefix). */
function containsCIDR(a: CIDR, b: CIDR): boolean {
  return a.addr.family === b.addr.family && a.bits <= b.bits && a.contains(b.addr);
}

class IPNamespace {}

export function registerNet(env: Environment): void {
  const IP = 'net.IP';
  const C = 'net.CIDR';
  env
    .registerType(IP, IPAddr)
    .registerType(C, CIDR)
    .registerType('IPNamespace', IPNamespace)
    .registerConstant('ip', 'IPNamespace', new IPNamespace())
    .registerFunction(`ip(string): ${IP}`, ipOf)
    .registerFunction('isIP(string): bool', (s: string) => typeof parseIP(s) !== 'string')
    .registerFunction('IPNamespace.isCanonical(string): bool', (_: unknown, s: string) => ipOf(s).toString() === s)
    .registerFunction(`${IP}.family(): int`, (ip: IPAddr) => BigInt(ip.family))
    .registerFunction(`${IP}.isUnspecified(): bool`, isUnspecified)
    .registerFunction(`${IP}.isLoopback(): bool`, isLoopback)
    .registerFunction(`${IP}.isLinkLocalMulticast(): bool`, (ip: IPAddr) =>
      ip.family === 4 ? ip.bytes[0] === 224 && ip.bytes[1] === 0 && ip.bytes[2] === 0 : ip.bytes[0] === 0xff && (ip.bytes[1]! & 0x0f) === 0x02,
    )
    .registerFunction(`${IP}.isLinkLocalUnicast(): bool`, isLinkLocalUnicast)
    .registerFunction(`${IP}.isGlobalUnicast(): bool`, (ip: IPAddr) => {
      if (ip.family === 4 && ip.bytes.every((v) => v === 255)) return false;
      return !isUnspecified(ip) && !isLoopback(ip) && !isMulticast(ip) && !isLinkLocalUnicast(ip);
    })
    .registerFunction(`string(${IP}): string`, (ip: IPAddr) => ip.toString())
    .registerOperator(`${IP} == ${IP}`, (a: IPAddr, b: IPAddr) => sameBytes(a.bytes, b.bytes))
    .registerFunction(`cidr(string): ${C}`, cidrOf)
    .registerFunction('isCIDR(string): bool', (s: string) => typeof parseCIDR(s) !== 'string')
    .registerFunction(`${C}.containsIP(string): bool`, (c: CIDR, s: string) => c.contains(ipOf(s)))
    .registerFunction(`${C}.containsIP(${IP}): bool`, (c: CIDR, ip: IPAddr) => c.contains(ip))
    .registerFunction(`${C}.containsCIDR(string): bool`, (c: CIDR, s: string) => containsCIDR(c, cidrOf(s)))
    .registerFunction(`${C}.containsCIDR(${C}): bool`, containsCIDR)
    .registerFunction(`${C}.ip(): ${IP}`, (c: CIDR) => c.addr)
    .registerFunction(`${C}.masked(): ${C}`, (c: CIDR) => c.masked())
    .registerFunction(`${C}.prefixLength(): int`, (c: CIDR) => BigInt(c.bits))
    .registerFunction(`string(${C}): string`, (c: CIDR) => c.toString())
    .registerOperator(`${C} == ${C}`, (a: CIDR, b: CIDR) => a.bits === b.bits && sameBytes(a.addr.bytes, b.addr.bytes));
}

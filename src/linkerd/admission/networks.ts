import { type JsonPath, formatPath } from '../../model/path.js';
import { type Problems, linkerdSays, objectsIn, q } from './problem.js';

/** An address block as Linkerd's `Cidr` type reads it: a CIDR, or a bare IP meaning that one address. */
export interface Block {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

/**
 * Linkerd's `Cidr` (linkerd2 policy-controller/k8s/api/src/policy/network.rs) is an untagged
 * enum of `std::net::IpAddr` and `ipnet::IpNet`, so two Rust parsers read it. A bare address
 * goes through the standard library's, which refuses zero-padded IPv4 octets (`01.2.3.4`) and a
 * `::` that stands for no group at all. A block goes through ipnet's (ipnet src/parser.rs, a
 * copy of an older standard parser), which accepts both.
 */
interface Dialect {
  zeroPaddedOctets: boolean;
  emptyElision: boolean;
}
const STD: Dialect = { zeroPaddedOctets: false, emptyElision: false };
const IPNET: Dialect = { zeroPaddedOctets: true, emptyElision: true };

function parseIPv4(text: string, dialect: Dialect): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    // Both parsers refuse signs, empty octets and more than 3 digits.
    if (!/^\d{1,3}$/.test(p) || (!dialect.zeroPaddedOctets && p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseIPv6(text: string, dialect: Dialect): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  // A dotted IPv4 tail may only end the address, never come before `::`.
  const groupsOf = (part: string, mayEndInIPv4: boolean): bigint[] | undefined => {
    if (part === '') return [];
    const out: bigint[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (mayEndInIPv4 && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece, dialect);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        out.push(BigInt(parseInt(piece, 16)));
      }
    }
    return out;
  };
  const elided = halves.length === 2;
  const head = groupsOf(halves[0]!, !elided);
  const tail = elided ? groupsOf(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (!elided) {
    if (missing !== 0) return undefined;
  } else if (head.length === 8 || missing < (dialect.emptyElision ? 0 : 1)) {
    return undefined;
  }
  const groups = [...head, ...Array<bigint>(elided ? missing : 0).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

type Parsed = { block: Block } | { problem: string };

/** Reads a cidr or except value as Linkerd does; a problem says why Linkerd could not. */
function readBlock(text: string): Parsed {
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const dialect = slash === -1 ? STD : IPNET;
  const v4 = parseIPv4(addrText, dialect);
  const v6 = v4 === undefined ? parseIPv6(addrText, dialect) : undefined;
  if (v4 === undefined && v6 === undefined) {
    if (slash === -1 && parseIPv4(text, IPNET) !== undefined) {
      return { problem: `a bare IPv4 address must not zero-pad its octets; write ${q(text.split('.').map(Number).join('.'))}` };
    }
    return { problem: NOT_A_BLOCK };
  }
  const family: 4 | 6 = v4 !== undefined ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const addr = (v4 ?? v6)!;
  let prefix = bits;
  if (slash !== -1) {
    // ipnet reads at most 2 prefix digits for IPv4 and 3 for IPv6.
    const p = text.slice(slash + 1);
    if (!(family === 4 ? /^\d{1,2}$/ : /^\d{1,3}$/).test(p) || Number(p) > bits) {
      return { problem: `an IPv${family} prefix length must be 0 to ${bits}` };
    }
    prefix = Number(p);
  }
  const hostBits = BigInt(bits - prefix);
  const first = (addr >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { block: { family, first, last } };
}

const NOT_A_BLOCK =
  'not an IP address or CIDR block; expected a block such as "10.0.0.0/8" or "fd00::/8", or a single address such as "10.1.2.3"';

/** Parses `10.0.0.0/8`, `fd00::/8`, `10.1.2.3` or `::1`; undefined when Linkerd could not parse it either. */
export function parseBlock(text: string): Block | undefined {
  const read = readBlock(text);
  return 'block' in read ? read.block : undefined;
}

/** The block `value` at `path` stands for, after reporting it when Linkerd cannot read it. */
function blockAt(value: string, path: JsonPath, out: Problems): Block | undefined {
  const read = readBlock(value);
  if ('block' in read) return read.block;
  const why = read.problem === NOT_A_BLOCK ? `, ${NOT_A_BLOCK}` : `: ${read.problem}`;
  out.add('invalidNetwork', path, `${formatPath(path)} is ${q(value)}${why}` + linkerdSays('data did not match any variant of untagged enum Cidr'));
  return undefined;
}

function contains(outer: Block, inner: Block): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * What Linkerd's webhook refuses in a network list: a cidr or except value it cannot parse
 * (the spec does not deserialize), and the `except` rules of `validate_networks` (linkerd2
 * policy-controller/runtime/src/admission.rs): each exception must lie inside its `cidr`
 * and must not cover all of it. A value that does not parse gets no containment finding.
 */
export function checkNetworks(networks: unknown, base: JsonPath, out: Problems): void {
  for (const [net, i] of objectsIn(networks)) {
    const cidr = typeof net.cidr === 'string' ? blockAt(net.cidr, [...base, i, 'cidr'], out) : undefined;
    if (!Array.isArray(net.except)) continue;
    net.except.forEach((ex, j) => {
      if (typeof ex !== 'string') return;
      const path = [...base, i, 'except', j];
      const block = blockAt(ex, path, out);
      if (!block || !cidr) return;
      if (contains(block, cidr)) {
        out.add(
          'invalidNetwork',
          path,
          `exception ${q(ex)} covers all of cidr ${q(net.cidr)}, so the network allows nothing; narrow the exception or remove the network` +
            linkerdSays(`cidr '${net.cidr}' is completely negated by exception '${ex}'`),
        );
      } else if (!contains(cidr, block)) {
        out.add(
          'invalidNetwork',
          path,
          `exception ${q(ex)} is not inside cidr ${q(net.cidr)}; an exception must be a part of its network` +
            linkerdSays(`cidr '${net.cidr}' does not include exception '${ex}'`),
        );
      }
    });
  }
}

/** `networks: []` where Linkerd requires at least one entry. */
export function checkNonEmptyNetworks(spec: Record<string, unknown>, base: JsonPath, out: Problems): void {
  if (Array.isArray(spec.networks) && spec.networks.length === 0) {
    out.add(
      'invalidNetwork',
      [...base, 'networks'],
      'networks is empty; list at least one network' + linkerdSays('at least one network must be specified'),
    );
  }
}

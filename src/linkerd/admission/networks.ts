import type { JsonPath } from '../../model/path.js';
import { type Problems, linkerdSays, objectsIn, q } from './problem.js';

/** An address block as Linkerd's `Cidr` type reads it: a CIDR, or a bare IP meaning that one address. */
interface Block {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    // Rust's parser refuses leading zeros, signs and empty octets.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseIPv6(text: string): bigint | undefined {
  if (text.length === 0 || text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): bigint[] | undefined => {
    if (part === '') return [];
    const out: bigint[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
        out.push(BigInt(parseInt(piece, 16)));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses `10.0.0.0/8`, `fd00::/8`, `10.1.2.3` or `::1`; undefined when Linkerd could not parse it either. */
export function parseBlock(text: string): Block | undefined {
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const v4 = parseIPv4(addrText);
  const v6 = v4 === undefined ? parseIPv6(addrText) : undefined;
  if (v4 === undefined && v6 === undefined) return undefined;
  const family: 4 | 6 = v4 !== undefined ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const addr = (v4 ?? v6)!;
  let prefix = bits;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return undefined;
    prefix = Number(p);
  }
  const hostBits = BigInt(bits - prefix);
  const first = (addr >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { family, first, last };
}

function contains(outer: Block, inner: Block): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * The `except` rules of Linkerd's `validate_networks` (linkerd2 `policy-controller/runtime/src/admission.rs`;
 * `Cidr` in `policy-controller/k8s/api/src/policy/network.rs`): each
 * exception must lie inside its `cidr` and must not cover all of it. Entries that do not
 * parse are left to the schema check.
 */
export function checkNetworks(networks: unknown, base: JsonPath, out: Problems): void {
  for (const [net, i] of objectsIn(networks)) {
    if (typeof net.cidr !== 'string') continue;
    const cidr = parseBlock(net.cidr);
    if (!cidr || !Array.isArray(net.except)) continue;
    net.except.forEach((ex, j) => {
      if (typeof ex !== 'string') return;
      const block = parseBlock(ex);
      if (!block) return;
      const path = [...base, i, 'except', j];
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

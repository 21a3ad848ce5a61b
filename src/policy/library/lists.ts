// List functions: the Kubernetes lists library (k8s.io/apiserver/pkg/cel/library/lists.go:
// isSorted, sum, min, max, indexOf, lastIndexOf), cel-go's ext lists (ext/lists.go: slice,
// flatten, distinct, reverse, sort, lists.range) and ext sets (ext/sets.go: sets.contains,
// sets.equivalent, sets.intersects), which the API server's CEL environment includes
// (k8s.io/apiserver/pkg/cel/environment/base.go).
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';
import { compare, equals } from './values.js';

function sum(list: readonly unknown[]): unknown {
  if (list.length === 0) return 0n;
  let acc = list[0];
  for (const v of list.slice(1)) {
    if (typeof acc === 'bigint' && typeof v === 'bigint') acc = acc + v;
    else if (typeof acc === 'number' && typeof v === 'number') acc = acc + v;
    else throw celError(`no such overload: sum of ${typeof acc} and ${typeof v}`);
  }
  if (typeof acc !== 'bigint' && typeof acc !== 'number') throw celError('no such overload: sum of non-numbers');
  return acc;
}

function extreme(name: 'min' | 'max', list: readonly unknown[]): unknown {
  if (list.length === 0) throw celError(`${name} called on empty list`);
  let best = list[0];
  for (const v of list.slice(1)) {
    const c = compare(best, v);
    if ((name === 'min' && c === 1) || (name === 'max' && c === -1)) best = v;
  }
  return best;
}

function isSorted(list: readonly unknown[]): boolean {
  for (let i = 1; i < list.length; i++) if (compare(list[i - 1], list[i]) === 1) return false;
  return true;
}

function indexIn(list: readonly unknown[], item: unknown, last: boolean): bigint {
  if (last) {
    for (let i = list.length - 1; i >= 0; i--) if (equals(list[i], item)) return BigInt(i);
  } else for (let i = 0; i < list.length; i++) if (equals(list[i], item)) return BigInt(i);
  return -1n;
}

function flatten(list: readonly unknown[], depth: bigint): unknown[] {
  if (depth < 0n) throw celError('level must be non-negative');
  const out: unknown[] = [];
  for (const v of list) {
    if (Array.isArray(v) && depth > 0n) out.push(...flatten(v, depth - 1n));
    else out.push(v);
  }
  return out;
}

function distinct(list: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) if (!out.some((seen) => equals(seen, v))) out.push(v);
  return out;
}

function slice(list: readonly unknown[], start: bigint, end: bigint): unknown[] {
  // ext/lists.go: "cannot slice(start, end), start index must be less than or equal to end index" and friends.
  if (start < 0n || end < 0n) throw celError(`cannot slice(${start}, ${end}), negative indexes not supported`);
  if (start > end) throw celError(`cannot slice(${start}, ${end}), start index must be less than or equal to end index`);
  if (end > BigInt(list.length)) throw celError(`cannot slice(${start}, ${end}), list is length ${list.length}`);
  return list.slice(Number(start), Number(end));
}

class ListsNamespace {}
class SetsNamespace {}

export function registerLists(env: Environment): void {
  env
    .registerFunction('list<A>.isSorted(): bool', isSorted)
    .registerFunction('list<A>.sum(): A', sum)
    .registerFunction('list<A>.min(): A', (l: unknown[]) => extreme('min', l))
    .registerFunction('list<A>.max(): A', (l: unknown[]) => extreme('max', l))
    .registerFunction('list<A>.indexOf(A): int', (l: unknown[], x: unknown) => indexIn(l, x, false))
    .registerFunction('list<A>.lastIndexOf(A): int', (l: unknown[], x: unknown) => indexIn(l, x, true))
    .registerFunction('list<A>.slice(int, int): list<A>', slice)
    .registerFunction('list.flatten(): list', (l: unknown[]) => flatten(l, 1n))
    .registerFunction('list.flatten(int): list', flatten)
    .registerFunction('list<A>.distinct(): list<A>', distinct)
    .registerFunction('list<A>.reverse(): list<A>', (l: unknown[]) => [...l].reverse())
    .registerFunction('list<A>.sort(): list<A>', (l: unknown[]) => [...l].sort(compare))
    .registerType('ListsNamespace', ListsNamespace)
    .registerConstant('lists', 'ListsNamespace', new ListsNamespace())
    .registerFunction('ListsNamespace.range(int): list<int>', (_: unknown, n: bigint) => Array.from({ length: Number(n > 0n ? n : 0n) }, (_v, i) => BigInt(i)))
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction('SetsNamespace.contains(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) => b.every((x) => a.some((y) => equals(x, y))))
    .registerFunction('SetsNamespace.equivalent(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) =>
      b.every((x) => a.some((y) => equals(x, y))) && a.every((x) => b.some((y) => equals(x, y))),
    )
    .registerFunction('SetsNamespace.intersects(list, list): bool', (_: unknown, a: unknown[], b: unknown[]) => a.some((x) => b.some((y) => equals(x, y))));
}

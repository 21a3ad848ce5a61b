// The Kubernetes semver library (k8s.io/apiserver/pkg/cel/library/semverlib.go, in the base
// environment since Kubernetes 1.33): semver(), isSemver() and comparisons, over the strict
// grammar of github.com/blang/semver/v4; with `normalize` a leading `v`, a missing minor or
// patch and leading zeros are accepted first, as semverlib.go's normalizeAndParse does.
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly string[],
  ) {}

  /** blang/semver's Compare: the core numbers, then a release above its pre-releases, then the pre-release identifiers. */
  compare(o: Semver): number {
    for (const [a, b] of [[this.major, o.major], [this.minor, o.minor], [this.patch, o.patch]] as const) if (a !== b) return a < b ? -1 : 1;
    if (this.pre.length === 0 || o.pre.length === 0) return this.pre.length === o.pre.length ? 0 : this.pre.length === 0 ? 1 : -1;
    for (let i = 0; i < Math.min(this.pre.length, o.pre.length); i++) {
      const a = this.pre[i]!;
      const b = o.pre[i]!;
      if (a === b) continue;
      const an = /^\d+$/.test(a);
      const bn = /^\d+$/.test(b);
      if (an && bn) return BigInt(a) < BigInt(b) ? -1 : 1;
      if (an !== bn) return an ? -1 : 1;
      return a < b ? -1 : 1;
    }
    return Math.sign(this.pre.length - o.pre.length);
  }
}

const NUMBER = '(0|[1-9]\\d*)';
const IDENT = '[0-9A-Za-z-]+';
const STRICT = new RegExp(`^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`);

export function parseSemver(text: string, normalize = false): Semver | string {
  let s = text;
  if (normalize) {
    s = s.startsWith('v') ? s.slice(1) : s;
    const cut = s.search(/[-+]/);
    const core = cut < 0 ? s : s.slice(0, cut);
    const parts = core.split('.');
    while (parts.length < 3) parts.push('0');
    s = parts.map((p) => (/^\d+$/.test(p) ? String(BigInt(p)) : p)).join('.') + (cut < 0 ? '' : s.slice(cut));
  }
  const m = STRICT.exec(s);
  if (!m) return `invalid semver: ${JSON.stringify(text)}`;
  const pre = m[4] ? m[4].split('.') : [];
  if (pre.some((p) => /^0\d+$/.test(p))) return `invalid semver: ${JSON.stringify(text)}: numeric pre-release identifier with a leading zero`;
  return new Semver(BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!), pre);
}

function semverOf(text: string, normalize = false): Semver {
  const v = parseSemver(text, normalize);
  if (typeof v === 'string') throw celError(v);
  return v;
}

export function registerSemver(env: Environment): void {
  const S = 'kubernetes.Semver';
  env
    .registerType(S, Semver)
    .registerFunction(`semver(string): ${S}`, (s: string) => semverOf(s))
    .registerFunction(`semver(string, bool): ${S}`, semverOf)
    .registerFunction('isSemver(string): bool', (s: string) => typeof parseSemver(s) !== 'string')
    .registerFunction('isSemver(string, bool): bool', (s: string, n: boolean) => typeof parseSemver(s, n) !== 'string')
    .registerFunction(`${S}.major(): int`, (v: Semver) => v.major)
    .registerFunction(`${S}.minor(): int`, (v: Semver) => v.minor)
    .registerFunction(`${S}.patch(): int`, (v: Semver) => v.patch)
    .registerFunction(`${S}.isGreaterThan(${S}): bool`, (a: Semver, b: Semver) => a.compare(b) === 1)
    .registerFunction(`${S}.isLessThan(${S}): bool`, (a: Semver, b: Semver) => a.compare(b) === -1)
    .registerFunction(`${S}.compareTo(${S}): int`, (a: Semver, b: Semver) => BigInt(a.compare(b)))
    .registerOperator(`${S} == ${S}`, (a: Semver, b: Semver) => a.compare(b) === 0);
}

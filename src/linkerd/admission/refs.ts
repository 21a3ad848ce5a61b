import { isObject } from '../../model/k8s.js';

/**
 * How Linkerd compares an object reference with a kind (`targets_kind` in linkerd2
 * `policy-controller/k8s/api/src/policy.rs`): group and
 * kind case-insensitively, and an omitted or empty group means the core group.
 */
export function refGroup(ref: Record<string, unknown>, defaultGroup = ''): string {
  const g = ref.group;
  if (g === undefined || g === null) return normalizeGroup(defaultGroup);
  return typeof g === 'string' ? normalizeGroup(g) : '\0';
}

function normalizeGroup(group: string): string {
  const lower = group.toLowerCase();
  return lower === '' ? 'core' : lower;
}

export function refKind(ref: Record<string, unknown>, defaultKind?: string): string | undefined {
  const k = ref.kind;
  if (k === undefined || k === null) return defaultKind;
  return typeof k === 'string' ? k : undefined;
}

/** True when `ref` names `kind` in `group` (`''` for core), with optional schema defaults for group and kind. */
export function refersTo(
  ref: unknown,
  kind: string,
  group: string,
  defaults: { group?: string; kind?: string } = {},
): boolean {
  if (!isObject(ref)) return false;
  const k = refKind(ref, defaults.kind);
  return k !== undefined && k.toLowerCase() === kind.toLowerCase() && refGroup(ref, defaults.group) === normalizeGroup(group);
}

/** How a reference is spelled in messages: `Kind` or `Kind.group`, as written. */
/** Kinds people refer to without their group by mistake: none of them is in the core group. */
const NON_CORE_KINDS = new Set([
  'Server',
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'MeshTLSAuthentication',
  'NetworkAuthentication',
  'AuthorizationPolicy',
  'EgressNetwork',
  'Gateway',
]);

export function describeRef(ref: Record<string, unknown>): string {
  const kind = typeof ref.kind === 'string' ? ref.kind : '(no kind)';
  if (typeof ref.group === 'string' && ref.group !== '') return `${kind}.${ref.group}`;
  // An omitted group means the core group, which is why a bare `kind: Server` matches nothing.
  return NON_CORE_KINDS.has(kind) ? `${kind} with no group (so the core group)` : kind;
}

/**
 * A reference we can judge: a string `kind` (required by every schema that has one
 * without a default) and a string or absent `group`. Anything else is the schema
 * check's to report.
 */
export function isJudgeableRef(ref: unknown): ref is Record<string, unknown> & { kind: string } {
  return isObject(ref) && typeof ref.kind === 'string' && (ref.group === undefined || ref.group === null || typeof ref.group === 'string');
}

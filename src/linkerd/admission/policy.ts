import { isObject } from '../../model/k8s.js';
import { from, type CheckContext } from './context.js';
import { POLICY_GROUP, GATEWAY_GROUP } from './coverage.js';
import { identityProblem } from './identities.js';
import { checkNetworks, checkNonEmptyNetworks } from './networks.js';
import { has, linkerdSays, objectsIn, q } from './problem.js';
import { describeRef, isJudgeableRef, refersTo } from './refs.js';

const ACCESS_POLICIES = [
  'all-unauthenticated',
  'all-authenticated',
  'cluster-unauthenticated',
  'cluster-authenticated',
  'deny',
  'audit',
];

export function checkServer(ctx: CheckContext): void {
  const { spec, out } = ctx;
  // Before 2.16 the field did not exist; the schema check reports it as unknown there.
  if (from(ctx, '2.16') && typeof spec.accessPolicy === 'string' && !ACCESS_POLICIES.includes(spec.accessPolicy)) {
    out.add(
      'invalidValue',
      ['spec', 'accessPolicy'],
      `spec.accessPolicy is ${q(spec.accessPolicy)}; expected one of ${ACCESS_POLICIES.join(', ')}` +
        linkerdSays(`Invalid 'accessPolicy' field`),
    );
  }
}

export function checkServerAuthorization(ctx: CheckContext): void {
  const { spec, out } = ctx;
  const client = spec.client;
  if (!isObject(client)) return;
  const base = ['spec', 'client'];
  if (client.unauthenticated === true && has(client, 'meshTLS')) {
    out.add(
      'conflictingFields',
      [...base, 'unauthenticated'],
      'spec.client.unauthenticated is true while spec.client.meshTLS is set; use one or the other' +
        linkerdSays('`unauthenticated` must be false if `mesh_tls` is specified'),
    );
  }
  const mesh = client.meshTLS;
  if (isObject(mesh) && mesh.unauthenticatedTLS === true) {
    const named = (Array.isArray(mesh.identities) && mesh.identities.length > 0) ||
      (Array.isArray(mesh.serviceAccounts) && mesh.serviceAccounts.length > 0);
    if (named) {
      out.add(
        'conflictingFields',
        [...base, 'meshTLS', 'unauthenticatedTLS'],
        'spec.client.meshTLS.unauthenticatedTLS is true while identities or serviceAccounts are listed; ' +
          'unauthenticatedTLS cannot be combined with them' +
          linkerdSays('`unauthenticatedTLS` be false if any `identities` or `service_accounts` is specified'),
      );
    }
  }
  checkNetworks(client.networks, [...base, 'networks'], out);
}

export function checkNetworkAuthentication(ctx: CheckContext): void {
  checkNonEmptyNetworks(ctx.spec, ['spec'], ctx.out);
  checkNetworks(ctx.spec.networks, ['spec', 'networks'], ctx.out);
}

export function checkEgressNetwork(ctx: CheckContext): void {
  checkNonEmptyNetworks(ctx.spec, ['spec'], ctx.out);
  checkNetworks(ctx.spec.networks, ['spec', 'networks'], ctx.out);
}

export function checkMeshTLSAuthentication(ctx: CheckContext): void {
  const { spec, out } = ctx;
  // Up to 2.14 the CRD pattern checked identities (a schema matter); the webhook does from 2.15.
  if (from(ctx, '2.15') && Array.isArray(spec.identities)) {
    spec.identities.forEach((id, i) => {
      if (typeof id !== 'string') return;
      const why = identityProblem(id);
      if (why) out.add('invalidIdentity', ['spec', 'identities', i], `identity ${q(id)} is invalid: ${why}` + linkerdSays(`id ${id} is invalid`));
    });
  }
  for (const [ref, i] of objectsIn(spec.identityRefs)) {
    if (!isJudgeableRef(ref)) continue;
    if (refersTo(ref, 'Namespace', '')) {
      if (has(ref, 'namespace')) {
        out.add(
          'invalidReference',
          ['spec', 'identityRefs', i, 'namespace'],
          'an identityRefs entry of kind Namespace must not set namespace: Namespaces are cluster-scoped' +
            linkerdSays('Namespace identity_ref is cluster-scoped and cannot have a namespace'),
        );
      }
    } else if (!refersTo(ref, 'ServiceAccount', '')) {
      out.add(
        'invalidReference',
        ['spec', 'identityRefs', i, 'kind'],
        `identityRefs entry refers to ${q(describeRef(ref))}; expected kind ServiceAccount or Namespace (core group)` +
          linkerdSays('invalid identity target kind'),
      );
    }
  }
}

interface AllowedTarget {
  kind: string;
  group: string;
  since: '2.12' | '2.16' | '2.19';
}

const AUTHORIZATION_TARGETS: readonly AllowedTarget[] = [
  { kind: 'Server', group: POLICY_GROUP, since: '2.12' },
  { kind: 'HTTPRoute', group: POLICY_GROUP, since: '2.12' },
  { kind: 'Namespace', group: '', since: '2.12' },
  { kind: 'GRPCRoute', group: GATEWAY_GROUP, since: '2.16' },
  { kind: 'HTTPRoute', group: GATEWAY_GROUP, since: '2.19' },
];

export function checkAuthorizationPolicy(ctx: CheckContext): void {
  const { spec, out, resource } = ctx;
  const target = spec.targetRef;
  if (isJudgeableRef(target)) {
    const allowed = AUTHORIZATION_TARGETS.filter((t) => from(ctx, t.since));
    if (!allowed.some((t) => refersTo(target, t.kind, t.group))) {
      const laterOk = AUTHORIZATION_TARGETS.find((t) => refersTo(target, t.kind, t.group));
      const names = allowed.map((t) => (t.group ? `${t.kind} (${t.group})` : `${t.kind} (core)`)).join(', ');
      out.add(
        'invalidReference',
        ['spec', 'targetRef', 'kind'],
        `spec.targetRef refers to ${q(describeRef(target))}, which Linkerd ${ctx.target.release} does not accept as an ` +
          `authorization target; expected ${names}` +
          (laterOk ? ` (accepted from Linkerd ${laterOk.since})` : '') +
          linkerdSays(from(ctx, '2.19') ? 'unsupported authorization target type' : 'invalid targetRef kind'),
      );
    } else if (
      refersTo(target, 'Namespace', '') &&
      typeof target.name === 'string' &&
      resource.namespace !== undefined &&
      target.name !== resource.namespace
    ) {
      out.add(
        'invalidReference',
        ['spec', 'targetRef', 'name'],
        `spec.targetRef names Namespace ${q(target.name)} but the policy lives in ${q(resource.namespace)}; ` +
          'a policy may only target its own namespace' +
          linkerdSays('cannot target another namespace'),
      );
    }
  }
  checkAuthenticationRefs(ctx);
}

function checkAuthenticationRefs(ctx: CheckContext): void {
  const { spec, out } = ctx;
  let meshTLS: number | undefined;
  let serviceAccount: number | undefined;
  let network: number | undefined;
  for (const [ref, i] of objectsIn(spec.requiredAuthenticationRefs)) {
    if (!isJudgeableRef(ref)) continue;
    const at = ['spec', 'requiredAuthenticationRefs', i, 'kind'];
    if (refersTo(ref, 'MeshTLSAuthentication', POLICY_GROUP)) {
      if (meshTLS !== undefined) {
        out.add('authenticationRefs', at, 'more than one MeshTLSAuthentication in requiredAuthenticationRefs; at most one is allowed' +
          linkerdSays('only a single MeshTLSAuthentication may be set'));
      } else if (serviceAccount !== undefined) {
        out.add('authenticationRefs', at, 'a MeshTLSAuthentication and a ServiceAccount in requiredAuthenticationRefs; use only one of them' +
          linkerdSays('a MeshTLSAuthentication and ServiceAccount may not be set together'));
      }
      meshTLS ??= i;
    } else if (refersTo(ref, 'ServiceAccount', '')) {
      if (serviceAccount !== undefined) {
        out.add('authenticationRefs', at, 'more than one ServiceAccount in requiredAuthenticationRefs; at most one is allowed' +
          linkerdSays('only a single ServiceAccount may be set'));
      } else if (meshTLS !== undefined) {
        out.add('authenticationRefs', at, 'a MeshTLSAuthentication and a ServiceAccount in requiredAuthenticationRefs; use only one of them' +
          linkerdSays('a MeshTLSAuthentication and ServiceAccount may not be set together'));
      }
      serviceAccount ??= i;
    } else if (refersTo(ref, 'NetworkAuthentication', POLICY_GROUP)) {
      if (network !== undefined) {
        out.add('authenticationRefs', at, 'more than one NetworkAuthentication in requiredAuthenticationRefs; at most one is allowed' +
          linkerdSays('only a single NetworkAuthentication may be set'));
      }
      network ??= i;
    } else {
      out.add(
        'invalidReference',
        at,
        `requiredAuthenticationRefs entry refers to ${q(describeRef(ref))}; expected MeshTLSAuthentication or ` +
          'NetworkAuthentication (policy.linkerd.io) or ServiceAccount (core)' +
          linkerdSays('unsupported authentication kind(s)'),
      );
    }
  }
}

export function checkRateLimitPolicy(ctx: CheckContext): void {
  const { spec, out } = ctx;
  const target = spec.targetRef;
  if (isJudgeableRef(target) && !refersTo(target, 'Server', POLICY_GROUP)) {
    out.add(
      'invalidReference',
      ['spec', 'targetRef', 'kind'],
      `spec.targetRef refers to ${q(describeRef(target))}; an HTTPLocalRateLimitPolicy may only target a Server (group policy.linkerd.io)` +
        linkerdSays('invalid targetRef kind'),
    );
  }
  const rps = (v: unknown): number | undefined =>
    isObject(v) && typeof v.requestsPerSecond === 'number' ? v.requestsPerSecond : undefined;
  const total = rps(spec.total);
  const checkRate = (value: number | undefined, path: (string | number)[], name: string, againstTotal: boolean) => {
    if (value === undefined) return;
    if (value === 0) {
      out.add('invalidValue', path, `${name} is 0; it must be greater than 0` + linkerdSays(`${name} must be greater than 0`));
    } else if (againstTotal && total !== undefined && total > 0 && value > total) {
      out.add(
        'invalidValue',
        path,
        `${name} is ${value}, above total.requestsPerSecond ${total}; it must not exceed the total` +
          linkerdSays(`${name} must be less than or equal to total.requestsPerSecond`),
      );
    }
  };
  checkRate(total, ['spec', 'total', 'requestsPerSecond'], 'total.requestsPerSecond', false);
  checkRate(rps(spec.identity), ['spec', 'identity', 'requestsPerSecond'], 'identity.requestsPerSecond', true);
  for (const [override, i] of objectsIn(spec.overrides)) {
    checkRate(rps(override), ['spec', 'overrides', i, 'requestsPerSecond'], `overrides[${i}].requestsPerSecond`, true);
    for (const [ref, j] of objectsIn(override.clientRefs)) {
      if (!isJudgeableRef(ref) || refersTo(ref, 'ServiceAccount', '')) continue;
      out.add(
        'invalidReference',
        ['spec', 'overrides', i, 'clientRefs', j, 'kind'],
        `overrides[${i}].clientRefs[${j}] refers to ${q(describeRef(ref))}; client references must be ServiceAccounts` +
          linkerdSays('overrides.clientRefs must target a ServiceAccount'),
      );
    }
  }
}

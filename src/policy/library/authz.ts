// The declarations of the Kubernetes authorizer library (k8s.io/apiserver/pkg/cel/library/authz.go),
// so that an expression using `authorizer` compiles as it does in the API server. Offline there
// is no authorizer to ask: the engine does not evaluate such an expression (see `usesAuthorizer`).
import type { Environment } from '@marcbachmann/cel-js';
import { celError } from './errors.js';

class Authorizer {}
class PathCheck {}
class GroupCheck {}
class ResourceCheck {}
class Decision {}

const unsupported = () => {
  throw celError('authorizer checks cannot be evaluated offline');
};

export const AUTHORIZER_TYPE = 'kubernetes.authorization.Authorizer';

export function registerAuthz(env: Environment): void {
  const A = AUTHORIZER_TYPE;
  const P = 'kubernetes.authorization.PathCheck';
  const G = 'kubernetes.authorization.GroupCheck';
  const R = 'kubernetes.authorization.ResourceCheck';
  const D = 'kubernetes.authorization.Decision';
  env
    .registerType(P, PathCheck)
    .registerType(G, GroupCheck)
    .registerType(R, ResourceCheck)
    .registerType(D, Decision)
    .registerType(A, { ctor: Authorizer, fields: { requestResource: R } })
    .registerFunction(`${A}.path(string): ${P}`, unsupported)
    .registerFunction(`${A}.group(string): ${G}`, unsupported)
    .registerFunction(`${A}.serviceAccount(string, string): ${A}`, unsupported)
    .registerFunction(`${G}.resource(string): ${R}`, unsupported)
    .registerFunction(`${R}.subresource(string): ${R}`, unsupported)
    .registerFunction(`${R}.namespace(string): ${R}`, unsupported)
    .registerFunction(`${R}.name(string): ${R}`, unsupported)
    .registerFunction(`${R}.check(string): ${D}`, unsupported)
    .registerFunction(`${P}.check(string): ${D}`, unsupported)
    .registerFunction(`${D}.allowed(): bool`, unsupported)
    .registerFunction(`${D}.reason(): string`, unsupported)
    .registerFunction(`${D}.errored(): bool`, unsupported)
    .registerFunction(`${D}.error(): string`, unsupported);
}

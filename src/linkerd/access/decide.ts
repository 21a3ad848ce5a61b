import type { Authorization } from './authorizations.js';
import { type Admission, type Caller, ruleAdmits } from './clients.js';
import type { PortAccess, RouteAccess, WorkloadAccess } from './model.js';
import { type RequestSpec, routeFit } from './routes.js';

/**
 * Whether one client may call one port, and what decided it. A request is matched to one
 * route (the best fit, as the proxy picks it); the route admits the client when one of its
 * own authorizations or of the Server's does (linkerd2-proxy
 * `linkerd/app/inbound/src/policy/http.rs`, `authorize`). A request no route matches is
 * refused (404). Opaque and TLS ports have no routes: the Server's authorizations decide.
 */

export type Verdict = 'allowed' | 'denied' | 'depends';

export interface AuthorizationOutcome {
  authorization: Authorization;
  admission: Admission;
  /** Where it is attached: the route's own, or the Server's (or the default policy's). */
  level: 'route' | 'server';
}

export interface RouteOutcome {
  /** Undefined for an opaque or TLS port, whose connections meet no route. */
  route: RouteAccess | undefined;
  verdict: Verdict;
  outcomes: AuthorizationOutcome[];
}

export interface PortDecision {
  workload: WorkloadAccess;
  port: PortAccess;
  verdict: Verdict;
  /** Allowed for some of the routes only (without a path in the question). */
  partial: boolean;
  /** Why no route or authorization was consulted: the pod has no proxy, the port bypasses it, or no route matches the request. */
  shortcut?: 'unmeshed' | 'skipped' | 'noRoute';
  routes: RouteOutcome[];
}

function outcomesFor(route: RouteAccess | undefined, port: PortAccess, caller: Caller): RouteOutcome {
  const outcomes: AuthorizationOutcome[] = [
    ...(route?.authorizations ?? []).map((authorization) => ({ authorization, admission: ruleAdmits(authorization.rule, caller), level: 'route' as const })),
    ...port.serverAuthorizations.map((authorization) => ({ authorization, admission: ruleAdmits(authorization.rule, caller), level: 'server' as const })),
  ];
  const verdict: Verdict = outcomes.some((o) => o.admission.admits === 'yes')
    ? 'allowed'
    : outcomes.some((o) => o.admission.admits === 'depends')
      ? 'depends'
      : 'denied';
  return { route, verdict, outcomes };
}

/** How well a route fits a request; Linkerd's default route fits every request, its probe route `GET` on the probe paths. */
function fit(route: RouteAccess, req: RequestSpec, grpc: boolean): number[] | undefined {
  if (route.route) return routeFit(route.route, req)?.score;
  if (route.builtin === 'default') return grpc ? [0, 0, 0] : [1, 0, 0, 0];
  if (req.method !== undefined && req.method.toUpperCase() !== 'GET') return undefined;
  if (req.path === undefined) return [1, 0, 0, 1];
  const path = req.path.split('?')[0]!;
  return route.probePaths?.includes(path) ? [path.length, 0, 0, 1] : undefined;
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

export function decidePort(workload: WorkloadAccess, port: PortAccess, caller: Caller, req: RequestSpec): PortDecision {
  const base = { workload, port, partial: false };
  if (workload.meshed === 'no') return { ...base, verdict: 'allowed', shortcut: 'unmeshed', routes: [] };
  if (port.skipped) return { ...base, verdict: 'allowed', shortcut: 'skipped', routes: [] };
  if (port.routes.length === 0) {
    const outcome = outcomesFor(undefined, port, caller);
    return { ...base, verdict: outcome.verdict, routes: [outcome] };
  }
  const grpc = port.protocol === 'gRPC';
  if (req.path !== undefined) {
    // The first of the best fits wins, in route order (`linkerd/http/route/src/lib.rs`, `find`).
    let best: { route: RouteAccess; score: number[] } | undefined;
    for (const route of port.routes) {
      const score = fit(route, req, grpc);
      if (score && (!best || better(score, best.score))) best = { route, score };
    }
    if (!best) return { ...base, verdict: 'denied', shortcut: 'noRoute', routes: [] };
    const outcome = outcomesFor(best.route, port, caller);
    return { ...base, verdict: outcome.verdict, routes: [outcome] };
  }
  // Without a path: every route that can take the method, except Linkerd's probe route,
  // which any client may call on the probe paths and which says nothing of the rest.
  const candidates = port.routes.filter((r) => r.builtin !== 'probe' && fit(r, req, grpc) !== undefined);
  if (candidates.length === 0) return { ...base, verdict: 'denied', shortcut: 'noRoute', routes: [] };
  const routes = candidates.map((r) => outcomesFor(r, port, caller));
  const allowed = routes.filter((r) => r.verdict === 'allowed').length;
  if (allowed > 0) return { ...base, verdict: 'allowed', partial: allowed < routes.length, routes };
  return { ...base, verdict: routes.some((r) => r.verdict === 'depends') ? 'depends' : 'denied', routes };
}

/** Several ports (a Service's backends): allowed when one lets the client through, partially when not all do. */
export function combine(decisions: readonly PortDecision[]): { verdict: Verdict; partial: boolean } {
  const allowed = decisions.filter((d) => d.verdict === 'allowed');
  if (allowed.length > 0) return { verdict: 'allowed', partial: allowed.length < decisions.length || allowed.some((d) => d.partial) };
  return { verdict: decisions.some((d) => d.verdict === 'depends') ? 'depends' : 'denied', partial: false };
}

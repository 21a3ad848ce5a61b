import type { AccessReport, Edge } from './report.js';

/**
 * What a change does to who may call whom: the client → workload edges of the report on
 * the changed tree that the base's report lacks (opened), those it had and the change
 * removes (closed), and those that stay but through other objects or networks (changed).
 * An edge is a client, a workload, a port and a route.
 */

export interface AccessDiff {
  schemaVersion: 1;
  base: string;
  opened: Edge[];
  closed: Edge[];
  changed: { before: Edge; after: Edge }[];
}

const key = (e: Edge) => `${e.from}\0${e.to}\0${e.port}\0${e.route ?? ''}`;

/** Edges with one key: several authorizations may admit one client to one route. */
function byKey(edges: readonly Edge[]): Map<string, Edge[]> {
  const out = new Map<string, Edge[]>();
  for (const e of edges) out.set(key(e), [...(out.get(key(e)) ?? []), e]);
  return out;
}

const detail = (list: readonly Edge[]) => JSON.stringify(list.map((e) => [e.via, e.networks, e.audit]).sort());

export function diffReports(base: AccessReport, head: AccessReport, baseName: string): AccessDiff {
  const before = byKey(base.edges);
  const after = byKey(head.edges);
  const opened: Edge[] = [];
  const closed: Edge[] = [];
  const changed: { before: Edge; after: Edge }[] = [];
  for (const [k, list] of after) {
    const old = before.get(k);
    if (!old) opened.push(...list);
    else if (detail(old) !== detail(list)) changed.push({ before: old[0]!, after: list[0]! });
  }
  for (const [k, list] of before) if (!after.has(k)) closed.push(...list);
  return { schemaVersion: 1, base: baseName, opened, closed, changed };
}

function labels(reports: readonly AccessReport[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of reports) for (const c of r.clients) out.set(c.id, c.label);
  return out;
}

function edgeText(e: Edge, clients: Map<string, string>): string {
  const route = e.route && e.route !== '*' ? ` ${e.route}` : '';
  const networks = e.networks ? ` from ${e.networks}` : '';
  return `${clients.get(e.from) ?? e.from} → ${e.to}:${e.port}${route} (${e.via}${networks}${e.audit ? ', audit' : ''})`;
}

export function renderDiff(diff: AccessDiff, base: AccessReport, head: AccessReport): string {
  const clients = labels([base, head]);
  const out = [`access changes against ${diff.base}: ${diff.opened.length} opened, ${diff.closed.length} closed, ${diff.changed.length} changed`];
  if (diff.opened.length) out.push('opened:', ...diff.opened.map((e) => `  + ${edgeText(e, clients)}`));
  if (diff.closed.length) out.push('closed:', ...diff.closed.map((e) => `  - ${edgeText(e, clients)}`));
  if (diff.changed.length) {
    out.push('changed:');
    for (const { before, after } of diff.changed) out.push(`  ~ ${edgeText(after, clients)}, was ${before.via}${before.networks ? ` from ${before.networks}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

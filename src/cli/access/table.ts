import type { AccessReport, AuthorizationReport, PortReport, RouteReport, ServerReport, WorkloadReport } from './report.js';
import { where } from './report.js';

/** The terminal format: per namespace and workload, one row per port, route and authorization. */

const HEAD = ['PORT', 'POLICY', 'ROUTE', 'WHO MAY CALL', 'BY'];

function by(a: AuthorizationReport): string {
  switch (a.source) {
    case 'AuthorizationPolicy':
    case 'ServerAuthorization':
      return `${a.source} ${a.resource!.name} (${where(a.resource!.location)})`;
    case 'accessPolicy':
      return `accessPolicy ${a.value} of Server ${a.resource!.name}`;
    case 'defaultPolicy':
      return `default policy ${a.value}`;
    case 'probe':
      return "Linkerd's probe authorization";
  }
}

function who(a: AuthorizationReport): string {
  return `${a.description}${a.audit ? ' (audit)' : ''}`;
}

function policyCell(p: PortReport): string {
  if (p.server) return `Server ${p.server.name} (${p.server.accessPolicy})`;
  if (p.defaultPolicy) return `default ${p.defaultPolicy.value} (${p.defaultPolicy.from})`;
  return '';
}

function routeCell(r: RouteReport): string {
  if (r.kind === 'default') return 'every request';
  if (r.kind === 'probe') return `probes: ${r.matches.join(', ')}`;
  return `${r.kind} ${r.resource!.name}: ${r.matches.join(', ')}`;
}

function portRows(p: PortReport): string[][] {
  const port = `${p.port}${p.names.length ? ` ${p.names.join(',')}` : ''}`;
  const policy = policyCell(p);
  if (p.access === 'bypassed') return [[port, 'skip-inbound-ports', '', 'any client (bypasses the proxy)', '']];
  const rows: string[][] = [];
  const explicit = p.routes.some((r) => r.kind === 'HTTPRoute' || r.kind === 'GRPCRoute');
  const serverRoute = p.routes.length === 0 ? `${p.protocol} connections` : explicit ? 'every route' : 'every request';
  for (const a of p.authorizations) rows.push(['', '', serverRoute, who(a), by(a)]);
  for (const r of p.routes) {
    if (r.kind === 'default') continue;
    if (r.authorizations.length === 0) rows.push(['', '', routeCell(r), p.authorizations.length ? '(only what every route admits)' : 'nobody', '']);
    for (const a of r.authorizations) rows.push(['', '', routeCell(r), who(a), by(a)]);
  }
  if (rows.length === 0 || (p.authorizations.length === 0 && !explicit)) rows.unshift(['', '', serverRoute, 'nobody', '']);
  rows[0]![0] = port;
  rows[0]![1] = policy;
  return rows;
}

function table(rows: string[][], indent: string): string {
  const widths = HEAD.map((_, i) => Math.max(...[HEAD, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [HEAD, ...rows].map(line).join('\n');
}

function workloadText(w: WorkloadReport): string {
  const head = `  ${w.kind} ${w.name} · serviceaccount ${w.serviceAccount} · ${where(w.location)}`;
  if (w.meshed === 'no') return `${head}\n    not meshed: no policy applies, every client reaches its ports`;
  const note = w.meshed === 'unknown' ? '\n    meshed only if its namespace injects it (the input does not hold the Namespace)' : '';
  if (w.ports.length === 0) return `${head}${note}\n    no inbound ports declared`;
  return `${head}${note}\n${table(w.ports.flatMap(portRows), '    ')}`;
}

const SERVER_HEAD = ['ROUTE', 'WHO MAY CALL', 'BY'];

function serverRows(s: ServerReport): string[][] {
  const rows: string[][] = [];
  const explicit = s.routes.length > 0;
  for (const a of s.authorizations) rows.push([explicit ? 'every route' : 'every request', who(a), by(a)]);
  for (const r of s.routes) {
    if (r.authorizations.length === 0) rows.push([routeCell(r), s.authorizations.length ? '(only what every route admits)' : 'nobody', '']);
    for (const a of r.authorizations) rows.push([routeCell(r), who(a), by(a)]);
  }
  if (rows.length === 0) rows.push(['every request', 'nobody (kubelet probes pass)', '']);
  return rows;
}

function serverHeading(s: ServerReport): string {
  return `Server ${s.name}${s.namespace ? ` in ${s.namespace}` : ''} · accessPolicy ${s.accessPolicy} · ${where(s.location)}`;
}

function serverText(s: ServerReport): string {
  const head = `  ${serverHeading(s)}`;
  if (!s.applied) return `${head}\n    not applied: ${s.reason}`;
  const rows = serverRows(s);
  const widths = SERVER_HEAD.map((_, i) => Math.max(...[SERVER_HEAD, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => `    ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [head, ...[SERVER_HEAD, ...rows].map(line)].join('\n');
}

/** The report's tables as data, for the HTML page: one per workload, then one per Server that governs no workload port. */
export function reportRows(report: AccessReport): { heading: string; head: string[]; rows: string[][] }[] {
  const out: { heading: string; head: string[]; rows: string[][] }[] = [];
  for (const ns of report.namespaces) {
    for (const w of ns.workloads) {
      const heading = `${ns.name ?? '(none set)'} · ${w.kind} ${w.name} · serviceaccount ${w.serviceAccount} · ${where(w.location)}`;
      if (w.meshed === 'no') out.push({ heading: `${heading} · not meshed: no policy applies`, head: HEAD, rows: [] });
      else out.push({ heading: w.meshed === 'unknown' ? `${heading} · meshed if its namespace injects it` : heading, head: HEAD, rows: w.ports.flatMap(portRows) });
    }
  }
  for (const s of report.servers.filter((x) => x.selects.length === 0)) {
    out.push({ heading: `${serverHeading(s)} · governs no workload port of the input${s.applied ? '' : ` · not applied: ${s.reason}`}`, head: SERVER_HEAD, rows: s.applied ? serverRows(s) : [] });
  }
  return out;
}

function describeDefault(report: AccessReport): string {
  const d = report.clusterDefaultPolicy;
  const from = d.from === 'install' ? "the install's default; set defaultInboundPolicy in the config if yours differs" : d.from === 'flag' ? '--default-inbound-policy' : 'the config';
  return `${d.value} (${from})`;
}

export function renderTable(report: AccessReport): string {
  const out: string[] = [`Linkerd ${report.linkerdVersion}; cluster default inbound policy ${describeDefault(report)}`];
  for (const ns of report.namespaces) {
    out.push('', `namespace ${ns.name ?? '(none set)'}`);
    for (const w of ns.workloads) out.push(workloadText(w));
  }
  if (report.namespaces.length === 0) out.push('', 'no workloads in the input');
  const idle = report.servers.filter((s) => s.selects.length === 0);
  if (idle.length) {
    out.push('', 'Servers that govern no port of a workload in the input');
    for (const s of idle) out.push(serverText(s));
  }
  if (report.highlights.length) {
    out.push('', 'highlights');
    for (const h of report.highlights) out.push(`  ${h.kind}: ${h.message}${h.location ? ` (${where(h.location)})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

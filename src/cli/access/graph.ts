import { UNSET_NAMESPACE } from '../../linkerd/access/identities.js';
import type { AccessReport, ClientNode, Edge } from './report.js';

/**
 * The access report as a graph: clients (service accounts, namespaces, "any meshed client",
 * unauthenticated clients, kubelet probes) → workloads, grouped by namespace, one edge per
 * client and workload labelled with the ports and routes it reaches. Mermaid and Graphviz
 * DOT draw the same graph from the report's `edges`.
 */

export interface GraphEdge {
  from: string;
  to: string;
  labels: string[];
}

export interface Graph {
  clients: (ClientNode & { runsAs: string[] })[];
  namespaces: { name: string | null; workloads: { id: string; label: string }[] }[];
  edges: GraphEdge[];
}

/** `7001 HTTPRoute authors-get-route`, with where clients must connect from and whether it is only audited. */
function routeLabel(e: Edge): string {
  const networks = e.networks ? ` from ${e.networks}` : '';
  return `${e.route && e.route !== '*' ? e.route : ''}${networks}${e.audit ? ' (audit)' : ''}`.trim();
}

/** One label per port: `7001 HTTPRoute a, HTTPRoute b`; `8080` when every request of the port is reached. */
function labelsOf(edges: readonly Edge[]): string[] {
  const byPort = new Map<number, string[]>();
  for (const e of edges) {
    const list = byPort.get(e.port) ?? [];
    const label = routeLabel(e);
    if (!list.includes(label)) list.push(label);
    byPort.set(e.port, list);
  }
  return [...byPort].map(([port, routes]) => {
    const named = routes.filter((r) => r !== '');
    return named.length && named.length === routes.length ? `${port} ${named.join(', ')}` : named.length ? `${port} (${named.join(', ')}, every request)` : `${port}`;
  });
}

export function graphOf(report: AccessReport): Graph {
  const used = new Set(report.edges.map((e) => e.from));
  const runsAs = new Map<string, string[]>();
  for (const ns of report.namespaces) {
    for (const w of ns.workloads) {
      const id = `sa:${ns.name ?? UNSET_NAMESPACE}/${w.serviceAccount}`;
      runsAs.set(id, [...(runsAs.get(id) ?? []), `${w.kind} ${w.name}`]);
    }
  }
  const grouped = new Map<string, Edge[]>();
  for (const e of report.edges) {
    const key = `${e.from}\0${e.to}`;
    grouped.set(key, [...(grouped.get(key) ?? []), e]);
  }
  const edges = new Map<string, GraphEdge>();
  for (const [key, list] of grouped) edges.set(key, { from: list[0]!.from, to: list[0]!.to, labels: labelsOf(list) });
  const targets = new Set(report.edges.map((e) => e.to));
  return {
    clients: report.clients.filter((c) => used.has(c.id)).map((c) => ({ ...c, runsAs: runsAs.get(c.id) ?? [] })),
    namespaces: report.namespaces
      .map((ns) => ({
        name: ns.name,
        workloads: ns.workloads
          .map((w) => ({ id: `${ns.name ?? ''}/${w.kind}/${w.name}`, label: `${w.kind} ${w.name}` }))
          .filter((w) => targets.has(w.id)),
      }))
      .filter((ns) => ns.workloads.length > 0),
    edges: [...edges.values()],
  };
}

function clientLabel(c: Graph['clients'][number]): string {
  return c.runsAs.length ? `${c.label} (${c.runsAs.join(', ')})` : c.label;
}

function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

export function renderMermaid(report: AccessReport): string {
  const g = graphOf(report);
  const ids = new Map<string, string>();
  g.clients.forEach((c, i) => ids.set(c.id, `c${i}`));
  const out = ['flowchart LR'];
  for (const c of g.clients) out.push(`  ${ids.get(c.id)}(["${mermaidText(clientLabel(c))}"])`);
  let n = 0;
  g.namespaces.forEach((ns, i) => {
    out.push(`  subgraph ns${i}["namespace ${mermaidText(ns.name ?? '(none set)')}"]`);
    for (const w of ns.workloads) {
      const id = `w${n++}`;
      ids.set(w.id, id);
      out.push(`    ${id}["${mermaidText(w.label)}"]`);
    }
    out.push('  end');
  });
  for (const e of g.edges) out.push(`  ${ids.get(e.from)} -->|"${mermaidText(e.labels.join(', '))}"| ${ids.get(e.to)}`);
  return `${out.join('\n')}\n`;
}

function dotText(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function renderDot(report: AccessReport): string {
  const g = graphOf(report);
  const out = ['digraph access {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const c of g.clients) out.push(`  ${dotText(`client:${c.id}`)} [shape=ellipse, label=${dotText(clientLabel(c))}];`);
  g.namespaces.forEach((ns, i) => {
    out.push(`  subgraph cluster_${i} {`, `    label=${dotText(`namespace ${ns.name ?? '(none set)'}`)};`);
    for (const w of ns.workloads) out.push(`    ${dotText(`workload:${w.id}`)} [label=${dotText(w.label)}];`);
    out.push('  }');
  });
  for (const e of g.edges) out.push(`  ${dotText(`client:${e.from}`)} -> ${dotText(`workload:${e.to}`)} [label=${dotText(e.labels.join(', '))}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

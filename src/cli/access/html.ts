import { graphOf } from './graph.js';
import type { AccessReport } from './report.js';
import { where } from './report.js';
import { reportRows } from './table.js';

/**
 * The access report as one self-contained HTML page, for a reviewer to open from a CI
 * artifact: the graph of clients → workloads as inline SVG (laid out here, so the page needs
 * no script and no network), the tables, the highlights, and the JSON report itself in a
 * `<script type="application/json">` element for tools.
 */

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const ROW = 34;
const NODE_H = 24;
const LANE = 18;
const CLIENT_X = 20;
const NS_HEAD = 26;
/** Roughly the width of one character of the 12px sans-serif labels. */
const CHAR = 7;

/**
 * Clients in a column on the left, workloads by namespace on the right. Each edge ends at its
 * own lane on the workload's left side, with its label just before it, so no two labels of
 * one workload overlap and labels of different workloads sit beside different boxes.
 */
function svg(report: AccessReport): string {
  const g = graphOf(report);
  const clientLabel = (c: (typeof g.clients)[number]) => (c.runsAs.length ? `${c.label} (${c.runsAs.join(', ')})` : c.label);
  const clientW = Math.max(200, ...g.clients.map((c) => clientLabel(c).length * CHAR + 20));
  const labelW = Math.max(120, ...g.edges.map((e) => e.labels.join(', ').length * (CHAR - 0.5) + 80));
  const workloadX = CLIENT_X + clientW + labelW;
  const workloadW = Math.max(200, ...g.namespaces.flatMap((ns) => ns.workloads.map((w) => w.label.length * CHAR + 20)));
  const incoming = new Map<string, number>();
  for (const e of g.edges) incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1);

  const clientY = new Map<string, number>();
  g.clients.forEach((c, i) => clientY.set(c.id, 20 + i * ROW));
  const workloadTop = new Map<string, number>();
  const boxes: string[] = [];
  const nodes: string[] = [];
  let y = 10;
  for (const ns of g.namespaces) {
    const top = y;
    y += NS_HEAD;
    for (const w of ns.workloads) {
      const h = Math.max(NODE_H, (incoming.get(w.id) ?? 0) * LANE + 6);
      workloadTop.set(w.id, y);
      nodes.push(
        `<g class="workload" data-id="${esc(w.id)}"><rect x="${workloadX}" y="${y}" width="${workloadW}" height="${h}" rx="3"/>` +
          `<text x="${workloadX + 10}" y="${y + 16}">${esc(w.label)}</text></g>`,
      );
      y += h + ROW - NODE_H;
    }
    boxes.push(
      `<g class="namespace"><rect x="${workloadX - 4}" y="${top}" width="${workloadW + 14}" height="${y - top}" rx="6"/>` +
        `<text x="${workloadX}" y="${top + 17}">namespace ${esc(ns.name ?? '(none set)')}</text></g>`,
    );
    y += 12;
  }
  for (const c of g.clients) {
    const cy = clientY.get(c.id)!;
    nodes.push(
      `<g class="client ${esc(c.kind)}" data-id="${esc(c.id)}"><rect x="${CLIENT_X}" y="${cy}" width="${clientW}" height="${NODE_H}" rx="12"/>` +
        `<text x="${CLIENT_X + 10}" y="${cy + 16}">${esc(clientLabel(c))}</text></g>`,
    );
  }
  const lanes = new Map<string, number>();
  const edges = g.edges.map((e) => {
    const lane = lanes.get(e.to) ?? 0;
    lanes.set(e.to, lane + 1);
    const x1 = CLIENT_X + clientW;
    const y1 = clientY.get(e.from)! + NODE_H / 2;
    const x2 = workloadX;
    const y2 = workloadTop.get(e.to)! + 12 + lane * LANE;
    const bend = x1 + (x2 - x1) / 3;
    const label = e.labels.join(', ');
    return (
      `<g class="edge" data-from="${esc(e.from)}" data-to="${esc(e.to)}"><path d="M${x1},${y1} C${bend},${y1} ${bend},${y2} ${x2},${y2}"/>` +
      `<title>${esc(label)}</title><text x="${x2 - 6}" y="${y2 - 3}">${esc(label)}</text></g>`
    );
  });
  const width = workloadX + workloadW + 20;
  const height = Math.max(y, 20 + g.clients.length * ROW) + 10;
  return (
    `<svg class="graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="clients and the workloads they may call">` +
    `${boxes.join('')}${edges.join('')}${nodes.join('')}</svg>`
  );
}

function table(rows: string[][], head: string[]): string {
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
  return `<table><thead>${tr(head, 'th')}</thead><tbody>${rows.map((r) => tr(r, 'td')).join('')}</tbody></table>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1f24; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; margin-top: 2em; } h3 { font-size: 1em; margin: 1.2em 0 .4em; }
.meta { color: #57606a; }
table { border-collapse: collapse; margin: .3em 0 1em; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
.graph text { font: 12px system-ui, sans-serif; }
.graph .namespace rect { fill: #f6f8fa; stroke: #d0d7de; }
.graph .namespace text { fill: #57606a; }
.graph .client rect { fill: #ddf4ff; stroke: #54aeff; }
.graph .client.unauthenticated rect, .graph .client.anyMeshed rect, .graph .client.anyTLS rect { fill: #fff1e5; stroke: #fb8f44; }
.graph .client.kubelet rect { fill: #eeeeee; stroke: #999999; }
.graph .workload rect { fill: #ffffff; stroke: #1b1f24; }
.graph .edge path { fill: none; stroke: #8c959f; stroke-width: 1.5; }
.graph .edge text { fill: #57606a; font-size: 11px; text-anchor: end; }
.graph .edge:hover path { stroke: #0969da; stroke-width: 3; }
li.unauthenticated, li.wildcardIdentity, li.bypassed { color: #9a6700; }
li.deniesEverything { color: #cf222e; }
`;

export function renderHtml(report: AccessReport): string {
  const parts: string[] = [];
  parts.push(`<h1>Who can call whom</h1>`);
  parts.push(`<p class="meta">Linkerd ${esc(report.linkerdVersion)}; cluster default inbound policy ${esc(report.clusterDefaultPolicy.value)} (${esc(report.clusterDefaultPolicy.from)})</p>`);
  parts.push(`<h2>Graph</h2>`, report.edges.length ? svg(report) : '<p>No client reaches a workload of the input.</p>');
  if (report.highlights.length) {
    parts.push('<h2>Highlights</h2><ul>');
    for (const h of report.highlights) parts.push(`<li class="${esc(h.kind)}"><b>${esc(h.kind)}</b>: ${esc(h.message)}${h.location ? ` <code>${esc(where(h.location))}</code>` : ''}</li>`);
    parts.push('</ul>');
  }
  for (const { heading, head, rows } of reportRows(report)) {
    parts.push(`<h3>${esc(heading)}</h3>`, rows.length ? table(rows, head) : '<p>No inbound ports declared.</p>');
  }
  // `</` cannot end the JSON element early: JSON allows `\/`.
  const json = JSON.stringify(report).replace(/<\//g, '<\\/');
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>linkerd-lint access report</title>` +
    `<style>${STYLE}</style></head><body>\n${parts.join('\n')}\n` +
    `<script type="application/json" id="access-report">${json}</script>\n</body></html>\n`
  );
}

// The HTML access report: one self-contained page (no script, style sheet, font or image
// from anywhere), whose graph draws exactly the edges of the JSON report. When a Chromium is
// installed (CHROMIUM, or chromium / chromium-browser / google-chrome on PATH), the page is
// opened in it headless: every edge must render from its client's box to its workload's,
// with its label, no two labels overlapping, and a screenshot must come out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.js';
import { FIXTURES } from './helpers.js';

const WALKTHROUGHS = ['emojivoto', 'booksapp'];
const golden = (name: string) => readFileSync(join(FIXTURES, 'access', `${name}.golden`), 'utf8');

interface Report {
  edges: { from: string; to: string }[];
}

function pairs(report: Report): string[] {
  return [...new Set(report.edges.map((e) => `${e.from} -> ${e.to}`))].sort();
}

function chromium(): string | undefined {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

describe('the HTML access report', () => {
  for (const walkthrough of WALKTHROUGHS) {
    it(`of ${walkthrough} is its golden`, () => {
      const r = cli(['access', '--no-config-lookup', '-f', 'html', `fixtures/access/${walkthrough}`]);
      expect(r.stdout).toBe(golden(`${walkthrough}.html`));
      expect(r.code).toBe(0);
    });

    it(`of ${walkthrough} loads nothing from anywhere and carries the JSON report`, () => {
      const html = golden(`${walkthrough}.html`);
      expect(html).not.toMatch(/https?:\/\/|\bsrc=|<link|@import|url\(/);
      const json = /<script type="application\/json" id="access-report">(.*)<\/script>/.exec(html)![1]!;
      expect(JSON.parse(json)).toEqual(JSON.parse(golden(`${walkthrough}.json`)));
      // No script runs: the only script element is that data block.
      expect(html.match(/<script/g)).toHaveLength(1);
    });

    it(`of ${walkthrough} draws one edge per client and workload of the JSON report`, () => {
      const html = golden(`${walkthrough}.html`);
      const drawn = [...html.matchAll(/<g class="edge" data-from="([^"]+)" data-to="([^"]+)">/g)].map((m) => `${m[1]} -> ${m[2]}`);
      expect(drawn.sort()).toEqual(pairs(JSON.parse(golden(`${walkthrough}.json`)) as Report));
    });
  }

  const browser = chromium();
  // Measures the page as the browser laid it out, and writes what it found into the page.
  const PROBE = `<script>
const box = (el) => { const b = el.getBBox(); return { x: b.x, y: b.y, w: b.width, h: b.height }; };
const within = (p, b) => p.x >= b.x - 1 && p.x <= b.x + b.w + 1 && p.y >= b.y - 1 && p.y <= b.y + b.h + 1;
const node = (id) => box(document.querySelector('svg.graph g[data-id="' + CSS.escape(id) + '"] rect'));
const edges = [...document.querySelectorAll('svg.graph g.edge')].map((g) => {
  const path = g.querySelector('path');
  const length = path.getTotalLength();
  const text = g.querySelector('text');
  return { from: g.dataset.from, to: g.dataset.to, length, starts: within(path.getPointAtLength(0), node(g.dataset.from)),
    ends: within(path.getPointAtLength(length), node(g.dataset.to)), label: text.textContent, labelWidth: text.getComputedTextLength(), labelBox: box(text) };
});
const pre = document.createElement('pre');
pre.id = 'rendered';
pre.textContent = JSON.stringify(edges);
document.body.append(pre);
</script>`;

  for (const walkthrough of WALKTHROUGHS) {
    // CI installs Chromium (.ci/run): there the browser check never skips.
    it.skipIf(!browser && process.env.CI !== 'true')(`of ${walkthrough} renders in a headless Chromium with the edges the JSON lists`, { timeout: 120_000 }, () => {
      expect(browser, 'no Chromium found: CI installs one (.ci/run), elsewhere set CHROMIUM or put chromium on PATH').toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'linkerd-lint-html-'));
      const page = join(dir, 'report.html');
      const html = golden(`${walkthrough}.html`);
      writeFileSync(page, html);
      const probe = join(dir, 'probe.html');
      writeFileSync(probe, html.replace('</body>', `${PROBE}</body>`));
      const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--virtual-time-budget=5000'];
      const dom = spawnSync(browser!, [...flags, '--dump-dom', pathToFileURL(probe).href], { encoding: 'utf8', timeout: 90_000 });
      const found = /<pre id="rendered">(.*?)<\/pre>/s.exec(dom.stdout)?.[1];
      expect(found, dom.stderr).toBeDefined();
      const rendered = JSON.parse(found!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as {
        from: string; to: string; length: number; starts: boolean; ends: boolean; label: string; labelWidth: number; labelBox: { x: number; y: number; w: number; h: number };
      }[];
      expect(rendered.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(pairs(JSON.parse(golden(`${walkthrough}.json`)) as Report));
      for (const e of rendered) {
        expect(e.length, `${e.from} -> ${e.to}`).toBeGreaterThan(50);
        expect([e.starts, e.ends], `${e.from} -> ${e.to} joins its nodes`).toEqual([true, true]);
        expect(e.labelWidth, e.label).toBeGreaterThan(0);
      }
      const overlap = (a: (typeof rendered)[number]['labelBox'], b: (typeof rendered)[number]['labelBox']) =>
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      for (let i = 0; i < rendered.length; i++) {
        for (let j = i + 1; j < rendered.length; j++) expect(overlap(rendered[i]!.labelBox, rendered[j]!.labelBox), `${rendered[i]!.label} / ${rendered[j]!.label}`).toBe(false);
      }
      const shot = join(dir, 'shot.png');
      spawnSync(browser!, [...flags, '--window-size=1300,1000', `--screenshot=${shot}`, pathToFileURL(page).href], { encoding: 'utf8', timeout: 90_000 });
      expect(existsSync(shot) && statSync(shot).size).toBeGreaterThan(10_000);
    });
  }
});

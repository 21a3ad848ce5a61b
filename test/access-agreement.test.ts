// The access model and the security rules read one policy model, so they must agree: a
// Server the rules call closed to everyone is one the model admits nobody to, what a rule
// calls unauthenticated or wildcard access the model shows as such, and a Server a rule says
// selects nothing governs no port in the model. Checked over the rules' own fixtures, the
// access walkthroughs, and (when present) the real manifests of ../shared/corpus.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { lintParsed, loadPaths } from '../src/engine/lint.js';
import { identityMatchText, wildcardKind } from '../src/linkerd/access/identities.js';
import { type AccessModel, buildAccessModel } from '../src/linkerd/access/model.js';
import type { Resource } from '../src/model/resource.js';
import { ManifestTree } from '../src/model/tree.js';
import { FIXTURES, ROOT, sharedPath } from './helpers.js';

const RULES = ['server-without-authorization', 'no-unauthenticated-server', 'no-wildcard-identity', 'server-selects-nothing'];

const id = (r: Resource) => `${r.file.path}:${r.headRange.start.line} ${r.kind} ${r.name}`;

interface Views {
  rules: string[];
  model: string[];
}

/** Both sides of each claim, as `<claim> <resource>` lines, for one tree. */
async function compare(dir: string, paths: string[]): Promise<Views> {
  const rules = Object.fromEntries(Object.keys(builtinRules).map((r) => [r, RULES.includes(r) ? builtinRules[r]!.meta.defaultSeverity : 'off']));
  const config = resolveConfig({ rules, references: 'strict', linkerdOutput: 'lint' }, builtinRules, dir);
  const { parsed } = await loadPaths({ cwd: dir, paths, config, errorOnUnmatchedPattern: false, warnIgnored: false });
  const findings = lintParsed(parsed, { config, rules: builtinRules }).results.flatMap((r) => r.findings);
  const tree = new ManifestTree(parsed.flatMap((p) => p.resources));
  const model = buildAccessModel(tree, { target: config.target, clusterDefault: { value: 'all-unauthenticated', from: 'install' }, domain: { controlPlaneNamespace: 'linkerd', trustDomain: 'cluster.local' } });

  const governed = new Set(model.workloads.flatMap((w) => w.ports.flatMap((p) => (p.server ? [p.server.resource] : []))));
  const inModel = new Set(model.servers.filter((s) => s.applied.applied).map((s) => s.resource));
  const ruleSide: string[] = [];
  for (const f of findings) {
    const r = f.resource;
    if (!r) continue;
    if (f.ruleId === 'server-without-authorization') ruleSide.push(`closed ${id(r)}`);
    if (f.ruleId === 'server-selects-nothing' && inModel.has(r) && governed.has(r)) ruleSide.push(`selects-nothing-but-governs ${id(r)}`);
    if (f.ruleId === 'no-unauthenticated-server' && attached(model, r)) ruleSide.push(`unauthenticated ${id(r)}`);
    if (f.ruleId === 'no-wildcard-identity' && f.messageId !== 'unauthenticatedTLS' && wildcardUsed(model).has(r)) ruleSide.push(`wildcard ${id(r)}`);
  }
  const modelSide: string[] = [];
  for (const s of model.servers) {
    if (!s.applied.applied || s.accessPolicy !== 'deny') continue;
    const named = s.authorizations.list.length + s.authorizations.ignored.length + [...s.routeAuthorizations.values()].reduce((n, x) => n + x.list.length + x.ignored.length, 0);
    const meshed = model.workloads.some((w) => w.ports.some((p) => p.server?.resource === s.resource) || (w.meshed !== 'no' && selects(s.resource, w)));
    const unmeshedOnly = !meshed && model.workloads.some((w) => w.meshed === 'no' && selects(s.resource, w));
    if (named === 0 && !unmeshedOnly) modelSide.push(`closed ${id(s.resource)}`);
  }
  for (const r of unauthenticatedSources(model)) modelSide.push(`unauthenticated ${id(r)}`);
  for (const r of wildcardUsed(model)) modelSide.push(`wildcard ${id(r)}`);
  return { rules: [...new Set(ruleSide)].sort(), model: [...new Set(modelSide)].sort() };
}

function selects(server: Resource, w: AccessModel['workloads'][number]): boolean {
  const spec = server.value.spec as { podSelector?: { matchLabels?: Record<string, string> } } | undefined;
  const labels = spec?.podSelector?.matchLabels;
  return server.namespace === w.namespace && labels !== undefined && Object.entries(labels).every(([k, v]) => w.workload.labels[k] === String(v));
}

/** Every authorization of every applied Server and route in the model. */
function allAuthorizations(model: AccessModel) {
  return model.servers.filter((s) => s.applied.applied).flatMap((s) => [...s.authorizations.list, ...[...s.routeAuthorizations.values()].flatMap((x) => x.list)]);
}

/** The objects that admit unauthenticated clients to a Server or route the model holds. */
function unauthenticatedSources(model: AccessModel): Set<Resource> {
  const out = new Set<Resource>();
  for (const a of allAuthorizations(model)) {
    const s = a.source;
    if (a.rule.authentication.kind !== 'none') continue;
    if (s.kind === 'AuthorizationPolicy' || s.kind === 'ServerAuthorization') out.add(s.resource);
    // The rule skips the Server versions that cannot carry accessPolicy; the model never sees them open.
    if (s.kind === 'accessPolicy' && s.value !== 'audit') out.add(s.resource);
  }
  return out;
}

function attached(model: AccessModel, r: Resource): boolean {
  return unauthenticatedSources(model).has(r) || allAuthorizations(model).some((a) => 'resource' in a.source && a.source.resource === r);
}

/** MeshTLSAuthentications and ServerAuthorizations whose wildcard identities an applied authorization uses. */
function wildcardUsed(model: AccessModel): Set<Resource> {
  const out = new Set<Resource>();
  for (const a of allAuthorizations(model)) {
    if (a.rule.authentication.kind !== 'identities') continue;
    if (!a.rule.authentication.matches.some((m) => wildcardKind(identityMatchText(m), 'cluster.local'))) continue;
    const s = a.source;
    if (s.kind === 'ServerAuthorization') out.add(s.resource);
    if (s.kind === 'AuthorizationPolicy') for (const authn of s.authentications) if (authn.kind === 'MeshTLSAuthentication') out.add(authn);
  }
  return out;
}

function fixtureFiles(rule: string): string[] {
  return ['valid', 'invalid'].flatMap((kind) => {
    const dir = join(FIXTURES, rule, kind);
    try {
      return readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('.config.yaml'))
        .map((f) => join(dir, f));
    } catch {
      return [];
    }
  });
}

describe('the access model agrees with the security rules', () => {
  const files = [...new Set(RULES.flatMap(fixtureFiles))];
  it.each(files.map((f) => [relative(ROOT, f)]))('on %s', async (file) => {
    const { rules, model } = await compare(ROOT, [file]);
    // A rule may report what the model leaves out (a Server nothing in the file selects), never the reverse.
    for (const line of rules.filter((l) => !l.startsWith('selects-nothing'))) expect(model).toContain(line);
    expect(rules.filter((l) => l.startsWith('selects-nothing'))).toEqual([]);
    for (const line of model.filter((l) => !l.startsWith('closed'))) expect(rules).toContain(line);
  });

  it('on the access walkthroughs', async () => {
    for (const dir of ['emojivoto', 'booksapp']) {
      const { rules, model } = await compare(ROOT, [join('fixtures', 'access', dir)]);
      expect(rules).toEqual(model);
    }
  });

  const corpus = sharedPath('corpus');
  it.skipIf(!corpus)('on the corpus repositories with policy', { timeout: 300_000 }, async () => {
    const repos = readdirSync(corpus!).filter((d) => !d.endsWith('.md'));
    const disagreements: string[] = [];
    for (const repo of repos) {
      const { rules, model } = await compare(join(corpus!, repo), ['.']);
      for (const line of rules) if (!line.startsWith('selects-nothing') && !model.includes(line)) disagreements.push(`rule only: ${line}`);
      for (const line of rules) if (line.startsWith('selects-nothing')) disagreements.push(line);
      for (const line of model) if (!line.startsWith('closed') && !rules.includes(line)) disagreements.push(`model only: ${line}`);
    }
    expect(disagreements.map((d) => d.replace(`${corpus!}/`, ''))).toEqual([]);
  });
});

// The proof that the hand-written translation of the Gateway API route CRDs' validation rules
// (src/linkerd/admission/gateway-rules.ts, routes.ts) implements the CRDs' own rules: both run
// on the same routes (the cases of test/gateway-cel/cases.ts, every Gateway API route in
// fixtures/, and the real manifests of ../shared/corpus when present) and must fault the same
// schema nodes, for each Gateway API release Linkerd supports from 2.18 (`CEL_SINCE`), when
// the hand-written rules apply. The CRDs' rules are evaluated with the project's CEL engine
// (src/policy/), after the schema defaults, as the API server does on a CREATE.
import { describe, expect, it } from 'vitest';
import { loadCel } from '../src/policy/index.js';
import { Agreement, type KnownGap, type Route, routesUnder } from './gateway-cel/agreement.js';
import { caseRoutes } from './gateway-cel/cases.js';
import type { CompiledSchema, RuleSchema } from './gateway-cel/evaluate.js';
import { ruleKey } from './gateway-cel/rule-keys.js';
import { FIXTURES, sharedPath } from './helpers.js';

const engine = await loadCel();
const agreement = new Agreement(engine);
const CORPUS = sharedPath('corpus');
const CASES = caseRoutes();
const ROUTES: Route[] = [...CASES, ...routesUnder(FIXTURES), ...(CORPUS ? routesUnder(CORPUS) : [])];

/**
 * The upstream releases Linkerd 2.18 and later support (src/linkerd/gateway-api.ts), newest
 * patch of each minor. Before 2.18 the hand-written rules do not apply at all.
 */
const RELEASES = ['v1.1.1', 'v1.2.1', 'v1.3.0', 'v1.4.1', 'v1.5.1'];
const CHANNELS = ['experimental', 'standard'];

/** cel-js cannot compile `has()` over a field of an indexed value (`has(self.matches[0].path)`), which cel-go accepts. */
const INDEXED_HAS = (rule: string) => /has\([\w.]*\[\d+\]\.\w+\)/.test(rule);

/** The rules of the CRDs Linkerd 2.18 bundles (v1.1.1, both channels), which the hand-written code implements. */
const BUNDLE_RULES = new Set(
  ['experimental', 'standard'].flatMap((channel) =>
    Object.values(agreement.rules.releases['v1.1.1']![channel]!).flatMap((versions) =>
      Object.values(versions).flatMap((id) => rulesIn(agreement.rules.schemas[id]!)),
    ),
  ),
);

function rulesIn(schema: RuleSchema): string[] {
  return [
    ...(schema.rules ?? []).map((r) => r.rule),
    ...Object.values(schema.properties ?? {}).flatMap(rulesIn),
    ...(schema.items ? rulesIn(schema.items) : []),
    ...(schema.additionalProperties ? rulesIn(schema.additionalProperties) : []),
  ];
}

/** Where the two sides differ, and why; every entry names the CRD rules it concerns. */
const GAPS: KnownGap[] = [
  // Hand-written side, standard channel only: it implements the experimental channel, as
  // Linkerd's bundle is (src/linkerd/admission/coverage.ts). The standard channel's two
  // `spec.parentRefs` rules ("sectionName must be specified when parentRefs includes 2 or more
  // references to the same parent", "sectionName must be unique ...") leave out `port`, a
  // field that channel lacks: two references to one parent that differ only by port are
  // refused there, and the hand-written code accepts them everywhere, to stay on the safe side.
  // (The standard CRDs have no `port` in a parentRef at all, so a route that sets one is
  // refused or pruned there whatever the rules say.)
  {
    name: 'standard parentRefs rules ignore port',
    applies: (_, channel) => channel === 'standard',
    rule: (r) => r.includes('p1.name == p2.name') && !r.includes('port'),
    handMessage: /only one of them sets sectionName or port/,
  },
  // Hand-written side, standard channel only: `sessionPersistence` (every release here) and
  // `timeouts` (v1.1) are experimental fields, so the standard CRDs have no rule on them; there
  // the field itself is unknown, which the API server refuses or prunes.
  { name: 'standard channel lacks sessionPersistence', applies: (_, channel) => channel === 'standard', handMessage: /has a Permanent cookie but no absoluteTimeout/ },
  { name: 'v1.1 standard channel lacks timeouts', applies: (tag, channel) => tag === 'v1.1.1' && channel === 'standard', handMessage: /backendRequest must not exceed request/ },
  // Hand-written side: the rules of releases after v1.1.1 are not implemented (Linkerd 2.18's
  // bundle is v1.1.1). Of those, the corpus and fixtures break only HTTPRoute
  // `spec.rules[].filters[]` "filter.cors must be specified for CORS filter.type" (v1.3
  // experimental, v1.5 standard), on a CORS filter that v1.1.1 refuses by its type enum.
  { name: 'rules newer than v1.1.1', rule: (r) => !BUNDLE_RULES.has(r) },
];

function* nodes(schema: CompiledSchema, path: string): Generator<[string, CompiledSchema]> {
  yield [path, schema];
  for (const [k, s] of Object.entries(schema.properties ?? {})) yield* nodes(s, `${path}.${k}`);
  if (schema.items) yield* nodes(schema.items, `${path}[]`);
  if (schema.additionalProperties) yield* nodes(schema.additionalProperties, `${path}{}`);
}

/** Every rule of a release and channel: `Kind/version.path :: rule`, with its compiled form. */
function rulesOf(from: Agreement, tag: string, channel: string) {
  const out: { where: string; text: string; compiled: boolean; transition: boolean; rewrites: string[] }[] = [];
  for (const [kind, versions] of Object.entries(from.rules.releases[tag]![channel]!)) {
    for (const version of Object.keys(versions)) {
      for (const [path, node] of nodes(from.schemaFor(tag, channel, kind, version)!, `${kind}/${version}`)) {
        for (const r of node.rules) out.push({ where: path, text: r.rule.rule, compiled: r.program !== undefined, transition: r.transition, rewrites: r.rewrites });
      }
    }
  }
  return out;
}

describe('the Gateway API CRDs\' validation rules', () => {
  it('compile with the project\'s CEL engine, but for the rules of INDEXED_HAS, which compile after REWRITES', () => {
    const asWritten = new Agreement(engine, false);
    // Linkerd's bundle, the v1.1.1 experimental CRDs: 212 rules over the served versions.
    const bundle = rulesOf(asWritten, 'v1.1.1', 'experimental');
    expect(bundle.length).toBe(212);
    expect(bundle.filter((r) => r.compiled).length).toBe(204);
    for (const tag of RELEASES) {
      for (const channel of CHANNELS) {
        const failed = rulesOf(asWritten, tag, channel).filter((r) => !r.compiled);
        expect(failed.filter((r) => !INDEXED_HAS(r.text)).map((r) => `${tag} ${channel} ${r.where}: ${r.text}`)).toEqual([]);
        expect(rulesOf(agreement, tag, channel).filter((r) => !r.compiled)).toEqual([]);
      }
    }
    // What the rewrites touch: the four replacePrefixMatch rules of HTTPRoute `spec.rules[]`
    // ("When using RequestRedirect/URLRewrite filter with path.replacePrefixMatch, exactly one
    // PathPrefix match must be specified", at rule and backendRef level), GRPCRoute's rule on
    // the total number of matches (v1.2 and later), and GRPCRoute's service name pattern.
    const rewritten = new Map<string, Set<string>>();
    for (const tag of RELEASES) {
      for (const channel of CHANNELS) {
        for (const r of rulesOf(agreement, tag, channel)) {
          for (const name of r.rewrites) {
            const set = rewritten.get(name) ?? new Set();
            set.add(`${r.where.replace(/\/v[0-9a-z]+/, '')}: ${ruleKey(r.text).replace(/^rule: (.{40}).*/, '$1…')}`);
            rewritten.set(name, set);
          }
        }
      }
    }
    expect(Object.fromEntries([...rewritten].map(([name, set]) => [name, [...set].sort()]))).toEqual({
      'has() over an indexed value': [
        'GRPCRoute.spec.rules: (self.size() > 0 ? (has(self[0].matches)…',
        'HTTPRoute.spec.rules[]: backend prefix requestRedirect needs one PathPrefix match',
        'HTTPRoute.spec.rules[]: backend prefix urlRewrite needs one PathPrefix match',
        'HTTPRoute.spec.rules[]: prefix requestRedirect needs one PathPrefix match',
        'HTTPRoute.spec.rules[]: prefix urlRewrite needs one PathPrefix match',
      ],
      '(?i) in the gRPC service pattern': ['GRPCRoute.spec.rules[].matches[].method: service name'],
    });
    // No route rule of these releases is a transition rule: all of them run on a CREATE.
    expect(RELEASES.flatMap((tag) => CHANNELS.flatMap((c) => rulesOf(agreement, tag, c).filter((r) => r.transition)))).toEqual([]);
  });

  it('are each broken by some case, so the agreement below exercises every v1.1.1 rule', () => {
    const broken = new Set<string>();
    for (const route of CASES) {
      const { kind, version } = route.resource;
      const schema = agreement.schemaFor('v1.1.1', 'experimental', kind!, version)!;
      for (const f of agreement.evaluate(route, schema).failures) {
        broken.add(`${kind}.${f.path.map((p) => (typeof p === 'number' ? '[]' : p)).join('.')} :: ${f.rule}`);
      }
    }
    const unbroken = rulesOf(agreement, 'v1.1.1', 'experimental')
      .map((r) => `${r.where.replace(/\/v[0-9a-z]+/, '').replace(/\[\]/g, '.[]')} :: ${r.text}`)
      .filter((r) => !broken.has(r));
    expect([...new Set(unbroken)]).toEqual([]);
  });

  describe.each(RELEASES.flatMap((tag) => CHANNELS.map((channel) => [tag, channel] as const)))('of %s, %s channel', (tag, channel) => {
    it('fault the same nodes as the hand-written translation', () => {
      const { checked, differences } = agreement.compare(ROUTES, tag, channel, GAPS);
      expect(checked).toBeGreaterThan(CASES.length / 2);
      expect(differences).toEqual([]);
    });
  });
});

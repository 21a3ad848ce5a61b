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
import { FIXTURES, sharedPath } from './helpers.js';

const agreement = new Agreement(await loadCel());
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
  // CEL side. HTTPRoute `spec.rules[]`, the four rules "When using RequestRedirect/URLRewrite
  // filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified"
  // (rule level and backendRef level): they do not compile (INDEXED_HAS). The hand-written
  // `checkHttpRuleCel` implements them; test/admission/routes.test.ts holds its cases.
  { name: 'replacePrefixMatch needs one PathPrefix match', rule: INDEXED_HAS, handMessage: /needs exactly one match, of type PathPrefix/ },
  // CEL side. GRPCRoute `spec.rules[].matches[].method`, "service must only contain valid
  // characters (matching ^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$)": cel-js's `matches`
  // builds a JavaScript RegExp, which has no inline `(?i)` flag after `^`, so the rule fails
  // to evaluate on every Exact service, valid or not; the API server's RE2 accepts the flag.
  { name: 'gRPC service name pattern', rule: (r) => r.includes('^(?i)\\.?[a-z_]'), handMessage: /an Exact service must be dot-separated identifiers/ },
  // CEL side, v1.2 and later: GRPCRoute `spec.rules`, "While 16 rules and 64 matches per rule
  // are allowed, the total number of matches across all rules in a route must be less than
  // 128", does not compile (INDEXED_HAS); the hand-written code does not implement it either
  // (it is no v1.1.1 rule), so no side reports it.
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
function rulesOf(tag: string, channel: string) {
  const out: { where: string; text: string; compiled: boolean; transition: boolean }[] = [];
  for (const [kind, versions] of Object.entries(agreement.rules.releases[tag]![channel]!)) {
    for (const version of Object.keys(versions)) {
      for (const [path, node] of nodes(agreement.schemaFor(tag, channel, kind, version)!, `${kind}/${version}`)) {
        for (const r of node.rules) out.push({ where: path, text: r.rule.rule, compiled: r.program !== undefined, transition: r.transition });
      }
    }
  }
  return out;
}

describe('the Gateway API CRDs\' validation rules', () => {
  it('compile with the project\'s CEL engine, but for the four rules of INDEXED_HAS', () => {
    // Linkerd's bundle, the v1.1.1 experimental CRDs: 212 rules over the served versions.
    const bundle = rulesOf('v1.1.1', 'experimental');
    expect(bundle.length).toBe(212);
    expect(bundle.filter((r) => r.compiled).length).toBe(204);
    for (const tag of RELEASES) {
      for (const channel of CHANNELS) {
        const failed = rulesOf(tag, channel).filter((r) => !r.compiled);
        expect(failed.filter((r) => !INDEXED_HAS(r.text)).map((r) => `${tag} ${channel} ${r.where}: ${r.text}`)).toEqual([]);
      }
    }
    // No route rule of these releases is a transition rule: all of them run on a CREATE.
    expect(RELEASES.flatMap((tag) => CHANNELS.flatMap((c) => rulesOf(tag, c).filter((r) => r.transition)))).toEqual([]);
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
    const unbroken = rulesOf('v1.1.1', 'experimental')
      .filter((r) => r.compiled)
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

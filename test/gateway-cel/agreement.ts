// The two implementations of the Gateway API CRDs' validation rules side by side on the
// same routes: the hand-written translation (`gatewayRuleProblems`, src/linkerd/admission.ts)
// and the CRDs' own rules evaluated by the project's CEL engine (evaluate.ts).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gatewayRuleProblems } from '../../src/linkerd/admission.js';
import { GATEWAY_GROUP } from '../../src/linkerd/admission/coverage.js';
import { defaultTarget } from '../../src/linkerd/releases.js';
import { validateResource } from '../../src/linkerd/resource-schemas.js';
import { bundledSchemas } from '../../src/load/validators.js';
import { parseSource } from '../../src/load/parse.js';
import { decode } from '../../src/load/read.js';
import type { JsonPath } from '../../src/model/path.js';
import type { Resource } from '../../src/model/resource.js';
import type { CelEngine } from '../../src/policy/index.js';
import { messageKey, ruleKey } from './rule-keys.js';
import { type CompiledSchema, type CrdRules, type Evaluation, RuleCompiler, evaluateRules, readCrdRules, ruleNodeOf } from './evaluate.js';

export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'];

/** A route of the input, named for messages by its file and document. */
export interface Route {
  id: string;
  resource: Resource;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** Every Gateway API route in the YAML files under `dir`. */
export function routesUnder(dir: string): Route[] {
  const routes: Route[] = [];
  for (const path of yamlFiles(dir)) {
    const bytes = readFileSync(path);
    if (!bytes.includes(GATEWAY_GROUP)) continue;
    const read = decode(path, relative(dir, path), bytes);
    if (!read.ok) continue;
    for (const resource of parseSource(read.file).resources) {
      if (resource.group !== GATEWAY_GROUP || !ROUTE_KINDS.includes(resource.kind ?? '')) continue;
      routes.push({ id: `${relative(dir, path)}#${resource.docIndex}${resource.docPath.length ? `/${resource.docPath.join('/')}` : ''}`, resource });
    }
  }
  return routes;
}

/**
 * A known difference between the two sides: on the CEL side the failures of the rules
 * `rule` picks are left out, on the hand-written side the findings whose message matches
 * `handMessage`; only in the releases and channels `applies` picks (all when absent).
 */
export interface KnownGap {
  name: string;
  applies?: (tag: string, channel: string) => boolean;
  rule?: (text: string) => boolean;
  handMessage?: RegExp;
}

export interface Difference {
  route: string;
  path: string;
  side: 'cel only' | 'hand-written only';
  what: string;
}

export class Agreement {
  private readonly compiler: RuleCompiler;
  private readonly compiled = new Map<string, CompiledSchema>();
  readonly rules: CrdRules;

  /** `rewrite`: apply the REWRITES of evaluate.ts before compiling. */
  constructor(
    private readonly engine: CelEngine,
    rewrite = true,
  ) {
    this.compiler = new RuleCompiler(engine, rewrite);
    this.rules = readCrdRules();
  }

  /** The compiled rules of `kind`/`version` in a release and channel; undefined when that CRD does not serve it. */
  schemaFor(tag: string, channel: string, kind: string, version: string): CompiledSchema | undefined {
    const id = this.rules.releases[tag]?.[channel]?.[kind]?.[version];
    if (id === undefined) return undefined;
    let schema = this.compiled.get(id);
    if (!schema) this.compiled.set(id, (schema = this.compiler.compile(this.rules.schemas[id]!)));
    return schema;
  }

  compileOutcomes() {
    return this.compiler.outcomes();
  }

  /** The CEL side on one route. */
  evaluate(route: Route, schema: CompiledSchema): Evaluation {
    return evaluateRules(this.engine, schema, route.resource.value);
  }

  /** The differences between the two sides on `routes` for one release and channel. */
  compare(routes: readonly Route[], tag: string, channel: string, gaps: readonly KnownGap[]): { checked: number; differences: Difference[] } {
    const target = defaultTarget();
    const active = gaps.filter((g) => !g.applies || g.applies(tag, channel));
    const gapRule = (text: string) => active.some((g) => g.rule?.(text));
    const gapMessage = (message: string) => active.some((g) => g.handMessage?.test(message));
    const differences: Difference[] = [];
    let checked = 0;
    for (const route of routes) {
      const schema = this.schemaFor(tag, channel, route.resource.kind!, route.resource.version);
      if (!schema) continue;
      checked++;
      const evaluation = this.evaluate(route, schema);
      const cel = new Map<string, { path: JsonPath; rules: string[] }>();
      for (const f of evaluation.failures) {
        // A known-gap rule that did not evaluate says nothing about the node.
        if (f.error && gapRule(f.rule)) continue;
        const id = JSON.stringify([f.path, ruleKey(f.rule)]);
        const entry = cel.get(id) ?? { path: f.path, rules: [] };
        entry.rules.push(f.error ? `${f.rule} (error: ${f.error})` : f.rule);
        cel.set(id, entry);
      }
      const hand = new Map<string, { path: JsonPath; messages: string[] }>();
      for (const p of gatewayRuleProblems(route.resource, target)) {
        const ruleId = messageKey(p.message);
        const failing = evaluation.failures.filter((f) => ruleKey(f.rule) === ruleId);
        const node = ruleNodeOf(p.path, { ...evaluation, failures: failing });
        const id = JSON.stringify([node, ruleId]);
        const entry = hand.get(id) ?? { path: node, messages: [] };
        entry.messages.push(p.message);
        hand.set(id, entry);
      }
      // What the schema rule's JSON Schema check faults in a rule's node it reports itself: the
      // enum a rule restates, a value of the wrong shape or a missing required field, on which
      // a rule fails to evaluate.
      const { group, version, kind } = route.resource;
      const schemaFaults = (validateResource(bundledSchemas, group, version, kind!, route.resource.value) ?? []).map((p) => p.path);
      const faulted = (at: JsonPath) => schemaFaults.some((p) => at.every((seg, i) => seg === p[i]));
      for (const [id, { path, rules }] of cel) {
        const bySchema = faulted(path) && (JSON.parse(id)[1] === 'path type' || rules.every((r) => r.includes(' (error: ')));
        if (hand.has(id) || bySchema || rules.every(gapRule)) continue;
        differences.push({ route: route.id, path: JSON.stringify(path), side: 'cel only', what: rules.join(' | ') });
      }
      for (const [id, { path, messages }] of hand) {
        if (cel.has(id) || messages.every(gapMessage)) continue;
        differences.push({ route: route.id, path: JSON.stringify(path), side: 'hand-written only', what: messages.join(' | ') });
      }
    }
    return { checked, differences };
  }
}

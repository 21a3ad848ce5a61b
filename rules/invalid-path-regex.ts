import { defineRule } from '../src/engine/rule.js';
import { GATEWAY_GROUP, POLICY_GROUP, webhookSince } from '../src/linkerd/admission/coverage.js';
import { refersTo } from '../src/linkerd/admission/refs.js';
import { rustRegexProblem } from '../src/linkerd/admission/regex.js';
import { apiVersionStatus } from '../src/linkerd/api-versions.js';
import { type Release, atLeast } from '../src/linkerd/releases.js';
import { isObject } from '../src/model/k8s.js';
import { type JsonPath, formatPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';

/**
 * The pattern the proxy compiles for a ServiceProfile `pathRegex`: trimmed, and anchored at
 * whichever end the author did not anchor (linkerd2-proxy `linkerd/service-profiles/src/proto.rs`,
 * `convert_req_match`). So `*.json` becomes `^*.json$`, which compiles.
 */
function asProxyCompilesIt(pathRegex: string): string {
  const re = pathRegex.trim();
  return `${re.startsWith('^') ? '' : '^'}${re}${re.endsWith('$') ? '' : '$'}`;
}

/**
 * What a condition that does not compile takes with it: the proxy drops it from the nearest
 * conjunction — an `all`, or a condition object that sets several fields, which the
 * destination controller sends as one — or `any`; with neither above it the whole route goes
 * (linkerd2 `controller/api/destination/profile_translator.go`, `toRequestMatch`;
 * linkerd2-proxy `convert_req_match` and `convert_route`).
 */
type Loss = { kind: 'route' } | { kind: 'all' } | { kind: 'any' } | { kind: 'fields'; others: string };

interface Found {
  path: JsonPath;
  pattern: string;
  why: string;
  loss: Loss;
}

/** The match fields a condition object sets, as a message names them. */
function fieldsOf(condition: Record<string, unknown>): Map<string, string> {
  const fields = new Map<string, string>();
  if (condition.all !== undefined && condition.all !== null) fields.set('all', '"all"');
  if (condition.any !== undefined && condition.any !== null) fields.set('any', '"any"');
  if (typeof condition.method === 'string' && condition.method !== '') fields.set('method', `method ${condition.method}`);
  if (condition.not !== undefined && condition.not !== null) fields.set('not', '"not"');
  if (typeof condition.pathRegex === 'string' && condition.pathRegex !== '') fields.set('pathRegex', 'pathRegex');
  return fields;
}

/** The loss of dropping field `key` of a condition whose own loss is `inherited`. */
function lossOf(fields: Map<string, string>, key: string, inherited: Loss): Loss {
  if (fields.size < 2) return inherited;
  return { kind: 'fields', others: [...fields].filter(([k]) => k !== key).map(([, v]) => v).join(', ') };
}

function walkCondition(condition: unknown, path: JsonPath, inherited: Loss, out: Found[]): void {
  if (!isObject(condition)) return;
  const fields = fieldsOf(condition);
  const regex = condition.pathRegex;
  if (typeof regex === 'string' && regex.trim() !== '') {
    const why = rustRegexProblem(asProxyCompilesIt(regex));
    if (why) out.push({ path: [...path, 'pathRegex'], pattern: regex, why, loss: lossOf(fields, 'pathRegex', inherited) });
  }
  for (const key of ['all', 'any'] as const) {
    const list = condition[key];
    if (Array.isArray(list)) list.forEach((c, i) => walkCondition(c, [...path, key, i], { kind: key }, out));
  }
  // A request-level `not` is not read: the CRD declares a list and the Go type one condition,
  // so a profile with either shape is refused (the schema rule's finding) or cannot be decoded.
}

function profileProblems(resource: Resource): Found[] {
  const spec = resource.value.spec;
  const out: Found[] = [];
  if (!isObject(spec) || !Array.isArray(spec.routes)) return out;
  spec.routes.forEach((route, r) => {
    if (isObject(route)) walkCondition(route.condition, ['spec', 'routes', r, 'condition'], { kind: 'route' }, out);
  });
  return out;
}

/**
 * The first release whose policy controller compiles each route kind's regexes (`try_match`
 * in linkerd2 `policy-controller/k8s/index`): Gateway API HTTPRoutes from 2.14, when Linkerd
 * began to read them. Where the policy webhook checks the kind too (`webhookSince`), a
 * regex it refuses is the `schema` rule's finding; before that the route is admitted and
 * the controller drops it.
 */
const COMPILED_FROM: Record<string, Release> = {
  [`${POLICY_GROUP}/HTTPRoute`]: '2.12',
  [`${GATEWAY_GROUP}/HTTPRoute`]: '2.14',
  [`${GATEWAY_GROUP}/GRPCRoute`]: '2.16',
};

/** A route Linkerd reads: one with a Service (outbound) or Server (inbound) parent. */
function hasLinkerdParent(resource: Resource): boolean {
  const spec = resource.value.spec;
  if (!isObject(spec) || !Array.isArray(spec.parentRefs)) return false;
  const defaults = resource.group === POLICY_GROUP ? { group: POLICY_GROUP, kind: 'Server' } : { group: GATEWAY_GROUP, kind: 'Gateway' };
  return spec.parentRefs.some((ref) => refersTo(ref, 'Service', '', defaults) || refersTo(ref, 'Server', POLICY_GROUP, defaults));
}

function routeProblems(resource: Resource, queries: boolean): Found[] {
  const spec = resource.value.spec;
  const out: Found[] = [];
  if (!isObject(spec) || !Array.isArray(spec.rules)) return out;
  const check = (value: unknown, path: JsonPath) => {
    if (typeof value !== 'string') return;
    const why = rustRegexProblem(value);
    if (why) out.push({ path, pattern: value, why, loss: { kind: 'route' } });
  };
  spec.rules.forEach((rule, r) => {
    if (!isObject(rule) || !Array.isArray(rule.matches)) return;
    rule.matches.forEach((match, m) => {
      if (!isObject(match)) return;
      const base = ['spec', 'rules', r, 'matches', m];
      if (resource.kind === 'HTTPRoute' && isObject(match.path) && match.path.type === 'RegularExpression') {
        check(match.path.value, [...base, 'path', 'value']);
      }
      const lists = queries ? (['headers', 'queryParams'] as const) : (['headers'] as const);
      for (const list of lists) {
        const items = match[list];
        if (!Array.isArray(items)) continue;
        items.forEach((item, i) => {
          if (isObject(item) && item.type === 'RegularExpression') check(item.value, [...base, list, i, 'value']);
        });
      }
    });
  });
  return out;
}

export default defineRule({
  meta: {
    id: 'invalid-path-regex',
    description: 'Disallow ServiceProfile path regexes and route regular expressions that Linkerd\'s regex engine cannot compile',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    kinds: ['ServiceProfile', 'HTTPRoute', 'GRPCRoute'],
    messages: {
      route: '{{field}} is "{{pattern}}", which the proxy\'s regex engine cannot compile: {{why}}; the proxy ignores the whole route',
      all: '{{field}} is "{{pattern}}", which the proxy\'s regex engine cannot compile: {{why}}; the proxy drops this condition, so the enclosing "all" matches more requests than written',
      any: '{{field}} is "{{pattern}}", which the proxy\'s regex engine cannot compile: {{why}}; the proxy drops this alternative of the enclosing "any"',
      fields:
        '{{field}} is "{{pattern}}", which the proxy\'s regex engine cannot compile: {{why}}; the proxy drops it and keeps only the rest of the condition ({{others}}), which matches more requests than written',
      unchecked:
        '{{field}} is "{{pattern}}", which Linkerd\'s regex engine cannot compile: {{why}}; Linkerd {{release}} admits the route and its policy controller then ignores it',
    },
    docs: {
      why:
        'Linkerd compiles regular expressions with the Rust `regex` crate, whose syntax is close to RE2: no look-ahead ' +
        'or look-behind, no back-references, and strict where other engines guess — `/users/{id}` is a malformed ' +
        'repetition count, not a path template, a leading `*` has nothing to repeat, and `\\Z` or `\\Q…\\E` are unknown ' +
        'escapes. Nothing checks a ServiceProfile `pathRegex` when it is applied; the proxy compiles it (anchored at both ' +
        'ends, matched against the path without the query string) and silently drops what does not compile: the whole ' +
        'route, or, where the regex is one of several conditions (`method` and `pathRegex` in one condition, or an ' +
        '`all`), just that condition, so the route matches more than its author wrote — `{method: GET, pathRegex: ' +
        '/users/{id}}` then matches every GET.\n\n' +
        'Route regexes (HTTPRoute path, header and query parameter matches, GRPCRoute header matches) are compiled by ' +
        'the policy controller. Where Linkerd\'s policy webhook checks the route (policy.linkerd.io HTTPRoute from 2.12, ' +
        'Gateway API HTTPRoute from 2.15, GRPCRoute from 2.16) a regex it cannot compile is refused at apply time and ' +
        'reported by the `schema` rule; this rule reports the routes that are admitted and then ignored: Gateway API ' +
        'HTTPRoutes with a Service or Server parent on Linkerd 2.14. Only patterns sure not to compile are reported, not ' +
        'patterns that compile but may not match what was meant.',
      howToFix:
        'Rewrite the pattern in the syntax the message names: `[^/]+` for a path segment such as `{id}`, `.*` for "anything", ' +
        '`\\{` for a literal brace, and replace look-around with separate routes or an explicit character class.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const { group, version, kind } = resource;
      if (!kind || apiVersionStatus(group, version, kind, ctx.target).state !== 'served') continue;
      if (kind === 'ServiceProfile') {
        if (group !== 'linkerd.io') continue;
        for (const found of profileProblems(resource)) {
          const data = { field: formatPath(found.path), pattern: found.pattern, why: found.why };
          if (found.loss.kind === 'fields') ctx.report({ resource, path: found.path, messageId: 'fields', data: { ...data, others: found.loss.others } });
          else ctx.report({ resource, path: found.path, messageId: found.loss.kind, data });
        }
        continue;
      }
      const compiledFrom = COMPILED_FROM[`${group}/${kind}`];
      const webhookFrom = webhookSince(group, kind);
      if (!compiledFrom || !atLeast(ctx.target, compiledFrom)) continue;
      if (webhookFrom && atLeast(ctx.target, webhookFrom)) continue;
      if (!hasLinkerdParent(resource)) continue;
      // policy.linkerd.io routes read query parameter regexes as regexes only from 2.13.
      const queries = group !== POLICY_GROUP || atLeast(ctx.target, '2.13');
      for (const found of routeProblems(resource, queries)) {
        ctx.report({
          resource,
          path: found.path,
          messageId: 'unchecked',
          data: { field: formatPath(found.path), pattern: found.pattern, why: found.why, release: ctx.target.release },
        });
      }
    }
  },
});

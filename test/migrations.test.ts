// What every migration writes, checked with every rule under the case's target release:
// the output passes the schema and the admission checks, and draws no rule that was silent
// on the input, except the reliability warnings that judge the new routes' timeouts and
// retries: the old object had the same settings (a TrafficSplit or a profile's unmatched
// requests have no timeout either), but those rules do not read them there.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { resolveConfig } from '../src/engine/config.js';
import { lintParsed } from '../src/engine/lint.js';
import { YamlFixer } from '../src/fix/fixer.js';
import { parseSource } from '../src/load/parse.js';
import { SourceFile } from '../src/model/source.js';
import { FIXTURES, caseConfig } from './helpers.js';

const MIGRATIONS = ['no-service-profile', 'no-traffic-split', 'no-server-authorization'];
/** Rules whose findings on a migration's output mean it wrote something invalid. */
const VALIDITY = ['schema', 'unknown-api-version', 'dangling-reference', 'route-parent-ref', 'duplicate-resource', 'parse-error'];
const ROUTE_GAPS = ['require-timeout', 'retry-without-timeout', 'no-retry-non-idempotent'];

function findings(path: string, text: string, extra: ReturnType<typeof caseConfig>) {
  const raw: Record<string, unknown> = { extends: 'all' };
  if (extra.linkerdVersion) raw.linkerdVersion = extra.linkerdVersion;
  if (extra.gatewayAPI !== undefined) raw.gatewayAPI = extra.gatewayAPI;
  if (extra.clusterDomain) raw.clusterDomain = extra.clusterDomain;
  if (extra.options) raw.rules = Object.fromEntries(MIGRATIONS.map((id) => [id, ['warning', extra.options]]).filter(([id]) => path.includes(`/${id}/`)));
  const config = resolveConfig(raw, builtinRules, FIXTURES);
  const parsed = parseSource(new SourceFile(path, path, text, path.endsWith('.json') ? 'json' : 'yaml'));
  expect(parsed.problems).toEqual([]);
  return lintParsed([parsed], { config, rules: builtinRules, fixer: new YamlFixer() }).results.flatMap((r) => r.findings);
}

for (const ruleId of MIGRATIONS) {
  const dir = join(FIXTURES, ruleId);
  describe(`${ruleId} output`, () => {
    for (const name of readdirSync(join(dir, 'fixed')).sort()) {
      it(`fixed/${name} is valid and adds no finding of another rule`, () => {
        const input = join(dir, 'invalid', name);
        const extra = caseConfig(input);
        const before = findings(input, readFileSync(input, 'utf8'), extra);
        const after = findings(join(dir, 'fixed', name), readFileSync(join(dir, 'fixed', name), 'utf8'), extra);
        const describe = (f: (typeof after)[number]) => `${f.range.start.line}:${f.range.start.column} ${f.ruleId} ${f.message}`;
        const had = new Set(before.map((f) => `${f.ruleId} ${f.message}`));
        const added = after.filter((f) => !had.has(`${f.ruleId} ${f.message}`) && !MIGRATIONS.includes(f.ruleId));
        expect(added.filter((f) => VALIDITY.includes(f.ruleId)).map(describe)).toEqual([]);
        // A rule that judged the old object judges the new ones (a security verdict moves to the
        // AuthorizationPolicy); a rule that was silent stays silent, at the same severity.
        const judged = new Set(before.map((f) => `${f.ruleId} ${f.severity}`));
        expect(added.filter((f) => !judged.has(`${f.ruleId} ${f.severity}`) && !ROUTE_GAPS.includes(f.ruleId)).map(describe)).toEqual([]);
      });
    }
  });
}

// Collects each rule's documented example: fixtures/<id>/invalid/example.* with its
// golden findings and, for fixable rules, the fixed output. Used by the build (for
// `explain`) and by the docs generator, so examples are always tested fixtures.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function collectExamples(fixturesDir) {
  const examples = {};
  for (const id of existsSync(fixturesDir) ? readdirSync(fixturesDir).sort() : []) {
    const invalid = join(fixturesDir, id, 'invalid');
    if (!existsSync(invalid)) continue;
    const name = readdirSync(invalid).find((f) => /^example\.(ya?ml|json)$/.test(f));
    if (!name) continue;
    const stem = name.replace(/\.[^.]+$/, '');
    const out = join(invalid, `${stem}.out`);
    const fixed = join(fixturesDir, id, 'fixed', name);
    examples[id] = {
      name,
      input: readFileSync(join(invalid, name), 'utf8'),
      findings: existsSync(out) ? readFileSync(out, 'utf8') : '',
      ...(existsSync(fixed) ? { fixed: readFileSync(fixed, 'utf8') } : {}),
    };
  }
  return examples;
}

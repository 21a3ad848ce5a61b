// Regenerates the README rule table and docs/rules.md from the rules' metadata and fixtures.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectExamples } from './lib/examples.mjs';
import { importTs } from './lib/import-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const m = await importTs(join(root, 'scripts', 'docs-entry.ts'));
const readmePath = join(root, 'README.md');
writeFileSync(readmePath, m.spliceRuleTable(readFileSync(readmePath, 'utf8'), m.renderRuleTable(m.builtinRules)));
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'docs', 'rules.md'), m.renderRuleDocs(m.builtinRules, collectExamples(join(root, 'fixtures'))));
console.log('README.md and docs/rules.md updated');

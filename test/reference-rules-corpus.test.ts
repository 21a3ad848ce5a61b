// dangling-reference and route-parent-ref over real manifests from public repositories
// (../shared/corpus, when present): each finding below was read and judged.
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../rules/index.js';
import { lintPaths } from '../src/engine/lint.js';
import { resolveConfig } from '../src/engine/config.js';
import { sharedPath } from './helpers.js';

const CORPUS = sharedPath('corpus') ?? '';
const RULES = ['dangling-reference', 'route-parent-ref'];

async function lint(options?: Record<string, unknown>): Promise<string[]> {
  const rules = Object.fromEntries(
    Object.keys(builtinRules).map((id) => [id, RULES.includes(id) ? (options ? ['error', options] : 'error') : 'off']),
  );
  const config = resolveConfig({ rules }, builtinRules, CORPUS);
  const { results } = await lintPaths({ cwd: CORPUS, paths: ['.'], config, rules: builtinRules, errorOnUnmatchedPattern: false });
  return results
    .flatMap((r) => r.findings.map((f) => `${relative(CORPUS, r.file.path)}:${f.range.start.line}:${f.range.start.column} ${f.ruleId}`))
    .sort();
}

const DOCS = 'linkerd__website/linkerd.io/content/2-edge/tasks/configuring-dynamic-request-routing.md.2.yaml';

describe.skipIf(!CORPUS)('corpus: reference rules', () => {
  it('yields only the findings judged', { timeout: 120_000 }, async () => {
    expect(await lint()).toEqual(
      [
        // The split sends 0% to webapp-clone, which the file never defines (it does define authors-clone).
        'BuoyantIO__booksapp/booksapp-trafficsplit.yml:354:14 dangling-reference',
        // The policy is in namespace mixed-env; the Server it targets is defined in namespace faces.
        'BuoyantIO__service-mesh-academy/2-15-mesh-expansion/k8s/external-auth.yaml:15:11 dangling-reference',
        // Not real: the page installs these Services with Helm, and another page of the same docs
        // directory defines Services in namespace test. Each snippet is its own world (scope: file).
        `${DOCS}:8:13 dangling-reference`,
        `${DOCS}:18:17 dangling-reference`,
        `${DOCS}:21:15 dangling-reference`,
      ].sort(),
    );
  });

  it('judges each docs snippet alone with scope: file', { timeout: 120_000 }, async () => {
    expect(await lint({ scope: 'file' })).toEqual(['BuoyantIO__booksapp/booksapp-trafficsplit.yml:354:14 dangling-reference']);
  });
});

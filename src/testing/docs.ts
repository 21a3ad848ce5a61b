import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRuleDocs } from '../cli/docs.js';
import { type Plugin, pluginFromObject } from '../engine/plugins.js';

/** A `file:` URL (`new URL('./fixtures/', import.meta.url)`), typed without the DOM's or Node's declarations. */
export interface FileUrl {
  readonly href: string;
}

/** What `pluginDocs` takes. */
export interface PluginDocsOptions {
  /** The plugin: what its module exports by default, `{ name, rules }`. */
  plugin: Plugin;
  /** The folder holding one fixture folder per rule (`<dir>/<rule-id>/invalid/example.yaml`), for each rule's example. */
  dir?: string | FileUrl;
}

/**
 * A plugin's rules page in Markdown, as `npm run docs` writes docs/rules.md for the
 * built-in rules: each rule's description, category, default severity, fix kind, why,
 * how to fix, options and defaults, and its `invalid/example` fixture with its `.out`
 * findings and, for a fixable rule, its `fixed/` text (fixtures the fixture runner tests).
 */
export function pluginDocs(options: PluginDocsOptions): string {
  const plugin = pluginFromObject(options.plugin);
  const dir = options.dir === undefined ? undefined : typeof options.dir === 'string' ? resolve(options.dir) : fileURLToPath(options.dir.href);
  const examples: Record<string, { name: string; input: string; findings: string; fixed?: string }> = {};
  for (const id of Object.keys(plugin.rules)) {
    const ruleDir = dir && join(dir, id.slice(plugin.name.length + 1));
    const invalid = ruleDir && join(ruleDir, 'invalid');
    if (!ruleDir || !invalid || !existsSync(invalid)) continue;
    const name = readdirSync(invalid).find((f) => /^example\.(ya?ml|json)$/.test(f));
    if (!name) continue;
    const out = join(invalid, name.replace(/\.[^.]+$/, '.out'));
    const fixed = join(ruleDir, 'fixed', name);
    examples[id] = {
      name,
      input: readFileSync(join(invalid, name), 'utf8'),
      findings: existsSync(out) ? readFileSync(out, 'utf8') : '',
      ...(existsSync(fixed) ? { fixed: readFileSync(fixed, 'utf8') } : {}),
    };
  }
  return renderRuleDocs(plugin.rules, examples, {
    title: `${plugin.name} rules`,
    intro: `The rules of the linkerd-lint plugin \`${plugin.name}\`, off until a config's \`rules\` turns them on. Generated from each rule's metadata and its \`<rule>/invalid/example\` fixture.`,
  });
}

import type { TSESTree, TSESTreeOptions } from '@typescript-eslint/typescript-estree';

/** The one function of typescript-estree the extractor calls. */
export type ParseTypeScript = (code: string, options: TSESTreeOptions) => TSESTree.Program;

let loaded: ParseTypeScript | undefined;

/**
 * Loads typescript-estree (and the TypeScript compiler it wraps) the first time a
 * TypeScript source needs it. It is the largest part of the program by far, so it is
 * imported only here, dynamically: a run over YAML alone never loads it.
 */
export async function loadTypeScriptParser(): Promise<ParseTypeScript> {
  if (!loaded) {
    const mod = (await import('@typescript-eslint/typescript-estree')) as { parse?: ParseTypeScript; default?: { parse?: ParseTypeScript } };
    // A CommonJS package: bundled, its exports are those of `default`.
    const parse = mod.parse ?? mod.default?.parse;
    if (!parse) throw new Error('typescript-estree has no parse function');
    loaded = parse;
  }
  return loaded;
}

/** The parser, when `loadTypeScriptParser` has run; parsing itself is synchronous, as YAML's is. */
export function loadedTypeScriptParser(): ParseTypeScript | undefined {
  return loaded;
}

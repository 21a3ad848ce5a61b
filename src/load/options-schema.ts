import { createRequire } from 'node:module';
import type { Validator } from '../model/schema.js';

/**
 * The JSON Schema compiler (ajv), for the options schemas of plugin rules, which the build
 * cannot precompile. The bundle ships it as a CommonJS file of its own next to the CLI
 * (scripts/build.mjs), required the first time a plugin rule is given options: the
 * built-in rules' validators are precompiled, and a run without plugin options never
 * loads it. Synchronous, as config resolution is.
 */
declare const __AJV_MODULE__: string | undefined;

const AJV_MODULE = typeof __AJV_MODULE__ === 'string' ? __AJV_MODULE__ : 'ajv';

interface Compiler {
  compile(schema: Record<string, unknown>): Validator;
}

let compiler: Compiler | undefined;

export function compileOptionsSchema(schema: Record<string, unknown>): Validator {
  if (!compiler) {
    const mod = createRequire(import.meta.url)(AJV_MODULE) as { default?: new (opts: object) => Compiler };
    const Ajv = (mod.default ?? mod) as new (opts: object) => Compiler;
    // `verbose` keeps the failing schema in each error: the config's messages quote its description.
    // Unoptimised code: the first compile (of the meta-schema that checks the plugin's schema) takes
    // half the time, and an options object is too small for optimised code to matter.
    compiler = new Ajv({ allErrors: true, verbose: true, strict: false, code: { optimize: false } });
  }
  return compiler.compile(schema);
}

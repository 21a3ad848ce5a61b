import { createRequire } from 'node:module';
import type { ResourceSchemas, SchemaNode, Validator } from '../model/schema.js';

// The config file's and the built-in rules' option validators, compiled at build time (scripts/build-schemas.mjs).
export { ruleOptionValidators, validateConfig } from '../generated/validators.js';

/**
 * The JSON Schemas of Linkerd resources (schemas/linkerd/), compiled at build time into
 * one CommonJS module per kind. The validators are large, so each kind's are loaded the
 * first time the kind is met: a run pays only for the kinds in its files.
 */

declare const __RESOURCE_MODULES__: string | undefined;

const loadModule = createRequire(import.meta.url);
// The bundle ships the modules next to the CLI (scripts/build.mjs); from source they are in src/generated.
const MODULES = typeof __RESOURCE_MODULES__ === 'string' ? __RESOURCE_MODULES__ : '../generated/resources/';

const kindModules = new Map<string, Record<string, Validator> | null>();

let present: boolean | undefined;
/** Whether the validator modules are where this build expects them (checked with one module every build has). */
function modulesPresent(): boolean {
  if (present === undefined) {
    try {
      loadModule.resolve(`${MODULES}policy.linkerd.io_server.cjs`);
      present = true;
    } catch {
      present = false;
    }
  }
  return present;
}

/** The validators of one kind (all its versions), loaded the first time the kind is met. */
function validatorsOf(group: string, kind: string): Record<string, Validator> | null {
  const name = `${group}_${kind}`.toLowerCase();
  // Group and kind come from the manifest: only names a generated module can have reach the loader.
  if (!/^[a-z0-9.-]+_[a-z0-9]+$/.test(name)) return null;
  let validators = kindModules.get(name);
  if (validators === undefined) {
    try {
      validators = (loadModule(`${MODULES}${name}.cjs`) as { resourceValidators: Record<string, Validator> }).resourceValidators;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
      // A kind without a schema has no module; a build without any would pass every manifest unchecked.
      if (!modulesPresent()) throw new Error(`the resource validators are missing from this build (${MODULES}); rebuild it`);
      validators = null;
    }
    kindModules.set(name, validators);
  }
  return validators;
}

let documents: ReturnType<ResourceSchemas['documents']> | undefined;

/** The schemas this build ships. */
export const bundledSchemas: ResourceSchemas = {
  validator(group, version, kind) {
    return validatorsOf(group, kind)?.[`${group}/${version}/${kind}`];
  },
  documents() {
    if (!documents) {
      const { resourceSchemaText } = loadModule(`${MODULES}schema-text.cjs`) as { resourceSchemaText: string };
      const parsed = JSON.parse(resourceSchemaText) as { definitions: Record<string, SchemaNode>; resources: Record<string, SchemaNode> };
      // Definitions are referenced by file name (`../../definitions/x.json`, `x.json`).
      const byFile: Record<string, SchemaNode> = {};
      for (const [id, schema] of Object.entries(parsed.definitions)) byFile[id.slice(id.lastIndexOf('/') + 1)] = schema;
      documents = { definitions: byFile, resources: parsed.resources };
    }
    return documents;
  },
};

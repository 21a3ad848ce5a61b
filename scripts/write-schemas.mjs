// Writes the resource schemas composed in scripts/resource-schemas.ts to
// schemas/linkerd/<group>/<version>/<kind>.json, and the fragments they share to
// schemas/linkerd/definitions/<name>.json: the files the build compiles; and the rule
// list of schemas/config.schema.json.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs } from './lib/import-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const m = await importTs(join(root, 'scripts', 'resource-schemas.ts'));
rmSync(join(root, 'schemas', 'linkerd'), { recursive: true, force: true });
const files = Object.entries(m.schemaFiles());
for (const [path, text] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
console.log(`${files.length} files written to schemas/linkerd/`);

// The config schema's rule list, from the rule registry (scripts/config-schema.ts).
const configPath = join(root, 'schemas', 'config.schema.json');
const c = await importTs(join(root, 'scripts', 'config-schema.ts'));
writeFileSync(configPath, c.configSchemaText(readFileSync(configPath, 'utf8')));
console.log('schemas/config.schema.json: rules written');

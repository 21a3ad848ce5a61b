// Writes the resource schemas composed in scripts/resource-schemas.ts to
// schemas/linkerd/<group>/<version>/<kind>.json, and the fragments they share to
// schemas/linkerd/definitions/<name>.json: the files the build compiles.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs } from './lib/import-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const m = await importTs(join(root, 'scripts', 'resource-schemas.ts'));
const out = join(root, 'schemas', 'linkerd');
rmSync(out, { recursive: true, force: true });
const write = (file, schema) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
};
for (const [key, schema] of Object.entries(m.resourceSchemas)) write(join(root, m.schemaFile(key)), schema);
for (const [name, schema] of Object.entries(m.definitions)) {
  // A fragment refers to its siblings by file name; resource schemas reach them through ../../definitions/.
  const text = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `${m.SCHEMAS_BASE}/definitions/${name}.json`, ...schema });
  write(join(out, 'definitions', `${name}.json`), JSON.parse(text.replaceAll('"../../definitions/', '"')));
}
console.log(`${Object.keys(m.resourceSchemas).length} schemas and ${Object.keys(m.definitions).length} shared definitions written to schemas/linkerd/`);

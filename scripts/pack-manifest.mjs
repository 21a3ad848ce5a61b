// Runs around `npm pack` / `npm publish` (the `prepack` and `postpack` scripts): `strip`
// removes the `prepare` script from package.json, which the packed package would otherwise
// carry (npm packs package.json as it is on disk, and npm 11 warns on every install of a
// package that has one); `restore` puts the original file back byte for byte. `prepare`
// stays for git clones, which must build dist/ on install.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.cwd();
const manifest = join(dir, 'package.json');
const saved = join(dir, '.package.json.unpacked');

const command = process.argv[2];
if (command === 'strip') {
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  if (pkg.scripts?.prepare !== undefined) {
    if (!existsSync(saved)) writeFileSync(saved, text);
    delete pkg.scripts.prepare;
    writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
  }
} else if (command === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}

// The tree a release tag of the action points at, as JavaScript actions are released: the
// built CLI committed with the action, so a job that uses `linkerd-lint/linkerd-lint@<tag>`
// installs and builds nothing (action.yml's build step finds dist/main.js and skips).
//   node scripts/release-action.mjs DIR          write the tree into DIR (an empty or new directory)
//   node scripts/release-action.mjs --tag TAG    build HEAD, commit the tree (parent: HEAD), tag that commit
// DIR takes dist/ as `npm run build` left it. --tag leaves the branch, the index and the
// work tree alone; push the tag with `git push origin TAG`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What the action runs and what a pre-commit hook at the same tag installs: the entry and
 * metadata, the CLI's bin and bundle (which requires nothing but Node built-ins), the
 * license and README.
 */
const COPIED = ['action.yml', 'action', 'bin', 'dist', '.pre-commit-hooks.yaml', 'LICENSE', 'README.md'];

/**
 * package.json without scripts or dev dependencies: `type` makes Node read dist/ as ES
 * modules, `bin` is what pre-commit's `npm install` links; nothing is left to install or
 * build (and no `prepare` runs on install).
 */
function releaseManifest() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const keep = ['name', 'version', 'description', 'license', 'type', 'bin', 'engines'];
  return `${JSON.stringify(Object.fromEntries(keep.filter((k) => pkg[k] !== undefined).map((k) => [k, pkg[k]])), null, 2)}\n`;
}

export function writeReleaseTree(dir) {
  if (!existsSync(join(root, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build` first');
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  for (const entry of COPIED) cpSync(join(root, entry), join(dir, entry), { recursive: true });
  writeFileSync(join(dir, 'package.json'), releaseManifest());
}

/**
 * Builds HEAD, commits the release tree on top of it through a scratch index, and tags the
 * commit. A work tree with changes is refused: the release would not be HEAD built.
 */
function tagRelease(tag) {
  const git = (args, env = {}) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
  if (git(['tag', '--list', tag])) throw new Error(`tag ${tag} exists already`);
  if (git(['status', '--porcelain', '--untracked-files=no'])) throw new Error('the work tree has uncommitted changes; commit or stash them first');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const scratch = mkdtempSync(join(tmpdir(), 'linkerd-lint-release-'));
  try {
    const tree = join(scratch, 'tree');
    writeReleaseTree(tree);
    const index = { GIT_INDEX_FILE: join(scratch, 'index') };
    // -f: dist/ is ignored on the branch, and must be in the release.
    git(['--work-tree', tree, 'add', '-A', '-f', '.'], index);
    const treeId = git(['write-tree'], index);
    const head = git(['rev-parse', 'HEAD']);
    const commit = git(['commit-tree', treeId, '-p', head, '-m', `Release ${tag}: the action with the built CLI\n\nBuilt from ${head}.`]);
    git(['tag', tag, commit]);
    return commit;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ options: { tag: { type: 'string' } }, allowPositionals: true });
  try {
    if (values.tag !== undefined && positionals.length === 0) {
      const commit = tagRelease(values.tag);
      console.log(`tagged ${values.tag}: ${commit.slice(0, 12)}, the action with the built CLI (git push origin ${values.tag})`);
    } else if (values.tag === undefined && positionals.length === 1) {
      writeReleaseTree(resolve(positionals[0]));
      console.log(`release tree written to ${positionals[0]}`);
    } else {
      console.error('usage: node scripts/release-action.mjs DIR | --tag TAG');
      process.exit(2);
    }
  } catch (e) {
    console.error(`release-action: ${e.message}`);
    process.exit(2);
  }
}

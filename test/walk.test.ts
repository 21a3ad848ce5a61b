import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../src/load/discover.js';
import { walkManifests } from '../src/load/walk.js';
import { tree } from './cli-helpers.js';

const EXT = ['yaml', 'yml', 'json'];
const rel = (dir: string, files: string[]) => files.map((f) => f.slice(dir.length + 1));

describe('walkManifests', () => {
  it('finds manifests by extension and skips hidden entries, node_modules and .git', () => {
    const dir = tree({
      'a.yaml': '',
      'b.yml': '',
      'c.json': '',
      'd.txt': '',
      'sub/e.yaml': '',
      '.github/workflows/ci.yaml': '',
      'node_modules/x/f.yaml': '',
      '.git/g.yaml': '',
    });
    expect(rel(dir, walkManifests(dir, EXT))).toEqual(['a.yaml', 'b.yml', 'c.json', 'sub/e.yaml']);
  });

  it('honours nested .gitignore files as git does, negations included', () => {
    const dir = tree({
      '.gitignore': 'rendered/\n*.generated.yaml\n',
      'keep.yaml': '',
      'x.generated.yaml': '',
      'rendered/out.yaml': '',
      'apps/.gitignore': '!y.generated.yaml\nlocal/\n',
      'apps/y.generated.yaml': '',
      'apps/z.generated.yaml': '',
      'apps/local/secret.yaml': '',
      'apps/ok.yaml': '',
    });
    expect(rel(dir, walkManifests(dir, EXT))).toEqual(['apps/ok.yaml', 'apps/y.generated.yaml', 'keep.yaml']);
  });

  it('applies the .gitignore files above the walked directory inside the same repository', () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', '.gitignore': 'deploy/tmp/\n', 'deploy/app.yaml': '', 'deploy/tmp/x.yaml': '' });
    expect(rel(dir, walkManifests(join(dir, 'deploy'), EXT))).toEqual(['deploy/app.yaml']);
    const outside = tree({ '.gitignore': 'deploy/tmp/\n', 'deploy/app.yaml': '', 'deploy/tmp/x.yaml': '' });
    expect(rel(outside, walkManifests(join(outside, 'deploy'), EXT))).toEqual(['deploy/app.yaml', 'deploy/tmp/x.yaml']);
  });

  it('walks a named directory that .gitignore excludes, and applies .gitignore to what is inside it', () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'rendered/\n*.gen.yaml\nbuild/\nodd*/\n',
      'rendered/a.yaml': '',
      'rendered/x.gen.yaml': '',
      'rendered/sub/b.yaml': '',
      'rendered/.gitignore': 'local/\n',
      'rendered/local/c.yaml': '',
      'build/k8s/d.yaml': '',
      'build/k8s/e.gen.yaml': '',
      'odd [1]*/f.yaml': '',
      'odd [1]*/odd x/g.yaml': '',
      'odd 2/h.yaml': '',
    });
    expect(rel(dir, walkManifests(join(dir, 'rendered'), EXT))).toEqual(['rendered/a.yaml', 'rendered/sub/b.yaml']);
    // Directories above the named one are re-included too, not only the named one.
    expect(rel(dir, walkManifests(join(dir, 'build', 'k8s'), EXT))).toEqual(['build/k8s/d.yaml']);
    // The named directory is re-included literally: glob characters in its name match nothing else.
    expect(rel(dir, walkManifests(join(dir, 'odd [1]*'), EXT))).toEqual(['odd [1]*/f.yaml']);
    expect(rel(dir, walkManifests(dir, EXT))).toEqual([]);
  });

  it('follows links to files but not to directories, so nothing is found twice and nothing loops', () => {
    const dir = tree({ 'real/a.yaml': '', 'shared/b.yaml': '' });
    mkdirSync(join(dir, 'links'));
    symlinkSync(join(dir, 'real'), join(dir, 'links', 'real'));
    symlinkSync(dir, join(dir, 'real', 'loop'));
    symlinkSync(join(dir, 'shared', 'b.yaml'), join(dir, 'links', 'b.yaml'));
    expect(rel(dir, walkManifests(dir, EXT))).toEqual(['links/b.yaml', 'real/a.yaml', 'shared/b.yaml']);
  });
});

describe('discover', () => {
  it('lints each real file once: globs descend into no linked directory, links to a file count as the file', async () => {
    const dir = tree({ 'a.yaml': 'kind: A\n', 'sub/b.yaml': 'kind: B\n' });
    symlinkSync(dir, join(dir, 'loop'));
    symlinkSync(join(dir, 'sub'), join(dir, 'sub', 'again'));
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'sub', 'link.yaml'));
    const opts = { cwd: dir, ignoredBy: () => [], errorOnUnmatchedPattern: true };
    expect(rel(dir, (await discover(['**/*.yaml'], opts)).files)).toEqual(['a.yaml', 'sub/b.yaml']);
    expect(rel(dir, (await discover(['.', 'loop/*.yaml', 'sub/link.yaml'], opts)).files)).toEqual(['a.yaml', 'sub/b.yaml']);
    // Only the link is named: it is linted under its own name.
    expect(rel(dir, (await discover(['sub/link.yaml'], opts)).files)).toEqual(['sub/link.yaml']);
  });
});

// A signal during --fix ends the run between two files: each file fixed whole or untouched,
// no temporary file left, the conventional exit code.
import { linkSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { KUBE_SYSTEM_INJECTED, tree } from './cli-helpers.js';

describe('signals while fixing', () => {
  it('stops before the next file on SIGINT and exits 130', async () => {
    const files = Object.fromEntries(['a', 'b', 'c'].map((n) => [`${n}.yaml`, KUBE_SYSTEM_INJECTED]));
    const dir = tree(files);
    // a.yaml is refused (hard links); its message is where the signal arrives.
    linkSync(join(dir, 'a.yaml'), join(dir, 'a-link.yml.bak'));
    const stderr: string[] = [];
    const io = {
      cwd: dir,
      env: {},
      stdout: { write: () => true },
      stderr: {
        write: (text: string) => {
          stderr.push(text);
          if (text.includes('hard links')) process.emit('SIGINT');
          return true;
        },
      },
      readStdin: async () => Buffer.alloc(0),
    };
    const code = await main(['--no-config-lookup', '--fix', '--unsafe-fixes', 'a.yaml', 'b.yaml', 'c.yaml'], io);
    expect(code).toBe(130);
    expect(stderr.join('')).toContain('linkerd-lint: interrupted by SIGINT: fixes written to 0 of 3 files; the others are unchanged\n');
    for (const name of ['a.yaml', 'b.yaml', 'c.yaml']) expect(readFileSync(join(dir, name), 'utf8')).toBe(KUBE_SYSTEM_INJECTED);
    expect(readdirSync(dir).sort()).toEqual(['a-link.yml.bak', 'a.yaml', 'b.yaml', 'c.yaml']);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

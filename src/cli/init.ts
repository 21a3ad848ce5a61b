import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinRules } from '../../rules/index.js';
import { loadConfig } from '../engine/config-file.js';
import { loadPaths } from '../engine/lint.js';
import { newestStatedVersion } from '../linkerd/detect-version.js';
import { DEFAULT_RELEASE } from '../linkerd/releases.js';
import { CONFIG_NAMES } from '../load/config-file.js';
import { UsageError } from '../model/errors.js';
import type { CliIo } from './io.js';

const SCHEMA_COMMENT = '# yaml-language-server: $schema=./node_modules/linkerd-lint/schemas/config.schema.json';

/**
 * `--init`: writes a starter `.linkerd-lint.yaml` in the working directory, targeting the
 * newest Linkerd release the manifests under it state. Never overwrites a config file.
 */
export async function init(io: CliIo): Promise<void> {
  const existing = CONFIG_NAMES.find((name) => existsSync(join(io.cwd, name)));
  if (existing) throw new UsageError(`--init: ${existing} already exists; not overwritten`);
  const config = loadConfig({ cwd: io.cwd, configLookup: false }, builtinRules, {});
  const { parsed } = await loadPaths({ cwd: io.cwd, paths: ['.'], config, errorOnUnmatchedPattern: false });
  const found = newestStatedVersion(parsed.flatMap((p) => p.resources));
  const version = found
    ? `linkerdVersion: "${found.version}"   # stated in ${found.resource.file.displayPath}`
    : `linkerdVersion: "${DEFAULT_RELEASE}"   # the default: no manifest here says which release it is for`;
  const text = `${SCHEMA_COMMENT}\nextends: recommended\n${version}\n`;
  writeFileSync(join(io.cwd, CONFIG_NAMES[0]!), text, { flag: 'wx' });
  io.stdout.write(`wrote ${CONFIG_NAMES[0]}:\n${text}`);
}

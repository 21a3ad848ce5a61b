import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { builtinRules } from '../../rules/index.js';
import type { loadConfig } from '../engine/config-file.js';
import type { loadPaths } from '../engine/lint.js';
import { DEFAULT_CONTROL_PLANE_NAMESPACE } from '../linkerd/access/identities.js';
import { type ClusterDefault, DEFAULT_POLICIES, INSTALL_DEFAULT_POLICY, isDefaultPolicy } from '../linkerd/access/defaults.js';
import { buildAccessModel } from '../linkerd/access/model.js';
import { UsageError } from '../model/errors.js';
import { didYouMean } from '../model/text.js';
import { ManifestTree } from '../model/tree.js';
import { diffReports, renderDiff } from './access/diff.js';
import { renderDot, renderMermaid } from './access/graph.js';
import { renderHtml } from './access/html.js';
import { answer } from './access/query.js';
import { type AccessReport, buildReport } from './access/report.js';
import { renderTable } from './access/table.js';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes.js';
import { type CliIo, writeReport } from './io.js';

/**
 * `linkerd-lint access [paths]`: who may call whom, from the manifests. Without `--from`
 * and `--to`, a report of every meshed workload's ports; with them, whether that client may
 * call that port (exit 0 allowed, 1 denied, 2 error).
 */

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  'no-config-lookup': { type: 'boolean' },
  'linkerd-version': { type: 'string' },
  context: { type: 'string', multiple: true },
  'default-inbound-policy': { type: 'string' },
  namespace: { type: 'string', short: 'n', multiple: true },
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  from: { type: 'string' },
  'from-ip': { type: 'string' },
  base: { type: 'string' },
  to: { type: 'string' },
  path: { type: 'string' },
  method: { type: 'string' },
  'no-error-on-unmatched-pattern': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const ACCESS_FORMATS = ['table', 'json', 'mermaid', 'dot', 'html'] as const;

export const ACCESS_HELP = `Usage: linkerd-lint access [options] [paths...]
       linkerd-lint access --from <ns>/<serviceaccount|workload> --to <ns>/<workload|service>:<port> [paths...]
       linkerd-lint access --base <dir|git ref> [paths...]

Reports what Linkerd's inbound policy in the manifests lets through: for every meshed
workload and port, the Server that selects it (or the default policy), the routes requests
are matched against, and who each authorization admits. With --from and --to, answers
whether one client may call one port, and names the objects that decide it. With
--base, lists the client → workload edges a change opens, closes or changes.

Report:
  -f, --format NAME              table (default), json, mermaid, dot, or html (one page, no network)
  -o, --output-file FILE         Write the report to FILE instead of standard output
  -n, --namespace NS             Report only this namespace; repeatable

Changes:
      --base DIR|REF             Compare with the same paths in another checkout (a directory)
                                 or at a git commit: which client → workload edges the change
                                 opens, closes or changes (--format table or json)

Question:
      --from NS/NAME             The client: a workload or service account (one the input does
                                 not hold is taken as a service account of that name)
      --from-ip ADDRESS          The client's address, for NetworkAuthentications (default: a pod address)
      --to NS/NAME:PORT          The workload or Service, and its port by number or name
      --path PATH, --method M    The request; without them, every route of the port counts

Configuration:
  -c, --config FILE              Use this config file instead of the working directory's nearest
                                 .linkerd-lint.yaml
      --no-config-lookup         Do not look for a config file
      --linkerd-version VERSION  Target Linkerd release (default 2.20)
      --default-inbound-policy P The install's default inbound policy (config defaultInboundPolicy;
                                 default all-unauthenticated)
      --context PATH             More manifests read to resolve references; repeatable

Exit codes: 0 report written, or the client is allowed · 1 the client is denied · 2 usage,
configuration or I/O error
`;

export interface AccessOptions {
  paths: string[];
  config?: string;
  configLookup: boolean;
  linkerdVersion?: string;
  context: string[];
  defaultInboundPolicy?: string;
  namespaces: string[];
  format: (typeof ACCESS_FORMATS)[number];
  outputFile?: string;
  from?: string;
  fromIp?: string;
  base?: string;
  to?: string;
  path?: string;
  method?: string;
  errorOnUnmatchedPattern: boolean;
  help: boolean;
}

export function parseAccessArgs(argv: readonly string[]): AccessOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    let text = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /^Unknown option '(--[^']+)'$/.exec(text)?.[1];
    if (unknown) text += didYouMean(unknown, Object.keys(OPTIONS).map((name) => `--${name}`));
    throw new UsageError(`access: ${text}\nRun "linkerd-lint access --help" for the list of options.`);
  }
  const v = parsed.values;
  const format = v.format ?? 'table';
  if (!(ACCESS_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`access --format: unknown format "${format}"; expected one of ${ACCESS_FORMATS.join(', ')}`);
  }
  if ((v.from === undefined) !== (v.to === undefined)) throw new UsageError('access: --from and --to go together; give both, or neither for the report');
  for (const flag of ['path', 'method', 'from-ip'] as const) {
    if (v[flag] !== undefined && v.from === undefined) throw new UsageError(`access --${flag}: only with --from and --to`);
  }
  if (v.base !== undefined) {
    if (v.from !== undefined) throw new UsageError('access --base: compares reports, so it does not go with --from and --to');
    if (format !== 'table' && format !== 'json') throw new UsageError(`access --base: --format ${format} is not supported; expected table or json`);
  }
  const policy = v['default-inbound-policy'];
  if (policy !== undefined && !isDefaultPolicy(policy)) {
    throw new UsageError(`access --default-inbound-policy: "${policy}" is not a policy; expected one of ${DEFAULT_POLICIES.join(', ')}`);
  }
  return {
    paths: parsed.positionals,
    ...(v.config !== undefined ? { config: v.config } : {}),
    configLookup: !v['no-config-lookup'],
    ...(v['linkerd-version'] !== undefined ? { linkerdVersion: v['linkerd-version'] } : {}),
    context: v.context ?? [],
    ...(policy !== undefined ? { defaultInboundPolicy: policy } : {}),
    namespaces: v.namespace ?? [],
    format: format as AccessOptions['format'],
    ...(v['output-file'] !== undefined ? { outputFile: v['output-file'] } : {}),
    ...(v.from !== undefined ? { from: v.from } : {}),
    ...(v['from-ip'] !== undefined ? { fromIp: v['from-ip'] } : {}),
    ...(v.base !== undefined ? { base: v.base } : {}),
    ...(v.to !== undefined ? { to: v.to } : {}),
    ...(v.path !== undefined ? { path: v.path } : {}),
    ...(v.method !== undefined ? { method: v.method } : {}),
    errorOnUnmatchedPattern: !v['no-error-on-unmatched-pattern'],
    help: Boolean(v.help),
  };
}

function render(report: AccessReport, format: AccessOptions['format']): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'mermaid':
      return renderMermaid(report);
    case 'dot':
      return renderDot(report);
    case 'html':
      return renderHtml(report);
    case 'table':
      return renderTable(report);
  }
}

/**
 * What the command shares with lint, passed in by the entry point: a lazily loaded chunk
 * that imported them itself would split them (the resource validators among them) out of
 * the entry bundle, away from the files they load relative to it.
 */
export interface AccessDeps {
  loadConfig: typeof loadConfig;
  loadPaths: typeof loadPaths;
  rules: typeof builtinRules;
}

export async function access(argv: readonly string[], io: CliIo, deps: AccessDeps): Promise<number> {
  const { loadConfig, loadPaths } = deps;
  const opts = parseAccessArgs(argv);
  if (opts.help) {
    io.stdout.write(ACCESS_HELP);
    return EXIT_OK;
  }
  const config = loadConfig({ cwd: io.cwd, ...(opts.config !== undefined ? { config: opts.config } : {}), configLookup: opts.configLookup }, deps.rules, {
    ...(opts.linkerdVersion !== undefined ? { linkerdVersion: opts.linkerdVersion } : {}),
    ...(opts.context.length ? { context: { cwd: io.cwd, paths: opts.context } } : {}),
  });
  const paths = opts.paths.length ? opts.paths : ['.'];
  if (paths.includes('-')) throw new UsageError('access: standard input ("-") is not read; name files or directories');
  const load = async (cwd: string, existing: readonly string[], errorOnUnmatchedPattern: boolean) => {
    const { parsed, context } = await loadPaths({ cwd, paths: existing, config, errorOnUnmatchedPattern, warnIgnored: false });
    return new ManifestTree(parsed.flatMap((p) => p.resources), context);
  };
  const tree = await load(io.cwd, paths, opts.errorOnUnmatchedPattern);

  const configured = config.defaultInboundPolicy;
  const clusterDefault: ClusterDefault & { flag?: boolean } = opts.defaultInboundPolicy
    ? { value: opts.defaultInboundPolicy as ClusterDefault['value'], from: 'config', flag: true }
    : isDefaultPolicy(configured)
      ? { value: configured, from: 'config' }
      : { value: INSTALL_DEFAULT_POLICY, from: 'install' };
  const modelOf = (t: ManifestTree) =>
    buildAccessModel(t, {
      target: config.target,
      clusterDefault,
      domain: { controlPlaneNamespace: DEFAULT_CONTROL_PLANE_NAMESPACE, trustDomain: config.clusterDomain },
    });
  const model = modelOf(tree);
  const namespaces = opts.namespaces.length ? opts.namespaces : undefined;
  const reportOf = (m: typeof model) => {
    if (namespaces) m.workloads = m.workloads.filter((w) => w.namespace !== undefined && namespaces.includes(w.namespace));
    return buildReport(m, clusterDefault, namespaces);
  };

  if (opts.base !== undefined) {
    const base = checkoutOf(opts.base, io.cwd);
    try {
      // Paths the change adds are absent from the base: its report then lacks them.
      const existing = paths.filter((p) => existsSync(resolve(base.cwd, p)));
      const baseTree = existing.length ? await load(base.cwd, existing, false) : new ManifestTree([]);
      const before = reportOf(modelOf(baseTree));
      const after = reportOf(model);
      const diff = diffReports(before, after, opts.base);
      const text = opts.format === 'json' ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff, before, after);
      if (opts.outputFile === undefined) io.stdout.write(text);
      else writeReport(resolve(io.cwd, opts.outputFile), text);
      return EXIT_OK;
    } finally {
      base.dispose();
    }
  }

  if (opts.from !== undefined && opts.to !== undefined) {
    const result = answer(model, {
      from: opts.from,
      to: opts.to,
      ...(opts.fromIp !== undefined ? { fromIp: opts.fromIp } : {}),
      ...(opts.path !== undefined ? { path: opts.path } : {}),
      ...(opts.method !== undefined ? { method: opts.method } : {}),
    });
    io.stdout.write(result.text);
    return result.verdict === 'allowed' ? EXIT_OK : EXIT_FINDINGS;
  }

  const text = render(reportOf(model), opts.format);
  if (opts.outputFile === undefined) io.stdout.write(text);
  else writeReport(resolve(io.cwd, opts.outputFile), text);
  return EXIT_OK;
}

/**
 * The base to compare with: a directory (another checkout), where the same relative paths
 * are read; or a git commit, whose tree is extracted to a scratch directory (the working
 * directory's place in the repository kept, so relative paths mean the same).
 */
function checkoutOf(base: string, cwd: string): { cwd: string; dispose(): void } {
  const dir = resolve(cwd, base);
  if (existsSync(dir) && statSync(dir).isDirectory()) return { cwd: dir, dispose: () => {} };
  const git = (args: string[]) => spawnSync('git', ['-C', cwd, ...args], { encoding: 'utf8' });
  const commit = git(['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  if (commit.error || commit.status !== 0) throw new UsageError(`access --base "${base}": neither a directory nor a commit of the git repository here`);
  const top = git(['rev-parse', '--show-toplevel']).stdout.trim();
  const prefix = git(['rev-parse', '--show-prefix']).stdout.trim();
  const scratch = mkdtempSync(join(tmpdir(), 'linkerd-lint-base-'));
  const dispose = () => rmSync(scratch, { recursive: true, force: true });
  const tar = join(scratch, 'base.tar');
  const tree = join(scratch, 'tree');
  mkdirSync(tree);
  const archive = spawnSync('git', ['-C', top, 'archive', '--format=tar', '-o', tar, commit.stdout.trim()], { encoding: 'utf8' });
  const extract = archive.status === 0 ? spawnSync('tar', ['-xf', tar, '-C', tree], { encoding: 'utf8' }) : archive;
  if (extract.error || extract.status !== 0) {
    dispose();
    throw new UsageError(`access --base "${base}": cannot read the commit's files: ${(extract.stderr || String(extract.error)).trim()}`);
  }
  return { cwd: join(tree, prefix), dispose };
}

// Entry point of the GitHub Action (action.yml): reads the inputs from INPUT_* variables,
// runs the CLI once for annotations (github format, to the log) and the SARIF report,
// sets the step outputs, and exits non-zero when a finding reaches the fail level.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'linkerd-lint.js');
const FAIL_LEVELS = ['error', 'warning', 'info', 'none'];
const SUMMARY_ROWS = 200;

/**
 * An input as the runner passes it: `INPUT_<NAME>` upper-cased with the hyphens kept
 * (JavaScript and Docker actions), or with hyphens turned into underscores, the form a
 * composite action can map explicitly.
 */
function input(name) {
  const upper = name.toUpperCase().replace(/ /g, '_');
  const value = process.env[`INPUT_${upper}`] ?? process.env[`INPUT_${upper.replace(/-/g, '_')}`] ?? '';
  return value.trim();
}

function fail(message, code = 2) {
  process.stdout.write(`::error title=linkerd-lint::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
  process.exit(code);
}

/** `name<<delimiter` blocks, as actions/toolkit writes them, so no value can break the file. */
function setOutputs(outputs) {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) return;
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  appendFileSync(file, text);
}

function escapeCell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function writeSummary(active, counts) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const head = `### linkerd-lint\n\n${counts.errors} errors, ${counts.warnings} warnings, ${counts.infos} infos\n`;
  if (active.length === 0) {
    appendFileSync(file, `${head}\nNo problems found.\n`);
    return;
  }
  // Annotations stop at ten per severity and step; the summary lists more.
  const rows = active.slice(0, SUMMARY_ROWS).map((r) => {
    const loc = r.locations?.[0]?.physicalLocation;
    const where = `${loc?.artifactLocation?.uri ?? ''}:${loc?.region?.startLine ?? ''}:${loc?.region?.startColumn ?? ''}`;
    return `| ${escapeCell(decodeURIComponent(where))} | ${r.level} | ${escapeCell(r.message.text)} | \`${r.ruleId}\` |`;
  });
  const more = active.length > SUMMARY_ROWS ? `\n…and ${active.length - SUMMARY_ROWS} more in the SARIF report.\n` : '';
  appendFileSync(file, `${head}\n| where | level | message | rule |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n${more}`);
}

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`linkerd-lint needs Node.js 20.19 or newer; this runner has ${process.versions.node} (use actions/setup-node first)`);
}

const failLevel = input('fail-level') || 'error';
if (!FAIL_LEVELS.includes(failLevel)) fail(`fail-level "${failLevel}" is not one of ${FAIL_LEVELS.join(', ')}`);
const paths = input('paths').split(/\s+/).filter(Boolean);
const sarifFile = resolve(input('sarif-file') || 'linkerd-lint.sarif');
const config = input('config');
const linkerdVersion = input('linkerd-version');

const args = [BIN, ...(paths.length ? paths : ['.']), '-f', 'github', '-f', 'sarif', '-o', `sarif=${sarifFile}`];
if (config) args.push('--config', config);
if (linkerdVersion) args.push('--linkerd-version', linkerdVersion);

const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (run.error) fail(`could not run linkerd-lint: ${run.error.message}`);
// 1 only means "error findings"; the fail level below decides. Anything else is a usage or internal error.
if (run.status !== 0 && run.status !== 1) fail(`linkerd-lint could not lint (exit code ${run.status}); see the message above`);
if (!existsSync(sarifFile)) fail(`linkerd-lint did not write ${sarifFile}`);

const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
const active = log.runs.flatMap((r) => r.results).filter((r) => !r.suppressions?.length);
const count = (level) => active.filter((r) => r.level === level).length;
const counts = { errors: count('error'), warnings: count('warning'), infos: count('note') };
setOutputs({ 'sarif-file': sarifFile, ...counts });
writeSummary(active, counts);

const failing = { error: counts.errors, warning: counts.errors + counts.warnings, info: active.length, none: 0 }[failLevel];
if (failing > 0) {
  process.stdout.write(`linkerd-lint: ${failing} finding${failing === 1 ? '' : 's'} at or above fail-level "${failLevel}"\n`);
  process.exit(1);
}

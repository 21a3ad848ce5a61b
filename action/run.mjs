// Entry point of the GitHub Action (action.yml): reads the inputs from INPUT_* variables,
// runs the CLI once for annotations (github format, to the log) and the SARIF report,
// sets the step outputs, and exits non-zero when a finding reaches the fail level. A run
// that cannot lint (exit code 2) puts the CLI's own message in the annotation and summary.
// The CLI runs in this process, so the step starts Node once, as `linkerd-lint` does.
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The CLI's `main(argv, io)`, built next to dist/cli.js by scripts/build.mjs. */
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
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
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `### linkerd-lint\n\nCould not lint:\n\n\`\`\`\n${message}\n\`\`\`\n`);
  process.exit(code);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Splits the `args` input as a shell would split words: on white space, with '…' and "…"
 * quoting (and \ escaping inside "…" and outside quotes). No expansion of any kind.
 */
function shellWords(text) {
  const words = [];
  let word;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) fail('args: a quote (\') is not closed');
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < text.length && text[i] !== '"'; i++) word += text[i] === '\\' && i + 1 < text.length ? text[++i] : text[i];
      if (i >= text.length) fail('args: a quote (") is not closed');
    } else {
      word = (word ?? '') + (c === '\\' && i + 1 < text.length ? text[++i] : c);
    }
  }
  if (word !== undefined) words.push(word);
  return words;
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
  const head = `### linkerd-lint\n\n${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.infos, 'info')}\n`;
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

/**
 * With `access-base`, the job summary also says which client → workload edges the change
 * opens, closes or changes against that git ref or directory (`linkerd-lint access --base`).
 * It only informs: a failure to compare is said in the summary and does not fail the step.
 */
async function writeAccessChanges(main, base) {
  let out = '';
  let err = '';
  const capture = { cwd: process.cwd(), env: process.env, stdout: { write: (t) => ((out += t), true) }, stderr: { write: (t) => ((err += t), true) }, readStdin: async () => Buffer.alloc(0) };
  const accessArgs = ['access', '--base', base, ...(paths.length ? paths : ['.'])];
  if (config) accessArgs.push('--config', config);
  if (linkerdVersion) accessArgs.push('--linkerd-version', linkerdVersion);
  const code = await main(accessArgs, capture);
  process.stderr.write(err);
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const body = code === 0 ? out.trimEnd() : `Could not compare: ${err.trim().replace(/^linkerd-lint: /gm, '')}`;
  appendFileSync(file, `\n### Who can call whom: changes against ${base}\n\n\`\`\`\n${body}\n\`\`\`\n`);
}

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`linkerd-lint needs Node.js 20.19 or newer; this runner has ${process.versions.node} (use actions/setup-node first)`);
}

const failLevel = (input('fail-level') || 'error').toLowerCase();
if (!FAIL_LEVELS.includes(failLevel)) fail(`fail-level "${input('fail-level')}" is not one of ${FAIL_LEVELS.join(', ')}`);

const workspace = process.cwd();
const workingDirectory = input('working-directory');
if (workingDirectory) {
  try {
    process.chdir(resolve(workingDirectory));
  } catch {
    fail(`working-directory "${workingDirectory}" is not a directory`);
  }
}
// One path a line (so a path may hold spaces); on one line, paths separated by spaces.
const pathsInput = input('paths');
const paths = (pathsInput.includes('\n') ? pathsInput.split(/\r?\n/) : pathsInput.split(/\s+/)).map((p) => p.trim()).filter(Boolean);
const sarifFile = resolve(input('sarif-file') || 'linkerd-lint.sarif');
const config = input('config');
const linkerdVersion = input('linkerd-version');

const args = [...(paths.length ? paths : ['.']), '-f', 'github', '-f', 'sarif', '-o', `sarif=${sarifFile}`];
if (config) args.push('--config', config);
if (linkerdVersion) args.push('--linkerd-version', linkerdVersion);
args.push(...shellWords(input('args')));

// Output goes to the log as the CLI writes it, whole lines at a time, with annotation paths
// made relative to the workspace (the CLI names files from its working directory).
const prefix = relative(workspace, process.cwd()).split(sep).join('/');
const rebase = prefix && !prefix.startsWith('..') ? (text) => text.replace(/^(::\w+ file=)/gm, `$1${prefix}/`) : (text) => text;
let pending = '';
let stderr = '';
const io = {
  cwd: process.cwd(),
  env: process.env,
  stdout: {
    write(text) {
      pending += text;
      const end = pending.lastIndexOf('\n') + 1;
      if (end > 0) {
        process.stdout.write(rebase(pending.slice(0, end)));
        pending = pending.slice(end);
      }
      return true;
    },
  },
  stderr: {
    write(text) {
      stderr += text;
      process.stderr.write(text);
      return true;
    },
  },
  readStdin: async () => Buffer.alloc(0),
};
let status;
let main;
try {
  ({ main } = await import(pathToFileURL(CLI).href));
  status = await main(args, io);
} catch (err) {
  fail(`could not run linkerd-lint: ${err?.message ?? err}`);
}
if (pending) process.stdout.write(rebase(pending));
// 1 only means "error findings"; the fail level below decides. Anything else is a usage or internal error.
if (status !== 0 && status !== 1) {
  const message = stderr.trim().replace(/^linkerd-lint: /gm, '');
  fail(message || `linkerd-lint could not lint (exit code ${status})`);
}
if (!existsSync(sarifFile)) fail(`linkerd-lint did not write ${sarifFile}`);

const log = JSON.parse(readFileSync(sarifFile, 'utf8'));
const active = log.runs.flatMap((r) => r.results).filter((r) => !r.suppressions?.length);
const count = (level) => active.filter((r) => r.level === level).length;
const counts = { errors: count('error'), warnings: count('warning'), infos: count('note') };
setOutputs({ 'sarif-file': sarifFile, ...counts });
writeSummary(active, counts);
const accessBase = input('access-base');
if (accessBase) await writeAccessChanges(main, accessBase);

// `--max-warnings` given in `args` fails the step whatever the fail level, as it fails the CLI.
const tooMany = status === 1 ? /^linkerd-lint found too many warnings.*$/m.exec(stderr) : null;
if (tooMany) {
  process.stdout.write(`${tooMany[0]}\n`);
  process.exit(1);
}
const failing = { error: counts.errors, warning: counts.errors + counts.warnings, info: active.length, none: 0 }[failLevel];
if (failing > 0) {
  process.stdout.write(`linkerd-lint: ${failing} finding${failing === 1 ? '' : 's'} at or above fail-level "${failLevel}"\n`);
  process.exit(1);
}

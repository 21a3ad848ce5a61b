import type { Finding } from '../model/finding.js';
import { type Formatter, active } from './types.js';

/** Characters XML 1.0 does not allow at all, even escaped; YAML text can hold them. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Attribute values are normalised by parsers: raw line breaks and tabs would turn into spaces.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function testcase(file: string, f: Finding): string {
  const at = `${f.range.start.line}:${f.range.start.column}`;
  const head = `    <testcase${attrs({ classname: file, name: `${at} ${f.ruleId}`, time: 0 })}>`;
  if (f.suppressions?.length) {
    const why = f.suppressions.map((s) => s.justification).filter(Boolean).join('; ');
    return `${head}\n      <skipped${attrs({ message: why ? `suppressed: ${why}` : 'suppressed' })}/>\n    </testcase>`;
  }
  const body = escapeXml(`${file}:${at} ${f.severity} ${f.message} (${f.ruleId})`);
  return `${head}\n      <failure${attrs({ message: f.message, type: f.severity })}>${body}</failure>\n    </testcase>`;
}

/**
 * JUnit XML as Jenkins, GitLab, Azure Pipelines and test-report actions read it: one
 * `<testsuite>` per linted file, one failing `<testcase>` per finding (suppressed ones
 * as skipped), and one passing case for a file with no active finding so that it is
 * counted as checked. Grouping by file rather than by rule puts each file's problems together,
 * the way they are fixed, and lets a report show which files passed.
 */
export const junit: Formatter = (results) => {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const result of results) {
    const file = result.file.displayPath;
    const cases = result.findings.map((f) => testcase(file, f));
    const failed = active(result.findings).length;
    const skips = result.findings.length - failed;
    if (failed === 0) cases.push(`    <testcase${attrs({ classname: file, name: 'linkerd-lint', time: 0 })}/>`);
    tests += cases.length;
    failures += failed;
    skipped += skips;
    suites.push(
      `  <testsuite${attrs({ name: file, tests: cases.length, failures: failed, errors: 0, skipped: skips, time: 0 })}>\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const open = `<testsuites${attrs({ name: 'linkerd-lint', tests, failures, errors: 0, skipped, time: 0 })}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${suites.length ? `${open}\n${suites.join('\n')}\n</testsuites>` : `${open}</testsuites>`}\n`;
};

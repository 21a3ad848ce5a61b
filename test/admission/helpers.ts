import { parseSource } from '../../src/load/parse.js';
import { admissionProblems } from '../../src/linkerd/admission.js';
import { formatPath } from '../../src/model/path.js';
import { SourceFile } from '../../src/model/source.js';
import { type LinkerdTarget, parseLinkerdVersion } from '../../src/linkerd/releases.js';

export function target(version: string): LinkerdTarget {
  const t = parseLinkerdVersion(version);
  if ('error' in t) throw new Error(t.error);
  return t;
}

/** Every admission problem of the single resource in `yaml`, as `path: message`. */
export function admit(yaml: string, version = '2.20'): string[] {
  const parsed = parseSource(new SourceFile('/t/test.yaml', 'test.yaml', yaml, 'yaml'));
  if (parsed.problems.length > 0) throw new Error(`bad test YAML: ${parsed.problems[0]!.message}`);
  if (parsed.resources.length !== 1) throw new Error(`expected one resource, got ${parsed.resources.length}`);
  return admissionProblems(parsed.resources[0]!, target(version)).map((p) => `${formatPath(p.path)}: ${p.message}`);
}

/** Only the paths, for cases where the message is asserted elsewhere. */
export function paths(yaml: string, version = '2.20'): string[] {
  return admit(yaml, version).map((line) => line.slice(0, line.indexOf(': ')));
}

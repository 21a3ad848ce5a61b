import { resolve } from 'node:path';
import { type ConfigSource, readConfigFile } from '../load/config-file.js';
import { displayPathOf } from '../load/discover.js';
import { validateConfig } from '../load/validators.js';
import { labelsAt } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type LabelSelector, matchesSelector } from '../model/selectors.js';
import { parseFieldPath } from '../policy/field-path.js';
import { type CelEngine, type CelProgram, celValueOf, loadedCel } from '../policy/index.js';
import { type Category, POLICY_PREFIX, type Rule, type RuleContext, type Severity } from './rule.js';

export { POLICY_PREFIX };
import { describeSchemaErrors } from './schema-errors.js';

/** A CEL policy as written in a config's `policies:` (or a policy file), after schema validation. */
export interface PolicySpec {
  id: string;
  description?: string;
  explain?: string;
  severity?: Severity;
  category?: Category;
  match?: {
    apiGroups?: string[];
    kinds?: string[];
    namespaces?: string[];
    excludeNamespaces?: string[];
    labelSelector?: LabelSelector;
  };
  variables?: { name: string; expression: string }[];
  validations: { expression: string; message?: string; messageExpression?: string; reason?: string; fieldPath?: string }[];
}


/** The rule id of a policy's findings. */
export const policyRuleId = (id: string): string => `${POLICY_PREFIX}/${id}`;

/** A problem in a policy, where it is written (`file:line:col`, or the setting path of an inline config). */
export interface PolicyProblem {
  at: string;
  message: string;
}

/** The problems of a PolicyError as the CLI shows a configuration error. */
export function policyErrorText(err: PolicyError): string {
  return `invalid configuration:\n${err.problems.map((p) => `  ${p.at}: ${p.message}`).join('\n')}`;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
  constructor(readonly problems: PolicyProblem[]) {
    super(problems.map((p) => `${p.at}: ${p.message}`).join('\n'));
  }
}

/** One config file's `policies:` list: where it was written, to resolve paths and report problems. */
export interface PolicyLayer {
  entries: readonly unknown[];
  /** The directory paths in `entries` are relative to. */
  baseDir: string;
  /** Where the setting at `path` (from the config's root) is written. */
  locate(path: JsonPath): string;
}

interface LocatedSpec {
  spec: PolicySpec;
  /** Where a key of this policy is written, given its path inside the policy. */
  locate(path: JsonPath): string;
}

// Compiled policies are shared by every config that reads the same file (an `extends` chain
// read from several directories, the same policy file named twice), so one rule object
// stands for one written policy.
const fromFiles = new Map<string, LocatedSpec[]>();

function readPolicyFile(path: string, cwd: string, problems: PolicyProblem[]): LocatedSpec[] {
  const cached = fromFiles.get(path);
  if (cached) return cached;
  let source: ConfigSource;
  try {
    source = readConfigFile(path, cwd);
  } catch (err) {
    problems.push({ at: displayPathOf(path, cwd), message: err instanceof Error ? err.message.replace(/config file/g, 'policy file') : String(err) });
    return [];
  }
  const raw = source.raw ?? {};
  const extra = Object.keys(raw).filter((k) => k !== 'policies' && k !== '$schema');
  if (extra.length > 0 || !Array.isArray(raw['policies'])) {
    problems.push({
      at: extra.length > 0 ? source.locate([extra[0]!]) : displayPathOf(path, cwd),
      message: 'a policy file holds one setting, `policies:`, a list of policies',
    });
    return [];
  }
  const list = raw['policies'] as unknown[];
  const specs: LocatedSpec[] = [];
  list.forEach((entry, i) => {
    if (typeof entry === 'string') {
      problems.push({ at: source.locate(['policies', i]), message: 'a policy file lists policies, not the paths of other policy files' });
      return;
    }
    if (!validateConfig({ policies: [entry] })) {
      for (const p of describeSchemaErrors(validateConfig.errors ?? [])) {
        const inner = p.path.slice(2);
        problems.push({ at: source.locate(['policies', i, ...inner]), message: p.message.replace(/^policies\[0\]/, `policies[${i}]`) });
      }
      return;
    }
    specs.push({ spec: entry as PolicySpec, locate: (p) => source.locate(['policies', i, ...p]) });
  });
  fromFiles.set(path, specs);
  return specs;
}

/**
 * The rules of the policies a config chain declares, layers given from the config that
 * applies to the root of its chain: each policy file is read and every CEL expression is
 * compiled now, so a mistake is a config error at its file:line, never a failure mid-run.
 * A policy id declared twice is an error at the second one.
 */
export function policyRules(layers: readonly PolicyLayer[], cwd: string): Record<string, Rule<any, any>> {
  const problems: PolicyProblem[] = [];
  const located: LocatedSpec[] = [];
  for (const layer of [...layers].reverse()) {
    layer.entries.forEach((entry, i) => {
      if (typeof entry === 'string') located.push(...readPolicyFile(resolve(layer.baseDir, entry), cwd, problems));
      else located.push({ spec: entry as PolicySpec, locate: (p) => layer.locate(['policies', i, ...p]) });
    });
  }
  const rules: Record<string, Rule<any, any>> = {};
  const firstAt = new Map<string, string>();
  for (const item of located) {
    const id = policyRuleId(item.spec.id);
    const seen = firstAt.get(id);
    if (seen !== undefined) {
      problems.push({ at: item.locate(['id']), message: `policy "${item.spec.id}" is declared twice (first at ${seen})` });
      continue;
    }
    firstAt.set(id, item.locate(['id']));
    const rule = ruleOf(item, problems);
    if (rule) rules[id] = rule;
  }
  if (problems.length > 0) throw new PolicyError(problems);
  return rules;
}

/** What a policy rule holds besides its meta: the policy, where it is written, and its programs once compiled. */
interface PolicyState {
  item: LocatedSpec;
  fieldPaths: (JsonPath | undefined)[];
  compiled?: { variables: { name: string; program: CelProgram }[]; validations: CompiledValidation[] };
}

const policyOf = new WeakMap<Rule<any, any>, PolicyState>();
// By where a policy is written and what it says: a config file read again (as another's
// `extends`) gives the same rule object, so the configs of one run agree on it.
const ruleOfSpec = new Map<string, Rule<any, any> | null>();

/**
 * What identifies a rule's behaviour for the run cache: its id, and for a policy what it
 * says (a changed expression must not reuse findings of the old one).
 */
export function ruleFingerprint(id: string, rule: Rule<any, any>): string {
  const state = policyOf.get(rule);
  return state ? `${id} ${JSON.stringify(state.item.spec)}` : id;
}

/** What the run cache keys on for the policies of the given configs: their ids and what each says. */
export function policyFingerprints(configs: Iterable<{ readonly rules: Readonly<Record<string, Rule<any, any>>> }>): string[] {
  const out = new Set<string>();
  for (const config of configs) for (const [id, rule] of Object.entries(config.rules)) if (policyOf.has(rule)) out.add(ruleFingerprint(id, rule));
  return [...out].sort();
}

/** Whether any of `rules` is a policy, whose expressions need the CEL engine. */
export function holdsPolicies(rules: Readonly<Record<string, Rule<any, any>>>): boolean {
  return Object.values(rules).some((r) => policyOf.has(r));
}

/** A policy as a rule; its expressions are compiled by `compilePolicies`, once the CEL engine is loaded. */
function ruleOf(item: LocatedSpec, problems: PolicyProblem[]): Rule<any, any> | undefined {
  const key = `${item.locate(['id'])}\0${JSON.stringify(item.spec)}`;
  const known = ruleOfSpec.get(key);
  if (known !== undefined) return known ?? undefined;
  const before = problems.length;
  const fieldPaths = item.spec.validations.map((v, i) => {
    if (v.fieldPath === undefined) return undefined;
    const path = parseFieldPath(v.fieldPath);
    if (!path) problems.push({ at: item.locate(['validations', i, 'fieldPath']), message: `fieldPath "${v.fieldPath}" is not a path such as spec.ports[0].port or metadata.labels['app']` });
    return path;
  });
  if (problems.length > before) {
    ruleOfSpec.set(key, null);
    return undefined;
  }
  const state: PolicyState = { item, fieldPaths };
  const rule = policyRule(state);
  policyOf.set(rule, state);
  ruleOfSpec.set(key, rule);
  return rule;
}

/**
 * Compiles the expressions of the policies among `rules` (each once), before any runs:
 * one that does not compile is an error at its file:line:col, with the CEL error.
 */
export function compilePolicies(rules: Readonly<Record<string, Rule<any, any>>>, engine: CelEngine): void {
  const problems: PolicyProblem[] = [];
  for (const rule of Object.values(rules)) {
    const state = policyOf.get(rule);
    if (!state || state.compiled) continue;
    const { spec, locate } = state.item;
    const before = problems.length;
    const compile = (expression: string, path: JsonPath, returns?: 'bool' | 'string'): CelProgram | undefined => {
      const result = engine.compile(expression, { environment: 'policy', ...(returns ? { returns } : {}) });
      if (result.ok) return result.program;
      const { message, line, column } = result.error;
      const inside = expression.includes('\n') ? ` (line ${line}, column ${column} of the expression)` : column > 1 ? ` (column ${column} of the expression)` : '';
      problems.push({ at: locate(path), message: `CEL expression does not compile: ${message}${inside}` });
      return undefined;
    };
    const variables = (spec.variables ?? []).map((v, i) => ({ name: v.name, program: compile(v.expression, ['variables', i, 'expression'])! }));
    const validations = spec.validations.map((v, i) => ({
      expression: v.expression,
      ...(v.message !== undefined ? { message: v.message } : {}),
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
      program: compile(v.expression, ['validations', i, 'expression'], 'bool')!,
      ...(v.messageExpression !== undefined ? { messageProgram: compile(v.messageExpression, ['validations', i, 'messageExpression'], 'string')! } : {}),
      ...(state.fieldPaths[i] ? { fieldPath: state.fieldPaths[i] } : {}),
    }));
    if (problems.length === before) state.compiled = { variables, validations };
  }
  if (problems.length > 0) throw new PolicyError(problems);
}

interface CompiledValidation {
  expression: string;
  message?: string;
  reason?: string;
  program: CelProgram;
  messageProgram?: CelProgram;
  fieldPath?: JsonPath;
}

function matcher(spec: PolicySpec): (r: Resource) => boolean {
  const m = spec.match ?? {};
  const groups = m.apiGroups && !m.apiGroups.includes('*') ? new Set(m.apiGroups) : undefined;
  const kinds = m.kinds && !m.kinds.includes('*') ? new Set(m.kinds) : undefined;
  const namespaces = m.namespaces ? new Set(m.namespaces) : undefined;
  const excluded = m.excludeNamespaces ? new Set(m.excludeNamespaces) : undefined;
  return (r) => {
    if (groups && !groups.has(r.group)) return false;
    if (kinds && (r.kind === undefined || !kinds.has(r.kind))) return false;
    // A Namespace is in its own namespace, as a ValidatingAdmissionPolicy's namespaceSelector sees it.
    const ns = r.kind === 'Namespace' && r.group === '' ? r.name : r.namespace;
    if (namespaces && (ns === undefined || !namespaces.has(ns))) return false;
    if (excluded && ns !== undefined && excluded.has(ns)) return false;
    if (m.labelSelector) {
      if (!matchesSelector(m.labelSelector, labelsAt(r.value) ?? {})) return false;
    }
    return true;
  };
}

function policyRule(state: PolicyState): Rule<any, any> {
  const { spec } = state.item;
  const matches = matcher(spec);
  const kinds = spec.match?.kinds && !spec.match.kinds.includes('*') ? spec.match.kinds : ('*' as const);
  const listed = spec.validations.map((v) => `- \`${v.expression.replace(/\s+/g, ' ')}\`${v.message ? `: ${v.message}` : ''}`).join('\n');
  return {
    meta: {
      id: policyRuleId(spec.id),
      description: spec.description ?? `Enforce the policy "${spec.id}"`,
      category: spec.category ?? 'best-practice',
      defaultSeverity: spec.severity ?? 'error',
      fix: 'none',
      kinds,
      messages: {
        violation: '{{message}}',
        evaluation: 'policy "{{policy}}" could not be evaluated on this object: {{error}}',
      },
      docs: {
        why: spec.explain ?? `A policy of this project's configuration: every matched resource must satisfy each of its CEL validations.`,
        howToFix: `Change the resource so that each validation holds:\n\n${listed}`,
        messages: { violation: "The validation's message, or the result of its messageExpression." },
      },
      precision: 'very-high',
    },
    check(ctx: RuleContext<any, 'violation' | 'evaluation'>) {
      const engine = loadedCel();
      if (!engine || !state.compiled) throw new Error(`policy "${spec.id}" ran before its expressions were compiled`);
      const { variables, validations } = state.compiled;
      const resources = (group: string, kind: string, namespace?: string) => {
        const found = namespace === undefined ? ctx.tree.ofKind(kind, group) : ctx.tree.inNamespace(kind, namespace === '' ? undefined : namespace, group);
        return found.map((r) => celValueOf(engine, r));
      };
      engine.withResources(resources, () => {
        for (const resource of ctx.resources) if (matches(resource)) checkResource(engine, spec, resource, ctx, variables, validations);
      });
    },
  };
}

function checkResource(
  engine: CelEngine,
  spec: PolicySpec,
  resource: Resource,
  ctx: RuleContext<any, 'violation' | 'evaluation'>,
  variables: { name: string; program: CelProgram }[],
  validations: CompiledValidation[],
): void {
  const nsName = resource.kind === 'Namespace' && resource.group === '' ? resource.name : resource.namespace;
  const namespace = nsName !== undefined ? ctx.tree.namespace(nsName) : undefined;
  const vars: Record<string, unknown> = {};
  const activation = {
    object: celValueOf(engine, resource),
    namespaceObject: namespace ? celValueOf(engine, namespace) : null,
    // The admission request the object would come in, as far as a manifest tells it.
    request: {
      kind: { group: resource.group, version: resource.version, kind: resource.kind ?? '' },
      name: resource.name ?? '',
      namespace: resource.namespace ?? '',
      operation: 'CREATE',
    },
    variables: vars,
  };
  const fail = (error: string) => ctx.report({ resource, messageId: 'evaluation', data: { policy: spec.id, error } });
  // Variables are evaluated in order, each seeing those before it, as a ValidatingAdmissionPolicy's are.
  for (const { name, program } of variables) {
    const result = program.evaluate(activation);
    if (!result.ok) return fail(result.error);
    vars[name] = result.value;
  }
  for (const v of validations) {
    const result = v.program.evaluate(activation);
    if (!result.ok) {
      fail(result.error);
      continue;
    }
    if (result.value === true) continue;
    let message = v.message ?? `failed expression: ${v.expression.replace(/\s+/g, ' ')}`;
    if (v.messageProgram) {
      const m = v.messageProgram.evaluate(activation);
      // Kubernetes keeps `message` when messageExpression fails or gives an empty or multi-line string.
      if (m.ok && typeof m.value === 'string' && m.value.trim() !== '' && !m.value.includes('\n')) message = m.value;
    }
    if (v.reason) message = `${message} (${v.reason})`;
    ctx.report({ resource, ...(v.fieldPath ? { path: v.fieldPath } : {}), messageId: 'violation', data: { message } });
  }
}

import { defineRule, type ReportDescriptor, type Severity } from '../src/engine/rule.js';
import { isObject, labelsAt } from '../src/model/k8s.js';
import { type JsonPath, getAt } from '../src/model/path.js';
import type { Range } from '../src/model/range.js';
import type { Resource } from '../src/model/resource.js';
import { splitApiVersion } from '../src/model/resource.js';
import { asSelector, matchesSelector } from '../src/model/selectors.js';
import type { ManifestTree } from '../src/model/tree.js';
import { ADMISSION_REGISTRATION_GROUP, type CelEngine, type CelProgram, celValueOf, loadedCel } from '../src/policy/index.js';
import { type AdmissionTarget, type Verdict, matchCriteria, namespaceLabelsOf } from '../src/policy/match.js';
import { createRequest } from '../src/policy/request.js';
import { ResourceKinds } from '../src/policy/resources.js';
import { parseFieldPath } from '../src/policy/field-path.js';

const VERSIONS = new Set(['v1', 'v1beta1', 'v1alpha1']);

/** validationActions as severities: Deny rejects the request, Warn returns a warning, Audit only records. */
const ACTION_SEVERITY: Record<string, Severity> = { Deny: 'error', Warn: 'warning', Audit: 'info' };
const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * The admission configuration kinds no admission policy applies to
 * (IsExemptAdmissionConfigurationResource, k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules/rules.go).
 */
const EXEMPT = new Set(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding']);

type Messages = 'violation' | 'failed' | 'noParams' | 'compileError' | 'notEvaluable';

/** One compiled expression of a policy, with where it is written. */
interface Expr {
  path: JsonPath;
  text: string;
  /** Undefined when it does not compile (reported once, at the policy) or is absent. */
  program: CelProgram | undefined;
}

interface Validation {
  expr: Expr;
  message: string | undefined;
  messageExpr: Expr | undefined;
  fieldPath: string | undefined;
}

interface Policy {
  resource: Resource;
  name: string;
  failurePolicy: 'Fail' | 'Ignore';
  paramKind: { group: string; version: string; kind: string } | undefined;
  matchConstraints: unknown;
  matchConditions: Expr[];
  variables: { name: string; expr: Expr }[];
  validations: Validation[];
  /** A match condition or variable does not compile or needs the authorizer: the policy cannot be decided offline. */
  undecidable: boolean;
}

interface Binding {
  resource: Resource;
  name: string;
  policyName: unknown;
  severity: Severity;
  paramRef: Record<string, unknown> | undefined;
  matchResources: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const quoteless = (text: string) => text.trim().replace(/\s*\n\s*/g, ' ');

/**
 * Where in the YAML source the expression's own `line:column` falls: exact for a literal
 * block scalar (`|`) and for a one-line plain or quoted scalar without escapes; otherwise
 * the expression's value as a whole.
 */
function expressionRange(resource: Resource, path: JsonPath, line: number, column: number): Range {
  const loc = resource.locate(path);
  if (!loc.exact) return loc.range;
  const { text, lines } = resource.file;
  const start = loc.range.start;
  const end = loc.range.end;
  const first = text[start.offset];
  let at: number | undefined;
  if (first === '|') {
    const contentLine = start.line; // 0-based index of the line after the indicator
    const lineStart = lines.lineStarts[contentLine];
    if (lineStart !== undefined) {
      const indent = /^ */.exec(text.slice(lineStart))![0].length;
      const target = lines.lineStarts[contentLine + line - 1];
      if (target !== undefined) at = target + indent + column - 1;
    }
  } else if (line === 1 && start.line === end.line) {
    const quoted = first === '"' || first === "'";
    const raw = text.slice(start.offset, end.offset);
    if (!(first === '"' && raw.includes('\\')) && !(first === "'" && raw.slice(1, -1).includes("''"))) at = start.offset + (quoted ? 1 : 0) + column - 1;
  }
  return at === undefined || at >= text.length ? loc.range : lines.range(at, at + 1);
}

function severityOf(actions: unknown): Severity {
  const list = Array.isArray(actions) ? actions.filter((a): a is string => typeof a === 'string' && a in ACTION_SEVERITY) : [];
  // A binding of v1alpha1 may predate validationActions: it denies.
  if (list.length === 0) return 'error';
  return list.map((a) => ACTION_SEVERITY[a]!).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}

export default defineRule({
  meta: {
    id: 'validating-admission-policy',
    description: "Report resources the cluster's own ValidatingAdmissionPolicies, in the tree, would reject",
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'high',
    kinds: '*',
    messages: {
      violation: 'policy "{{policy}}": {{message}}',
      failed: 'policy "{{policy}}": {{field}} fails for this resource ({{error}}), and its failurePolicy is Fail',
      noParams: 'policy "{{policy}}": binding "{{binding}}" finds no {{kind}} for its paramRef in the linted files or context, and its parameterNotFoundAction is Deny',
      compileError: 'policy "{{policy}}": {{field}} does not compile: {{error}}',
      notEvaluable: 'policy "{{policy}}": {{field}} reads authorizer, which cannot be evaluated offline; {{what}} not checked',
    },
    docs: {
      why:
        'A ValidatingAdmissionPolicy is the cluster\'s own rule, written in CEL: the API server evaluates its validations ' +
        'for every request its bindings match, and rejects (Deny), warns about (Warn) or records (Audit) what fails them. ' +
        'A manifest that breaks one is found out only at `kubectl apply` or, worse, by a controller that cannot create its ' +
        'pods. With the policies and their bindings in the linted files or `--context`, this rule evaluates them offline, ' +
        'as a CREATE of each manifest: match constraints and the binding\'s matchResources (resource rules, namespace and ' +
        'object selectors against the Namespaces in the tree), matchConditions, params from the tree, variables and ' +
        'validations. Findings carry the policy\'s own message, and the binding\'s validationActions set their severity ' +
        '(Deny: error, Warn: warning, Audit: info).\n\n' +
        'A resource is not judged when the answer depends on what the tree does not hold: a namespace selector over a ' +
        'namespace that is not in the tree, an expression over `namespaceObject` without the Namespace, a kind whose ' +
        'resource name is not known (neither built in nor given by a CustomResourceDefinition in the tree), or an expression ' +
        'that asks the `authorizer`. With `matchPolicy: Equivalent` (the default), a resource written in another version of ' +
        'a matched group, or in an equivalent group (`extensions` for `apps`), is judged as written, where the API server ' +
        'would first convert it to the version the policy names.',
      howToFix:
        'Change the resource so that it passes the validation the message quotes, or, when the policy is wrong, fix the ' +
        'policy or its binding. An expression that does not compile is reported at the policy: the API server would fail ' +
        'every request it matches (or ignore them, with failurePolicy Ignore).',
      messages: {
        violation: "A validation is false for the resource: the validation's message (or messageExpression), else `failed expression: <expression>`.",
      },
    },
  },
  check(ctx) {
    const vaps = ctx.tree.ofKind('ValidatingAdmissionPolicy', ADMISSION_REGISTRATION_GROUP).filter((r) => VERSIONS.has(r.version));
    if (vaps.length === 0) return;
    const cel = loadedCel();
    if (!cel) throw new Error('the CEL engine is not loaded (a ValidatingAdmissionPolicy is in the tree)');
    const linted = new Set(ctx.resources);
    const report = (d: ReportDescriptor<Messages>) => ctx.report(d);

    const policies = new Map<string, Policy>();
    for (const vap of vaps) {
      if (!vap.name || policies.has(vap.name)) continue;
      policies.set(vap.name, compilePolicy(cel, vap, linted.has(vap) ? report : undefined));
    }
    const bindings = ctx.tree
      .ofKind('ValidatingAdmissionPolicyBinding', ADMISSION_REGISTRATION_GROUP)
      .filter((r) => VERSIONS.has(r.version))
      .flatMap((r): Binding[] => {
        const spec = isObject(r.value.spec) ? r.value.spec : {};
        return [
          {
            resource: r,
            name: r.name ?? '',
            severity: severityOf(spec.validationActions),
            paramRef: isObject(spec.paramRef) ? spec.paramRef : undefined,
            matchResources: spec.matchResources,
            policyName: spec.policyName,
          },
        ];
      });

    const kinds = new ResourceKinds(ctx.tree);
    const namespaces = new Map(ctx.tree.ofKind('Namespace', '').flatMap((n) => (n.name ? [[n.name, n] as const] : [])));
    const namespaceLabels = (name: string) => {
      const ns = namespaces.get(name);
      return ns ? namespaceLabelsOf(ns.value) : undefined;
    };
    const celOf = (r: Resource) => celValueOf(cel, r);

    // One finding per resource, place and message: several bindings of one policy keep the highest severity.
    const found = new Map<string, ReportDescriptor<Messages> & { severity: Severity }>();
    const add = (d: ReportDescriptor<Messages> & { severity: Severity }, key: string) => {
      const prev = found.get(key);
      if (!prev || RANK[d.severity] > RANK[prev.severity]) found.set(key, d);
    };

    for (const [n, resource] of ctx.resources.entries()) {
      if (!resource.kind || !resource.apiVersion || !resource.value) continue;
      if (resource.group === ADMISSION_REGISTRATION_GROUP && EXEMPT.has(resource.kind)) continue;
      const kind = kinds.of(resource.group, resource.kind);
      if (!kind) continue;
      const target: AdmissionTarget = {
        group: resource.group,
        version: resource.version,
        resource: kind.resource,
        namespaced: kind.namespaced,
        name: resource.name ?? '',
        namespace: kind.namespaced ? resource.namespace : undefined,
        labels: labelsAt(resource.value) as Record<string, string> | undefined,
      };
      const request = cel.toCel(createRequest(target, resource.kind));
      for (const binding of bindings) {
        const policy = typeof binding.policyName === 'string' ? policies.get(binding.policyName) : undefined;
        if (!policy || policy.undecidable) continue;
        const verdicts: Verdict[] = [matchCriteria(policy.matchConstraints, target, namespaceLabels, true), matchCriteria(binding.matchResources, target, namespaceLabels, false)];
        if (verdicts.includes('no-match') || verdicts.includes('unknown')) continue;
        const namespace = target.namespace === undefined ? undefined : namespaces.get(target.namespace);
        const base = {
          object: celOf(resource),
          oldObject: null,
          request,
          namespaceObject: namespace ? celOf(namespace) : null,
        };
        // Without its Namespace in the tree, an expression over namespaceObject is not judged.
        const decidable = (p: CelProgram) => !(p.reads.has('namespaceObject') && target.namespaced && !namespace);
        const params = resolveParams(policy, binding, target, ctx.tree, kinds);
        if (params === 'notFound') {
          const kindName = policy.paramKind?.kind ?? 'params';
          add({ resource, messageId: 'noParams', data: { policy: policy.name, binding: binding.name, kind: kindName }, severity: binding.severity }, `${n}\0${policy.name}\0noParams`);
          continue;
        }
        for (const param of params) {
          const activation = { ...base, params: param === null ? null : celOf(param) };
          evaluatePolicy(policy, activation, decidable, (d, key) => add({ resource, ...d, severity: binding.severity }, `${n}\0${policy.name}\0${key}`), resource);
        }
      }
    }
    for (const d of found.values()) ctx.report(d);
  },
});

type Activation = { object: unknown; oldObject: null; request: unknown; namespaceObject: unknown; params: unknown };

/** Runs a policy's match conditions and validations over one activation, reporting what fails. */
function evaluatePolicy(
  policy: Policy,
  base: Activation,
  decidable: (p: CelProgram) => boolean,
  report: (d: Omit<ReportDescriptor<Messages>, 'resource'>, key: string) => void,
  resource: Resource,
): void {
  const { variables, decidable: variablesDecidable } = lazyVariables(policy, base);
  const activation = { ...base, variables };
  const failed = (expr: Expr, error: string) => {
    if (policy.failurePolicy === 'Fail') report({ messageId: 'failed', data: { policy: policy.name, field: fieldName(expr.path), error } }, `failed\0${fieldName(expr.path)}`);
  };
  for (const cond of policy.matchConditions) {
    if (!cond.program || !decidable(cond.program)) return;
    const r = cond.program.evaluate(activation);
    if (!r.ok) {
      if (!r.unsupported) failed(cond, r.error);
      return;
    }
    if (r.value !== true) return;
  }
  for (const v of policy.validations) {
    const program = v.expr.program;
    if (!program || !decidable(program) || (program.reads.has('variables') && !variablesDecidable)) continue;
    const r = program.evaluate(activation);
    if (!r.ok) {
      if (!r.unsupported) failed(v.expr, r.error);
      continue;
    }
    if (r.value === true) continue;
    const message = messageOf(v, activation);
    const fieldPath = v.fieldPath === undefined ? undefined : parseFieldPath(v.fieldPath);
    const path = fieldPath && getAt(resource.value, fieldPath) !== undefined ? fieldPath : [];
    report({ messageId: 'violation', path, data: { policy: policy.name, message } }, `violation\0${path.join('.')}\0${message}`);
  }
}

/**
 * The message of a failed validation, as the API server builds it (validator.go in
 * k8s.io/apiserver/pkg/admission/plugin/policy/validating): the messageExpression's result
 * when it is a non-empty single line, else `message`, else "failed expression: <expression>".
 */
function messageOf(v: Validation, activation: Record<string, unknown>): string {
  const fallback = v.message ?? `failed expression: ${quoteless(v.expr.text)}`;
  const program = v.messageExpr?.program;
  if (!program || program.usesAuthorizer) return fallback;
  const r = program.evaluate(activation);
  if (!r.ok || typeof r.value !== 'string' || r.value.trim() === '' || /[\r\n]/.test(r.value)) return fallback;
  return r.value.trim();
}

/** `variables`, each evaluated on first use and at most once, as the API server composes them. */
function lazyVariables(policy: Policy, activation: Record<string, unknown>): { variables: Record<string, unknown>; decidable: boolean } {
  const out: Record<string, unknown> = {};
  let decidable = true;
  const cache = new Map<string, unknown>();
  const scope = { ...activation, variables: out };
  for (const { name, expr } of policy.variables) {
    if (!expr.program || expr.program.usesAuthorizer) decidable = false;
    Object.defineProperty(out, name, {
      enumerable: true,
      get() {
        if (cache.has(name)) return cache.get(name);
        const r = expr.program!.evaluate(scope);
        if (!r.ok) throw Object.assign(new Error(`variables.${name}: ${r.error}`), { name: 'EvaluationError' });
        cache.set(name, r.value);
        return r.value;
      },
    });
  }
  return { variables: out, decidable };
}

function fieldName(path: JsonPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** The params a binding evaluates its policy with: `[null]` without paramKind; `notFound` when none is in the tree. */
function resolveParams(policy: Policy, binding: Binding, target: AdmissionTarget, tree: ManifestTree, kinds: ResourceKinds): (Resource | null)[] | 'notFound' {
  const paramKind = policy.paramKind;
  if (!paramKind) return [null];
  const ref = binding.paramRef;
  if (!ref) return 'notFound';
  const candidates = tree.ofKind(paramKind.kind, paramKind.group).filter((r) => r.version === paramKind.version);
  const scope = kinds.of(paramKind.group, paramKind.kind);
  // paramRef.namespace unset: a namespaced param is looked up in the namespace of the object admitted.
  const namespace = str(ref.namespace) ?? (scope?.namespaced === false ? undefined : target.namespace);
  const inScope = candidates.filter((r) => r.namespace === namespace);
  const name = str(ref.name);
  const selector = asSelector(ref.selector);
  const found = name !== undefined ? inScope.filter((r) => r.name === name) : selector ? inScope.filter((r) => matchesSelector(selector, labelsAt(r.value) ?? {})) : [];
  if (found.length > 0) return found;
  return ref.parameterNotFoundAction === 'Allow' ? [] : 'notFound';
}

function compilePolicy(cel: CelEngine, vap: Resource, report: ((d: ReportDescriptor<Messages>) => void) | undefined): Policy {
  const spec = isObject(vap.value.spec) ? vap.value.spec : {};
  const name = vap.name!;
  const compile = (path: JsonPath, text: unknown, returns?: 'bool' | 'string', what = 'its validations are'): Expr | undefined => {
    if (typeof text !== 'string') return undefined;
    const r = cel.compile(text, returns ? { returns } : {});
    if (!r.ok) {
      report?.({
        resource: vap,
        path,
        range: expressionRange(vap, path, r.error.line, r.error.column),
        messageId: 'compileError',
        data: { policy: name, field: fieldName(path), error: r.error.message },
      });
      return { path, text, program: undefined };
    }
    if (r.program.usesAuthorizer) report?.({ resource: vap, path, messageId: 'notEvaluable', data: { policy: name, field: fieldName(path), what }, severity: 'info' });
    return { path, text, program: r.program };
  };
  const list = (key: string) => (Array.isArray(spec[key]) ? (spec[key] as unknown[]) : []);
  let undecidable = false;
  const matchConditions = list('matchConditions').flatMap((c, i) => {
    const e = isObject(c) ? compile(['spec', 'matchConditions', i, 'expression'], c.expression, 'bool', 'the policy is') : undefined;
    if (e && (!e.program || e.program.usesAuthorizer)) undecidable = true;
    return e ? [e] : [];
  });
  const variables = list('variables').flatMap((v, i) => {
    if (!isObject(v) || typeof v.name !== 'string') return [];
    const e = compile(['spec', 'variables', i, 'expression'], v.expression, undefined, 'validations that read it are');
    return e ? [{ name: v.name, expr: e }] : [];
  });
  const validations = list('validations').flatMap((v, i): Validation[] => {
    if (!isObject(v)) return [];
    const expr = compile(['spec', 'validations', i, 'expression'], v.expression, 'bool', 'this validation is');
    if (!expr) return [];
    const messageExpr = compile(['spec', 'validations', i, 'messageExpression'], v.messageExpression, 'string', 'its message is');
    return [{ expr, message: str(v.message), messageExpr, fieldPath: str(v.fieldPath) }];
  });
  const paramKind = isObject(spec.paramKind) && typeof spec.paramKind.kind === 'string' ? { ...splitApiVersion(spec.paramKind.apiVersion), kind: spec.paramKind.kind } : undefined;
  return {
    resource: vap,
    name,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    paramKind,
    matchConstraints: spec.matchConstraints,
    matchConditions,
    variables,
    validations,
    undecidable,
  };
}

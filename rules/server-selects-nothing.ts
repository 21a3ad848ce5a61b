import { dirname, sep } from 'node:path';
import { type ReportDescriptor, type RuleContext, type RuleOptions, defineRule } from '../src/engine/rule.js';
import {
  type ExternalWorkloadInfo,
  type Workload,
  PROXY_PORT_NAMES,
  isRuntimePodLabel,
  proxyViewOf,
  serverPortOn,
  serverPortOnExternal,
  workloadModel,
} from '../src/linkerd/workloads.js';
import { DEFAULT_PROXY_PORTS } from '../src/linkerd/injection.js';
import { isObject } from '../src/model/k8s.js';
import { kustomizePatchFiles } from '../src/model/kustomize.js';
import type { Resource } from '../src/model/resource.js';
import { type LabelSelector, matchesSelector } from '../src/model/selectors.js';
import { closest, editDistance, nearMissDistance } from '../src/model/text.js';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** One requirement of a label selector, for telling how far a pod is from matching it. */
interface Requirement {
  key: string;
  /** The one value an equality requirement wants (`matchLabels`, or `In` with one value). */
  value?: string;
  text: string;
  test: (labels: Record<string, string>) => boolean;
}

/** The selector's requirements, or undefined when it is not one Linkerd could read (the schema check's to report). */
function requirementsOf(value: unknown): Requirement[] | undefined {
  if (!isObject(value)) return undefined;
  const out: Requirement[] = [];
  const { matchLabels, matchExpressions } = value;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isObject(matchLabels)) return undefined;
    for (const [key, raw] of Object.entries(matchLabels)) {
      const want = String(raw);
      out.push({ key, value: want, text: `${key}=${want}`, test: (l) => matchesSelector({ matchLabels: { [key]: want } }, l) });
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) return undefined;
    for (const e of matchExpressions) {
      if (!isObject(e) || typeof e.key !== 'string' || typeof e.operator !== 'string' || !OPERATORS.has(e.operator)) return undefined;
      if (e.values !== undefined && !Array.isArray(e.values)) return undefined;
      const expr = { key: e.key, operator: e.operator, values: Array.isArray(e.values) ? e.values.map(String) : [] };
      const text =
        expr.operator === 'Exists' ? expr.key : expr.operator === 'DoesNotExist' ? `!${expr.key}` : `${expr.key} ${expr.operator.toLowerCase()} (${expr.values.join(', ')})`;
      out.push({
        key: expr.key,
        ...(expr.operator === 'In' && expr.values.length === 1 ? { value: expr.values[0]! } : {}),
        text,
        test: (l) => matchesSelector({ matchExpressions: [expr] }, l),
      });
    }
  }
  return out;
}

interface Candidate {
  resource: Resource;
  labels: Record<string, string>;
}

function describeWorkload(r: Resource): string {
  return `${r.kind ?? 'object'} ${r.name ?? '(unnamed)'}`;
}

function listed(items: string[], max = 4): string {
  const unique = [...new Set(items)];
  return unique.length <= max ? unique.join(', ') : `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

function inNamespace(namespace: string | undefined): string {
  return namespace === undefined ? 'among resources that set no namespace' : `in namespace ${namespace}`;
}

function isClose(word: string, other: string): boolean {
  return editDistance(word, other) <= nearMissDistance(word);
}

function has(labels: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** What a pod has in place of the failed requirement: `Deployment web has app=web-v2`. */
function instead(w: Candidate, key: string): string {
  if (has(w.labels, key)) return `${describeWorkload(w.resource)} has ${key}=${w.labels[key]}`;
  const own = Object.entries(w.labels).map(([k, v]) => `${k}=${v}`);
  return `${describeWorkload(w.resource)} has no ${key} label${own.length ? ` (its pod labels: ${listed(own, 3)})` : ''}`;
}

/**
 * The pods that nearly match. For a selector of several requirements: those that fail one.
 * For a single `key=value`: those whose `key` is a few edits from `value`, or whose workload
 * is named `value` (the label meant to select it); any other pod fails just as much.
 */
function nearMisses(candidates: readonly Candidate[], requirements: Requirement[]): string[] {
  if (requirements.length === 1) {
    const { key, value } = requirements[0]!;
    if (value === undefined) return [];
    return candidates
      .filter((w) => (has(w.labels, key) && isClose(value, w.labels[key]!)) || (w.resource.name !== undefined && isClose(value, w.resource.name)))
      .map((w) => instead(w, key));
  }
  return candidates.flatMap((w) => {
    const failed = requirements.filter((r) => !r.test(w.labels));
    return failed.length === 1 ? [instead(w, failed[0]!.key)] : [];
  });
}

function selectorHint(candidates: readonly Candidate[], requirements: Requirement[], what: string): string {
  const close = nearMisses(candidates, requirements);
  if (close.length) return `; closest: ${listed(close, 3)}`;
  return `; ${what} there: ${listed(candidates.map((w) => describeWorkload(w.resource)))}`;
}

const rule = defineRule({
  meta: {
    id: 'server-selects-nothing',
    description: 'Report Servers whose selector matches no pod in the input, or whose port no selected pod declares',
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    kinds: ['Server'],
    messages: {
      noPods: 'Server {{server}} selects no pods: its podSelector ({{selector}}) matches no pod template {{namespace}}{{hint}}',
      noExternalWorkloads:
        'Server {{server}} selects no workloads: its externalWorkloadSelector ({{selector}}) matches no ExternalWorkload {{namespace}}{{hint}}',
      portName:
        'Server {{server}} port "{{port}}" names no TCP container port of the pods it selects, so it applies to no port ({{declared}}){{hint}}',
      portNumber:
        'Server {{server}} port {{port}} is not a container port of the pods it selects, and the proxy applies a Server only to declared ports ({{declared}}){{hint}}',
      externalPortName:
        'Server {{server}} port "{{port}}" names no TCP port of the ExternalWorkloads it selects, so it applies to no port ({{declared}}){{hint}}',
      proxyNativeSidecar:
        'Server {{server}} port "{{port}}" names a proxy port, but the proxy runs as a native sidecar (an init container) on {{workloads}} ' +
        'and Linkerd {{release}} matches Server port names against regular containers only (fixed in 2.19); use port {{number}}',
      initOnly:
        'Server {{server}} port {{port}} is declared only by init containers ({{containers}}); Linkerd {{release}} applies a Server ' +
        'only to ports of regular containers (init containers count from 2.20)',
    },
    docs: {
      why:
        'A Server governs one port of the pods its `podSelector` picks in its namespace. When the selector matches no pod ' +
        '(a misspelt or renamed label), or the `port` names a port no selected container declares, the Server applies ' +
        'to nothing: the AuthorizationPolicies and routes attached to it never take effect, and the ports keep the ' +
        'default inbound policy. Linkerd resolves a port name against the TCP `containerPort`s of the pod, and the proxy ' +
        'asks for a Server only on the ports the injector found declared (`containerPort`s and HTTP probe ports given as ' +
        'numbers; linkerd/linkerd2#7640), so a Server on a port the container never declares has no effect either. The ' +
        'proxy\'s own ports (`linkerd-proxy` 4143 and `linkerd-admin` 4191, or those of the ' +
        '`config.linkerd.io/proxy-inbound-port` and `proxy-admin-port` annotations) count as declared on every pod that may ' +
        'be injected. Before 2.19 the policy controller did not resolve names of init-container ports, so on 2.15–2.18 a ' +
        'Server naming `linkerd-admin` selects nothing when the proxy runs as a native sidecar (linkerd/linkerd2#14144); ' +
        'ports only init containers declare reach the proxy from 2.20 (linkerd/linkerd2#14767).\n\n' +
        'A Server is judged only when the input holds a pod template in its namespace near it: in the Server\'s ' +
        'directory or below, or in `--context` (an ExternalWorkload, for an `externalWorkloadSelector`). Linting a ' +
        'policy file alone reports nothing, nor does a repository of separate apps that reuse a namespace name; a pod ' +
        'anywhere in the input that the selector matches counts as a match. Selectors on labels pods get only at run ' +
        'time (`linkerd.io/workload-ns`, `pod-template-hash`, ...) are not judged. `references: strict` judges every ' +
        'Server. The message names the pods that nearly match the selector, and the ports the selected pods declare.',
      howToFix:
        'Make the `podSelector` match the pod template labels (not the workload\'s own labels), and set `port` to a ' +
        '`containerPort` name or number the selected containers declare (add the `ports` entry to the container if it ' +
        'is missing). On 2.15–2.18 with native sidecars, refer to the proxy admin port by number (4191).',
    },
  },
  check(ctx) {
    const patchFiles = kustomizePatchFiles(ctx.tree);
    const judge = serverJudge(ctx);
    // Copies of one Server (overlays, a generated file of many) read the same fields in the
    // same place, so they share one verdict; a Server built by code keeps its own, since its
    // reads are what tells a finding resting on an unknown value.
    const verdicts = new Map<string, Verdict | undefined>();
    for (const server of ctx.resources) {
      if (server.group !== 'policy.linkerd.io' || !server.name) continue;
      // A kustomize patch holds only the fields it changes.
      if (patchFiles.has(server.file.path)) continue;
      const spec = server.value.spec;
      if (!isObject(spec)) continue;
      let verdict: Verdict | undefined;
      if (server.unknown !== undefined) verdict = judge(server, spec);
      else {
        // An object, not an array, so that an unset field and a null one differ.
        const key = JSON.stringify({ f: server.file.path, ns: server.namespace, n: server.name, p: spec.podSelector, e: spec.externalWorkloadSelector, port: spec.port });
        if (verdicts.has(key)) verdict = verdicts.get(key);
        else verdicts.set(key, (verdict = judge(server, spec)));
      }
      if (verdict) ctx.report({ resource: server, ...verdict });
    }
  },
});

type Messages = keyof typeof rule.meta.messages;
type Verdict = Omit<ReportDescriptor<Messages>, 'resource'>;

/** What is wrong with one Server, judged by its selector and port against the pods of the input. */
function serverJudge(ctx: RuleContext<RuleOptions, Messages>): (server: Resource, spec: Record<string, unknown>) => Verdict | undefined {
  const model = workloadModel(ctx.tree);
  const strict = ctx.references === 'strict';
  // Whether the input holds a pod template near a Server: the answer is the same for every
  // Server of one file and namespace.
  const nearby = new Map<string, boolean>();
  const hasNear = <W extends { resource: Resource }>(list: readonly W[], key: string, near: (r: Resource) => boolean) => {
    let hit = nearby.get(key);
    if (hit === undefined) nearby.set(key, (hit = list.some((w) => near(w.resource))));
    return hit;
  };

  return (server, spec) => {
    const port = spec.port;
    const validPort =
      (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) || (typeof port === 'string' && port !== '');
    const ns = server.namespace;
    const dir = dirname(server.file.path);
    // Pods near the Server: in its directory or below, or given as context. The input is
    // often many separate apps (a repository of demos), each a directory, that share
    // namespace names; pods elsewhere belong to another app more often than to this one.
    const near = (r: Resource) => ctx.tree.isContext(r) || r.file.path === server.file.path || r.file.path.startsWith(dir + sep);
    const nearKey = JSON.stringify([server.file.path, ns ?? null]);
    const base = { server: server.name!, namespace: inNamespace(ns) };

    if (spec.externalWorkloadSelector !== undefined && spec.podSelector === undefined) {
      const requirements = requirementsOf(spec.externalWorkloadSelector);
      if (!requirements) return undefined;
      const inNs = model.externalWorkloads.filter((w) => w.namespace === ns);
      if (!strict && !hasNear(inNs, `e${nearKey}`, near)) return undefined;
      const selected = model.selectExternalWorkloads(ns, spec.externalWorkloadSelector as LabelSelector);
      if (selected.length === 0) {
        const candidates = inNs.filter((w) => near(w.resource));
        return {
          path: ['spec', 'externalWorkloadSelector'],
          messageId: 'noExternalWorkloads',
          data: {
            ...base,
            selector: describeSelector(requirements),
            hint: candidates.length ? selectorHint(candidates, requirements, 'ExternalWorkloads') : '; the input holds none there',
          },
        };
      }
      if (validPort && !selected.some((w) => serverPortOnExternal(w, port))) {
        const names = [...new Set(selected.flatMap(externalNames))];
        return {
          path: ['spec', 'port'],
          messageId: 'externalPortName',
          data: { ...base, port: String(port), declared: declaredBy(selected, externalNames), hint: didYouMean(String(port), names) },
        };
      }
      return undefined;
    }

    if (spec.podSelector === undefined) return undefined;
    const requirements = requirementsOf(spec.podSelector);
    if (!requirements || requirements.some((r) => isRuntimePodLabel(r.key))) return undefined;
    const inNs = model.workloadsIn(ns);
    if (!strict && !hasNear(inNs, `p${nearKey}`, near)) return undefined;
    // A pod anywhere in the input that matches is a match, near the Server or not.
    const selected = model.selectWorkloads(ns, spec.podSelector as LabelSelector);
    if (selected.length === 0) {
      const candidates = inNs.filter((w) => near(w.resource));
      return {
        path: ['spec', 'podSelector'],
        messageId: 'noPods',
        data: {
          ...base,
          selector: describeSelector(requirements),
          hint: candidates.length ? selectorHint(candidates, requirements, 'pod templates') : '; the input holds none there',
        },
      };
    }
    if (!validPort) return undefined;

    const namespace = ns === undefined ? undefined : ctx.tree.namespace(ns);
    const views = selected.map((w) => proxyViewOf(w, namespace, ctx.target));
    const matches = selected.map((w, i) => ({ w, match: serverPortOn(w, port, views[i]!, ctx.target) }));
    if (matches.some((m) => m.match.kind === 'selected')) return undefined;
    const release = ctx.target.release;

    const hidden = matches.flatMap((m) => (m.match.kind === 'proxyNativeSidecar' ? [{ w: m.w, number: m.match.number }] : []));
    if (hidden.length) {
      return {
        path: ['spec', 'port'],
        messageId: 'proxyNativeSidecar',
        data: {
          ...base,
          port: String(port),
          workloads: listed(hidden.map((h) => describeWorkload(h.w.resource)), 3),
          release,
          number: hidden[0]!.number,
        },
      };
    }
    const initOnly = matches.flatMap((m) =>
      m.match.kind === 'initOnly' ? m.match.containers.map((c) => `${c} of ${describeWorkload(m.w.resource)}`) : [],
    );
    if (initOnly.length) {
      return {
        path: ['spec', 'port'],
        messageId: 'initOnly',
        data: { ...base, port: typeof port === 'string' ? `"${port}"` : String(port), containers: listed(initOnly, 3), release },
      };
    }
    // A proxy port on pods the injector skips: say so rather than suggest a name.
    const proxyPort = typeof port === 'string' ? PROXY_PORT_NAMES.includes(port) : port === DEFAULT_PROXY_PORTS.inbound || port === DEFAULT_PROXY_PORTS.admin;
    const noProxy =
      proxyPort && views.every((v) => !v.injected) ? `; ${typeof port === 'string' ? `"${port}"` : port} is a proxy port, and these pods get no proxy` : '';
    if (typeof port === 'string') {
      const names = [...new Set([...selected.flatMap(podNames), ...PROXY_PORT_NAMES])];
      return {
        path: ['spec', 'port'],
        messageId: 'portName',
        data: { ...base, port, declared: declaredBy(selected, podNames), hint: noProxy || didYouMean(port, names) },
      };
    }
    return {
      path: ['spec', 'port'],
      messageId: 'portNumber',
      data: { ...base, port: port as number, declared: declaredBy(selected, podNumbers), hint: noProxy },
    };
  };
}

function describeSelector(requirements: Requirement[]): string {
  return requirements.length ? requirements.map((r) => r.text).join(', ') : 'empty';
}

/** The one close name: a few edits away, or else the only one that contains `word` or is contained in it. */
function didYouMean(word: string, candidates: string[]): string {
  let hit = closest(word, candidates, nearMissDistance(word));
  if (!hit && word.length >= 3) {
    const containing = candidates.filter((c) => c.length >= 3 && (c.includes(word) || word.includes(c)));
    if (containing.length === 1) hit = containing[0];
  }
  return hit ? `; did you mean "${hit}"?` : '';
}

function isTcp(protocol: string): boolean {
  return protocol.toUpperCase() === 'TCP';
}

/** The TCP port names of a pod's regular and init containers, as written. */
function podNames(w: Workload): string[] {
  return w.ports.flatMap((p) => (p.name !== undefined && isTcp(p.protocol) ? [p.name] : []));
}

function podNumbers(w: Workload): string[] {
  return w.ports.map((p) => String(p.port));
}

function externalNames(w: ExternalWorkloadInfo): string[] {
  return w.ports.flatMap((p) => (p.name !== undefined && isTcp(p.protocol) ? [p.name] : []));
}

/** `Deployment web declares http, grpc; Deployment api declares none`, for the first few selected pods. */
function declaredBy<W extends { resource: Resource }>(selected: readonly W[], ports: (w: W) => string[]): string {
  const parts = selected.slice(0, 3).map((w) => {
    const own = [...new Set(ports(w))];
    return `${describeWorkload(w.resource)} declares ${own.length ? listed(own, 6) : 'none'}`;
  });
  if (selected.length > 3) parts.push(`${selected.length - 3} more`);
  return parts.join('; ');
}

export default rule;

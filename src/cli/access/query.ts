import { UsageError } from '../../model/errors.js';
import { parseBlock } from '../../linkerd/admission/networks.js';
import type { Authorization } from '../../linkerd/access/authorizations.js';
import { type Caller, describeRule } from '../../linkerd/access/clients.js';
import { type PortDecision, type RouteOutcome, type Verdict, combine, decidePort } from '../../linkerd/access/decide.js';
import { serviceAccountIdentity } from '../../linkerd/access/identities.js';
import type { AccessModel, PortAccess, RouteAccess, WorkloadAccess } from '../../linkerd/access/model.js';
import { type RequestSpec, describeMatches } from '../../linkerd/access/routes.js';
import { targetPortsOn, workloadModel } from '../../linkerd/workloads.js';
import { cite } from './report.js';

/** `--from`/`--to`: whether one client may call one port, with the chain of objects that decided it. */

export interface QueryAnswer {
  verdict: Verdict;
  partial: boolean;
  text: string;
}

interface ResolvedCaller {
  caller: Caller;
  lines: string[];
}

function split(flag: string, spec: string, what: string): [string, string] {
  const slash = spec.indexOf('/');
  if (slash <= 0 || slash === spec.length - 1 || spec.indexOf('/', slash + 1) !== -1) {
    throw new UsageError(`${flag} "${spec}": expected <namespace>/${what}`);
  }
  return [spec.slice(0, slash), spec.slice(slash + 1)];
}

function describeWorkload(w: WorkloadAccess): string {
  return cite(w.workload.resource);
}

/**
 * The client: a workload of the input (its service account, and no identity when it has no
 * proxy), a ServiceAccount of the input or one its workloads run as, or else a service account
 * of that name the cluster may hold.
 */
export function resolveFrom(model: AccessModel, spec: string, ip: string | undefined): ResolvedCaller {
  const [ns, name] = split('--from', spec, '<serviceaccount or workload>');
  const { domain } = model.options;
  let address: Caller['address'];
  if (ip !== undefined) {
    address = parseBlock(ip);
    if (!address || address.first !== address.last) throw new UsageError(`--from-ip "${ip}": expected an IPv4 or IPv6 address`);
  }
  const at = ip !== undefined ? `, connecting from ${ip}` : '';
  const workload = model.workloads.find((w) => w.namespace === ns && w.workload.resource.name === name);
  if (workload) {
    const sa = workload.workload.serviceAccount;
    if (workload.meshed === 'no') {
      return { caller: { identity: undefined, address }, lines: [`from: ${describeWorkload(workload)} has no proxy, so it connects without a mesh identity${at}`] };
    }
    const identity = serviceAccountIdentity(ns, sa, domain);
    const meshed = workload.meshed === 'unknown' ? '; taken as meshed, as its Namespace (not in the input) decides' : '';
    return { caller: { identity, address }, lines: [`from: ${describeWorkload(workload)}, serviceaccount ${ns}/${sa}, identity ${identity}${meshed}${at}`] };
  }
  const identity = serviceAccountIdentity(ns, name, domain);
  const account = model.tree.find('ServiceAccount', ns, name, '');
  const running = model.workloads.filter((w) => w.namespace === ns && w.workload.serviceAccount === name && w.meshed !== 'no');
  if (account || running.length) {
    const of = running.length ? ` (run by ${running.map((w) => `${w.workload.resource.kind} ${w.workload.resource.name}`).join(', ')})` : '';
    return { caller: { identity, address }, lines: [`from: serviceaccount ${ns}/${name}${account ? ` (${cite(account)})` : ''}${of}, identity ${identity}${at}`] };
  }
  return {
    caller: { identity, address },
    lines: [`from: ${spec} is not a workload or service account in the input: taken as service account ${name} of namespace ${ns}, with meshed pods (identity ${identity})${at}`],
  };
}

interface Destination {
  workload: WorkloadAccess;
  port: PortAccess;
}

function portsNamed(w: WorkloadAccess, port: string): PortAccess[] {
  return /^\d+$/.test(port) ? w.ports.filter((p) => p.port === Number(port)) : w.ports.filter((p) => p.names.includes(port));
}

function declared(w: WorkloadAccess): string {
  return w.ports.length ? w.ports.map((p) => `${p.port}${p.names.length ? ` (${p.names.join(', ')})` : ''}`).join(', ') : 'none';
}

/** The ports `--to` names: a workload's port by number or name, or a Service port and the backend ports it reaches. */
export function resolveTo(model: AccessModel, spec: string): { destinations: Destination[]; lines: string[] } {
  const colon = spec.lastIndexOf(':');
  if (colon <= 0 || colon === spec.length - 1) throw new UsageError(`--to "${spec}": expected <namespace>/<workload or service>:<port>`);
  const [ns, name] = split('--to', spec.slice(0, colon), '<workload or service>:<port>');
  const port = spec.slice(colon + 1);
  const workload = model.workloads.find((w) => w.namespace === ns && w.workload.resource.name === name);
  if (workload) {
    if (workload.meshed === 'no') {
      // No proxy, so the model holds no ports: the pod spec's own give the number and names.
      const declaredPorts = workload.workload.ports.filter((p) => (/^\d+$/.test(port) ? p.port === Number(port) : p.name === port));
      if (declaredPorts.length === 0 && !/^\d+$/.test(port)) throw new UsageError(`--to "${spec}": ${workload.workload.resource.kind} ${name} declares no port named ${port}`);
      const number = declaredPorts[0]?.port ?? Number(port);
      const names = [...new Set(workload.workload.ports.filter((p) => p.port === number && p.name).map((p) => p.name!))];
      return { destinations: [{ workload, port: { port: number, names } as unknown as PortAccess }], lines: [] };
    }
    const ports = portsNamed(workload, port);
    if (ports.length === 0) throw new UsageError(`--to "${spec}": ${workload.workload.resource.kind} ${name} has no inbound port ${port} (it declares ${declared(workload)})`);
    return { destinations: ports.map((p) => ({ workload, port: p })), lines: [] };
  }
  const workloads = workloadModel(model.tree);
  const service = workloads.service(ns, name);
  if (!service) throw new UsageError(`--to "${spec}": the input holds no workload or Service ${name} in namespace ${ns}`);
  const sp = service.ports.find((p) => (/^\d+$/.test(port) ? p.port === Number(port) : p.name === port));
  if (!sp) {
    const ports = service.ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ') || 'none';
    throw new UsageError(`--to "${spec}": Service ${name} has no port ${port} (it has ${ports})`);
  }
  const destinations: Destination[] = [];
  const lines: string[] = [];
  const backends = workloads.backendsOf(service);
  for (const backend of backends) {
    const w = model.workloads.find((x) => x.workload === backend);
    if (!w) continue;
    for (const n of targetPortsOn(backend, sp)) {
      const p = w.meshed === 'no' ? ({ port: n } as PortAccess) : w.ports.find((x) => x.port === n);
      if (p) destinations.push({ workload: w, port: p });
    }
  }
  if (destinations.length === 0) {
    throw new UsageError(`--to "${spec}": Service ${name} port ${sp.port} reaches no pod port of the input (${backends.length ? `its pods do not declare target port ${sp.targetPort}` : 'its selector matches no pod template'})`);
  }
  lines.push(`to: ${cite(service.resource)} port ${sp.port}${sp.name ? ` (${sp.name})` : ''}, target port ${sp.targetPort}`);
  return { destinations, lines };
}

function describeSource(a: Authorization, port: PortAccess): string {
  const s = a.source;
  switch (s.kind) {
    case 'AuthorizationPolicy': {
      const authn = s.authentications.length ? ` with ${s.authentications.map(cite).join(' and ')}` : '';
      return `${cite(s.resource)}${authn}`;
    }
    case 'ServerAuthorization':
      return cite(s.resource);
    case 'accessPolicy':
      return `the accessPolicy ${s.value} of Server ${s.resource.name}`;
    case 'default': {
      const d = port.default!;
      const from = d.from === 'cluster' ? (d.clusterFrom === 'config' ? 'the configured cluster default' : "the install's default") : `${d.resource ? cite(d.resource) : d.from}`;
      return `the default policy ${s.value} (from ${from})`;
    }
    case 'probe':
      return "Linkerd's authorization of kubelet probes";
  }
}

function routeText(r: RouteAccess | undefined): string {
  if (!r) return 'connections (no HTTP routes on this port)';
  if (r.route) return `${cite(r.route.resource)} (${describeMatches(r.route).join(', ')})`;
  return r.builtin === 'probe' ? `Linkerd's probe route (GET ${r.probePaths!.join(', ')})` : "Linkerd's default route (every request)";
}

function outcomeLines(o: RouteOutcome, port: PortAccess, caller: Caller, model: AccessModel, indent: string): string[] {
  const domain = model.options.domain;
  const admitted = o.outcomes.find((x) => x.admission.admits === 'yes');
  if (admitted) return [`${indent}${describeSource(admitted.authorization, port)} admits ${describeRule(admitted.authorization.rule, domain)}${admitted.authorization.audit ? ' (audit: the proxy logs it)' : ''}`];
  if (o.outcomes.length === 0) {
    const none = port.server ? `nothing authorizes Server ${port.server.resource.name}${o.route?.route ? ` or ${o.route.route.kind} ${o.route.route.name}` : ''}` : `the default policy ${port.default!.value} admits no client`;
    return [`${indent}${none}, so every client is refused`];
  }
  return o.outcomes.map((x) => {
    // A wrong identity needs no more words than the identities admitted.
    const plain = x.admission.admits === 'no' && x.authorization.rule.authentication.kind === 'identities' && caller.identity !== undefined && x.admission.why.startsWith(caller.identity);
    const why = x.admission.admits === 'depends' ? ` (allowed only on ${x.admission.on})` : x.admission.admits === 'no' && !plain ? `: ${x.admission.why}` : '';
    return `${indent}${describeSource(x.authorization, port)} admits only ${describeRule(x.authorization.rule, domain)}${why}`;
  });
}

function decisionLines(d: PortDecision, caller: Caller, model: AccessModel, req: RequestSpec): string[] {
  const w = d.workload;
  const p = d.port;
  const lines = [`to: ${describeWorkload(w)} port ${p.port}${p.names?.length ? ` (${p.names.join(', ')})` : ''}`];
  if (d.shortcut === 'unmeshed') return [...lines, `  ${w.workload.resource.kind} ${w.workload.resource.name} has no proxy: no policy applies, every client reaches it`];
  if (d.shortcut === 'skipped') return [...lines, '  the port is in config.linkerd.io/skip-inbound-ports: it bypasses the proxy, so no policy applies'];
  if (p.server) {
    const s = p.server;
    const deny = s.accessPolicy === 'deny' ? ', so what no authorization admits is refused' : '';
    lines.push(`  ${cite(s.resource)} selects the port: accessPolicy ${s.accessPolicy}${deny}`);
    for (const other of s.shadows) lines.push(`  ${cite(other)} selects it too, but loses to ${s.resource.name}`);
  } else {
    lines.push(`  no Server selects the port: its default policy ${p.default!.value} applies`);
  }
  if (d.shortcut === 'noRoute') {
    const request = [req.method, req.path].filter(Boolean).join(' ');
    lines.push(`  no route matches ${request || 'the request'}, so the proxy refuses it (404); the routes: ${p.routes.map((r) => routeText(r)).join('; ')}`);
    return lines;
  }
  const several = d.routes.length > 1;
  for (const o of d.routes) {
    if (several || o.route?.route || req.path !== undefined) lines.push(`  ${o.verdict}: ${routeText(o.route)}`);
    lines.push(...outcomeLines(o, p, caller, model, several || o.route?.route || req.path !== undefined ? '    ' : '  '));
  }
  if (req.path === undefined && p.routes.some((r) => r.builtin === 'probe')) {
    lines.push(`  (any client may GET the probe paths ${p.routes.find((r) => r.builtin === 'probe')!.probePaths!.join(', ')}: Linkerd authorizes kubelet probes)`);
  }
  return lines;
}

function verdictText(verdict: Verdict, partial: boolean): string {
  if (verdict === 'allowed') return partial ? 'allowed (partly)' : 'allowed';
  if (verdict === 'depends') return 'depends on the client address';
  return 'denied';
}

export function answer(model: AccessModel, opts: { from: string; to: string; fromIp?: string; path?: string; method?: string }): QueryAnswer {
  const req: RequestSpec = { ...(opts.path !== undefined ? { path: opts.path } : {}), ...(opts.method !== undefined ? { method: opts.method.toUpperCase() } : {}) };
  if (opts.path !== undefined && !opts.path.startsWith('/')) throw new UsageError(`--path "${opts.path}": expected a path starting with /`);
  const from = resolveFrom(model, opts.from, opts.fromIp);
  const to = resolveTo(model, opts.to);
  const decisions = to.destinations.map((d) => decidePort(d.workload, d.port, from.caller, req));
  const { verdict, partial } = combine(decisions);
  const request = [req.method, req.path].filter(Boolean).join(' ');
  const head = `${verdictText(verdict, partial)}: ${opts.from} → ${opts.to}${request ? ` ${request}` : ''}`;
  const lines = [head, ...from.lines.map((l) => `  ${l}`), ...to.lines.map((l) => `  ${l}`)];
  for (const d of decisions) lines.push(...decisionLines(d, from.caller, model, req).map((l) => `  ${l}`));
  return { verdict, partial, text: `${lines.join('\n')}\n` };
}


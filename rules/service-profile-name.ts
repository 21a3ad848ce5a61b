import { defineRule, optionDefaults } from '../src/engine/rule.js';
import { REFERENCE_SCOPE_OPTION, type ReferenceScope, scopedTrees } from '../src/linkerd/reference-catalog.js';
import { SYSTEM_NAMESPACES } from '../src/linkerd/injection.js';
import { canJudgeReference, nearMiss } from '../src/linkerd/references.js';
import { workloadModel } from '../src/linkerd/workloads.js';
import { isObject, labelsAt } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import type { ManifestTree } from '../src/model/tree.js';

/**
 * How a profile name reads to the destination controller, which builds the name it looks
 * up as `<service>.<namespace>.svc.<clusterDomain>` from the authority a client dials and
 * serves nothing for any other name (linkerd2 `controller/api/destination/server.go`,
 * `getProfileByName`, `profileID` and `parseK8sServiceName`).
 */
type Reading =
  | { kind: 'fqdn'; service: string; namespace: string }
  | { kind: 'short'; service: string; namespace: string | undefined }
  | { kind: 'pod'; service: string; namespace: string }
  | { kind: 'wrongDomain'; service: string; namespace: string; domain: string }
  | { kind: 'notService' };

function readName(name: string, clusterDomain: string, knownNamespace: (ns: string) => boolean, ownNamespace: string | undefined): Reading {
  const labels = name.split('.');
  const domain = clusterDomain.split('.');
  const tail = (from: number) => labels.slice(from).join('.');
  if (labels.length === 3 + domain.length && labels[2] === 'svc' && tail(3) === clusterDomain) {
    return { kind: 'fqdn', service: labels[0]!, namespace: labels[1]! };
  }
  if (labels.length === 4 + domain.length && labels[3] === 'svc' && tail(4) === clusterDomain) {
    return { kind: 'pod', service: labels[1]!, namespace: labels[2]! };
  }
  if (labels.length === 3 && labels[2] === 'svc') return { kind: 'short', service: labels[0]!, namespace: labels[1]! };
  if (labels.length > 3 && labels[2] === 'svc') return { kind: 'wrongDomain', service: labels[0]!, namespace: labels[1]!, domain: tail(3) };
  if (labels.length === 1) return { kind: 'short', service: name, namespace: ownNamespace };
  // `web.emojivoto` is a Service and its namespace when the second label is a namespace we
  // know of; `example.com` is a host outside the cluster.
  if (labels.length === 2 && knownNamespace(labels[1]!)) return { kind: 'short', service: labels[0]!, namespace: labels[1]! };
  return { kind: 'notService' };
}

const MIRROR_LABELS = ['mirror.linkerd.io/exported', 'mirror.linkerd.io/federated'];

/**
 * True when the service mirror may create Service `name` in `namespace`: `<svc>-<cluster>`
 * for an exported Service and `<svc>-federated` for a federated one (linkerd2
 * `multicluster/service-mirror/cluster_watcher.go`), judged from the exported Services and
 * the Links (`spec.targetClusterName`) the tree holds.
 */
function mirrored(tree: ManifestTree, namespace: string, name: string): boolean {
  const exported = tree.inNamespace('Service', namespace, '').some((s) => {
    const labels = labelsAt(s.value);
    return Boolean(s.name && name.startsWith(`${s.name}-`) && isObject(labels) && MIRROR_LABELS.some((l) => l in labels));
  });
  if (exported) return true;
  return tree.ofKind('Link', 'multicluster.linkerd.io').some((link) => {
    const spec = link.value.spec;
    const cluster = isObject(spec) && typeof spec.targetClusterName === 'string' ? spec.targetClusterName : undefined;
    return cluster !== undefined && name.endsWith(`-${cluster}`);
  });
}

/** An ExternalName Service in the tree that points at `host`, the one a profile for that host should be named after. */
function externalNameFor(tree: ManifestTree, host: string): Resource | undefined {
  return tree.ofKind('Service', '').find((s) => {
    const spec = s.value.spec;
    return isObject(spec) && spec.type === 'ExternalName' && typeof spec.externalName === 'string' && spec.externalName.replace(/\.$/, '') === host;
  });
}

function fqdn(service: string, namespace: string | undefined, clusterDomain: string): string {
  return `${service}.${namespace ?? '<namespace>'}.svc.${clusterDomain}`;
}

interface Options {
  /** Where the closed world is judged: the profile's file, its directory, or the whole input. */
  scope: ReferenceScope;
}

export default defineRule({
  meta: {
    id: 'service-profile-name',
    description: 'Require a ServiceProfile to be named after a Service FQDN and to live where Linkerd looks for it',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'high',
    kinds: ['ServiceProfile'],
    options: {
      type: 'object',
      additionalProperties: false,
      properties: { scope: REFERENCE_SCOPE_OPTION },
    },
    defaultOptions: optionDefaults<Options>({ scope: 'directory' }),
    messages: {
      shortName:
        'metadata.name is "{{name}}", not a full Service FQDN; Linkerd looks profiles up by <service>.<namespace>.svc.{{domain}}: expected "{{expected}}"',
      podName: 'metadata.name is "{{name}}", the DNS name of one pod; profiles belong to Services: expected "{{expected}}"',
      wrongDomain:
        'metadata.name is "{{name}}", which ends in cluster domain "{{used}}", but the cluster domain is "{{domain}}" (the clusterDomain setting): expected "{{expected}}"',
      notService:
        'metadata.name is "{{name}}", which is not a Service FQDN (<service>.<namespace>.svc.{{domain}}); Linkerd serves profiles only for Services, so this one is never used',
      externalName:
        'metadata.name is "{{name}}", the external host of ExternalName Service {{service}}; Linkerd serves profiles only under Service names: expected "{{expected}}"',
      noService: 'metadata.name is "{{name}}", a profile for Service {{service}}, which is not defined in namespace {{namespace}}; {{detail}}',
      systemNamespace:
        'ServiceProfile for {{service}}.{{serviceNamespace}} is in namespace {{namespace}}, where no client of it runs; Linkerd reads a profile from the Service\'s namespace or its client\'s: expected namespace {{serviceNamespace}}',
      noClients:
        'ServiceProfile for {{service}}.{{serviceNamespace}} is in namespace {{namespace}}, which holds no workload to be its client; Linkerd reads a profile from the Service\'s namespace or its client\'s: expected namespace {{serviceNamespace}}',
    },
    docs: {
      why:
        'The destination controller finds a ServiceProfile by one exact name: the FQDN of the Service the client dials, ' +
        '`<service>.<namespace>.svc.<cluster domain>`, looked up in the client\'s namespace and in the Service\'s ' +
        'namespace (the client\'s wins). A profile under any other name — a short name such as `web-svc`, a pod\'s DNS ' +
        'name, another cluster domain, an external host such as `api.example.com` (the controller answers only for ' +
        'Service names, whatever `enable-external-profiles` says) — or in a namespace where no client runs is accepted ' +
        'by the API server and then silently never used: its routes, retries, timeouts and traffic splits do nothing. ' +
        'Names the API server refuses (upper case, a `:port`) are the `schema` rule\'s.\n\n' +
        'A profile in another namespace than its Service is a client-side profile and is legitimate; it is reported ' +
        'only in namespaces where no meshed client can run (`kube-system`, `kube-public`, `kube-node-lease`, ' +
        '`cert-manager`, `linkerd`, `linkerd-cni`; old guides put profiles in `linkerd`) and, with ' +
        '`references: strict`, in namespaces where the input holds no workload. A profile whose Service is missing is ' +
        'reported only when the profile\'s directory (option `scope`: its file, or the whole input) or `--context` ' +
        'holds Services in that namespace, so linting a few files, or one of several unrelated projects that share ' +
        'a namespace name, does not cry wolf; the Service may be defined anywhere in the input. Services the multicluster service mirror creates (`<service>-<cluster>`) count as present.',
      howToFix:
        'Name the profile `<service>.<namespace>.svc.<cluster domain>` after the Service clients call (for an ' +
        'ExternalName Service, its own name, not the external host) and put it in the Service\'s namespace, or in the ' +
        'namespace of the clients it should apply to. Set `clusterDomain` in the config if the cluster does not use ' +
        '`cluster.local`.',
    },
  },
  check(ctx) {
    const tree = ctx.tree;
    let scoped: ((resource: Resource) => ManifestTree) | undefined;
    const domain = ctx.clusterDomain;
    const knownNamespace = (ns: string) => Boolean(tree.namespace(ns)) || tree.resources.some((r) => r.namespace === ns);
    for (const resource of ctx.resources) {
      const name = resource.name;
      if (resource.group !== 'linkerd.io' || typeof name !== 'string') continue;
      // Names the API server refuses are the schema rule's to report.
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) continue;
      const at = ['metadata', 'name'];
      const reading = readName(name, domain, knownNamespace, resource.namespace);
      switch (reading.kind) {
        case 'short':
          ctx.report({ resource, path: at, messageId: 'shortName', data: { name, domain, expected: fqdn(reading.service, reading.namespace, domain) } });
          continue;
        case 'pod':
          ctx.report({ resource, path: at, messageId: 'podName', data: { name, expected: fqdn(reading.service, reading.namespace, domain) } });
          continue;
        case 'wrongDomain':
          ctx.report({
            resource,
            path: at,
            messageId: 'wrongDomain',
            data: { name, used: reading.domain, domain, expected: fqdn(reading.service, reading.namespace, domain) },
          });
          continue;
        case 'notService': {
          const external = externalNameFor(tree, name);
          if (external?.name) {
            ctx.report({
              resource,
              path: at,
              messageId: 'externalName',
              data: { name, service: `${external.namespace ?? '(no namespace)'}/${external.name}`, expected: fqdn(external.name, external.namespace, domain) },
            });
          } else {
            ctx.report({ resource, path: at, messageId: 'notService', data: { name, domain } });
          }
          continue;
        }
        case 'fqdn':
          break;
      }
      const { service, namespace: serviceNamespace } = reading;
      const judging = (scoped ??= scopedTrees(tree, ctx.options.scope))(resource);
      if (
        canJudgeReference(judging, ctx.references, 'Service', '', serviceNamespace) &&
        !tree.find('Service', serviceNamespace, service, '') &&
        !mirrored(tree, serviceNamespace, service)
      ) {
        const near = nearMiss(judging, 'Service', '', serviceNamespace, service);
        const detail = near.names.length
          ? `Services there: ${near.names.join(', ')}${near.didYouMean ? `; did you mean "${fqdn(near.didYouMean, serviceNamespace, domain)}"?` : ''}`
          : 'no Service is defined there';
        ctx.report({ resource, path: at, messageId: 'noService', data: { name, service, namespace: serviceNamespace, detail } });
      }
      const namespace = resource.namespace;
      // A profile without a namespace lands wherever it is applied; one beside its Service is server-side.
      if (namespace === undefined || namespace === serviceNamespace) continue;
      const data = { service, serviceNamespace, namespace };
      if (SYSTEM_NAMESPACES.includes(namespace)) {
        ctx.report({ resource, path: ['metadata', 'namespace'], messageId: 'systemNamespace', data });
      } else if (ctx.references === 'strict' && !workloadModel(tree).hasWorkloads(namespace)) {
        ctx.report({ resource, path: ['metadata', 'namespace'], messageId: 'noClients', data });
      }
    }
  },
});

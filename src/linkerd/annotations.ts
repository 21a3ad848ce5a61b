/**
 * Every annotation and label key under a Linkerd prefix that some Linkerd release
 * (2.10 … 2.20) reads or writes: as what it is read, where it
 * takes effect, the syntax of its value, and the releases it lives in. Sources: linkerd2
 * `pkg/k8s/labels.go` and `pkg/inject/inject.go` at each release tag, the policy
 * controller's `policy-controller/k8s/index/src/outbound/`, `viz/pkg/labels/labels.go`;
 * documented at https://linkerd.io/2-edge/reference/proxy-configuration/.
 */
import type { Release } from './releases.js';

/**
 * Where a key takes effect: `pod` is a pod
 * template's (or a bare Pod's) own metadata, `namespace` a Namespace, `service` a core
 * Service, `httproute`/`grpcroute` a route of either API group, `egress` an
 * EgressNetwork, `external-workload` an ExternalWorkload, `service-profile` a ServiceProfile.
 */
export type Place =
  | 'pod'
  | 'namespace'
  | 'service'
  | 'httproute'
  | 'grpcroute'
  | 'egress'
  | 'external-workload'
  | 'service-profile';

/** A place that holds only in some releases (`until` is the last release that reads it there). */
export interface Placement {
  place: Place;
  since?: Release;
  until?: Release;
}

export interface EnumValue {
  value: string;
  since?: Release;
}

/**
 * Value syntaxes. `bool-go` and `dur-go` are Go's `strconv.ParseBool` and `time.ParseDuration`,
 * as the injector reads them; `bool-rust` and `dur-policy` are the policy controller's own
 * parsers (see `annotation-values.ts`).
 */
export type ValueFormat =
  | { type: 'bool-go' }
  | { type: 'bool-rust' }
  | { type: 'enum'; values: readonly EnumValue[] }
  | { type: 'dur-go' }
  | { type: 'dur-policy' }
  | { type: 'ports'; namesNote?: string }
  | { type: 'ports+names' }
  | { type: 'quantity' }
  | { type: 'cidrs' }
  | { type: 'int'; min: number; max: number }
  | { type: 'float'; min: number; max: number; exclusive?: boolean }
  | { type: 'http-retry' }
  | { type: 'grpc-retry' }
  | { type: 'env-json' }
  | { type: 'text' };

export interface KeyInfo {
  key: string;
  /** Whether Linkerd reads the key from annotations or from labels. */
  as: 'annotation' | 'label';
  /** Where it takes effect; empty for keys Linkerd only writes. */
  places: readonly (Place | Placement)[];
  format: ValueFormat;
  /** A stricter syntax at some places (from `since` on), where another component parses the value. */
  formatAt?: readonly { place: Place; since?: Release; format: ValueFormat }[];
  /** First release that reads it; absent for keys that predate 2.10. */
  since?: Release;
  /** First release that no longer reads it. */
  removedIn?: Release;
  /** Deprecated from `in` on, in favour of `use`. */
  deprecated?: { in: Release; use: string };
  /** Linkerd itself (a controller, the injector, the CLI or its charts) writes it on live objects. */
  written?: boolean;
}

export const LINKERD_PREFIXES: readonly string[] = [
  'linkerd.io/',
  'config.linkerd.io/',
  'config.alpha.linkerd.io/',
  'config.beta.linkerd.io/',
  'retry.linkerd.io/',
  'timeout.linkerd.io/',
  'balancer.linkerd.io/',
  'balancer.alpha.linkerd.io/',
  'mirror.linkerd.io/',
  'multicluster.linkerd.io/',
  'viz.linkerd.io/',
  'smi.linkerd.io/',
];

/** The Linkerd prefix `key` starts with, if any. */
export function linkerdPrefixOf(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash === -1) return undefined;
  const prefix = key.slice(0, slash + 1);
  return LINKERD_PREFIXES.includes(prefix) ? prefix : undefined;
}

const BOOL_GO: ValueFormat = { type: 'bool-go' };
const BOOL_RUST: ValueFormat = { type: 'bool-rust' };
const TEXT: ValueFormat = { type: 'text' };
const DUR_GO: ValueFormat = { type: 'dur-go' };
const DUR_POLICY: ValueFormat = { type: 'dur-policy' };
const PORTS: ValueFormat = { type: 'ports' };
const QUANTITY: ValueFormat = { type: 'quantity' };
const PORT_NUMBER: ValueFormat = { type: 'int', min: 1, max: 65535 };
const INT64: ValueFormat = { type: 'int', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
const U32: ValueFormat = { type: 'int', min: 0, max: 4294967295 };
const ON_OFF: ValueFormat = { type: 'enum', values: [{ value: 'enabled' }, { value: 'disabled' }] };
const PULL_POLICY: ValueFormat = { type: 'enum', values: [{ value: 'Always' }, { value: 'IfNotPresent' }, { value: 'Never' }] };

const SERVICE_PORT_NAMES =
  'the policy controller does not resolve port names here and then treats the Service as having no opaque ports';

/** Injector keys read from the pod and, for keys in its inheritance list, from the namespace. */
const POD_NS: readonly Place[] = ['pod', 'namespace'];
const POD: readonly Place[] = ['pod'];
/** Client-policy keys read from Services, routes and EgressNetworks. */
const OUTBOUND: readonly Place[] = ['service', 'httproute', 'grpcroute', 'egress'];
const BACKEND: readonly Place[] = ['service', 'egress'];

function proxy(key: string, format: ValueFormat, extra: Partial<KeyInfo> = {}): KeyInfo {
  return { key, as: 'annotation', places: POD_NS, format, ...extra };
}

function writtenAnnotation(key: string, extra: Partial<KeyInfo> = {}): KeyInfo {
  return { key, as: 'annotation', places: [], format: TEXT, written: true, ...extra };
}

function writtenLabel(key: string, extra: Partial<KeyInfo> = {}): KeyInfo {
  return { key, as: 'label', places: [], format: TEXT, written: true, ...extra };
}

const ENTRIES: readonly KeyInfo[] = [
  // Injection-time keys, read by the proxy injector (linkerd2 `pkg/inject/inject.go`).
  proxy('linkerd.io/inject', { type: 'enum', values: [{ value: 'enabled' }, { value: 'disabled' }, { value: 'ingress' }] }),
  proxy('config.linkerd.io/proxy-image', TEXT),
  proxy('config.linkerd.io/proxy-version', TEXT),
  proxy('config.linkerd.io/image-pull-policy', PULL_POLICY),
  proxy('config.linkerd.io/init-image', TEXT, { removedIn: '2.20' }),
  proxy('config.linkerd.io/init-image-version', TEXT, { removedIn: '2.20' }),
  proxy('config.linkerd.io/debug-image', TEXT, { places: POD }),
  proxy('config.linkerd.io/debug-image-version', TEXT, { places: POD }),
  proxy('config.linkerd.io/debug-image-pull-policy', PULL_POLICY, { places: POD }),
  proxy('config.linkerd.io/enable-debug-sidecar', BOOL_GO),
  proxy('config.linkerd.io/control-port', PORT_NUMBER),
  proxy('config.linkerd.io/inbound-port', PORT_NUMBER),
  proxy('config.linkerd.io/admin-port', PORT_NUMBER),
  proxy('config.linkerd.io/outbound-port', PORT_NUMBER),
  proxy('config.linkerd.io/skip-inbound-ports', PORTS),
  proxy('config.linkerd.io/skip-outbound-ports', PORTS),
  proxy('config.linkerd.io/skip-subnets', { type: 'cidrs' }, { since: '2.11' }),
  proxy('config.linkerd.io/opaque-ports', { type: 'ports+names' }, {
    places: ['pod', 'namespace', 'service', 'egress', 'external-workload'],
    // The policy controller (outbound index since 2.13) reads Services and EgressNetworks without resolving names.
    formatAt: [
      { place: 'service', since: '2.13', format: { type: 'ports', namesNote: SERVICE_PORT_NAMES } },
      { place: 'egress', format: { type: 'ports', namesNote: SERVICE_PORT_NAMES } },
    ],
  }),
  proxy('config.linkerd.io/pod-inbound-ports', PORTS, { since: '2.11' }),
  proxy('config.linkerd.io/proxy-cpu-request', QUANTITY),
  proxy('config.linkerd.io/proxy-cpu-limit', QUANTITY),
  proxy('config.linkerd.io/proxy-cpu-ratio-limit', { type: 'float', min: 0, max: 1, exclusive: true }, { places: POD, since: '2.18' }),
  proxy('config.linkerd.io/proxy-memory-request', QUANTITY),
  proxy('config.linkerd.io/proxy-memory-limit', QUANTITY),
  proxy('config.linkerd.io/proxy-ephemeral-storage-request', QUANTITY, { since: '2.12' }),
  proxy('config.linkerd.io/proxy-ephemeral-storage-limit', QUANTITY, { since: '2.12' }),
  proxy('config.linkerd.io/proxy-uid', INT64),
  proxy('config.linkerd.io/proxy-gid', INT64, { since: '2.16' }),
  proxy('config.linkerd.io/proxy-log-level', TEXT),
  proxy('config.linkerd.io/proxy-log-format', { type: 'enum', values: [{ value: 'plain' }, { value: 'json' }] }),
  proxy('config.linkerd.io/proxy-log-http-headers', { type: 'enum', values: [{ value: 'off' }, { value: 'insecure' }] }, { since: '2.16' }),
  proxy('config.linkerd.io/access-log', { type: 'enum', values: [{ value: 'apache' }, { value: 'json' }] }, { since: '2.12' }),
  proxy('config.linkerd.io/enable-external-profiles', BOOL_GO),
  proxy('config.linkerd.io/proxy-require-identity-inbound-ports', PORTS),
  proxy('config.linkerd.io/proxy-outbound-connect-timeout', DUR_GO),
  proxy('config.linkerd.io/proxy-inbound-connect-timeout', DUR_GO),
  // First shipped in 2.13.4 and 2.14.4: accepted from the minor release (linkerd2 `pkg/k8s/labels.go` at stable-2.13.4, stable-2.14.4).
  proxy('config.linkerd.io/proxy-outbound-discovery-cache-unused-timeout', DUR_GO, { since: '2.13' }),
  proxy('config.linkerd.io/proxy-inbound-discovery-cache-unused-timeout', DUR_GO, { since: '2.13' }),
  proxy('config.linkerd.io/proxy-disable-outbound-protocol-detect-timeout', BOOL_GO, { since: '2.14' }),
  proxy('config.linkerd.io/proxy-disable-inbound-protocol-detect-timeout', BOOL_GO, { since: '2.14' }),
  proxy('config.linkerd.io/proxy-await', ON_OFF, { since: '2.11' }),
  proxy(
    'config.linkerd.io/default-inbound-policy',
    {
      type: 'enum',
      values: [
        { value: 'all-unauthenticated' },
        { value: 'all-authenticated' },
        { value: 'cluster-unauthenticated' },
        { value: 'cluster-authenticated' },
        { value: 'deny' },
        { value: 'audit', since: '2.16' },
      ],
    },
    { since: '2.11' },
  ),
  proxy('config.linkerd.io/shutdown-grace-period', DUR_GO, { since: '2.12' }),
  proxy('config.linkerd.io/close-wait-timeout', DUR_GO, { places: POD }),
  proxy('config.linkerd.io/enable-gateway', BOOL_GO, { places: POD }),
  proxy('config.linkerd.io/proxy-admin-shutdown', ON_OFF, { since: '2.16' }),
  proxy('config.linkerd.io/proxy-metrics-hostname-labels', BOOL_GO, { since: '2.18' }),
  proxy('config.alpha.linkerd.io/proxy-wait-before-exit-seconds', { type: 'int', min: 0, max: Number.MAX_SAFE_INTEGER }),
  proxy('config.alpha.linkerd.io/proxy-enable-native-sidecar', BOOL_GO, {
    since: '2.15',
    deprecated: { in: '2.20', use: 'config.linkerd.io/proxy-enable-native-sidecar' },
  }),
  proxy('config.beta.linkerd.io/proxy-enable-native-sidecar', BOOL_GO, {
    since: '2.19',
    places: ['pod', { place: 'namespace', until: '2.19' }],
    deprecated: { in: '2.20', use: 'config.linkerd.io/proxy-enable-native-sidecar' },
  }),
  proxy('config.linkerd.io/proxy-enable-native-sidecar', BOOL_GO, { since: '2.20' }),
  proxy('config.linkerd.io/proxy-additional-env', { type: 'env-json' }, { since: '2.20' }),
  proxy('config.linkerd.io/disable-identity', BOOL_GO, { removedIn: '2.12' }),
  { key: 'config.linkerd.io/admission-webhooks', as: 'label', places: ['namespace'], format: TEXT },
  // The jaeger extension's injector (linkerd2 `jaeger/injector/mutator/webhook.go` up to 2.18), gone with the extension in 2.19 (linkerd/linkerd2#14558).
  proxy('config.linkerd.io/trace-collector', TEXT, { removedIn: '2.19' }),
  proxy('config.alpha.linkerd.io/trace-collector-service-account', TEXT, { removedIn: '2.19' }),
  proxy('config.linkerd.io/trace-collector-protocol', TEXT, { since: '2.17', removedIn: '2.19' }),
  proxy('config.linkerd.io/trace-collector-name', TEXT, { since: '2.17', removedIn: '2.19' }),
  proxy('viz.linkerd.io/disable-tap', BOOL_GO),
  // Any value stops the SMI adaptor from managing the profile (linkerd-smi `pkg/adaptor/controller.go`).
  { key: 'smi.linkerd.io/skip', as: 'annotation', places: ['service-profile'], format: TEXT },

  // Client-policy keys, read live by the policy controller (linkerd2 `policy-controller/k8s/index/src/outbound/index.rs`, `outbound/index/{http,grpc}.rs`).
  { key: 'retry.linkerd.io/http', as: 'annotation', places: ['service', 'httproute', 'egress'], format: { type: 'http-retry' }, since: '2.16' },
  { key: 'retry.linkerd.io/grpc', as: 'annotation', places: ['service', 'grpcroute', 'egress'], format: { type: 'grpc-retry' }, since: '2.16' },
  { key: 'retry.linkerd.io/limit', as: 'annotation', places: OUTBOUND, format: { type: 'int', min: 0, max: 65535 }, since: '2.16' },
  { key: 'retry.linkerd.io/timeout', as: 'annotation', places: OUTBOUND, format: DUR_POLICY, since: '2.16' },
  { key: 'timeout.linkerd.io/request', as: 'annotation', places: OUTBOUND, format: DUR_POLICY, since: '2.16' },
  { key: 'timeout.linkerd.io/response', as: 'annotation', places: OUTBOUND, format: DUR_POLICY, since: '2.16' },
  { key: 'timeout.linkerd.io/idle', as: 'annotation', places: OUTBOUND, format: DUR_POLICY, since: '2.16' },
  {
    key: 'balancer.linkerd.io/failure-accrual',
    as: 'annotation',
    places: BACKEND,
    format: { type: 'enum', values: [{ value: 'consecutive' }, { value: 'unified', since: '2.20' }] },
    since: '2.13',
  },
  { key: 'balancer.linkerd.io/failure-accrual-consecutive-max-failures', as: 'annotation', places: BACKEND, format: U32, since: '2.13' },
  { key: 'balancer.linkerd.io/failure-accrual-consecutive-min-penalty', as: 'annotation', places: BACKEND, format: DUR_POLICY, since: '2.13' },
  { key: 'balancer.linkerd.io/failure-accrual-consecutive-max-penalty', as: 'annotation', places: BACKEND, format: DUR_POLICY, since: '2.13' },
  {
    key: 'balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio',
    as: 'annotation',
    places: BACKEND,
    format: { type: 'float', min: 0, max: 100 },
    since: '2.13',
  },
  {
    key: 'balancer.alpha.linkerd.io/failure-accrual-success-rate-threshold',
    as: 'annotation',
    places: BACKEND,
    format: { type: 'float', min: 0, max: 1 },
    since: '2.20',
  },
  { key: 'balancer.alpha.linkerd.io/failure-accrual-success-rate-window', as: 'annotation', places: BACKEND, format: DUR_POLICY, since: '2.20' },
  {
    key: 'balancer.alpha.linkerd.io/failure-accrual-success-rate-min-requests',
    as: 'annotation',
    places: BACKEND,
    format: { type: 'int', min: 0, max: 1_000_000 },
    since: '2.20',
  },
  { key: 'balancer.alpha.linkerd.io/failure-accrual-honor-retry-after', as: 'annotation', places: BACKEND, format: BOOL_RUST, since: '2.20' },
  { key: 'balancer.alpha.linkerd.io/penalize-failures', as: 'annotation', places: ['service'], format: BOOL_RUST, since: '2.20' },
  { key: 'balancer.alpha.linkerd.io/load-biaser-penalty', as: 'annotation', places: ['service'], format: DUR_POLICY, since: '2.20' },
  { key: 'balancer.alpha.linkerd.io/load-biaser-max-retry-after', as: 'annotation', places: ['service'], format: DUR_POLICY, since: '2.20' },

  // Multicluster: selector labels users set, and what the chart and the service mirror write (linkerd2 `multicluster/cmd/link-gen.go`, `pkg/k8s/labels.go`).
  { key: 'mirror.linkerd.io/exported', as: 'label', places: ['service'], format: TEXT },
  { key: 'mirror.linkerd.io/federated', as: 'label', places: ['service'], format: TEXT, since: '2.17' },
  writtenAnnotation('mirror.linkerd.io/gateway-identity'),
  writtenAnnotation('mirror.linkerd.io/probe-period'),
  writtenAnnotation('mirror.linkerd.io/probe-path'),
  writtenAnnotation('mirror.linkerd.io/probe-failure-threshold', { since: '2.17' }),
  writtenAnnotation('mirror.linkerd.io/probe-timeout', { since: '2.17' }),
  writtenLabel('mirror.linkerd.io/multicluster-gateway'),
  writtenLabel('mirror.linkerd.io/mirrored-service'),
  writtenLabel('mirror.linkerd.io/cluster-name'),
  writtenLabel('mirror.linkerd.io/mirrored-gateway'),
  writtenLabel('mirror.linkerd.io/headless-mirror-svc-name', { since: '2.11' }),
  writtenAnnotation('mirror.linkerd.io/remote-svc-fq-name'),
  writtenAnnotation('mirror.linkerd.io/remote-resource-version'),
  writtenAnnotation('mirror.linkerd.io/remote-gateway-identity'),
  writtenAnnotation('mirror.linkerd.io/remote-gateway-resource-version', { removedIn: '2.11' }),
  writtenAnnotation('mirror.linkerd.io/remote-kubeconfig'),
  writtenLabel('multicluster.linkerd.io/remote-discovery', { since: '2.14' }),
  writtenAnnotation('multicluster.linkerd.io/remote-service', { since: '2.14' }),
  writtenAnnotation('multicluster.linkerd.io/local-discovery', { since: '2.17' }),
  writtenLabel('multicluster.linkerd.io/cluster-name'),
  writtenAnnotation('multicluster.linkerd.io/trust-domain'),
  writtenAnnotation('multicluster.linkerd.io/cluster-domain'),

  // Keys Linkerd writes on the objects it creates or injects (linkerd2 `pkg/k8s/labels.go`, `viz/pkg/labels/labels.go`).
  writtenLabel('linkerd.io/control-plane-ns'),
  writtenLabel('linkerd.io/control-plane-component'),
  writtenLabel('linkerd.io/proxy-deployment'),
  writtenLabel('linkerd.io/proxy-replicaset'),
  writtenLabel('linkerd.io/proxy-statefulset'),
  writtenLabel('linkerd.io/proxy-daemonset'),
  writtenLabel('linkerd.io/proxy-job'),
  writtenLabel('linkerd.io/proxy-cronjob'),
  writtenLabel('linkerd.io/proxy-replicationcontroller'),
  writtenLabel('linkerd.io/workload-ns'),
  writtenLabel('linkerd.io/extension'),
  writtenLabel('linkerd.io/is-control-plane'),
  writtenLabel('linkerd.io/cni-resource'),
  writtenAnnotation('linkerd.io/created-by'),
  writtenAnnotation('linkerd.io/proxy-version'),
  writtenAnnotation('linkerd.io/trust-root-sha256', { since: '2.12' }),
  writtenAnnotation('linkerd.io/identity-mode', { removedIn: '2.12' }),
  writtenAnnotation('linkerd.io/identity-issuer-expiry'),
  writtenAnnotation('linkerd.io/helm-release-version'),
  writtenAnnotation('viz.linkerd.io/tap-enabled'),
  writtenAnnotation('viz.linkerd.io/external-prometheus'),
];

export const KEYS: ReadonlyMap<string, KeyInfo> = new Map(ENTRIES.map((e) => [e.key, e]));

export function keyInfo(key: string): KeyInfo | undefined {
  return KEYS.get(key);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function nameOf(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}

/**
 * Known keys an unknown `key` is probably a misspelling of: those within a small edit
 * distance (2, or 3 for long keys), and those with the same name under another Linkerd
 * prefix (`linkerd.io/proxy-cpu-limit` for `config.linkerd.io/proxy-cpu-limit`). Closest first.
 */
export function similarKeys(key: string): string[] {
  const limit = key.length >= 30 ? 3 : 2;
  const name = nameOf(key);
  const scored: [string, number][] = [];
  for (const known of KEYS.keys()) {
    // Keys whose lengths differ by more than the limit cannot be within it.
    const d = Math.abs(key.length - known.length) > limit ? limit + 1 : editDistance(key, known);
    if (d <= limit) scored.push([known, d]);
    else if (nameOf(known) === name) scored.push([known, limit + 1]);
  }
  return scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([k]) => k);
}

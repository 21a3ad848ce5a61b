// The source of the resource schemas in schemas/linkerd/<group>/<version>/<kind>.json, composed
// from shared fragments. Written from the CRDs (linkerd2 `charts/linkerd-crds/templates/`,
// gateway-api `config/crd/`) and what Linkerd's admission parses (linkerd2
// `policy-controller/k8s/api/src/`, `policy-controller/runtime/src/admission.rs`); where the
// CRD leaves a field open but admission refuses values (Server proxyProtocol, accessPolicy,
// ports, durations), the schema says what admission accepts. `npm run schemas` writes the files;
// a test fails when they are stale.

type Schema = Record<string, unknown>;

export const SCHEMAS_BASE = 'https://github.com/linkerd-lint/linkerd-lint/schemas/linkerd';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const GROUP = `^$|${DNS_SUBDOMAIN}`;
const KIND = '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$';
const HOSTNAME = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const HEADER_NAME = "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$";
const QUANTITY = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
/** Go `time.ParseDuration` syntax (ServiceProfile timeouts, Kubernetes `format: duration`). */
const GO_DURATION = '^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$';
/** Gateway API duration (GEP-2257). */
const GW_DURATION = '^([0-9]{1,5}(h|m|s|ms)){1,4}$';

/** Fragments shared by several schemas, each written once to schemas/linkerd/definitions/<name>.json. */
export const definitions: Record<string, Schema> = {};

/** Registers a shared fragment and returns a reference to it (relative to a resource schema's file). */
function def(name: string, schema: Schema): Schema {
  if (definitions[name] && JSON.stringify(definitions[name]) !== JSON.stringify(schema)) throw new Error(`definition ${name} defined twice`);
  definitions[name] = schema;
  return { $ref: `../../definitions/${name}.json` };
}

/** What each pattern means, in the words messages use. */
const PATTERN_WORDS: Record<string, string> = {
  [DNS_LABEL]: 'a DNS label (lowercase letters, digits and "-")',
  [DNS_SUBDOMAIN]: 'a DNS subdomain (lowercase letters, digits, "-" and ".")',
  [GROUP]: 'an API group such as policy.linkerd.io, or "" for the core group',
  [KIND]: 'a kind such as Server',
  [HOSTNAME]: 'a hostname, optionally starting with "*."',
  [HEADER_NAME]: 'an HTTP header name',
  [QUANTITY]: 'a Kubernetes quantity such as 500m',
  [GO_DURATION]: 'a Go duration such as 300ms or 1m30s',
  [GW_DURATION]: 'a Gateway API duration such as 10s, 500ms or 1h30m (whole numbers only)',
};

const str = (extra: Schema = {}): Schema => {
  const pattern = extra.pattern as string | undefined;
  const words = pattern !== undefined ? PATTERN_WORDS[pattern] : undefined;
  return { type: 'string', ...extra, ...(words && extra.description === undefined ? { description: words } : {}) };
};
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const bool: Schema = { type: 'boolean' };
const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
/**
 * A list the CRD marks `x-kubernetes-list-type: set`: the API server refuses a value that
 * appears twice ("Duplicate value"). The build compiles the marker into a check
 * (scripts/build-schemas.mjs).
 */
const listSet = (items: Schema, extra: Schema = {}): Schema => ({ ...arr(items, extra), 'x-kubernetes-list-type': 'set' });
/** A list the CRD marks `x-kubernetes-list-type: map`: no two items may have the same `keys`. */
const listMap = (items: Schema, keys: string[], extra: Schema = {}): Schema => ({
  ...arr(items, extra),
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
});
const strEnum = (values: readonly (string | number)[]): Schema => ({
  type: typeof values[0] === 'number' ? 'integer' : 'string',
  enum: [...values],
});

/** A closed object: keys the CRD does not declare are refused (API server strict field validation). */
function obj(properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    ...(required.length ? { required } : {}),
    properties,
    ...extra,
  };
}

const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const port = int({ minimum: 1, maximum: 65535 });
const portOrName: Schema = {
  description: 'a port number (1-65535) or a port name',
  anyOf: [port, str({ minLength: 1 })],
};
const quantity: Schema = {
  description: 'a number or a Kubernetes quantity such as 500m',
  anyOf: [int(), str({ pattern: QUANTITY })],
};

const labelSelector = (exactlyOne = false): Schema =>
  def(exactlyOne ? 'labelSelectorExactlyOne' : 'labelSelector', obj(
    {
      matchLabels: stringMap,
      matchExpressions: arr(
        obj(
          { key: str(), operator: strEnum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: arr(str()) },
          ['key', 'operator'],
        ),
      ),
    },
    [],
    exactlyOne ? { oneOf: [{ required: ['matchExpressions'] }, { required: ['matchLabels'] }] } : {},
  ));

const metadata: Schema = def('metadata', {
  type: 'object',
  description: 'object metadata with a name',
  required: ['name'],
  properties: {
    name: str({ pattern: DNS_SUBDOMAIN, maxLength: 253 }),
    namespace: str({ pattern: DNS_LABEL, maxLength: 63 }),
    labels: { type: 'object' },
    annotations: { type: 'object' },
  },
});

function resource(group: string, version: string, kind: string, spec: Schema, specRequired: boolean): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMAS_BASE}/${group}/${version}/${kind.toLowerCase()}.json`,
    title: `${kind} ${group}/${version}`,
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', ...(specRequired ? ['spec'] : [])],
    properties: {
      apiVersion: { const: `${group}/${version}` },
      kind: { const: kind },
      metadata,
      spec,
      // Written by controllers; read back from live objects, never validated here.
      status: { type: 'object' },
    },
  };
}

// ---- networks (ServerAuthorization, NetworkAuthentication, EgressNetwork) ----

const network = def('network', obj({ cidr: str(), except: arr(str()) }, ['cidr']));

// ---- references ----

const ref = (opts: { namespace?: 'label' | 'free'; nameRequired?: boolean } = {}): Schema =>
  obj(
    {
      group: str({ pattern: GROUP, maxLength: 253 }),
      kind: str({ pattern: KIND, minLength: 1, maxLength: 63 }),
      name: str({ minLength: 1, maxLength: 253 }),
      ...(opts.namespace === 'label'
        ? { namespace: str({ pattern: DNS_LABEL, minLength: 1, maxLength: 63 }) }
        : opts.namespace === 'free'
          ? { namespace: str({ maxLength: 253 }) }
          : {}),
    },
    opts.nameRequired === false ? ['kind'] : ['kind', 'name'],
  );

const parentRef = (portSchema: Schema): Schema =>
  def(portSchema === port ? 'parentRef' : 'parentRefAnyPort', obj(
    {
      group: str({ pattern: GROUP, maxLength: 253 }),
      kind: str({ pattern: KIND, minLength: 1, maxLength: 63 }),
      name: str({ minLength: 1, maxLength: 253 }),
      namespace: str({ pattern: DNS_LABEL, minLength: 1, maxLength: 63 }),
      port: portSchema,
      sectionName: str({ pattern: DNS_SUBDOMAIN, minLength: 1, maxLength: 253 }),
    },
    ['name'],
  ));

const backendRefProperties = (withWeight: boolean): Record<string, Schema> => ({
  group: str({ pattern: GROUP, maxLength: 253 }),
  kind: str({ pattern: KIND, minLength: 1, maxLength: 63 }),
  name: str({ minLength: 1, maxLength: 253 }),
  namespace: str({ pattern: DNS_LABEL, minLength: 1, maxLength: 63 }),
  port,
  ...(withWeight ? { weight: int({ minimum: 0, maximum: 1000000 }) } : {}),
});

const backendObjectRef = (withWeight: boolean): Schema =>
  def(withWeight ? 'backendRef' : 'mirrorBackendRef', obj(
    {
      group: str({ pattern: GROUP, maxLength: 253 }),
      kind: str({ pattern: KIND, minLength: 1, maxLength: 63 }),
      name: str({ minLength: 1, maxLength: 253 }),
      namespace: str({ pattern: DNS_LABEL, minLength: 1, maxLength: 63 }),
      port,
      ...(withWeight ? { weight: int({ minimum: 0, maximum: 1000000 }) } : {}),
    },
    ['name'],
  ));

// ---- HTTP route pieces shared by both HTTPRoute groups and GRPCRoute ----

const header = def('header', obj({ name: str({ pattern: HEADER_NAME, minLength: 1, maxLength: 256 }), value: str({ minLength: 1, maxLength: 4096 }) }, [
  'name',
  'value',
]));
// Gateway API marks `remove` a set; Linkerd's policy.linkerd.io/HTTPRoute CRD leaves it a plain list.
// The Gateway API releases after the bundled v1.1.1 (config/crd/ of v1.2.1 to v1.6.1) mark the
// header modifier and match lists the same way, so duplicates there fail on any install.
const headerModifier = def('headerModifier', obj({
  add: listMap(header, ['name'], { maxItems: 16 }),
  remove: listSet(str(), { maxItems: 16 }),
  set: listMap(header, ['name'], { maxItems: 16 }),
}));
const policyHeaderModifier = def('policyHeaderModifier', obj({
  add: listMap(header, ['name'], { maxItems: 16 }),
  remove: arr(str(), { maxItems: 16 }),
  set: listMap(header, ['name'], { maxItems: 16 }),
}));
const pathModifier = obj(
  {
    replaceFullPath: str({ maxLength: 1024 }),
    replacePrefixMatch: str({ maxLength: 1024 }),
    type: strEnum(['ReplaceFullPath', 'ReplacePrefixMatch']),
  },
  ['type'],
);
const requestRedirect = def('requestRedirect', obj({
  hostname: str({ pattern: DNS_SUBDOMAIN, minLength: 1, maxLength: 253 }),
  path: pathModifier,
  port,
  scheme: strEnum(['http', 'https']),
  statusCode: strEnum([301, 302]),
}));
const urlRewrite = obj({ hostname: str({ pattern: DNS_SUBDOMAIN, minLength: 1, maxLength: 253 }), path: pathModifier });
const extensionRef = obj(
  {
    group: str({ pattern: GROUP, maxLength: 253 }),
    kind: str({ pattern: KIND, minLength: 1, maxLength: 63 }),
    name: str({ minLength: 1, maxLength: 253 }),
  },
  ['group', 'kind', 'name'],
);
const requestMirror = obj({ backendRef: backendObjectRef(false) }, ['backendRef']);

const httpMatch = (queryNamePattern: boolean): Schema =>
  def(queryNamePattern ? 'gatewayHttpMatch' : 'policyHttpMatch', obj({
    headers: listMap(
      obj(
        { name: str({ pattern: HEADER_NAME, minLength: 1, maxLength: 256 }), type: strEnum(['Exact', 'RegularExpression']), value: str({ minLength: 1, maxLength: 4096 }) },
        ['name', 'value'],
      ),
      ['name'],
      { maxItems: 16 },
    ),
    method: strEnum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']),
    path: obj({ type: strEnum(['Exact', 'PathPrefix', 'RegularExpression']), value: str({ maxLength: 1024 }) }),
    queryParams: listMap(
      obj(
        {
          name: str({ ...(queryNamePattern ? { pattern: HEADER_NAME } : {}), minLength: 1, maxLength: 256 }),
          type: strEnum(['Exact', 'RegularExpression']),
          value: str({ minLength: 1, maxLength: 1024 }),
        },
        ['name', 'value'],
      ),
      ['name'],
      { maxItems: 16 },
    ),
  }));

// ---- ServiceProfile ----

// Recursive: `#` is the definition's own file.
const requestMatchRef = { $ref: '#' };
const responseMatchRef = { $ref: '#' };
const requestMatch = def('requestMatch', obj({ pathRegex: str(), method: str(), all: arr(requestMatchRef), any: arr(requestMatchRef), not: requestMatchRef }));
const responseMatch = def(
  'responseMatch',
  obj({
    status: obj({ min: int({ minimum: 100, maximum: 599 }), max: int({ minimum: 100, maximum: 599 }) }),
    all: arr(responseMatchRef),
    any: arr(responseMatchRef),
    not: responseMatchRef,
  }),
);

function serviceProfile(version: string): Schema {
  const schema = resource(
    'linkerd.io',
    version,
    'ServiceProfile',
    obj(
      {
        routes: arr(
          obj(
            {
              name: str({ minLength: 1 }),
              // The CRD types request-level `not` as a list (linkerd2 `charts/linkerd-crds/templates/serviceprofile.yaml`); nested conditions follow the Go type (`controller/gen/apis/serviceprofile/v1alpha2/types.go`).
              condition: obj({
                pathRegex: str(),
                method: str(),
                all: arr(requestMatch),
                any: arr(requestMatch),
                not: arr(requestMatch),
              }),
              responseClasses: arr(obj({ condition: responseMatch, isFailure: bool }, ['condition'])),
              isRetryable: bool,
              timeout: str({ pattern: GO_DURATION }),
            },
            ['name', 'condition'],
          ),
        ),
        retryBudget: obj(
          {
            retryRatio: { type: 'number', minimum: 0 },
            minRetriesPerSecond: int({ minimum: 0, maximum: 4294967295 }),
            ttl: str({ pattern: GO_DURATION }),
          },
          ['minRetriesPerSecond', 'retryRatio', 'ttl'],
        ),
        // The CRD puts `required` on the list rather than its items, where it has no effect.
        dstOverrides: arr(obj({ authority: str(), weight: quantity })),
        opaquePorts: arr(str()),
      },
      version === 'v1alpha1' ? ['routes'] : [],
    ),
    false,
  );
  return schema;
}

// ---- policy.linkerd.io ----

const PROXY_PROTOCOLS = ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS'];
const ACCESS_POLICIES = ['all-unauthenticated', 'all-authenticated', 'cluster-unauthenticated', 'cluster-authenticated', 'deny', 'audit'];

function server(version: 'v1alpha1' | 'v1beta1' | 'v1beta2' | 'v1beta3'): Schema {
  const props: Record<string, Schema> = {
    podSelector: labelSelector(version === 'v1alpha1'),
    port: portOrName,
    proxyProtocol: strEnum(PROXY_PROTOCOLS),
  };
  if (version === 'v1beta2' || version === 'v1beta3') props.externalWorkloadSelector = labelSelector();
  if (version === 'v1beta3') props.accessPolicy = strEnum(ACCESS_POLICIES);
  const spec =
    version === 'v1alpha1' || version === 'v1beta1'
      ? obj(props, ['podSelector', 'port'])
      : obj(props, ['port'], { oneOf: [{ required: ['podSelector'] }, { required: ['externalWorkloadSelector'] }] });
  return resource('policy.linkerd.io', version, 'Server', spec, true);
}

function serverAuthorization(version: string): Schema {
  const name = str({ pattern: DNS_LABEL });
  return resource(
    'policy.linkerd.io',
    version,
    'ServerAuthorization',
    obj(
      {
        server: obj({ name, selector: labelSelector() }, [], { oneOf: [{ required: ['name'] }, { required: ['selector'] }] }),
        client: obj({
          networks: arr(network),
          unauthenticated: bool,
          meshTLS: obj({
            unauthenticatedTLS: bool,
            identities: arr(str({ pattern: '^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' })),
            serviceAccounts: arr(obj({ name, namespace: name }, ['name'])),
          }),
        }),
      },
      ['server', 'client'],
    ),
    true,
  );
}

const authorizationPolicy = resource(
  'policy.linkerd.io',
  'v1alpha1',
  'AuthorizationPolicy',
  obj({ targetRef: ref(), requiredAuthenticationRefs: arr(ref({ namespace: 'free' })) }, ['targetRef', 'requiredAuthenticationRefs']),
  true,
);

const meshTLSAuthentication = resource(
  'policy.linkerd.io',
  'v1alpha1',
  'MeshTLSAuthentication',
  obj(
    { identities: arr(str(), { minItems: 1 }), identityRefs: arr(ref({ namespace: 'free', nameRequired: false }), { minItems: 1 }) },
    [],
    { oneOf: [{ required: ['identities'] }, { required: ['identityRefs'] }] },
  ),
  true,
);

const networkAuthentication = resource('policy.linkerd.io', 'v1alpha1', 'NetworkAuthentication', obj({ networks: arr(network) }, ['networks']), true);

const egressNetwork = resource(
  'policy.linkerd.io',
  'v1alpha1',
  'EgressNetwork',
  obj({ trafficPolicy: strEnum(['Allow', 'Deny']), networks: arr(network) }, ['trafficPolicy']),
  true,
);

const rps = obj({ requestsPerSecond: int() }, ['requestsPerSecond']);
const httpLocalRateLimitPolicy = resource(
  'policy.linkerd.io',
  'v1alpha1',
  'HTTPLocalRateLimitPolicy',
  obj(
    {
      targetRef: ref(),
      total: rps,
      identity: rps,
      overrides: arr(
        obj(
          {
            requestsPerSecond: int(),
            clientRefs: arr(
              obj(
                {
                  group: str({ pattern: GROUP, maxLength: 253 }),
                  kind: str({ pattern: KIND, minLength: 1, maxLength: 63 }),
                  namespace: str({ pattern: DNS_LABEL, minLength: 1, maxLength: 63 }),
                  name: str({ minLength: 1, maxLength: 253 }),
                },
                ['kind', 'name'],
              ),
            ),
          },
          ['requestsPerSecond', 'clientRefs'],
        ),
      ),
    },
    ['targetRef'],
  ),
  true,
);

function policyHttpRoute(version: 'v1alpha1' | 'v1beta1' | 'v1beta2' | 'v1beta3'): Schema {
  const full = version === 'v1beta2' || version === 'v1beta3';
  const backendFilter = def('policyBackendFilter', obj(
    {
      type: strEnum(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect']),
      requestHeaderModifier: policyHeaderModifier,
      responseHeaderModifier: policyHeaderModifier,
      requestRedirect,
    },
    ['type'],
  ));
  const backendRef = full
    ? obj(
        {
          group: str({ pattern: GROUP, maxLength: 253 }),
          kind: str({ pattern: KIND, minLength: 1, maxLength: 63 }),
          name: str({ minLength: 1, maxLength: 253 }),
          namespace: str({ pattern: DNS_LABEL, minLength: 1, maxLength: 63 }),
          port,
          weight: int({ minimum: 0, maximum: 1000000 }),
          filters: arr(backendFilter, { maxItems: 16 }),
        },
        ['name'],
      )
    : // The reduced form 2.13 gave the older versions: no group, kind or weight; namespace defaults to "default".
      obj({ name: str(), port: int(), namespace: str(), filters: arr(backendFilter, { maxItems: 16 }) });
  const rule: Record<string, Schema> = {
    matches: arr(httpMatch(false), { maxItems: 8 }),
    filters: arr(
      obj({ type: strEnum(['RequestHeaderModifier', 'RequestRedirect']), requestHeaderModifier: policyHeaderModifier, requestRedirect }, ['type']),
      { maxItems: 16 },
    ),
    backendRefs: arr(backendRef, full ? { maxItems: 16 } : {}),
  };
  if (version === 'v1beta3') {
    const duration = str({ pattern: GO_DURATION });
    rule.timeouts = obj({ request: duration, backendRequest: duration });
  }
  const shape = version === 'v1beta3' ? 'V1beta3' : full ? 'V1beta2' : 'Reduced';
  return resource(
    'policy.linkerd.io',
    version,
    'HTTPRoute',
    def(
      `policyHttpRouteSpec${shape}`,
      obj({
        parentRefs: arr(parentRef(full ? port : int()), { maxItems: 32 }),
        hostnames: arr(str({ pattern: HOSTNAME, minLength: 1, maxLength: 253 }), { maxItems: 16 }),
        rules: arr(obj(rule), { maxItems: 16 }),
      }),
    ),
    true,
  );
}

// ---- gateway.networking.k8s.io (the v1.1.1 experimental shapes Linkerd bundles) ----

const sessionPersistence = def('sessionPersistence', obj({
  absoluteTimeout: str({ pattern: GW_DURATION }),
  cookieConfig: obj({ lifetimeType: strEnum(['Permanent', 'Session']) }),
  idleTimeout: str({ pattern: GW_DURATION }),
  sessionName: str({ maxLength: 128 }),
  type: strEnum(['Cookie', 'Header']),
}));
const gatewayParentRefs = arr(parentRef(port), { maxItems: 32 });
const hostnames = arr(str({ pattern: HOSTNAME, minLength: 1, maxLength: 253 }), { maxItems: 16 });

function gatewayHttpRoute(version: string): Schema {
  const filter = def('gatewayHttpFilter', obj(
    {
      type: strEnum(['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef']),
      requestHeaderModifier: headerModifier,
      responseHeaderModifier: headerModifier,
      requestMirror,
      requestRedirect,
      urlRewrite,
      extensionRef,
    },
    ['type'],
  ));
  const backendRef = obj({ ...backendRefProperties(true), filters: arr(filter, { maxItems: 16 }) }, ['name']);
  return resource(
    'gateway.networking.k8s.io',
    version,
    'HTTPRoute',
    def('gatewayHttpRouteSpec', obj({
      parentRefs: gatewayParentRefs,
      hostnames,
      rules: arr(
        obj({
          matches: arr(httpMatch(true), { maxItems: 8 }),
          filters: arr(filter, { maxItems: 16 }),
          backendRefs: arr(backendRef, { maxItems: 16 }),
          timeouts: obj({ request: str({ pattern: GW_DURATION }), backendRequest: str({ pattern: GW_DURATION }) }),
          sessionPersistence,
        }),
        { maxItems: 16 },
      ),
    })),
    true,
  );
}

function grpcRoute(version: string): Schema {
  const filter = def('grpcFilter', obj(
    {
      type: strEnum(['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef']),
      requestHeaderModifier: headerModifier,
      responseHeaderModifier: headerModifier,
      requestMirror,
      extensionRef,
    },
    ['type'],
  ));
  const backendRef = obj({ ...backendRefProperties(true), filters: arr(filter, { maxItems: 16 }) }, ['name']);
  return resource(
    'gateway.networking.k8s.io',
    version,
    'GRPCRoute',
    def('grpcRouteSpec', obj({
      parentRefs: gatewayParentRefs,
      hostnames,
      rules: arr(
        obj({
          matches: arr(
            obj({
              headers: listMap(
                obj(
                  {
                    name: str({ pattern: HEADER_NAME, minLength: 1, maxLength: 256 }),
                    type: strEnum(['Exact', 'RegularExpression']),
                    value: str({ minLength: 1, maxLength: 4096 }),
                  },
                  ['name', 'value'],
                ),
                ['name'],
                { maxItems: 16 },
              ),
              method: obj({ type: strEnum(['Exact', 'RegularExpression']), service: str({ maxLength: 1024 }), method: str({ maxLength: 1024 }) }),
            }),
            { maxItems: 8 },
          ),
          filters: arr(filter, { maxItems: 16 }),
          backendRefs: arr(backendRef, { maxItems: 16 }),
          sessionPersistence,
        }),
        { maxItems: 16 },
      ),
    })),
    false,
  );
}

function l4Route(kind: 'TCPRoute' | 'TLSRoute'): Schema {
  return resource(
    'gateway.networking.k8s.io',
    'v1alpha2',
    kind,
    obj(
      {
        parentRefs: gatewayParentRefs,
        ...(kind === 'TLSRoute' ? { hostnames } : {}),
        rules: arr(obj({ backendRefs: arr(backendObjectRef(true), { minItems: 1, maxItems: 16 }) }), { minItems: 1, maxItems: 16 }),
      },
      ['rules'],
    ),
    true,
  );
}

// ---- workload, multicluster, SMI ----

function externalWorkload(version: 'v1alpha1' | 'v1beta1'): Schema {
  const tlsKey = version === 'v1alpha1' ? 'meshTls' : 'meshTLS';
  return resource(
    'workload.linkerd.io',
    version,
    'ExternalWorkload',
    obj(
      {
        [tlsKey]: obj({ identity: str({ minLength: 1, maxLength: 253 }), serverName: str({ minLength: 1, maxLength: 253 }) }, ['identity', 'serverName']),
        ports: arr(obj({ name: str(), port, protocol: str() }, ['port'])),
        workloadIPs: arr(obj({ ip: str() }), { maxItems: version === 'v1alpha1' ? 1 : 2 }),
      },
      [tlsKey],
    ),
    true,
  );
}

function link(version: 'v1alpha1' | 'v1alpha2' | 'v1alpha3'): Schema {
  const duration = str({ pattern: GO_DURATION });
  const props: Record<string, Schema> = {
    targetClusterName: str(),
    targetClusterDomain: str(),
    targetClusterLinkerdNamespace: str(),
    clusterCredentialsSecret: str(),
    gatewayAddress: str(),
    gatewayPort: str(),
    gatewayIdentity: str(),
    probeSpec: obj({ failureThreshold: str(), path: str(), period: version === 'v1alpha1' ? str() : duration, port: str(), timeout: duration }),
    selector: labelSelector(),
    remoteDiscoverySelector: labelSelector(),
  };
  if (version !== 'v1alpha1') props.federatedServiceSelector = labelSelector();
  if (version === 'v1alpha3') {
    props.excludedAnnotations = arr(str());
    props.excludedLabels = arr(str());
  }
  return resource('multicluster.linkerd.io', version, 'Link', obj(props), false);
}

function trafficSplit(version: 'v1alpha1' | 'v1alpha2'): Schema {
  const weight = version === 'v1alpha1' ? quantity : { type: 'number' };
  return resource(
    'split.smi-spec.io',
    version,
    'TrafficSplit',
    obj({ service: str(), backends: arr(obj({ service: str(), weight }, ['service', 'weight'])) }, ['service', 'backends']),
    false,
  );
}

/** Every resource schema, keyed `group/version/Kind`. */
export const resourceSchemas: Record<string, Schema> = Object.fromEntries(
  [
    serviceProfile('v1alpha1'),
    serviceProfile('v1alpha2'),
    server('v1alpha1'),
    server('v1beta1'),
    server('v1beta2'),
    server('v1beta3'),
    serverAuthorization('v1alpha1'),
    serverAuthorization('v1beta1'),
    authorizationPolicy,
    meshTLSAuthentication,
    networkAuthentication,
    egressNetwork,
    httpLocalRateLimitPolicy,
    policyHttpRoute('v1alpha1'),
    policyHttpRoute('v1beta1'),
    policyHttpRoute('v1beta2'),
    policyHttpRoute('v1beta3'),
    gatewayHttpRoute('v1alpha2'),
    gatewayHttpRoute('v1beta1'),
    gatewayHttpRoute('v1'),
    grpcRoute('v1alpha2'),
    grpcRoute('v1'),
    l4Route('TCPRoute'),
    l4Route('TLSRoute'),
    externalWorkload('v1alpha1'),
    externalWorkload('v1beta1'),
    link('v1alpha1'),
    link('v1alpha2'),
    link('v1alpha3'),
    trafficSplit('v1alpha1'),
    trafficSplit('v1alpha2'),
  ].map((schema) => {
    const props = schema.properties as Record<string, { const: string }>;
    return [`${props.apiVersion!.const}/${props.kind!.const}`, schema];
  }),
);

/** Where a schema is written: schemas/linkerd/<group>/<version>/<kind>.json. */
export function schemaFile(key: string): string {
  const [group, version, kind] = key.split('/') as [string, string, string];
  return `schemas/linkerd/${group}/${version}/${kind.toLowerCase()}.json`;
}

/** Every file under schemas/linkerd/, by path from the project root, with its exact text. */
export function schemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const text = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
  for (const [key, schema] of Object.entries(resourceSchemas)) out[schemaFile(key)] = text(schema);
  for (const [name, schema] of Object.entries(definitions)) {
    // A fragment refers to its siblings by file name; resource schemas reach them through ../../definitions/.
    const json = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `${SCHEMAS_BASE}/definitions/${name}.json`, ...schema });
    out[`schemas/linkerd/definitions/${name}.json`] = text(JSON.parse(json.replaceAll('"../../definitions/', '"')));
  }
  return out;
}

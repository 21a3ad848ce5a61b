import { defineRule } from '../src/engine/rule.js';
import { parseGoDuration } from '../src/linkerd/admission/durations.js';
import type { JsonPath } from '../src/model/path.js';
import type { Resource } from '../src/model/resource.js';

/** The Secret the identity controller reads its issuer from (linkerd2 `pkg/k8s/labels.go` `IdentityIssuerSecretName`). */
const ISSUER_SECRET = 'linkerd-identity-issuer';

/** cert-manager's `DefaultCertificateDuration` (`pkg/apis/certmanager/v1/const.go`): 90 days. */
const DEFAULT_DURATION = '2160h';

/**
 * Where each cert-manager.io version keeps the key algorithm and size, and how it spells
 * ECDSA (an enum, so case matters). v1alpha2 and v1alpha3 put `keyAlgorithm`/`keySize` on
 * the spec; v1beta1 and v1 moved them under `privateKey`. In every version an unset
 * algorithm means RSA (cert-manager `pkg/util/pki/generate.go` `GeneratePrivateKeyForCertificate`).
 */
interface KeyFields {
  algorithm: readonly string[];
  size: readonly string[];
  ecdsa: string;
}

const SPEC_KEY: KeyFields = { algorithm: ['keyAlgorithm'], size: ['keySize'], ecdsa: 'ecdsa' };
const PRIVATE_KEY: KeyFields = { algorithm: ['privateKey', 'algorithm'], size: ['privateKey', 'size'], ecdsa: 'ECDSA' };

const KEY_FIELDS: Record<string, KeyFields> = {
  v1alpha2: SPEC_KEY,
  v1alpha3: SPEC_KEY,
  v1beta1: PRIVATE_KEY,
  v1: PRIVATE_KEY,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Whether a Certificate issues Linkerd's identity issuer: it writes the Secret the identity
 * controller reads, or it carries the conventional common name `identity.<namespace>.<trust
 * domain>` (linkerd2 `controller/cmd/identity/main.go`), with the trust domain being the
 * cluster domain or Linkerd's default `cluster.local`.
 */
function issuesIdentityIssuer(spec: Record<string, unknown>, clusterDomain: string): boolean {
  if (spec.secretName === ISSUER_SECRET) return true;
  if (typeof spec.commonName !== 'string') return false;
  const cn = spec.commonName.toLowerCase();
  return cn === `identity.linkerd.${clusterDomain.toLowerCase()}` || cn === 'identity.linkerd.cluster.local';
}

function displayName(resource: Resource): string {
  const name = resource.name ?? '(unnamed)';
  return resource.namespace ? `${resource.namespace}/${name}` : name;
}

export default defineRule({
  meta: {
    id: 'identity-issuer-certificate',
    description:
      'Report a cert-manager Certificate for the Linkerd identity issuer that is not a CA, has no ECDSA P-256 key, or renews no earlier than it expires',
    category: 'security',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    securitySeverity: 6.5,
    skipLinkerdOutput: true,
    kinds: ['Certificate'],
    messages: {
      notCA:
        'Certificate {{name}} issues the Linkerd identity issuer but spec.isCA is {{value}}; the identity controller refuses an issuer that is not a CA, so no proxy gets a certificate; set isCA: true',
      keyDefaultsToRsa:
        'Certificate {{name}} issues the Linkerd identity issuer without spec.{{field}}, so cert-manager generates an RSA key; the identity controller signs proxy certificates only with an ECDSA P-256 issuer key; set {{field}}: {{ecdsa}}',
      keyFieldMisplaced:
        'Certificate {{name}} issues the Linkerd identity issuer with spec.{{misplaced}}, which {{apiVersion}} does not read (its field is spec.{{field}}), so cert-manager generates an RSA key; the identity controller signs proxy certificates only with an ECDSA P-256 issuer key; set {{field}}: {{ecdsa}}',
      keyAlgorithm:
        'Certificate {{name}} issues the Linkerd identity issuer with spec.{{field}}: {{value}}; the identity controller signs proxy certificates only with an ECDSA P-256 issuer key; set {{field}}: {{ecdsa}}',
      keyAlgorithmSpelling:
        'Certificate {{name}} issues the Linkerd identity issuer with spec.{{field}}: {{value}}, which {{apiVersion}} does not accept (the values are case-sensitive); write {{field}}: {{ecdsa}}',
      curve:
        'Certificate {{name}} issues the Linkerd identity issuer with spec.{{field}}: {{value}} (curve P-{{value}}); Linkerd accepts only a P-256 issuer key: `linkerd check` fails and `linkerd upgrade` refuses the issuer; set {{field}}: 256 or remove it',
      renewBefore:
        'Certificate {{name}} issues the Linkerd identity issuer with spec.renewBefore {{renewBefore}}, not shorter than {{duration}}; cert-manager rejects the Certificate, so the issuer is never issued or renewed; make renewBefore shorter than the duration',
    },
    docs: {
      why:
        'Linkerd\'s identity controller signs every proxy\'s certificate with the issuer certificate and key that ' +
        'cert-manager writes into the `linkerd-identity-issuer` Secret. It refuses an issuer that is not a CA ("it ' +
        'must be an intermediate-CA"), and it signs proxy certificates with ECDSA-SHA256, which needs an ECDSA issuer ' +
        'key: with an RSA key every signing fails ("requested SignatureAlgorithm does not match private key type"), ' +
        'with an Ed25519 key the issuer does not even load, and `linkerd check` and `linkerd upgrade` accept only an ' +
        'ECDSA P-256 issuer. Either way proxies get no identity and meshed traffic stops. cert-manager generates an ' +
        'RSA key unless the Certificate asks for ECDSA, so leaving the algorithm out is the usual mistake.\n\n' +
        'A `renewBefore` that is not shorter than the `duration` (90 days when unset) makes cert-manager\'s webhook ' +
        'reject the Certificate, so the issuer is never issued or renewed and expires.\n\n' +
        'A Certificate is judged when it writes the `linkerd-identity-issuer` Secret or has the common name ' +
        '`identity.linkerd.<cluster domain>` (or `identity.linkerd.cluster.local`); the trust anchor Certificate is ' +
        'not. `cert-manager.io` v1 and v1beta1 (`privateKey.algorithm`, `privateKey.size`) and v1alpha2 and v1alpha3 ' +
        '(`keyAlgorithm`, `keySize`) are read. An explicit `usages` list without `cert sign` is not reported: ' +
        'cert-manager adds `cert sign` to every `isCA` certificate itself.',
      howToFix:
        'Follow the Certificate in Linkerd\'s "Automatically Rotating Control Plane TLS Credentials" guide: ' +
        '`isCA: true`, `privateKey.algorithm: ECDSA` (no `size`, or `256`), and a `renewBefore` shorter than the ' +
        '`duration`, e.g. `duration: 48h0m0s` and `renewBefore: 25h0m0s`.',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      if (resource.group !== 'cert-manager.io') continue;
      const fields = KEY_FIELDS[resource.version];
      const spec = resource.value.spec;
      if (!fields || !isRecord(spec) || !issuesIdentityIssuer(spec, ctx.clusterDomain)) continue;
      const name = displayName(resource);
      const at = (path: readonly string[]): JsonPath => ['spec', ...path];

      // linkerd2 `pkg/identity/service.go` `loadCredentials`: "it must be an intermediate-CA".
      if (spec.isCA !== true) {
        ctx.report({
          resource,
          path: at(['isCA']),
          messageId: 'notCA',
          data: { name, value: spec.isCA === undefined ? 'not set' : JSON.stringify(spec.isCA) },
        });
      }

      // The identity controller signs with a fixed ECDSAWithSHA256 (linkerd2 `pkg/tls/ca.go`
      // `createTemplate`), which Go refuses with an RSA key (linkerd2 #4801); `pkg/tls/codec.go`
      // `DecodePEMKey` loads no Ed25519 key; `pkg/issuercerts/issuercerts.go`
      // `CheckIssuerCertAlgoRequirements` (run by `linkerd check`, install and upgrade) wants P-256.
      const field = fields.algorithm.join('.');
      const algorithm = valueAt(spec, fields.algorithm);
      const misplaced = fields === SPEC_KEY ? PRIVATE_KEY : SPEC_KEY;
      if ((algorithm === undefined || algorithm === null) && valueAt(spec, misplaced.algorithm) !== undefined) {
        // The other versions' field, left behind when only the apiVersion was changed:
        // the API server drops (or, validating strictly, refuses) it.
        ctx.report({
          resource,
          path: at(misplaced.algorithm),
          messageId: 'keyFieldMisplaced',
          data: {
            name,
            field,
            misplaced: misplaced.algorithm.join('.'),
            ecdsa: fields.ecdsa,
            apiVersion: resource.apiVersion ?? '',
          },
        });
      } else if (algorithm === undefined || algorithm === null || algorithm === '') {
        ctx.report({
          resource,
          path: at(fields.algorithm),
          messageId: 'keyDefaultsToRsa',
          data: { name, field, ecdsa: fields.ecdsa },
        });
      } else if (algorithm !== fields.ecdsa) {
        const spelling = typeof algorithm === 'string' && algorithm.toLowerCase() === 'ecdsa';
        ctx.report({
          resource,
          path: at(fields.algorithm),
          messageId: spelling ? 'keyAlgorithmSpelling' : 'keyAlgorithm',
          data: { name, field, value: String(algorithm), ecdsa: fields.ecdsa, apiVersion: resource.apiVersion ?? '' },
        });
      } else {
        // Unset or 0 means cert-manager's ECDSA default, P-256.
        const size = valueAt(spec, fields.size);
        if (typeof size === 'number' && size !== 0 && size !== 256) {
          ctx.report({
            resource,
            path: at(fields.size),
            messageId: 'curve',
            data: { name, field: fields.size.join('.'), value: size },
          });
        }
      }

      // cert-manager's webhook refuses renewBefore >= duration, with duration defaulted
      // (`internal/apis/certmanager/validation/certificate.go` `ValidateDuration`). An unset
      // renewBefore defaults to a third of the duration, which is always shorter.
      if (typeof spec.renewBefore === 'string') {
        const renewBefore = parseGoDuration(spec.renewBefore);
        const durationText = spec.duration === undefined ? DEFAULT_DURATION : spec.duration;
        const duration = typeof durationText === 'string' ? parseGoDuration(durationText) : undefined;
        if (renewBefore !== undefined && duration !== undefined && renewBefore >= duration) {
          ctx.report({
            resource,
            path: ['spec', 'renewBefore'],
            messageId: 'renewBefore',
            data: {
              name,
              renewBefore: spec.renewBefore,
              duration:
                spec.duration === undefined
                  ? `cert-manager's default duration ${DEFAULT_DURATION} (90 days; spec.duration is not set)`
                  : `spec.duration ${String(spec.duration)}`,
            },
          });
        }
      }
    }
  },
});

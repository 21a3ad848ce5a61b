// Extracts the validation rules of the Gateway API route CRDs, release by release, into
// test/gateway-cel/crd-rules.json, which the agreement test (test/gateway-cel-agreement.test.ts)
// evaluates against the hand-written translation (src/linkerd/admission/gateway-rules.ts,
// routes.ts). The CRDs are kubernetes-sigs/gateway-api
// `config/crd/{standard,experimental}/gateway.networking.k8s.io_{httproutes,grpcroutes,tcproutes,tlsroutes}.yaml`
// at the newest patch tag of each minor release Linkerd supports (src/linkerd/gateway-api.ts).
//
//   node scripts/gateway-cel-rules.mjs <gateway-api git dir>
//
// Each served version's `openAPIV3Schema` is kept trimmed to what the rules need: the tree of
// `properties` / `items` / `additionalProperties`, the `default`s the API server applies before
// it validates, and `x-kubernetes-validations`. Identical trimmed schemas are stored once.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const TAGS = ['v0.7.1', 'v0.8.1', 'v1.0.0', 'v1.1.1', 'v1.2.1', 'v1.3.0', 'v1.4.1', 'v1.5.1'];
const CHANNELS = ['standard', 'experimental'];
const KINDS = { HTTPRoute: 'httproutes', GRPCRoute: 'grpcroutes', TCPRoute: 'tcproutes', TLSRoute: 'tlsroutes' };
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'gateway-cel', 'crd-rules.json');

/** The schema keeping only what validation rules read; undefined when nothing below it matters. */
export function trim(schema) {
  if (!schema || typeof schema !== 'object') return undefined;
  const out = {};
  if (schema.default !== undefined) out.default = schema.default;
  if (Array.isArray(schema['x-kubernetes-validations'])) {
    out.rules = schema['x-kubernetes-validations'].map((v) => ({
      rule: v.rule,
      ...(v.message !== undefined ? { message: v.message } : {}),
      ...(v.messageExpression !== undefined ? { messageExpression: v.messageExpression } : {}),
      ...(v.fieldPath !== undefined ? { fieldPath: v.fieldPath } : {}),
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
    }));
  }
  if (schema.properties) {
    const props = {};
    for (const [k, v] of Object.entries(schema.properties)) {
      const t = trim(v);
      if (t) props[k] = t;
    }
    if (Object.keys(props).length > 0) out.properties = props;
  }
  const items = trim(schema.items);
  if (items) out.items = items;
  const additional = typeof schema.additionalProperties === 'object' ? trim(schema.additionalProperties) : undefined;
  if (additional) out.additionalProperties = additional;
  return Object.keys(out).length > 0 ? out : undefined;
}

function crdAt(repo, tag, channel, plural) {
  const path = `config/crd/${channel}/gateway.networking.k8s.io_${plural}.yaml`;
  try {
    return parse(execFileSync('git', ['--git-dir', repo, 'show', `${tag}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }));
  } catch {
    return undefined;
  }
}

function main() {
  const repo = process.argv[2];
  if (!repo) throw new Error('usage: node scripts/gateway-cel-rules.mjs <gateway-api git dir>');
  const schemas = {};
  const releases = {};
  for (const tag of TAGS) {
    releases[tag] = {};
    for (const channel of CHANNELS) {
      const kinds = {};
      for (const [kind, plural] of Object.entries(KINDS)) {
        const crd = crdAt(repo, tag, channel, plural);
        if (!crd) continue;
        for (const v of crd.spec.versions) {
          if (!v.served) continue;
          const trimmed = trim(v.schema.openAPIV3Schema) ?? {};
          const text = JSON.stringify(trimmed);
          const id = createHash('sha256').update(text).digest('hex').slice(0, 12);
          schemas[id] = trimmed;
          (kinds[kind] ??= {})[v.name] = id;
        }
      }
      releases[tag][channel] = kinds;
    }
  }
  mkdirSync(dirname(OUT), { recursive: true });
  const source = 'kubernetes-sigs/gateway-api config/crd/{standard,experimental}/gateway.networking.k8s.io_{httproutes,grpcroutes,tcproutes,tlsroutes}.yaml';
  writeFileSync(OUT, JSON.stringify({ source, tags: TAGS, releases, schemas }) + '\n');
  console.log(`wrote ${OUT}: ${Object.keys(schemas).length} distinct schemas`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();

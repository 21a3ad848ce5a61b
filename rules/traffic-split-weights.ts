import { defineRule } from '../src/engine/rule.js';
import { apiVersionStatus } from '../src/linkerd/api-versions.js';
import { isObject } from '../src/model/k8s.js';
import { formatPath } from '../src/model/path.js';

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity (`500m`, `1`, `2e3`), or undefined for text that is none. */
function quantityValue(text: string): number | undefined {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([KMGTPE]i|[numkMGTPE])|[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const mantissa = Number(m[1]);
  if (m[3] !== undefined) return mantissa * 10 ** Number(m[3]);
  return mantissa * SUFFIXES[m[2] ?? '']!;
}

/**
 * A weight as its version's schema allows it (v1alpha1: an integer or a quantity string;
 * v1alpha2: a number), or undefined where the schema rule reports the format.
 */
function weightValue(weight: unknown, version: string): number | undefined {
  if (version === 'v1alpha1') {
    if (typeof weight === 'number') return Number.isInteger(weight) ? weight : undefined;
    return typeof weight === 'string' ? quantityValue(weight) : undefined;
  }
  return typeof weight === 'number' ? weight : undefined;
}

/**
 * Linkerd sends a weight to proxies as `uint32(MilliValue() * 10)`, ten-thousandths in 32
 * bits (linkerd2 `controller/api/destination/profile_translator.go`, `toDstOverrides`; the
 * SMI adaptor copies TrafficSplit weights there unchanged, linkerd-smi
 * `pkg/adaptor/controller.go`). Above this a weight wraps around.
 */
const LARGEST_WEIGHT = (2 ** 32 - 1) / 10_000;

export default defineRule({
  meta: {
    id: 'traffic-split-weights',
    description: 'Disallow TrafficSplit weights that send traffic elsewhere than written: all zero, negative or too large',
    category: 'correctness',
    defaultSeverity: 'error',
    fix: 'none',
    precision: 'very-high',
    kinds: ['TrafficSplit'],
    messages: {
      allZero:
        'every backend of TrafficSplit {{name}} has weight 0; Linkerd drops zero-weight backends, so the split does nothing and all traffic goes to the apex Service {{service}}',
      noBackends:
        'spec.backends of TrafficSplit {{name}} is empty, so the split does nothing and all traffic goes to the apex Service {{service}}; list at least one backend with a weight above 0',
      negative:
        '{{field}} is {{weight}}; a negative weight wraps around to a huge one when Linkerd sends it to proxies as an unsigned number, so this backend takes nearly all traffic: use 0 or more',
      tooLarge:
        '{{field}} is {{weight}}; Linkerd sends weights to proxies in 32-bit ten-thousandths, so weights above 429496 wrap around and the split gets another ratio than written: scale the weights down (only their ratios matter)',
    },
    docs: {
      why:
        'An SMI TrafficSplit (the linkerd-smi extension, or Linkerd\'s own controller before 2.12) becomes the ' +
        '`dstOverrides` of the apex Service\'s profile, and each weight reaches the proxies as ' +
        '`uint32(milli-value × 10)`. A weight of 0 drops that backend; when every weight is 0 (or the list is empty) ' +
        'nothing is left and the apex Service gets all traffic, as if there were no split. A negative weight is not ' +
        'refused but wraps around to about 4.3 billion, so that backend takes nearly every request; a weight above ' +
        '429496 wraps around too, giving a ratio nobody wrote.\n\n' +
        'Weights in the wrong form for the apiVersion (a quantity string such as `500m` in v1alpha2, which takes ' +
        'numbers; a fraction in v1alpha1, which takes integers or quantity strings) are refused by the API server and ' +
        'reported by the `schema` rule; versions Linkerd does not serve (v1alpha3, v1alpha4) by `unknown-api-version`.',
      howToFix:
        'Give every backend a weight of 0 or more, at least one above 0, and keep weights small: they are relative ' +
        '(`900m`/`100m` in v1alpha1 or `90`/`10` in v1alpha2 split 90 to 10). Better, migrate to an HTTPRoute with ' +
        'weighted `backendRefs` (see `no-traffic-split`).',
    },
  },
  check(ctx) {
    for (const resource of ctx.resources) {
      const { group, version, kind } = resource;
      if (group !== 'split.smi-spec.io' || !kind || apiVersionStatus(group, version, kind, ctx.target).state !== 'served') continue;
      const spec = resource.value.spec;
      if (!isObject(spec) || !Array.isArray(spec.backends)) continue;
      const name = resource.name ?? '(unnamed)';
      const service = typeof spec.service === 'string' ? spec.service : '(unnamed)';
      if (spec.backends.length === 0) {
        ctx.report({ resource, path: ['spec', 'backends'], messageId: 'noBackends', data: { name, service } });
        continue;
      }
      const values = spec.backends.map((backend, i) => {
        const weight = isObject(backend) ? backend.weight : undefined;
        const value = weightValue(weight, version);
        const path = ['spec', 'backends', i, 'weight'];
        const data = { field: formatPath(path), weight: typeof weight === 'string' ? `"${weight}"` : String(weight) };
        if (value !== undefined && value < 0) ctx.report({ resource, path, messageId: 'negative', data });
        else if (value !== undefined && value > LARGEST_WEIGHT) ctx.report({ resource, path, messageId: 'tooLarge', data });
        return value;
      });
      if (values.every((v) => v === 0)) ctx.report({ resource, path: ['spec', 'backends'], messageId: 'allZero', data: { name, service } });
    }
  },
});

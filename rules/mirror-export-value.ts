import { defineRule } from '../src/engine/rule.js';
import { type LinkerdTarget, atLeast } from '../src/linkerd/releases.js';
import { isObject, labelsAt } from '../src/model/k8s.js';
import type { Resource } from '../src/model/resource.js';
import { type LabelSelector, matchesSelector } from '../src/model/selectors.js';
import { closest } from '../src/model/text.js';

const KEY = 'mirror.linkerd.io/exported';

/**
 * The values the Link selectors that `linkerd multicluster link` writes by default match
 * (linkerd2 `multicluster/cmd/link.go`, `link-gen.go`): `true` for gateway mode since 2.12
 * (2.10–2.11.2 selected the label's presence), `remote-discovery` for flat mode since 2.14.
 */
function defaultValues(target: LinkerdTarget): string[] {
  return atLeast(target, '2.14') ? ['true', 'remote-discovery'] : ['true'];
}

/**
 * True when a Link selector picks Services with these labels. From 2.14 an empty or absent
 * selector picks nothing; before, an empty one picked everything (linkerd2
 * `multicluster/service-mirror/cluster_watcher.go`, `isExported`, `isRemoteDiscovery`, #11201).
 */
function selects(selector: unknown, labels: Record<string, unknown>, target: LinkerdTarget, field: string): boolean {
  const empty =
    !isObject(selector) ||
    ((!isObject(selector.matchLabels) || Object.keys(selector.matchLabels).length === 0) &&
      (!Array.isArray(selector.matchExpressions) || selector.matchExpressions.length === 0));
  if (empty) return field === 'selector' && isObject(selector) && !atLeast(target, '2.14');
  return matchesSelector(selector as LabelSelector, labels);
}

function describeSelector(selector: unknown): string | undefined {
  if (!isObject(selector)) return undefined;
  const parts = isObject(selector.matchLabels) ? Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${String(v)}`) : [];
  if (Array.isArray(selector.matchExpressions)) {
    for (const e of selector.matchExpressions) {
      if (isObject(e) && typeof e.key === 'string' && typeof e.operator === 'string') {
        const values = Array.isArray(e.values) ? ` (${e.values.map(String).join(', ')})` : '';
        parts.push(`${e.key} ${e.operator}${values}`);
      }
    }
  }
  return parts.length ? parts.join(', ') : undefined;
}

function linkSelectors(link: Resource): string {
  const spec = isObject(link.value.spec) ? link.value.spec : {};
  const shown = ['selector', 'remoteDiscoverySelector'].flatMap((f) => {
    const text = describeSelector(spec[f]);
    return text ? [text] : [];
  });
  return `${link.name ?? '(unnamed)'}${shown.length ? ` (${shown.join('; ')})` : ''}`;
}

export default defineRule({
  meta: {
    id: 'mirror-export-value',
    description: 'Warn about mirror.linkerd.io/exported label values that no Link selects',
    category: 'correctness',
    defaultSeverity: 'warning',
    fix: 'none',
    precision: 'high',
    since: '2.12',
    kinds: ['Service'],
    messages: {
      value:
        'label {{key}}: "{{value}}" on Service {{service}} matches no default Link selector ({{defaults}}), so linked clusters do not mirror it{{hint}}',
      valueLinks:
        'label {{key}}: "{{value}}" on Service {{service}} matches no default Link selector ({{defaults}}) nor the selectors of Link {{links}}, ' +
        'so linked clusters do not mirror it{{hint}}',
    },
    docs: {
      why:
        'A Service in a target cluster is mirrored into the clusters linked to it when its labels match the Link\'s ' +
        '`selector` (gateway mode) or `remoteDiscoverySelector` (flat, pod-to-pod mode). `linkerd multicluster link` ' +
        'writes `mirror.linkerd.io/exported=true` and `mirror.linkerd.io/exported=remote-discovery` (2.14+) as those ' +
        'selectors, so any other value (`True`, `yes`, `enabled`, `remote_discovery`) exports nothing and the service ' +
        'silently stays unreachable from the other clusters. The value `false` is taken as deliberately not exported. ' +
        'A Link in the input (or `--context`) whose selectors match the Service silences the rule, since Links may ' +
        'select any label value. The key must be a label: as an annotation, `annotation-placement` reports it.',
      howToFix:
        'Set the label to `"true"` (mirrored through the gateway) or `remote-discovery` (flat networks), or pass the ' +
        'value you use to `linkerd multicluster link --selector`/`--remote-discovery-selector` and include that Link ' +
        'with `--context`.',
    },
  },
  check(ctx) {
    const links = ctx.tree.ofKind('Link', 'multicluster.linkerd.io');
    const defaults = defaultValues(ctx.target);
    for (const service of ctx.resources) {
      if (service.group !== '') continue;
      const labels = labelsAt(service.value);
      if (!labels || !Object.prototype.hasOwnProperty.call(labels, KEY)) continue;
      const raw = labels[KEY];
      if (raw === null || isObject(raw) || Array.isArray(raw)) continue;
      const value = String(raw);
      if (defaults.includes(value) || value === 'false') continue;
      const selected = links.some((link) => {
        const spec = isObject(link.value.spec) ? link.value.spec : {};
        return (
          selects(spec.selector, labels, ctx.target, 'selector') ||
          (atLeast(ctx.target, '2.14') && selects(spec.remoteDiscoverySelector, labels, ctx.target, 'remoteDiscoverySelector'))
        );
      });
      if (selected) continue;
      const near = closest(value.toLowerCase(), defaults, Math.min(3, Math.max(2, Math.floor(value.length / 3))));
      const data = {
        key: KEY,
        value,
        service: service.name ?? '(unnamed)',
        defaults: defaults.map((d) => `${KEY}=${d}`).join(', '),
        hint: near
          ? `; did you mean "${near}"?`
          : value === 'remote-discovery'
            ? '; remote discovery (flat mode) came in 2.14'
            : '',
      };
      const path = ['metadata', 'labels', KEY];
      if (links.length) {
        const names = links.map(linkSelectors);
        const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
        ctx.report({ resource: service, path, messageId: 'valueLinks', data: { ...data, links: shown } });
      } else {
        ctx.report({ resource: service, path, messageId: 'value', data });
      }
    }
  },
});

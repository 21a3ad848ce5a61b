import { isObject } from './k8s.js';

/** A Kubernetes label selector: `matchLabels` and `matchExpressions`, ANDed. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function asSelector(value: unknown): LabelSelector | undefined {
  return isObject(value) ? (value as LabelSelector) : undefined;
}

/**
 * True when `labels` satisfy `selector`. An empty selector matches everything, as in
 * Kubernetes; an unknown operator matches nothing, so a malformed selector never
 * counts as a match.
 */
export function matchesSelector(selector: LabelSelector, labels: Record<string, unknown> | undefined): boolean {
  const have = labels ?? {};
  for (const [key, want] of Object.entries(selector.matchLabels ?? {})) {
    if (String(have[key]) !== String(want) || !(key in have)) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    if (!isObject(expr) || typeof expr.key !== 'string') return false;
    const present = Object.prototype.hasOwnProperty.call(have, expr.key);
    const value = present ? String(have[expr.key]) : undefined;
    const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
    switch (expr.operator) {
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

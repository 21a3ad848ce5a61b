import { annotationsAt, labelsAt } from '../model/k8s.js';
import type { Resource } from '../model/resource.js';

/**
 * Whether Linkerd itself rendered a manifest: `linkerd install`, its Helm charts, or the
 * viz and multicluster extensions. They mark what they render with the
 * `linkerd.io/created-by` annotation and the `linkerd.io/control-plane-component` or
 * `linkerd.io/extension` label on the object's own metadata (linkerd2 `pkg/k8s/labels.go`;
 * the chart templates' `_metadata.tpl`), and the control-plane namespace with
 * `linkerd.io/is-control-plane`. Only the object's own metadata counts: `linkerd inject`
 * writes `linkerd.io/created-by` into the pod templates of users' workloads too, and onto
 * the metadata of a bare Pod, so on a Pod only the labels count.
 */
export function renderedByLinkerd(resource: Resource): boolean {
  const annotations = annotationsAt(resource.value);
  if (resource.kind !== 'Pod' && typeof annotations?.['linkerd.io/created-by'] === 'string') return true;
  const labels = labelsAt(resource.value);
  if (!labels) return false;
  return (
    labels['linkerd.io/control-plane-component'] !== undefined ||
    labels['linkerd.io/extension'] !== undefined ||
    labels['linkerd.io/is-control-plane'] === 'true'
  );
}

/** `exempt` (default): rules that skip Linkerd's own output skip it; `lint`: they lint it too. */
export type LinkerdOutputMode = 'exempt' | 'lint';

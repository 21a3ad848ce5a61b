/** The control plane's `linkerd-config` ConfigMap, as the releases read it. */
export const LINKERD_CONFIG_NAME = 'linkerd-config';

/**
 * The data keys of the `linkerd-config` ConfigMap that Linkerd 2.10+ reads (linkerd2
 * `charts/linkerd-control-plane/templates/config.yaml`; `charts/linkerd2/templates/config.yaml`
 * before 2.12): the rendered Helm values, and the CRD chart version written since 2.12.
 */
export const LINKERD_CONFIG_KEYS: readonly string[] = ['values', 'linkerd-crds-chart-version'];

/** Keys of the pre-2.10 `linkerd-config` (JSON configs), which 2.10 replaced by `values`. */
export const LEGACY_LINKERD_CONFIG_KEYS: readonly string[] = ['global', 'proxy', 'install'];

// The `request` variable of an admission expression, built offline for the CREATE of a
// manifest: the fields of admission.k8s.io/v1 AdmissionRequest (k8s.io/api/admission/v1/types.go)
// that a manifest determines, an empty user, no dry run.
import type { AdmissionTarget } from './match.js';

export function createRequest(t: AdmissionTarget, kind: string): Record<string, unknown> {
  const gvk = { group: t.group, version: t.version, kind };
  const gvr = { group: t.group, version: t.version, resource: t.resource };
  return {
    uid: '',
    kind: gvk,
    resource: gvr,
    subResource: '',
    requestKind: gvk,
    requestResource: gvr,
    requestSubResource: '',
    name: t.name,
    namespace: t.namespace ?? '',
    operation: 'CREATE',
    userInfo: { username: '', uid: '', groups: [], extra: {} },
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  };
}

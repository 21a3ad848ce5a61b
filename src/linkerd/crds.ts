import type { Release } from './releases.js';

/** Who installs a kind's CRD: the core chart, an extension, or the Gateway API CRDs. */
export type CrdOwner = 'linkerd' | 'linkerd-smi' | 'linkerd-multicluster' | 'gateway-api';

/** The CRD of one kind as one or more releases ship it. */
export interface CrdEra {
  /** First release of this era; it lasts until the next era or `until`. */
  from: Release;
  /** Served versions, oldest first. */
  served: readonly string[];
  storage: string;
  /** Versions marked `deprecated: true` in the CRD, with the version to use instead. */
  deprecated?: Readonly<Record<string, string>>;
  /** Versions not marked deprecated but superseded by a newer one that means the same: still served, but without the newer one's fields, and the docs describe only the newer one (the `deprecated-api-version` rule reports them). */
  superseded?: Readonly<Record<string, string>>;
  owner: CrdOwner;
}

/**
 * Where annotations and labels sit inside a resource, and what Linkerd makes of keys at
 * each such place. The injector reads a pod's metadata and its Namespace's, never a
 * workload's own (linkerd2 `pkg/inject/report.go` `disabledByAnnotation`,
 * `AppendNamespaceAnnotations` in `pkg/inject/inject.go`); the policy controller reads
 * Services, routes and EgressNetworks (`policy-controller/k8s/index/src/outbound/`).
 */
import { type KeyInfo, type Place, type Placement, type ValueFormat, linkerdPrefixOf } from './annotations.js';
import { type StringMap, isObject, podTemplateOf } from '../model/k8s.js';
import type { JsonPath } from '../model/path.js';
import type { Resource } from '../model/resource.js';
import { type LinkerdTarget, type Release, atLeast } from './releases.js';

/**
 * What an object's metadata is to Linkerd: a place it reads, a workload's own metadata
 * (which the injector never sees), or something Linkerd does not look at.
 */
export type SiteRole = Place | 'workload' | 'other';

export interface MetadataSite {
  /** Path of the object that holds `metadata` (`[]` for the resource itself). */
  path: JsonPath;
  role: SiteRole;
}

/** The place a resource's own metadata is, judged by its group and kind. */
export function placeOfResource(resource: Resource): Place | undefined {
  const { group, kind } = resource;
  if (group === '') {
    if (kind === 'Pod') return 'pod';
    if (kind === 'Namespace') return 'namespace';
    if (kind === 'Service') return 'service';
    return undefined;
  }
  if (kind === 'HTTPRoute' && (group === 'gateway.networking.k8s.io' || group === 'policy.linkerd.io')) return 'httproute';
  if (kind === 'GRPCRoute' && group === 'gateway.networking.k8s.io') return 'grpcroute';
  if (kind === 'EgressNetwork' && group === 'policy.linkerd.io') return 'egress';
  if (kind === 'ExternalWorkload' && group === 'workload.linkerd.io') return 'external-workload';
  if (kind === 'ServiceProfile' && group === 'linkerd.io') return 'service-profile';
  return undefined;
}

/**
 * Every metadata block of a resource: its own, plus for workloads the pod template's
 * (and a CronJob's job template, whose metadata goes to Jobs, not pods).
 */
export function metadataSites(resource: Resource): MetadataSite[] {
  const template = podTemplateOf(resource);
  if (template && template.path.length > 0) {
    const sites: MetadataSite[] = [{ path: [], role: 'workload' }];
    if (resource.kind === 'CronJob') sites.push({ path: ['spec', 'jobTemplate'], role: 'workload' });
    sites.push({ path: template.path, role: 'pod' });
    return sites;
  }
  return [{ path: [], role: placeOfResource(resource) ?? 'other' }];
}

function objectAt(value: unknown, path: JsonPath): unknown {
  let cur = value;
  for (const seg of path) cur = isObject(cur) ? cur[seg as string] : undefined;
  return cur;
}

/** One key under a Linkerd prefix found in a metadata block. */
export interface FoundKey {
  site: MetadataSite;
  /** `annotations` or `labels`. */
  field: 'annotations' | 'labels';
  key: string;
  value: unknown;
  /** Path of the entry: `[...site.path, 'metadata', field, key]`. */
  path: JsonPath;
}

/** Every key under a Linkerd prefix in the resource's annotations and labels, in site order. */
export function linkerdKeys(resource: Resource): FoundKey[] {
  const out: FoundKey[] = [];
  for (const site of metadataSites(resource)) {
    const meta = objectAt(resource.value, [...site.path, 'metadata']);
    if (!isObject(meta)) continue;
    for (const field of ['annotations', 'labels'] as const) {
      const map = meta[field];
      if (!isObject(map)) continue;
      for (const [key, value] of Object.entries(map as StringMap)) {
        if (linkerdPrefixOf(key)) out.push({ site, field, key, value, path: [...site.path, 'metadata', field, key] });
      }
    }
  }
  return out;
}

function inRange(target: LinkerdTarget, since: Release | undefined, until: Release | undefined): boolean {
  return (since === undefined || atLeast(target, since)) && (until === undefined || !atLeast(target, nextOf(until)));
}

function nextOf(release: Release): Release {
  return `2.${Number(release.slice(2)) + 1}` as Release;
}

function asPlacement(p: Place | Placement): Placement {
  return typeof p === 'string' ? { place: p } : p;
}

/** The places where `target` reads the key. */
export function placesFor(info: KeyInfo, target: LinkerdTarget): Place[] {
  return info.places.map(asPlacement).filter((p) => inRange(target, p.since, p.until)).map((p) => p.place);
}

/** The places where any release reads the key. */
export function anyPlacesFor(info: KeyInfo): Place[] {
  return [...new Set(info.places.map((p) => asPlacement(p).place))];
}

/** The syntax the value must have at `place` for the target release. */
export function formatFor(info: KeyInfo, place: Place, target: LinkerdTarget): ValueFormat {
  const special = info.formatAt?.find((f) => f.place === place && (f.since === undefined || atLeast(target, f.since)));
  return special?.format ?? info.format;
}

/** True when the target release reads the key at all (ignoring where). */
export function readByTarget(info: KeyInfo, target: LinkerdTarget): boolean {
  return (info.since === undefined || atLeast(target, info.since)) && (info.removedIn === undefined || !atLeast(target, info.removedIn));
}

/** A route's `parentRefs` when every one of them names a Server: inbound-only, where client-policy keys do nothing. */
export function routeParentsAreOnlyServers(resource: Resource): boolean {
  const spec = resource.value.spec;
  const parents = isObject(spec) && Array.isArray(spec.parentRefs) ? spec.parentRefs : undefined;
  return (
    parents !== undefined &&
    parents.length > 0 &&
    parents.every((p) => isObject(p) && p.kind === 'Server' && (p.group === undefined || p.group === 'policy.linkerd.io'))
  );
}

const PLACE_NAMES: Record<Place, string> = {
  pod: 'pod templates',
  namespace: 'Namespaces',
  service: 'Services',
  httproute: 'HTTPRoutes',
  grpcroute: 'GRPCRoutes',
  egress: 'EgressNetworks',
  'external-workload': 'ExternalWorkloads',
  'service-profile': 'ServiceProfiles',
};

/** `pod templates and Namespaces`, for messages. */
export function describePlaces(places: readonly Place[]): string {
  const names = places.map((p) => PLACE_NAMES[p]);
  if (names.length <= 1) return names[0] ?? 'nothing';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

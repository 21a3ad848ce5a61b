import { isObject } from '../../model/k8s.js';
import type { JsonPath } from '../../model/path.js';

/**
 * What kind of thing admission refuses, so reports (message ids) and docs can tell the
 * problems apart: a reference to a kind or object it does not accept, a combination of
 * `requiredAuthenticationRefs`, fields that exclude each other, an identity, a network,
 * a timeout, a route match, a filter, or another value out of its range.
 */
export type AdmissionFamily =
  | 'invalidReference'
  | 'authenticationRefs'
  | 'conflictingFields'
  | 'invalidIdentity'
  | 'invalidNetwork'
  | 'invalidTimeout'
  | 'invalidMatch'
  | 'invalidFilter'
  | 'invalidValue';

/** One thing Linkerd's admission (webhook or CRD validation rule) would refuse. */
export interface AdmissionProblem {
  family: AdmissionFamily;
  path: JsonPath;
  message: string;
}

/** Collects problems; checks push into it and never throw. */
export class Problems {
  readonly list: AdmissionProblem[] = [];

  add(family: AdmissionFamily, path: JsonPath, message: string): void {
    this.list.push({ family, path, message });
  }
}

/** `value` as an array of objects with their indexes; anything else as none. */
export function objectsIn(value: unknown): [Record<string, unknown>, number][] {
  if (!Array.isArray(value)) return [];
  const out: [Record<string, unknown>, number][] = [];
  value.forEach((item, i) => {
    if (isObject(item)) out.push([item, i]);
  });
  return out;
}

export function has(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== null && obj[key] !== undefined;
}

export function stringAt(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' ? v : undefined;
}

/** Quotes a value for a message, as written. */
export function q(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value : String(value));
}

/** The tail of a message quoting what Linkerd itself answers, so users can search for it. */
export function linkerdSays(text: string): string {
  return ` (Linkerd says: "${text}")`;
}

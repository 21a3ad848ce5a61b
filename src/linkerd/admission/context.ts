import type { Resource } from '../../model/resource.js';
import { type LinkerdTarget, type Release, atLeast } from '../releases.js';
import type { Problems } from './problem.js';

/** What every admission check reads: the object, its spec, the target release and where problems go. */
export interface CheckContext {
  resource: Resource;
  spec: Record<string, unknown>;
  target: LinkerdTarget;
  out: Problems;
}

export function from(ctx: CheckContext, release: Release): boolean {
  return atLeast(ctx.target, release);
}

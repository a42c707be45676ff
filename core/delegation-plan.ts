/**
 * The one pure function that decides whether a registrar write is needed (DNSControl's
 * Correction, as data). `nsbridge set`, `--dry-run` and the review report share it, so a preview
 * and an apply can never disagree.
 */
import { canonicalNameServers } from './names';

export interface DelegationPlan {
  /** True when the registrar must be written. */
  readonly changed: boolean;
  /** What the registrar holds now, canonical. */
  readonly before: string[];
  /** What it will hold, canonical. */
  readonly after: string[];
  readonly add: string[];
  readonly remove: string[];
}

export function planDelegation(current: readonly string[], desired: readonly string[]): DelegationPlan {
  const before = canonicalNameServers(current);
  const after = canonicalNameServers(desired);
  const add = after.filter((n) => !before.includes(n));
  const remove = before.filter((n) => !after.includes(n));
  return { changed: add.length > 0 || remove.length > 0, before, after, add, remove };
}

export function describePlan(plan: DelegationPlan): string {
  if (!plan.changed) return `no change (${plan.after.join(', ')})`;
  return `${plan.before.join(', ') || '(none)'} -> ${plan.after.join(', ')}`;
}

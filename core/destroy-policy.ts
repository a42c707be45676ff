/**
 * What the destroy-time step of a delegation does when the delegation (and with it, normally, the
 * zone) is destroyed. Pure data, shared by the constructs, the YAML loader and the CLI's
 * `release --policy` (which carries each one out).
 */
export const DestroyPolicy = {
  /**
   * Put back the name servers the domain had before nsbridge first changed it. They are read from
   * the registrar at plan time and kept in Terraform state from the first apply on (nowhere else).
   * The destroy fails, rather than leave the domain delegated to a deleted zone, when they are
   * unknown (e.g. the domain already pointed at this zone before nsbridge managed it) or no longer
   * serve the domain. A domain already delegated elsewhere is left alone.
   * Needs a registrar that can read name servers (`readNameServers` in the catalog).
   */
  RESTORE: 'restore',
  /**
   * Leave the registrar as it is and print a warning: the domain still points at the name servers
   * of the zone that is being deleted, so it stops resolving once the zone is gone.
   */
  RETAIN: 'retain',
  /**
   * Fail the destroy (exit 1) with a message saying what to do first, so a zone that a live domain
   * points at cannot be deleted by accident. A change of name servers or registrar settings does
   * NOT trigger it: only removing the delegation does (see RegistrarDelegation).
   */
  REFUSE: 'refuse',
} as const;

export type DestroyPolicy = (typeof DestroyPolicy)[keyof typeof DestroyPolicy];

export const DESTROY_POLICIES: readonly DestroyPolicy[] = Object.values(DestroyPolicy);

export function isDestroyPolicy(value: unknown): value is DestroyPolicy {
  return typeof value === 'string' && (DESTROY_POLICIES as readonly string[]).includes(value);
}

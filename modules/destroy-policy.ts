/**
 * What the destroy-time step of a `RegistrarDelegation` does when the delegation (and with it,
 * normally, the zone) is destroyed. Pure data, shared by the construct and the YAML loader.
 *
 * Adding a policy (the DNS-safety work adds `restore`) means: add it here, teach the CLI's
 * `release --policy` about it, and document it; the construct passes the value through.
 */
export const DestroyPolicy = {
  /**
   * Leave the registrar as it is and print a warning: the domain still points at the name servers
   * of the zone that is being deleted, so it stops resolving once the zone is gone.
   */
  RETAIN: 'retain',
  /**
   * Fail the destroy (exit 1) with a message saying what to do first, so a zone that a live domain
   * points at cannot be deleted by accident. It also blocks a REPLACEMENT of the delegation
   * (new name servers, other registrar settings), since Terraform destroys the old instance first.
   */
  REFUSE: 'refuse',
} as const;

export type DestroyPolicy = (typeof DestroyPolicy)[keyof typeof DestroyPolicy];

export const DESTROY_POLICIES: readonly DestroyPolicy[] = Object.values(DestroyPolicy);

export const DEFAULT_DESTROY_POLICY: DestroyPolicy = DestroyPolicy.RETAIN;

export function isDestroyPolicy(value: unknown): value is DestroyPolicy {
  return typeof value === 'string' && (DESTROY_POLICIES as readonly string[]).includes(value);
}

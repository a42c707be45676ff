/**
 * Destroy policies as they depend on the registrar: which one a delegation gets by default, and
 * why `restore` cannot work at some registrars. The policies themselves are core data
 * (core/destroy-policy.ts), shared with the CLI.
 */
import { REGISTRARS } from '../registrar-adapters/catalog';
import type { RegistrarId } from '../registrar-adapters/core/types';
import { DestroyPolicy } from '../core/destroy-policy';

export { DestroyPolicy, DESTROY_POLICIES, isDestroyPolicy } from '../core/destroy-policy';

/**
 * Why `restore` cannot work for a registrar, or undefined when it can: restore needs the name
 * servers the domain had before nsbridge, and they can only be recorded if nsbridge can read them.
 */
export function restoreUnsupportedReason(registrar: RegistrarId): string | undefined {
  const read = REGISTRARS[registrar].capabilities.readNameServers;
  return read.supported ? undefined : read.reason;
}

/**
 * The policy a delegation gets when none is given: `restore` wherever it can work (every registrar
 * whose name servers nsbridge can read, `manual` included: it reads them from DNS), else `retain`,
 * since a default that fails every destroy would be worse than a warning.
 */
export function defaultDestroyPolicy(registrar: RegistrarId): DestroyPolicy {
  return restoreUnsupportedReason(registrar) === undefined ? DestroyPolicy.RESTORE : DestroyPolicy.RETAIN;
}

/**
 * Drift wording and the one documented repair, shared by the plan-time drift read
 * (`terraform-external`, shown by the check block in `cdktf diff`) and `nsbridge plan`.
 */
import { sameNameServers } from '../core/names';
import { REGISTRARS } from '../registrar-adapters/catalog';
import type { RegistrarId } from '../registrar-adapters/core/types';

/**
 * The repair: the same `set` the bridge runs, with the non-secret settings the stack passes
 * (credentials come from the environment). It makes the registrar hold what the state says again,
 * so the next plan is clean without any change to the state.
 */
export function repairCommand(registrar: RegistrarId, domain: string, nameServers: readonly string[], settings: Record<string, string>): string {
  const env = Object.entries(settings)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  return `${env}npx nsbridge set --registrar ${registrar} --domain ${domain} --ns ${nameServers.join(',')}`;
}

/** What the drift read reports: empty when the registrar holds what the stack set. */
export function driftMessage(registrar: RegistrarId, domain: string, current: readonly string[], expected: readonly string[], settings: Record<string, string>): string {
  if (sameNameServers(current, expected)) return '';
  return (
    `drift: ${domain} at ${REGISTRARS[registrar].name}: the registrar delegates to ${current.join(', ') || '(no name servers)'}, ` +
    `but this stack set ${expected.join(', ')}: someone changed it outside nsbridge. ` +
    `To put it back: ${repairCommand(registrar, domain, expected, settings)} ` +
    `(nsbridge plan lists every drifted domain). To keep the registrar's value instead, change the configuration.`
  );
}

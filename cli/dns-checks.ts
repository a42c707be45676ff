/**
 * The DNS side of `set` and `verify`: pre-flight before a write, the parent's view after it.
 * Kept out of the adapters: every registrar gets the same checks.
 */
import type { Output } from './output';
import { dnsConfig, DnsConfig } from '../dns/config';
import { preflight } from '../dns/preflight';
import { describeView, verifyDelegation, VerifyResult } from '../dns/delegation';
import { readBooleanSetting } from '../registrar-adapters/core/environment';
import { RegistrarError } from '../core/errors';
import { formatDuration } from '../core/duration';

export function configFor(env: NodeJS.ProcessEnv, dnsServer?: string): DnsConfig {
  return dnsConfig(env, dnsServer);
}

export function preflightSkipped(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return Boolean(flag) || readBooleanSetting(env, 'NSBRIDGE_SKIP_PREFLIGHT');
}

/** Throws (exit 1, nothing written) unless every new name server serves the zone authoritatively. */
export async function runPreflight(registrar: string, domain: string, nameServers: string[], config: DnsConfig, out: Output): Promise<void> {
  let results;
  try {
    results = await preflight(domain, nameServers, config);
  } catch (e) {
    throw new RegistrarError({
      registrar,
      operation: 'pre-flight check',
      domain,
      cause: `DNS lookups failed: ${(e as Error).message}; nothing was written`,
      hint: 'check NSBRIDGE_DNS_SERVER, or skip the check with --skip-preflight if DNS is not reachable from here',
    });
  }
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 0) {
    out.log(`${registrar}: ${domain}: pre-flight ok: ${nameServers.length} name servers answer authoritatively for the zone`);
    return;
  }
  throw new RegistrarError({
    registrar,
    operation: 'pre-flight check',
    domain,
    cause: `${bad.length} of ${results.length} new name servers do not serve the zone: ${bad
      .map((r) => `${r.nameServer}${r.address ? ` (${r.address})` : ''}: ${r.problem}`)
      .join('; ')}; nothing was written`,
    hint: 'create the hosted zone first and check the name-server list for typos (or --skip-preflight to force)',
  });
}

export function reportProgress(domain: string, out: Output): (r: VerifyResult) => void {
  return (r) =>
    out.log(
      `verify ${domain}: ${r.agreeing.length}/${r.views.length} ${r.parent.zone} servers delegate to the new set` +
        (r.disagreeing.length ? `; not yet: ${r.views.filter((v) => r.disagreeing.includes(v.server)).map(describeView).join('; ')}` : ''),
    );
}

/** Check the parent once (or until `waitMs`); returns the result, never throws on DNS trouble. */
export async function parentCheck(domain: string, nameServers: string[], config: DnsConfig, waitMs: number, out: Output): Promise<VerifyResult | Error> {
  try {
    return await verifyDelegation(domain, nameServers, config, { timeoutMs: waitMs, onProgress: reportProgress(domain, out) });
  } catch (e) {
    return e as Error;
  }
}

export function timeoutMessage(waitMs: number): string {
  return `not every parent server delegates to the new name servers after ${formatDuration(waitMs)}`;
}

/**
 * Pre-flight: before a registrar write, ask every new name server directly (no recursion) for the
 * domain's SOA and NS. Each must answer authoritatively (AA) for exactly this zone. A typo in a
 * name server, or a zone that does not exist yet, would otherwise take the domain offline the
 * moment the registry publishes the change.
 */
import { canonical, DnsTimeoutError, query } from './query';
import type { DnsConfig } from './config';
import { RecursiveResolver } from './resolver';

export interface PreflightResult {
  readonly nameServer: string;
  readonly address?: string;
  readonly ok: boolean;
  /** What was wrong: timeout, REFUSED, not authoritative, wrong zone, does not resolve. */
  readonly problem?: string;
}

async function checkOne(domain: string, ns: string, resolver: RecursiveResolver, config: DnsConfig): Promise<PreflightResult> {
  let addresses: string[];
  try {
    addresses = await resolver.addressesOf(ns);
  } catch (e) {
    return { nameServer: ns, ok: false, problem: `its address could not be looked up: ${(e as Error).message}` };
  }
  if (addresses.length === 0) return { nameServer: ns, ok: false, problem: 'does not resolve (no A or AAAA record)' };
  const address = addresses[0]!;
  const server = { host: address, port: config.authoritativePort };
  for (const type of ['SOA', 'NS'] as const) {
    let a;
    try {
      a = await query(server, domain, type, { recursive: false, timeoutMs: config.timeoutMs });
    } catch (e) {
      return { nameServer: ns, address, ok: false, problem: e instanceof DnsTimeoutError ? `no answer to ${type} (timeout)` : `${type} query failed: ${(e as Error).message}` };
    }
    if (a.rcode !== 'NOERROR') return { nameServer: ns, address, ok: false, problem: `answered ${a.rcode} to ${type}` };
    if (!a.aa) return { nameServer: ns, address, ok: false, problem: `not authoritative for ${domain} (no AA flag on the ${type} answer)` };
    const owned = a.answers.filter((r) => r.type === type && canonical(r.name) === canonical(domain));
    if (owned.length === 0) {
      const soa = [...a.answers, ...a.authorities].find((r) => r.type === 'SOA');
      return {
        nameServer: ns,
        address,
        ok: false,
        problem: soa ? `wrong zone: it serves ${canonical(soa.name) || '.'}, not ${domain}` : `no ${type} record for ${domain} in its answer`,
      };
    }
  }
  return { nameServer: ns, address, ok: true };
}

export async function preflight(domain: string, nameServers: readonly string[], config: DnsConfig): Promise<PreflightResult[]> {
  const resolver = new RecursiveResolver(config);
  return Promise.all(nameServers.map((ns) => checkOne(domain, ns, resolver, config)));
}

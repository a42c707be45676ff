/**
 * What the parent zone says about a domain's delegation: find the parent zone's authoritative
 * servers through the recursive resolver, then ask each of them directly, without recursion,
 * for the domain's NS (the referral). This is the registry's view, which is what a registrar
 * change eventually updates; a recursive lookup of the domain's NS would show the child zone's
 * own NS records instead (DNSControl #1402's trap).
 */
import { canonical, DnsServer, DnsTimeoutError, formatServer, query } from './query';
import type { DnsConfig } from './config';
import { RecursiveResolver } from './resolver';
import { canonicalNameServers, sameNameServers } from '../core/names';
import { poll } from '../core/poll';

export interface ParentServer {
  readonly name: string;
  readonly address?: string;
}

export interface ParentZone {
  readonly zone: string;
  readonly servers: ParentServer[];
}

/** One parent server's answer: the NS it delegates to, or why there is none. */
export type ParentView =
  | { readonly server: string; readonly ok: true; readonly nameServers: string[] }
  | { readonly server: string; readonly ok: false; readonly problem: string };

export async function findParentZone(domain: string, config: DnsConfig): Promise<ParentZone> {
  const resolver = new RecursiveResolver(config);
  const labels = canonical(domain).split('.');
  for (let i = 1; i < labels.length; i++) {
    const zone = labels.slice(i).join('.');
    const names = await resolver.nameServersOf(zone);
    if (names.length === 0) continue;
    const servers: ParentServer[] = [];
    for (const name of names.sort()) {
      let address: string | undefined;
      try {
        address = (await resolver.addressesOf(name))[0];
      } catch {
        address = undefined;
      }
      servers.push({ name, address });
    }
    return { zone, servers };
  }
  throw new Error(`no parent zone with name servers found above ${domain} (is the resolver ${config.resolvers.map(formatServer).join(', ')} right?)`);
}

/** Ask one parent server, without recursion, where it delegates `domain`. */
export async function delegationAt(server: DnsServer, domain: string, timeoutMs: number): Promise<string[] | { problem: string }> {
  let a;
  try {
    a = await query(server, domain, 'NS', { recursive: false, timeoutMs });
  } catch (e) {
    return { problem: e instanceof DnsTimeoutError ? 'no answer (timeout)' : `error: ${(e as Error).message}` };
  }
  if (a.rcode === 'NXDOMAIN') return [];
  if (a.rcode !== 'NOERROR') return { problem: `answered ${a.rcode}` };
  const owned = (r: { type: string; name: string }) => r.type === 'NS' && canonical(r.name) === canonical(domain);
  // A referral puts the NS in the authority section; a server also authoritative for the child
  // answers them directly. Either is the delegation as this server sees it.
  const ns = [...a.answers.filter(owned), ...a.authorities.filter(owned)].map((r) => canonical(String((r as { data: string }).data)));
  return canonicalNameServers(ns);
}

export async function parentViews(domain: string, parent: ParentZone, config: DnsConfig): Promise<ParentView[]> {
  return Promise.all(
    parent.servers.map(async (s): Promise<ParentView> => {
      if (!s.address) return { server: s.name, ok: false, problem: 'its address does not resolve' };
      const r = await delegationAt({ host: s.address, port: config.authoritativePort }, domain, config.timeoutMs);
      return Array.isArray(r) ? { server: s.name, ok: true, nameServers: r } : { server: s.name, ok: false, problem: r.problem };
    }),
  );
}

export interface VerifyResult {
  readonly verified: boolean;
  readonly parent: ParentZone;
  readonly views: ParentView[];
  readonly agreeing: string[];
  readonly disagreeing: string[];
}

export function summarize(expected: readonly string[], parent: ParentZone, views: ParentView[]): VerifyResult {
  const agreeing = views.filter((v) => v.ok && sameNameServers(v.nameServers, expected)).map((v) => v.server);
  const disagreeing = views.filter((v) => !agreeing.includes(v.server)).map((v) => v.server);
  return { verified: views.length > 0 && disagreeing.length === 0, parent, views, agreeing, disagreeing };
}

export function describeView(v: ParentView): string {
  return v.ok ? `${v.server}: ${v.nameServers.length ? v.nameServers.join(', ') : '(not delegated)'}` : `${v.server}: ${v.problem}`;
}

/**
 * Check until every parent server delegates exactly `expected`, or the time is up.
 * timeoutMs 0 = check once. Progress goes to `onProgress` after each round.
 */
export async function verifyDelegation(
  domain: string,
  expected: readonly string[],
  config: DnsConfig,
  opts: { timeoutMs: number; intervalMs?: number; onProgress?: (r: VerifyResult) => void },
): Promise<VerifyResult> {
  const parent = await findParentZone(domain, config);
  const { result } = await poll(
    async () => summarize(expected, parent, await parentViews(domain, parent, config)),
    (r) => r.verified,
    { timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs ?? 2000, growth: 1.5, maxIntervalMs: 30_000, onProgress: opts.onProgress },
  );
  return result;
}

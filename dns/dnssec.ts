/**
 * The DNS side of `nsbridge ds` (the ports of core/dnssec-rollout.ts and core/dnssec-change.ts,
 * which hold the waits and the rules), asked directly of the servers that matter, without recursion:
 *  - the zone's own name servers, for the DNSKEY RRset at the apex (is the zone signed with the
 *    key the DS will point at? `ds set --wait-signed`, before anything is published);
 *  - the parent zone's servers, for the DS RRset at the delegation point (has the registry
 *    published the change? `ds set --wait`, `ds clear --wait`, and the DS TTL for `--hold`; has it
 *    dropped the DS a key roll replaced? `ds set --hold-replaced`).
 * Publishing a DS before every name server serves the matching DNSKEY makes the domain fail
 * validation (SERVFAIL for every validating resolver), hence the order.
 */
import { canonical, DnsAnswer, DnsServer, DnsTimeoutError, query } from './query';
import type { DnsConfig } from './config';
import { RecursiveResolver } from './resolver';
import type { ParentZone } from './delegation';
import { DnskeyRecord, DnssecRecord, DsRecord, DsView, keyStandsFor, keyTagOf, shortDs } from '../core/dnssec';
import { parseDuration } from '../core/duration';
import { UsageError } from '../core/errors';

const DEFAULT_POLL_MS = 5000;

/** How often the waits ask again: NSBRIDGE_DNS_POLL_INTERVAL (default 5s). */
export function pollIntervalMs(env: NodeJS.ProcessEnv): number {
  const raw = env.NSBRIDGE_DNS_POLL_INTERVAL;
  if (raw === undefined || raw.trim() === '') return DEFAULT_POLL_MS;
  try {
    const ms = parseDuration(raw);
    if (ms > 0) return ms;
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`NSBRIDGE_DNS_POLL_INTERVAL="${raw}" is not a positive duration (e.g. 5s)`);
}


// The pure DS/DNSKEY matching and the parent's view type live in core (the roll-out rules use them).
export { describeDsView, dsStandsFor, keyStandsFor, shortDs } from '../core/dnssec';
export type { DsView } from '../core/dnssec';
const shortKey = (k: DnskeyRecord) => `key tag ${keyTagOf(k)} (flags ${k.flags}, algorithm ${k.algorithm})`;

/** Ask one server, without recursion, for `type` at `domain`; a timeout or an error is a problem to report. */
async function askDirectly(server: DnsServer, domain: string, type: 'DS' | 'DNSKEY', timeoutMs: number): Promise<DnsAnswer | { problem: string }> {
  try {
    return await query(server, domain, type, { recursive: false, timeoutMs });
  } catch (e) {
    return { problem: e instanceof DnsTimeoutError ? `no answer to ${type} (timeout)` : `error: ${(e as Error).message}` };
  }
}

/** Ask one parent server, without recursion, for the domain's DS RRset (and its TTL). */
export async function dsAt(server: DnsServer, domain: string, timeoutMs: number): Promise<{ ds: DsRecord[]; ttl?: number } | { problem: string }> {
  const a = await askDirectly(server, domain, 'DS', timeoutMs);
  if ('problem' in a) return a;
  if (a.rcode === 'NXDOMAIN') return { ds: [] };
  if (a.rcode !== 'NOERROR') return { problem: `answered ${a.rcode} to DS` };
  // The DS RRset is the parent's own data: a referral (AA=0) is not an answer about it.
  if (!a.aa) return { problem: `not authoritative for the DS of ${domain} (a referral or a lame server)` };
  const records = a.answers.filter((r) => r.type === 'DS' && canonical(r.name) === canonical(domain)) as Array<{
    ttl?: number;
    data: { keyTag: number; algorithm: number; digestType: number; digest: Buffer };
  }>;
  const ds = records.map((r) => ({ keyTag: r.data.keyTag, algorithm: r.data.algorithm, digestType: r.data.digestType, digest: r.data.digest.toString('hex').toUpperCase() }));
  const ttls = records.map((r) => r.ttl).filter((t): t is number => typeof t === 'number');
  return ttls.length ? { ds, ttl: Math.min(...ttls) } : { ds };
}

export async function parentDsViews(domain: string, parent: ParentZone, config: DnsConfig): Promise<DsView[]> {
  return Promise.all(
    parent.servers.map(async (s): Promise<DsView> => {
      if (!s.address) return { server: s.name, ok: false, problem: 'its address does not resolve' };
      const r = await dsAt({ host: s.address, port: config.authoritativePort }, domain, config.timeoutMs);
      return 'problem' in r ? { server: s.name, ok: false, problem: r.problem } : { server: s.name, ok: true, ...r };
    }),
  );
}

// ---- the zone side: DNSKEY ----

export type DnskeyView =
  | { readonly server: string; readonly address?: string; readonly ok: true; readonly keys: DnskeyRecord[]; readonly ttl?: number }
  | { readonly server: string; readonly address?: string; readonly ok: false; readonly problem: string };

/**
 * Ask one of the zone's name servers, without recursion, for the DNSKEY RRset at the apex, and its
 * TTL (how long a resolver may keep a DNSKEY RRset without a new key: the roll-out waits it out).
 */
export async function dnskeyAt(server: DnsServer, domain: string, timeoutMs: number): Promise<{ keys: DnskeyRecord[]; ttl?: number } | { problem: string }> {
  const a = await askDirectly(server, domain, 'DNSKEY', timeoutMs);
  if ('problem' in a) return a;
  if (a.rcode !== 'NOERROR') return { problem: `answered ${a.rcode} to DNSKEY` };
  if (!a.aa) return { problem: `not authoritative for ${domain} (lame)` };
  const records = a.answers.filter((r) => r.type === 'DNSKEY' && canonical(r.name) === canonical(domain)) as Array<{ ttl?: number; data: { flags: number; algorithm: number; key: Buffer } }>;
  const keys = records.map((r) => ({ flags: r.data.flags, protocol: 3, algorithm: r.data.algorithm, publicKey: r.data.key.toString('base64') }));
  const ttls = records.map((r) => r.ttl).filter((t): t is number => typeof t === 'number');
  return ttls.length ? { keys, ttl: Math.max(...ttls) } : { keys };
}

export async function zoneDnskeyViews(domain: string, nameServers: readonly string[], config: DnsConfig): Promise<DnskeyView[]> {
  const resolver = new RecursiveResolver(config);
  return Promise.all(
    nameServers.map(async (ns): Promise<DnskeyView> => {
      let address: string | undefined;
      try {
        address = (await resolver.addressesOf(ns))[0];
      } catch (e) {
        return { server: ns, ok: false, problem: `its address could not be looked up: ${(e as Error).message}` };
      }
      if (!address) return { server: ns, ok: false, problem: 'does not resolve' };
      const r = await dnskeyAt({ host: address, port: config.authoritativePort }, domain, config.timeoutMs);
      return 'keys' in r ? { server: ns, address, ok: true, ...r } : { server: ns, address, ok: false, problem: r.problem };
    }),
  );
}

/** The wanted records whose DNSKEY this server does not serve (all of them when it failed). */
export function missingAt(domain: string, v: DnskeyView, wanted: readonly DnssecRecord[]): DnssecRecord[] {
  if (!v.ok) return [...wanted];
  return wanted.filter((w) => !v.keys.some((k) => keyStandsFor(domain, k, w)));
}

export function describeDnskeyView(domain: string, v: DnskeyView, wanted: readonly DnssecRecord[]): string {
  const who = `${v.server}${v.address ? ` (${v.address})` : ''}`;
  if (!v.ok) return `${who}: ${v.problem}`;
  const missing = missingAt(domain, v, wanted);
  const serves = v.keys.length ? `serves ${v.keys.map(shortKey).join(', ')}` : 'serves no DNSKEY (the zone is not signed there)';
  return missing.length ? `${who}: ${serves}; no key for DS ${missing.map((m) => shortDs(m.ds)).join(', ')}` : `${who}: ${serves}`;
}

/**
 * The DNS side of `nsbridge ds`, asked directly of the servers that matter, without recursion:
 *  - the zone's own name servers, for the DNSKEY RRset at the apex (is the zone signed with the
 *    key the DS will point at? `ds set --wait-signed`, before anything is published);
 *  - the parent zone's servers, for the DS RRset at the delegation point (has the registry
 *    published the change? `ds set --wait`, `ds clear --wait`, and the DS TTL for `--hold`; has it
 *    dropped the DS a key roll replaced? `ds set --hold-replaced`).
 * Publishing a DS before every name server serves the matching DNSKEY makes the domain fail
 * validation (SERVFAIL for every validating resolver), hence the order.
 */
import { canonical, DnsServer, DnsTimeoutError, query } from './query';
import type { DnsConfig } from './config';
import { RecursiveResolver } from './resolver';
import { findParentZone, ParentZone } from './delegation';
import { DnskeyRecord, DnssecRecord, DsRecord, DsView, dsStandsFor, keyStandsFor, keyTagOf, shortDs } from '../core/dnssec';
import { parseDuration } from '../core/duration';
import { UsageError } from '../core/errors';
import { poll } from '../core/poll';

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
export { dsStandsFor, keyStandsFor, shortDs } from '../core/dnssec';
export type { DsView } from '../core/dnssec';
const shortKey = (k: DnskeyRecord) => `key tag ${keyTagOf(k)} (flags ${k.flags}, algorithm ${k.algorithm})`;

/** Ask one parent server, without recursion, for the domain's DS RRset (and its TTL). */
export async function dsAt(server: DnsServer, domain: string, timeoutMs: number): Promise<{ ds: DsRecord[]; ttl?: number } | { problem: string }> {
  let a;
  try {
    a = await query(server, domain, 'DS', { recursive: false, timeoutMs });
  } catch (e) {
    return { problem: e instanceof DnsTimeoutError ? 'no answer to DS (timeout)' : `error: ${(e as Error).message}` };
  }
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

export function describeDsView(v: DsView): string {
  if (!v.ok) return `${v.server}: ${v.problem}`;
  return `${v.server}: ${v.ds.length ? v.ds.map((d) => `DS ${shortDs(d)}`).join(', ') : 'no DS'}`;
}

/** The longest DS TTL any parent server gave: how long a validating resolver may keep the DS. */
export function parentDsTtl(views: readonly DsView[]): number | undefined {
  const ttls = views.flatMap((v) => (v.ok && v.ds.length && v.ttl !== undefined ? [v.ttl] : []));
  return ttls.length ? Math.max(...ttls) : undefined;
}

export interface DsVerifyResult {
  readonly verified: boolean;
  readonly parent: ParentZone;
  readonly views: DsView[];
  readonly agreeing: string[];
  readonly disagreeing: string[];
}

/** Does this server serve exactly the wanted set (each wanted record, nothing else)? */
export function dsViewMatches(domain: string, v: DsView, wanted: readonly DnssecRecord[]): boolean {
  if (!v.ok) return false;
  return wanted.every((w) => v.ds.some((d) => dsStandsFor(domain, d, w))) && v.ds.every((d) => wanted.some((w) => dsStandsFor(domain, d, w)));
}

/** Does this server answer, and serve none of the `gone` records (nor another digest of their keys)? */
export function dsViewWithout(domain: string, v: DsView, gone: readonly DnssecRecord[]): boolean {
  return v.ok && !v.ds.some((d) => gone.some((g) => dsStandsFor(domain, d, g)));
}

export function summarizeDs(
  domain: string,
  wanted: readonly DnssecRecord[],
  parent: ParentZone,
  views: DsView[],
  matches: (v: DsView) => boolean = (v) => dsViewMatches(domain, v, wanted),
): DsVerifyResult {
  const agreeing = views.filter(matches).map((v) => v.server);
  const disagreeing = views.filter((v) => !agreeing.includes(v.server)).map((v) => v.server);
  return { verified: views.length > 0 && disagreeing.length === 0, parent, views, agreeing, disagreeing };
}

interface ParentPollOptions {
  timeoutMs: number;
  intervalMs: number;
  parent?: ParentZone;
  onProgress?: (r: DsVerifyResult) => void;
}

async function pollParentDs(domain: string, config: DnsConfig, opts: ParentPollOptions, summarize: (parent: ParentZone, views: DsView[]) => DsVerifyResult): Promise<DsVerifyResult> {
  const parent = opts.parent ?? (await findParentZone(domain, config));
  const { result } = await poll(async () => summarize(parent, await parentDsViews(domain, parent, config)), (r) => r.verified, {
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    onProgress: opts.onProgress,
  });
  return result;
}

/**
 * Check until every parent server serves exactly `wanted` as the domain's DS RRset ([] = no DS),
 * or the time is up (timeoutMs 0 = check once).
 */
export async function verifyParentDs(domain: string, wanted: readonly DnssecRecord[], config: DnsConfig, opts: ParentPollOptions): Promise<DsVerifyResult> {
  return pollParentDs(domain, config, opts, (parent, views) => summarizeDs(domain, wanted, parent, views));
}

/**
 * Check until every parent server answers without any of the `gone` records (what a key roll
 * replaced; whatever else it serves), or the time is up (timeoutMs 0 = check once).
 */
export async function verifyParentDsGone(domain: string, gone: readonly DnssecRecord[], config: DnsConfig, opts: ParentPollOptions): Promise<DsVerifyResult> {
  return pollParentDs(domain, config, opts, (parent, views) => summarizeDs(domain, [], parent, views, (v) => dsViewWithout(domain, v, gone)));
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
  let a;
  try {
    a = await query(server, domain, 'DNSKEY', { recursive: false, timeoutMs });
  } catch (e) {
    return { problem: e instanceof DnsTimeoutError ? 'no answer to DNSKEY (timeout)' : `error: ${(e as Error).message}` };
  }
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

export interface SignedResult {
  readonly signed: boolean;
  readonly views: DnskeyView[];
  readonly ready: string[];
  readonly notReady: string[];
}

/**
 * Check until every name server answers the domain's DNSKEY query authoritatively with a key for
 * every wanted record, or the time is up (timeoutMs 0 = check once).
 */
export async function waitForSignedZone(
  domain: string,
  nameServers: readonly string[],
  wanted: readonly DnssecRecord[],
  config: DnsConfig,
  opts: { timeoutMs: number; intervalMs: number; onProgress?: (r: SignedResult) => void },
): Promise<SignedResult> {
  const { result } = await poll(
    async () => {
      const views = await zoneDnskeyViews(domain, nameServers, config);
      const ready = views.filter((v) => v.ok && missingAt(domain, v, wanted).length === 0).map((v) => v.server);
      const notReady = views.filter((v) => !ready.includes(v.server)).map((v) => v.server);
      return { signed: views.length > 0 && notReady.length === 0, views, ready, notReady };
    },
    (r) => r.signed,
    { timeoutMs: opts.timeoutMs, intervalMs: opts.intervalMs, onProgress: opts.onProgress },
  );
  return result;
}

/**
 * The DNSSEC e2e world's shared parts: the timeline of every change (registrar, parent, zone
 * servers, delegation), the check of it, and the control endpoint the stand-ins' provisioners
 * call to change the loopback DNS (see dnssec.e2e.test.ts's header for what is stood in and why).
 */
import * as http from 'node:http';
import { DnskeyRecord, dsFromDnskey, DsRecord, formatDs } from '../../core/dnssec';
import type { DnsWorld } from '../../testing/dns/dns-world';
import { PREVIOUS_NS, sortedNs } from './harness';

/** What the world needs of a registrar emulator: its account, and its change hooks. */
export interface WorldRegistrar {
  addDomain(domain: string, nameServers: string[]): void;
  onDelegationChange?: (domain: string, nameServers: string[]) => void;
  onDnssecChange?: (domain: string, records: { ds: DsRecord }[]) => void;
}

/** The world's timing: the zone's name servers, how late the second serves a change, the registry's delay, TTLs. */
export interface WorldTiming {
  readonly zoneNs: readonly string[];
  readonly signDelayMs: number;
  readonly registryDelayMs: number;
  /** The DS TTL the parent servers give (s). */
  readonly dsTtl: number;
  /** The DNSKEY TTL the zone servers give (s); default the DNS world's. */
  readonly dnskeyTtl?: number;
}

// ---------------------------------------------------------------------------------------------
// the timeline

export type Event =
  | { at: number; kind: 'ksk'; domain: string; label: string }
  | { at: number; kind: 'ksk-inactive'; domain: string; label: string }
  | { at: number; kind: 'sign'; domain: string }
  | { at: number; kind: 'unsign'; domain: string }
  | { at: number; kind: 'serve'; domain: string; server: number; keys: string[] }
  | { at: number; kind: 'registrar-ds'; domain: string; ds: string[] }
  | { at: number; kind: 'parent-ds'; domain: string; ds: string[] }
  | { at: number; kind: 'delegate'; domain: string; ns: string[] };


/**
 * Replay the events of `domain` in order and return every moment at which the parent served a DS
 * that would make the domain fail validation: delegated elsewhere than the zone's name servers, or
 * one of them not serving the DNSKEY the DS was made from.
 */
export function unsafeMoments(zoneNs: readonly string[], events: readonly Event[], domain: string, keys: Record<string, DnskeyRecord>): string[] {
  const bad: string[] = [];
  let parentDs: string[] = [];
  let delegatedTo: string[] = [];
  const served = zoneNs.map(() => [] as string[]);
  const dsOf = (label: string) => formatDs(dsFromDnskey(domain, keys[label]!));
  for (const e of [...events].filter((x) => x.domain === domain).sort((a, b) => a.at - b.at)) {
    if (e.kind === 'parent-ds') parentDs = e.ds;
    else if (e.kind === 'delegate') delegatedTo = sortedNs(e.ns);
    else if (e.kind === 'serve') served[e.server] = e.keys;
    if (parentDs.length === 0) continue;
    if (delegatedTo.join(',') !== sortedNs([...zoneNs]).join(',')) bad.push(`${new Date(e.at).toISOString()} (${e.kind}): DS ${parentDs.join(' | ')} while delegated to ${delegatedTo.join(',')}`);
    served.forEach((labels, i) => {
      const matching = new Set(labels.map(dsOf));
      for (const ds of parentDs) if (!matching.has(ds)) bad.push(`${new Date(e.at).toISOString()} (${e.kind}): DS ${ds} at the parent, but ${zoneNs[i]} serves no DNSKEY for it (serves ${labels.join(',') || 'none'})`);
    });
  }
  return bad;
}

/**
 * The same property for validating resolvers' caches: a DS RRset the parent served may be cached
 * for its TTL after the parent changed it. At every moment, each DS RRset that may still be cached
 * (the parent's current one, and any it served within the last `dsTtlMs`) must be empty or hold a
 * DS whose DNSKEY every name server serves (RFC 4035 5.2: one matching DS suffices).
 */
export function cacheUnsafeMoments(zoneNs: readonly string[], events: readonly Event[], domain: string, keys: Record<string, DnskeyRecord>, dsTtlMs: number): string[] {
  const bad: string[] = [];
  const served = zoneNs.map(() => [] as string[]);
  const dsOf = (label: string) => formatDs(dsFromDnskey(domain, keys[label]!));
  let current: string[] = [];
  const cached: { ds: string[]; until: number }[] = [];
  for (const e of [...events].filter((x) => x.domain === domain).sort((a, b) => a.at - b.at)) {
    if (e.kind === 'parent-ds') {
      cached.push({ ds: current, until: e.at + dsTtlMs });
      current = e.ds;
    } else if (e.kind === 'serve') served[e.server] = e.keys;
    const everywhere = new Set(Object.keys(keys).filter((l) => served.every((labels) => labels.includes(l))).map(dsOf));
    for (const set of [current, ...cached.filter((c) => c.until > e.at).map((c) => c.ds)]) {
      if (set.length > 0 && !set.some((ds) => everywhere.has(ds))) bad.push(`${new Date(e.at).toISOString()} (${e.kind}): a resolver may hold DS ${set.join(' | ')}, but no key of it is served by every name server`);
    }
  }
  return bad;
}

// ---------------------------------------------------------------------------------------------
// the control endpoint the stand-ins' provisioners call

export class SigningControl {
  readonly events: Event[] = [];
  private readonly state = new Map<string, { signing: boolean; keys: string[] }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server?: http.Server;
  url = '';

  constructor(
    private readonly dns: DnsWorld,
    readonly keys: Record<string, DnskeyRecord>,
    private readonly world: WorldTiming,
  ) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://control');
      const domain = u.searchParams.get('domain') ?? '';
      const label = u.searchParams.get('key') ?? '';
      try {
        this.act(u.pathname.slice(1), domain, label);
        res.writeHead(200).end(`ok ${u.pathname.slice(1)} ${domain} ${label}`.trim());
      } catch (e) {
        res.writeHead(400).end((e as Error).message);
      }
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }

  private act(action: string, domain: string, label: string): void {
    const s = this.state.get(domain) ?? { signing: false, keys: [] };
    this.state.set(domain, s);
    const at = Date.now();
    if (action === 'ksk') {
      if (!this.keys[label]) throw new Error(`no test key "${label}"`);
      if (!s.keys.includes(label)) s.keys.push(label);
      this.events.push({ at, kind: 'ksk', domain, label });
      if (s.signing) this.serve(domain, true);
    } else if (action === 'sign') {
      s.signing = true;
      this.events.push({ at, kind: 'sign', domain });
      this.serve(domain, true);
    } else if (action === 'unsign') {
      // Route 53 drops the keys with signing; the KSKs themselves go later.
      s.signing = false;
      s.keys = [];
      this.events.push({ at, kind: 'unsign', domain });
      this.serve(domain, false);
    } else if (action === 'deactivate') {
      // KSK status INACTIVE: Route 53 stops signing with it; the zone stops serving its DNSKEY.
      s.keys = s.keys.filter((k) => k !== label);
      this.events.push({ at, kind: 'ksk-inactive', domain, label });
      if (s.signing) this.serve(domain, true);
    } else throw new Error(`unknown action "${action}"`);
  }

  /** The keys the zone should serve now; the second server follows SIGN_DELAY_MS later when `staggered`. */
  private serve(domain: string, staggered: boolean): void {
    const apply = (server: number) => {
      const s = this.state.get(domain)!;
      const labels = s.signing ? [...s.keys] : [];
      this.dns.signZone(domain, labels.map((l) => this.keys[l]!), { nameServers: [this.world.zoneNs[server]!], ttl: this.world.dnskeyTtl });
      this.events.push({ at: Date.now(), kind: 'serve', domain, server, keys: labels });
    };
    apply(0);
    if (!staggered) return apply(1);
    const t = setTimeout(() => {
      this.timers.delete(t);
      apply(1);
    }, this.world.signDelayMs);
    this.timers.add(t);
  }

  /**
   * A domain at `registrar`, delegated to PREVIOUS_NS, its zone served at the previous and the new
   * name servers; the registrar's delegation and DS changes reach the world from now on.
   */
  async addDomain(registrar: WorldRegistrar, domain: string): Promise<void> {
    registrar.addDomain(domain, [...PREVIOUS_NS]);
    await this.dns.serveZone(domain, PREVIOUS_NS);
    await this.dns.serveZone(domain, [...this.world.zoneNs]);
    this.delegated(domain, PREVIOUS_NS);
    registrar.onDelegationChange = (d, ns) => this.delegated(d, ns);
    registrar.onDnssecChange = (d, records) => this.registrarChanged(d, records.map((r) => r.ds));
  }

  /** Domains whose registry does not pass registrar changes on to the parent (a stuck registry). */
  readonly frozen = new Set<string>();

  /** The registry: the parent servers publish the registrar's DS set a little later. */
  registrarChanged(domain: string, ds: DsRecord[]): void {
    this.events.push({ at: Date.now(), kind: 'registrar-ds', domain, ds: ds.map(formatDs) });
    if (this.frozen.has(domain)) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.dns.publishDs(domain, ds, { ttl: this.world.dsTtl });
      this.events.push({ at: Date.now(), kind: 'parent-ds', domain, ds: ds.map(formatDs) });
    }, this.world.registryDelayMs);
    this.timers.add(t);
  }

  delegated(domain: string, ns: string[]): void {
    this.dns.delegate(domain, ns);
    this.events.push({ at: Date.now(), kind: 'delegate', domain, ns: [...ns] });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The provisioners' side of the control endpoint: one POST, the answer printed, exit 1 on failure. */
export const CONTROL_SCRIPT = `const [action, domain, key] = process.argv.slice(2);
const u = new URL(action, process.env.NSBRIDGE_E2E_CONTROL);
u.searchParams.set('domain', domain);
if (key) u.searchParams.set('key', key);
fetch(u, { method: 'POST' }).then(async (r) => {
  console.log('control: ' + (await r.text()));
  if (!r.ok) process.exit(1);
}, (e) => { console.error('control: ' + e.message); process.exit(1); });
`;


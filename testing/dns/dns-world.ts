/**
 * A small DNS world on loopback for tests: a recursive-resolver stand-in, the TLD's authoritative
 * servers (the "parent", whose delegations change when a registrar emulator accepts a change,
 * as a registry would, optionally after a delay or one server at a time), and authoritative
 * servers for the new zones. All listen on one random port on distinct 127.0.53.x addresses, so
 * the CLI reaches them with NSBRIDGE_DNS_SERVER and NSBRIDGE_DNS_PORT.
 *
 * DNSSEC: `signZone` makes zone servers serve DNSKEYs at the apex (as Route 53 does once signing
 * is on); `publishDs` puts a DS RRset, with its TTL, at the parent servers (as a registry does
 * when a registrar accepts a DS change). Nothing is really signed: nsbridge only compares keys.
 */
import type * as packet from 'dns-packet';
import { freeDnsPort, LoopbackDnsServer } from './loopback-dns';
import type { DnskeyRecord, DsRecord } from '../../core/dnssec';

const canonical = (n: string) => n.toLowerCase().replace(/\.$/, '');

export interface DnsWorldOptions {
  /** Top-level zone the test domains live under (default "com"). */
  readonly tld?: string;
  /** How many parent (TLD) servers (default 2). */
  readonly parentServers?: number;
}

/** When and where a parent (registry) change lands: after `delayMs` (default at once), on the servers with these indexes (default all). */
export interface ParentChange {
  readonly delayMs?: number;
  readonly servers?: number[];
}

export class DnsWorld {
  readonly tld: string;
  readonly resolver: LoopbackDnsServer;
  readonly parents: LoopbackDnsServer[] = [];
  readonly parentNames: string[] = [];
  /** authoritative server by its NS host name */
  readonly zoneServers = new Map<string, LoopbackDnsServer>();
  private nextHost = 10;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly port: number,
    opts: DnsWorldOptions,
  ) {
    this.tld = canonical(opts.tld ?? 'com');
    this.resolver = new LoopbackDnsServer('127.0.53.1', port, 'resolver');
    const n = opts.parentServers ?? 2;
    for (let i = 0; i < n; i++) {
      const name = `${String.fromCharCode(97 + i)}.nic.${this.tld}-registry.net`;
      const host = `127.0.53.${2 + i}`;
      this.parentNames.push(name);
      this.parents.push(new LoopbackDnsServer(host, port).addZone(this.tld, []));
      this.resolver.setAnswer(name, 'A', [host]);
    }
    this.resolver.setAnswer(this.tld, 'NS', this.parentNames);
    for (const p of this.parents) for (const name of this.parentNames) p.addRecord(this.tld, { type: 'NS', name: this.tld, ttl: 172800, data: name } as never);
  }

  static async start(opts: DnsWorldOptions = {}): Promise<DnsWorld> {
    const hosts = ['127.0.53.1', ...Array.from({ length: (opts.parentServers ?? 2) + 12 }, (_, i) => `127.0.53.${2 + i}`)];
    const port = await freeDnsPort(hosts);
    const world = new DnsWorld(port, opts);
    await world.resolver.start();
    await Promise.all(world.parents.map((p) => p.start()));
    return world;
  }

  /** Environment for the CLI: resolver and port of this world. */
  env(): Record<string, string> {
    return {
      NSBRIDGE_DNS_SERVER: `127.0.53.1:${this.port}`,
      NSBRIDGE_DNS_PORT: String(this.port),
      NSBRIDGE_DNS_TIMEOUT: '500ms',
      NSBRIDGE_SKIP_PREFLIGHT: '0',
      NSBRIDGE_PARENT_CHECK: '1',
    };
  }

  /** Start authoritative servers named `nameServers` serving `domain` (SOA + NS). */
  async serveZone(domain: string, nameServers: string[]): Promise<LoopbackDnsServer[]> {
    const out: LoopbackDnsServer[] = [];
    for (const ns of nameServers.map(canonical)) {
      let server = this.zoneServers.get(ns);
      if (!server) {
        const host = `127.0.53.${this.nextHost++}`;
        server = await new LoopbackDnsServer(host, this.port).start();
        this.zoneServers.set(ns, server);
        this.resolver.setAnswer(ns, 'A', [host]);
      }
      server.addZone(domain, nameServers);
      out.push(server);
    }
    return out;
  }

  /** A name server host name that resolves but whose server serves nothing (REFUSED). */
  async emptyServer(ns: string): Promise<LoopbackDnsServer> {
    const host = `127.0.53.${this.nextHost++}`;
    const server = await new LoopbackDnsServer(host, this.port).start();
    this.zoneServers.set(canonical(ns), server);
    this.resolver.setAnswer(ns, 'A', [host]);
    return server;
  }

  /**
   * Change the delegation of `domain` at the parent servers, as a registry publishing a registrar's
   * change: after `delayMs` (default at once), and optionally only on some servers (by index).
   */
  delegate(domain: string, nameServers: readonly string[], opts: ParentChange = {}): void {
    this.atParents(opts, (p) => p.delegate(this.tld, domain, nameServers));
  }

  /**
   * Serve these DNSKEYs at the apex of `domain` on its zone servers (all of them, or only those
   * named in `nameServers`); [] stops serving them (an unsigned zone).
   */
  signZone(domain: string, keys: readonly DnskeyRecord[], opts: { nameServers?: string[]; ttl?: number } = {}): void {
    const names = opts.nameServers?.map(canonical);
    for (const [ns, server] of this.zoneServers) {
      if (names && !names.includes(ns)) continue;
      if (!server.servesZone(domain)) continue;
      server.setRecords(domain, domain, 'DNSKEY', keys.map((k) => dnskeyAnswer(domain, k, opts.ttl ?? 3600)));
    }
  }

  /**
   * Publish a DS RRset for `domain` at the parent servers (replacing the previous one; [] removes
   * it), as a registry does: after `delayMs` (default at once), optionally on some servers only.
   */
  publishDs(domain: string, records: readonly DsRecord[], opts: ParentChange & { ttl?: number } = {}): void {
    const answers = records.map((d) => dsAnswer(domain, d, opts.ttl ?? 86400));
    this.atParents(opts, (p) => p.setRecords(this.tld, domain, 'DS', answers));
  }

  /** `domain` as before any DNSSEC: delegated to `nameServers` at every parent server, no DS there, its zone unsigned. */
  resetDomain(domain: string, nameServers: readonly string[]): void {
    this.delegate(domain, nameServers);
    this.publishDs(domain, []);
    this.signZone(domain, []);
  }

  /** Apply `change` to the parent servers (all, or those in `servers`), now or after `delayMs`. */
  private atParents(opts: ParentChange, change: (parent: LoopbackDnsServer) => void): void {
    const apply = () => {
      this.parents.forEach((p, i) => {
        if (!opts.servers || opts.servers.includes(i)) change(p);
      });
    };
    if (!opts.delayMs) apply();
    else {
      const t = setTimeout(() => {
        this.timers.delete(t);
        apply();
      }, opts.delayMs);
      this.timers.add(t);
    }
  }

  /** The DS RRset parent server `index` serves for `domain`. */
  dsAt(index: number, domain: string): DsRecord[] {
    return (this.parents[index]?.recordsOf(this.tld, domain, 'DS') ?? []).map((a) => {
      const d = (a as packet.DSAnswer).data;
      return { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, digest: d.digest.toString('hex').toUpperCase() };
    });
  }

  delegationAt(index: number, domain: string): string[] | undefined {
    return this.parents[index]?.delegationOf(this.tld, domain);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all([this.resolver.close(), ...this.parents.map((p) => p.close()), ...[...this.zoneServers.values()].map((s) => s.close())]);
  }
}

function dnskeyAnswer(domain: string, k: DnskeyRecord, ttl: number): packet.Answer {
  // dns-packet writes protocol 3 itself (the only valid value).
  return { type: 'DNSKEY', name: canonical(domain), ttl, data: { flags: k.flags, algorithm: k.algorithm, key: Buffer.from(k.publicKey, 'base64') } } as packet.Answer;
}

function dsAnswer(domain: string, d: DsRecord, ttl: number): packet.Answer {
  return { type: 'DS', name: canonical(domain), ttl, data: { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, digest: Buffer.from(d.digest, 'hex') } } as packet.Answer;
}

/**
 * A fake DNSSEC world for the roll-out rules' unit tests, on a fake clock: a registrar that holds
 * DS records, parent servers that publish what the registrar holds each after its own delay (as a
 * registry does), name servers that serve DNSKEYs from a given moment, and resolvers' caches
 * (every DS RRset a parent server served stays cacheable for its TTL).
 *
 * `chainProblems()` is the validating check of the chain at this moment: every DS RRset a
 * resolver may hold (served now, or within its TTL) is empty or has a DS whose key the zone
 * still has and signs with. The test calls it at every tick of the clock.
 */
import { dsFromDnskey, DnskeyRecord, DnssecRecord, DsRecord, formatDs, keyTagOf, sameDnssecRecord } from '../../core/dnssec';
import type { DsView } from '../../core/dnssec';
import type { ParentReading, RolloutPorts, ZoneReading } from '../../core/dnssec-rollout';
import { FakeClock } from '../clock';

interface Publication {
  readonly at: number;
  readonly ds: DsRecord[];
}

export class FakeDnssecWorld {
  /** What the registrar holds. */
  held: DnssecRecord[] = [];
  /** false: the parent servers never publish (a stuck registry). */
  registryPublishes = true;
  /** Keys in the zone (signing), and from when each name server serves each. */
  readonly keys = new Map<string, { key: DnskeyRecord; servedFrom: number[] }>();
  readonly publications: Publication[][];
  readonly writes: Array<{ at: number; add: string[]; remove: string[] }> = [];
  readonly lines: string[] = [];
  /** Clock observers (the chain check), called after each tick. */
  readonly onTick: Array<() => void> = [];
  readonly clock: FakeClock;

  constructor(
    readonly domain: string,
    readonly parentDelays: number[],
    readonly nameServers: string[],
    readonly dsTtl: number,
    readonly keyTtl = 3600,
    start = Date.parse('2026-12-07T00:00:00Z'),
  ) {
    this.publications = parentDelays.map(() => [{ at: 0, ds: [] }]);
    const world = this;
    this.clock = new (class extends FakeClock {
      async sleep(ms: number): Promise<void> {
        // Stop at every moment the chain can change (a publication, a cached set expiring), so
        // the chain is checked at each of them, then at the end.
        const end = this.now() + Math.max(0, ms);
        for (const t of world.eventsBetween(this.now(), end)) {
          await super.sleep(t - this.now());
          for (const f of world.onTick) f();
        }
        await super.sleep(end - this.now());
        for (const f of world.onTick) f();
      }
    })(start);
  }

  /** Moments in (from, to) when what a resolver may hold changes. */
  eventsBetween(from: number, to: number): number[] {
    const ts = new Set<number>();
    for (const ps of this.publications) {
      ps.forEach((p, j) => {
        ts.add(p.at);
        if (j + 1 < ps.length) ts.add(ps[j + 1]!.at + this.dsTtl * 1000);
      });
    }
    return [...ts].filter((t) => t > from && t < to).sort((a, b) => a - b);
  }

  /** A key the zone signs with; served by name server i from `servedFrom[i]` (ms from now). */
  addKey(key: DnskeyRecord, servedFrom: number[] = this.nameServers.map(() => 0)): void {
    this.keys.set(key.publicKey, { key, servedFrom: servedFrom.map((d) => this.clock.now() + d) });
  }

  deleteKey(key: DnskeyRecord): void {
    this.keys.delete(key.publicKey);
  }

  record(key: DnskeyRecord): DnssecRecord {
    return { ds: dsFromDnskey(this.domain, key), dnskey: key };
  }

  /** The registrar writes; the registry publishes the new set at each parent server after its delay. */
  private publish(): void {
    if (!this.registryPublishes) return;
    const ds = this.held.map((r) => r.ds);
    this.parentDelays.forEach((d, i) => this.publications[i]!.push({ at: this.clock.now() + d, ds }));
  }

  /** A registrar-side change by hand (no write through nsbridge). */
  dropByHand(r: DnssecRecord): void {
    this.held = this.held.filter((h) => !sameDnssecRecord(h, r));
    this.publish();
  }

  servedAt(i: number, t = this.clock.now()): DsRecord[] {
    const ps = this.publications[i]!.filter((p) => p.at <= t);
    return ps[ps.length - 1]!.ds;
  }

  parentViews(): DsView[] {
    return this.parentDelays.map((_, i) => {
      const ds = this.servedAt(i);
      return { server: `${'abc'[i] ?? i}.gtld-servers.net`, ok: true as const, ds, ...(ds.length ? { ttl: this.dsTtl } : {}) };
    });
  }

  /** Every DS RRset a resolver may hold now: served now, or served within the last TTL. */
  cacheableSets(): DsRecord[][] {
    const now = this.clock.now();
    const sets: DsRecord[][] = [];
    this.publications.forEach((ps) => {
      ps.forEach((p, j) => {
        const until = j + 1 < ps.length ? ps[j + 1]!.at : Number.POSITIVE_INFINITY;
        if (p.at <= now && until + this.dsTtl * 1000 > now) sets.push(p.ds);
      });
    });
    return sets;
  }

  /** Chain validity now: each cacheable non-empty DS set has a DS whose key the zone has. */
  chainProblems(): string[] {
    const problems: string[] = [];
    const keys = [...this.keys.values()].map((k) => k.key);
    for (const set of this.cacheableSets()) {
      if (set.length === 0) continue;
      const ok = set.some((ds) => keys.some((k) => keyTagOf(k) === ds.keyTag && formatDs(dsFromDnskey(this.domain, k, ds.digestType)) === formatDs(ds)));
      if (!ok) problems.push(`at ${new Date(this.clock.now()).toISOString()}: DS set [${set.map(formatDs).join(', ')}] has no key in the zone (bogus)`);
    }
    return problems;
  }

  ports(): RolloutPorts {
    return {
      registrar: {
        get: async () => [...this.held],
        add: async (rs) => {
          this.held = [...this.held, ...rs];
          this.writes.push({ at: this.clock.now(), add: rs.map((r) => formatDs(r.ds)), remove: [] });
          this.publish();
        },
        remove: async (rs) => {
          this.held = this.held.filter((h) => !rs.some((r) => sameDnssecRecord(h, r)));
          this.writes.push({ at: this.clock.now(), add: [], remove: rs.map((r) => formatDs(r.ds)) });
          this.publish();
        },
      },
      parent: async (): Promise<ParentReading> => ({ zone: 'com', views: this.parentViews() }),
      zone: async (records): Promise<ZoneReading> => {
        const now = this.clock.now();
        const awaiting = this.nameServers.filter((_, i) =>
          records.some((r) => {
            const k = r.dnskey && this.keys.get(r.dnskey.publicKey);
            return !k || k.servedFrom[i]! > now;
          }),
        );
        return { awaiting, ttl: this.keyTtl };
      },
      clock: this.clock,
      log: (line) => this.lines.push(line),
    };
  }
}

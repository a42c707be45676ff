/**
 * Real DNS servers on loopback addresses for tests (UDP and TCP, dns-packet wire format):
 *  - authoritative mode: serves zones, answers with AA, gives referrals (AA=0, NS in authority,
 *    glue in additional) for delegated children, NXDOMAIN/NODATA with the SOA; REFUSED for names
 *    outside its zones, as real authoritative servers do;
 *  - resolver mode: a stand-in for a recursive resolver, answering from a flat table with RA set.
 * Behaviours can be switched per server to test failures: refuse, silent, lame (not
 * authoritative), servfail.
 */
import { createSocket, Socket } from 'node:dgram';
import { createServer, Server, Socket as TcpSocket } from 'node:net';
import * as packet from 'dns-packet';

export type Behaviour = 'normal' | 'refuse' | 'silent' | 'lame' | 'servfail';

const canonical = (n: string) => n.toLowerCase().replace(/\.$/, '');
const RCODE: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

interface ZoneData {
  readonly name: string;
  /** name -> type -> answers */
  readonly records: Map<string, Map<string, packet.Answer[]>>;
  /** delegated child -> NS names */
  readonly delegations: Map<string, string[]>;
  /** known host addresses for glue */
  readonly glue: Map<string, string>;
}

export interface QueryLogEntry {
  readonly name: string;
  readonly type: string;
  readonly rd: boolean;
  readonly at: number;
}

export class LoopbackDnsServer {
  behaviour: Behaviour = 'normal';
  readonly queries: QueryLogEntry[] = [];
  /**
   * Called after each query has been answered: tests make the world change at a known point of a
   * command's conversation (e.g. the registry publishes once it was asked twice), not on a timer.
   */
  onQuery?: (q: QueryLogEntry) => void;
  private readonly zones = new Map<string, ZoneData>();
  /** resolver mode table: name -> type -> values (string data) */
  private readonly table = new Map<string, Map<string, string[]>>();
  private udp?: Socket;
  private tcp?: Server;
  private readonly sockets = new Set<TcpSocket>();

  constructor(
    readonly host: string,
    readonly port: number,
    readonly mode: 'authoritative' | 'resolver' = 'authoritative',
  ) {}

  // ---- authoritative data ----

  addZone(zone: string, nameServers: string[], opts: { ttl?: number } = {}): this {
    const name = canonical(zone);
    const z: ZoneData = { name, records: new Map(), delegations: new Map(), glue: new Map() };
    this.zones.set(name, z);
    const ttl = opts.ttl ?? 300;
    this.put(z, {
      type: 'SOA',
      name,
      ttl,
      data: { mname: nameServers[0] ?? `ns.${name}`, rname: `hostmaster.${name || 'root'}`, serial: 1, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 },
    } as packet.Answer);
    for (const ns of nameServers) this.put(z, { type: 'NS', name, ttl, data: canonical(ns) } as packet.Answer);
    return this;
  }

  servesZone(zone: string): boolean {
    return this.zones.has(canonical(zone));
  }

  removeZone(zone: string): void {
    this.zones.delete(canonical(zone));
  }

  addRecord(zone: string, answer: packet.Answer): this {
    const z = this.zones.get(canonical(zone));
    if (!z) throw new Error(`no zone ${zone} on ${this.host}`);
    this.put(z, answer);
    return this;
  }

  /**
   * Replace the `type` records of `name` in `zone` ([] removes them): a DNSKEY RRset at a zone's
   * apex, or a DS RRset at a delegation point in the parent zone, with its TTL.
   */
  setRecords(zone: string, name: string, type: string, answers: readonly packet.Answer[]): this {
    const z = this.zones.get(canonical(zone));
    if (!z) throw new Error(`no zone ${zone} on ${this.host}`);
    const n = canonical(name);
    if (!z.records.has(n)) z.records.set(n, new Map());
    const byType = z.records.get(n)!;
    if (answers.length === 0) byType.delete(type);
    else byType.set(type, answers.map((a) => ({ ...a, name: n }) as packet.Answer));
    if (byType.size === 0) z.records.delete(n);
    return this;
  }

  recordsOf(zone: string, name: string, type: string): packet.Answer[] {
    return [...(this.zones.get(canonical(zone))?.records.get(canonical(name))?.get(type) ?? [])];
  }

  /** In `zone`, delegate `child` to `nameServers` (replaces the previous delegation; [] removes it). */
  delegate(zone: string, child: string, nameServers: readonly string[]): void {
    const z = this.zones.get(canonical(zone));
    if (!z) throw new Error(`no zone ${zone} on ${this.host}`);
    if (nameServers.length === 0) z.delegations.delete(canonical(child));
    else z.delegations.set(canonical(child), nameServers.map(canonical));
  }

  delegationOf(zone: string, child: string): string[] | undefined {
    return this.zones.get(canonical(zone))?.delegations.get(canonical(child));
  }

  // ---- resolver data ----

  /** Resolver mode: answer `name type` with these values (NS names, A addresses, ...). */
  setAnswer(name: string, type: string, values: string[]): this {
    const n = canonical(name);
    if (!this.table.has(n)) this.table.set(n, new Map());
    this.table.get(n)!.set(type, values);
    return this;
  }

  private put(z: ZoneData, answer: packet.Answer): void {
    const n = canonical(answer.name);
    if (!z.records.has(n)) z.records.set(n, new Map());
    const byType = z.records.get(n)!;
    byType.set(answer.type, [...(byType.get(answer.type) ?? []), { ...answer, name: n } as packet.Answer]);
  }

  // ---- server ----

  async start(): Promise<this> {
    this.udp = createSocket('udp4');
    this.udp.on('message', (msg, rinfo) => {
      const reply = this.respond(msg);
      if (reply) {
        // Classic UDP limit: truncate, the client retries over TCP.
        const out = reply.length > 512 ? this.truncated(msg) : reply;
        this.udp?.send(out, rinfo.port, rinfo.address);
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.udp!.once('error', reject);
      this.udp!.bind(this.port, this.host, () => resolve());
    });
    this.tcp = createServer((sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      let buf = Buffer.alloc(0);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= buf.readUInt16BE(0) + 2) {
          const len = buf.readUInt16BE(0);
          const msg = buf.subarray(2, 2 + len);
          buf = buf.subarray(2 + len);
          const reply = this.respond(msg);
          if (reply) {
            const head = Buffer.alloc(2);
            head.writeUInt16BE(reply.length);
            sock.write(Buffer.concat([head, reply]));
          }
        }
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once('error', reject);
      this.tcp!.listen(this.port, this.host, () => resolve());
    });
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }

  private truncated(msg: Buffer): Buffer {
    const q = packet.decode(msg);
    return packet.encode({ type: 'response', id: q.id, flags: packet.TRUNCATED_RESPONSE, questions: q.questions });
  }

  private respond(msg: Buffer): Buffer | undefined {
    let q: packet.DecodedPacket;
    try {
      q = packet.decode(msg);
    } catch {
      return undefined;
    }
    const question = q.questions?.[0];
    if (!question) return undefined;
    const entry = { name: canonical(question.name), type: question.type, rd: q.flag_rd, at: Date.now() };
    this.queries.push(entry);
    try {
      return this.reply(q, question);
    } finally {
      if (this.onQuery) queueMicrotask(() => this.onQuery?.(entry));
    }
  }

  private reply(q: packet.DecodedPacket, question: packet.Question): Buffer | undefined {
    const base = { type: 'response' as const, id: q.id, questions: q.questions };
    const rd = q.flag_rd ? packet.RECURSION_DESIRED : 0;
    switch (this.behaviour) {
      case 'silent':
        return undefined;
      case 'refuse':
        return packet.encode({ ...base, flags: rd | RCODE.REFUSED! });
      case 'servfail':
        return packet.encode({ ...base, flags: rd | RCODE.SERVFAIL! });
      case 'lame':
        // Answers, but not authoritatively and with nothing useful: a lame delegation.
        return packet.encode({ ...base, flags: rd });
      default:
        break;
    }
    if (this.mode === 'resolver') return packet.encode(this.resolve(base, question, rd));
    return packet.encode(this.authoritative(base, question, rd));
  }

  private resolve(base: packet.Packet, question: packet.Question, rd: number): packet.Packet {
    const name = canonical(question.name);
    const byType = this.table.get(name);
    const flags = rd | packet.RECURSION_AVAILABLE;
    if (!byType) return { ...base, flags: flags | RCODE.NXDOMAIN! };
    const values = byType.get(question.type) ?? [];
    return {
      ...base,
      flags,
      answers: values.map((data) => ({ type: question.type, name, ttl: 60, data }) as packet.Answer),
    };
  }

  private authoritative(base: packet.Packet, question: packet.Question, rd: number): packet.Packet {
    const name = canonical(question.name);
    // The most specific zone this server serves.
    const zone = [...this.zones.values()]
      .filter((z) => z.name === '' || name === z.name || name.endsWith(`.${z.name}`))
      .sort((a, b) => b.name.length - a.name.length)[0];
    if (!zone) return { ...base, flags: rd | RCODE.REFUSED! };
    const soa = zone.records.get(zone.name)?.get('SOA') ?? [];

    // At or below a delegation point (other than the apex): a referral, not authoritative.
    const cut = [...zone.delegations.keys()]
      .filter((c) => name === c || name.endsWith(`.${c}`))
      .sort((a, b) => b.length - a.length)[0];
    // The DS RRset lives on the parent side of the cut (RFC 4035 3.1.4.1): the parent answers
    // it authoritatively, NODATA with its SOA when the child is delegated but unsigned.
    if (cut && question.type === 'DS' && name === cut) {
      const ds = zone.records.get(cut)?.get('DS') ?? [];
      return { ...base, flags: rd | packet.AUTHORITATIVE_ANSWER, answers: ds, authorities: ds.length ? [] : soa };
    }
    if (cut) {
      const ns = zone.delegations.get(cut)!;
      return {
        ...base,
        flags: rd,
        authorities: ns.map((data) => ({ type: 'NS', name: cut, ttl: 172800, data }) as packet.Answer),
        additionals: ns
          .filter((n) => zone.glue.has(n))
          .map((n) => ({ type: 'A', name: n, ttl: 172800, data: zone.glue.get(n)! }) as packet.Answer),
      };
    }
    const byType = zone.records.get(name);
    if (!byType) return { ...base, flags: rd | packet.AUTHORITATIVE_ANSWER | RCODE.NXDOMAIN!, authorities: soa };
    const answers = byType.get(question.type) ?? [];
    return {
      ...base,
      flags: rd | packet.AUTHORITATIVE_ANSWER,
      answers,
      authorities: answers.length ? [] : soa,
    };
  }
}

/** A loopback port that is free for UDP and TCP on every given address (tries random ports). */
export async function freeDnsPort(hosts: string[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const probes: LoopbackDnsServer[] = [];
    try {
      for (const h of hosts) probes.push(await new LoopbackDnsServer(h, port).start());
      await Promise.all(probes.map((p) => p.close()));
      return port;
    } catch {
      await Promise.all(probes.map((p) => p.close().catch(() => undefined)));
    }
  }
  throw new Error('no free loopback port for the test DNS servers');
}

/** Questions to the configured recursive resolver(s): first one that answers wins. */
import type * as packet from 'dns-packet';
import { canonical, DnsAnswer, DnsTimeoutError, formatServer, query } from './query';
import type { DnsConfig } from './config';

export class RecursiveResolver {
  constructor(private readonly config: DnsConfig) {}

  async ask(name: string, type: packet.RecordType): Promise<DnsAnswer> {
    let last: unknown;
    for (const server of this.config.resolvers) {
      try {
        const a = await query(server, name, type, { recursive: true, timeoutMs: this.config.timeoutMs });
        if (a.rcode === 'SERVFAIL' || a.rcode === 'REFUSED') {
          last = new Error(`resolver ${formatServer(server)} answered ${a.rcode} for ${name} ${type}`);
          continue;
        }
        return a;
      } catch (e) {
        last = e instanceof DnsTimeoutError ? new Error(`resolver ${formatServer(server)} did not answer (${name} ${type})`) : e;
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  /** NS names of `name` if it is a zone apex (an NS RRset in the answer), else []. */
  async nameServersOf(name: string): Promise<string[]> {
    const a = await this.ask(name, 'NS');
    if (a.rcode !== 'NOERROR') return [];
    return a.answers
      .filter((r) => r.type === 'NS' && canonical(r.name) === canonical(name))
      .map((r) => canonical(String((r as { data: string }).data)));
  }

  /** IPv4 addresses of a host, or IPv6 when it has none. */
  async addressesOf(host: string): Promise<string[]> {
    const pick = (a: DnsAnswer, type: 'A' | 'AAAA') =>
      a.answers.filter((r) => r.type === type).map((r) => String((r as { data: string }).data));
    const v4 = pick(await this.ask(host, 'A'), 'A');
    if (v4.length) return v4;
    return pick(await this.ask(host, 'AAAA'), 'AAAA');
  }
}

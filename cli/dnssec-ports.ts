/**
 * The real ports of the DNSSEC rules (core/dnssec-rollout.ts, core/dnssec-change.ts): the
 * registrar adapter's DnssecOperations, the parent zone's servers and the domain's name servers
 * over DNS, the real clock, and the CLI's stderr.
 */
import type { Output } from './output';
import type { DnssecOperations, RegistrarClient } from '../registrar-adapters/core/types';
import type { ParentReading, RolloutPorts, ZoneReading } from '../core/dnssec-rollout';
import type { DnssecRecord } from '../core/dnssec';
import { canonicalNameServers } from '../core/names';
import { RegistrarError } from '../core/errors';
import { durationSetting } from '../core/duration';
import { DEFAULT_WAIT_LIMIT_MS } from '../core/bounded-wait';
import { realClock } from '../core/poll';
import type { DnsConfig } from '../dns/config';
import { findParentZone, ParentZone } from '../dns/delegation';
import { describeDnskeyView, missingAt, parentDsViews, zoneDnskeyViews } from '../dns/dnssec';

/** The wait limit: --max-wait, else NSBRIDGE_DNS_WAIT_LIMIT, else 15 min. */
export function waitLimitMs(env: NodeJS.ProcessEnv, flag?: number): number {
  return flag ?? durationSetting(env, 'NSBRIDGE_DNS_WAIT_LIMIT', DEFAULT_WAIT_LIMIT_MS);
}

export function dnssecPorts(registrar: string, domain: string, client: RegistrarClient, ops: DnssecOperations, dns: DnsConfig | undefined, out: Output): RolloutPorts {
  let parentZone: ParentZone | undefined;
  let nameServers: string[] | undefined;
  const needDns = (): DnsConfig => {
    // The CLI builds no DNS settings when nothing asks the DNS; a rule that does is a bug.
    if (!dns) throw new Error('DNS settings were not resolved for a command that reads DNS');
    return dns;
  };
  return {
    registrar: {
      get: () => ops.getDnssecRecords(domain),
      add: (records) => ops.addDnssecRecords(domain, records),
      remove: (records) => ops.removeDnssecRecords(domain, records),
    },
    parent: async (): Promise<ParentReading> => {
      const config = needDns();
      parentZone ??= await findParentZone(domain, config);
      return { zone: parentZone.zone, views: await parentDsViews(domain, parentZone, config) };
    },
    zone: async (records: readonly DnssecRecord[]): Promise<ZoneReading> => {
      const config = needDns();
      if (!nameServers) {
        nameServers = canonicalNameServers(await client.getNameServers(domain));
        if (nameServers.length === 0) {
          throw new RegistrarError({ registrar, operation: 'wait for signed zone', domain, cause: 'the registrar delegates the domain to no name servers; nothing was written', hint: 'set the name servers first (nsbridge set)' });
        }
        out.log(`${registrar}: ${domain}: checking that ${nameServers.join(', ')} serve the DNSKEY for the DS`);
      }
      const views = await zoneDnskeyViews(domain, nameServers, config);
      const notReady = views.filter((v) => missingAt(domain, v, records).length > 0);
      const ttls = views.flatMap((v) => (v.ok && v.ttl !== undefined ? [v.ttl] : []));
      return {
        ...(ttls.length ? { ttl: Math.max(...ttls) } : {}),
        awaiting: notReady.map((v) => v.server),
        detail: notReady.map((v) => describeDnskeyView(domain, v, records)).join('; ') || undefined,
        total: views.length,
      };
    },
    clock: realClock,
    log: (line) => out.log(line),
  };
}

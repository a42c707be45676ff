/**
 * Registrars with no API: Squarespace (which took over Google Domains), GoDaddy's web UI for
 * accounts below its API threshold, Hover, any other. nsbridge cannot make the change, so it
 * prints the exact steps and name servers, then waits (bounded) until the parent zone's servers
 * delegate the domain to exactly those name servers: the change is only "done" when DNS says so.
 *
 * Reading the "current" name servers means reading the delegation from the parent zone (the
 * registry's view), since there is no registrar API to ask.
 *
 * DNSSEC works the same way: `ds set` prints the DS record(s) to add (then the ones to delete, a
 * separate step, so a key roll never has a gap) and waits until the parent zone's servers serve
 * (or no longer serve) them; `ds get` reads the DS RRset from the parent zone.
 */
import type { AdapterContext, RegistrarAdapter, RegistrarClient } from '../core/types';
import { info } from './info';
import { RegistrarError, UsageError } from '../../core/errors';
import { parseDuration, formatDuration } from '../../core/duration';
import { dnsConfig } from '../../dns/config';
import { findParentZone, parentViews, verifyDelegation, describeView } from '../../dns/delegation';
import { dsStepsFor, stepsFor } from './steps';
import type { DnssecOperations } from '../core/types';
import type { CallContext } from '../core/respond';
import type { DnssecRecord } from '../../core/dnssec';
import { describeDsView, DsView, dsStandsFor, parentDsViews } from '../../dns/dnssec';
import { waitBounded } from '../../core/bounded-wait';

const DEFAULT_TIMEOUT_MS = 15 * 60_000;

export const adapter: RegistrarAdapter = {
  info,
  createClient(ctx: AdapterContext): RegistrarClient {
    const config = dnsConfig(ctx.env);
    const rawTimeout = ctx.env.NSBRIDGE_MANUAL_TIMEOUT;
    let timeoutMs = DEFAULT_TIMEOUT_MS;
    if (rawTimeout !== undefined && rawTimeout.trim() !== '') {
      try {
        timeoutMs = parseDuration(rawTimeout);
      } catch (e) {
        throw new UsageError(`NSBRIDGE_MANUAL_TIMEOUT: ${(e as Error).message}`);
      }
    }
    const registrarName = ctx.env.NSBRIDGE_MANUAL_REGISTRAR?.trim() || 'your registrar';
    const intervalMs = Number(ctx.env.NSBRIDGE_MANUAL_POLL_MS || 10_000);

    /** A DNS read for `call`; a lookup that fails is the registrar error that says where to look. */
    const fromDns = async <T>(call: CallContext, read: () => Promise<T>): Promise<T> => {
      try {
        return await read();
      } catch (e) {
        throw new RegistrarError({ ...call, cause: `DNS lookup failed: ${(e as Error).message}`, hint: 'check NSBRIDGE_DNS_SERVER (the recursive resolver to use)' });
      }
    };

    /** Wait until every parent server passes `done`; throws with the last answers on timeout. */
    const waitForParent = async (domain: string, operation: string, what: string, done: (v: DsView) => boolean, hint: string): Promise<void> => {
      if (timeoutMs === 0) {
        ctx.log(`manual: ${domain}: WARNING: not waiting (NSBRIDGE_MANUAL_TIMEOUT=0); the DS change is NOT verified; check it later with "nsbridge ds get --registrar manual --domain ${domain}"`);
        return;
      }
      ctx.log(`manual: ${domain}: waiting up to ${formatDuration(timeoutMs)} for the parent zone to ${what}...`);
      const parent = await fromDns({ registrar: info.id, operation, domain }, () => findParentZone(domain, config));
      // Bounded and followed like every DNSSEC wait: a line at least every minute with elapsed,
      // remaining and the servers not updated yet (core/bounded-wait.ts).
      let views: DsView[] = [];
      const outcome = await waitBounded(
        `the parent zone to ${what}`,
        async () => {
          views = await parentDsViews(domain, parent, config);
          const awaiting = views.filter((v) => !done(v));
          return { done: views.length > 0 && awaiting.length === 0, awaiting: awaiting.map((v) => v.server), detail: awaiting.map(describeDsView).join('; ') || undefined };
        },
        { limitMs: timeoutMs, intervalMs, log: ctx.log, label: `manual: ${domain}` },
      );
      const verified = outcome.done;
      if (verified) {
        ctx.log(`manual: ${domain}: DS change verified at every ${parent.zone} server`);
        return;
      }
      throw new RegistrarError({
        registrar: info.id,
        operation,
        domain,
        cause: `the parent zone (${parent.zone}) did not ${what} within ${formatDuration(timeoutMs)}: ${views.map(describeDsView).join('; ')}`,
        hint,
      });
    };

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain): Promise<DnssecRecord[]> {
        const call = { registrar: info.id, operation: 'get DS records', domain };
        const views = await fromDns(call, async () => parentDsViews(domain, await findParentZone(domain, config), config));
        const answered = views.filter((v): v is Extract<DsView, { ok: true }> => v.ok);
        if (answered.length === 0) {
          throw new RegistrarError({ ...call, cause: `no parent server answered (${views.map(describeDsView).join('; ')})`, hint: 'check network access to DNS (NSBRIDGE_DNS_SERVER, NSBRIDGE_DNS_PORT)' });
        }
        const first = answered[0]!;
        const key = (v: typeof first) => v.ds.map((d) => `${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest}`).sort().join();
        if (answered.some((v) => key(v) !== key(first))) {
          ctx.log(`manual: ${domain}: the parent servers disagree (a DS change is propagating): ${views.map(describeDsView).join('; ')}`);
        }
        return first.ds.map((ds) => ({ ds }));
      },

      async addDnssecRecords(domain, records) {
        for (const line of dsStepsFor(registrarName, domain, 'add', records)) ctx.log(line);
        await waitForParent(
          domain,
          'add DS records',
          `serve the new DS record${records.length === 1 ? '' : 's'}`,
          (v) => v.ok && records.every((r) => v.ds.some((d) => dsStandsFor(domain, d, r))),
          `add the DS at ${registrarName} as printed above, then run the command again (or raise NSBRIDGE_MANUAL_TIMEOUT; registries can take a while)`,
        );
      },

      async removeDnssecRecords(domain, records) {
        for (const line of dsStepsFor(registrarName, domain, 'remove', records)) ctx.log(line);
        await waitForParent(
          domain,
          'remove DS records',
          `stop serving the old DS record${records.length === 1 ? '' : 's'}`,
          (v) => v.ok && !v.ds.some((d) => records.some((r) => dsStandsFor(domain, d, r))),
          `delete the DS at ${registrarName} as printed above, then run the command again (or raise NSBRIDGE_MANUAL_TIMEOUT)`,
        );
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const views = await fromDns(call, async () => parentViews(domain, await findParentZone(domain, config), config));
        const answered = views.filter((v) => v.ok);
        if (answered.length === 0) {
          throw new RegistrarError({ ...call, cause: `no parent server answered (${views.map(describeView).join('; ')})`, hint: 'check network access to DNS (NSBRIDGE_DNS_SERVER, NSBRIDGE_DNS_PORT)' });
        }
        const first = answered[0]!;
        if (answered.some((v) => v.ok && first.ok && v.nameServers.join() !== first.nameServers.join())) {
          ctx.log(`manual: ${domain}: the parent servers disagree (a change is propagating): ${views.map(describeView).join('; ')}`);
        }
        return first.ok ? first.nameServers : [];
      },

      async setNameServers(domain, nameServers) {
        for (const line of stepsFor(registrarName, domain, nameServers)) ctx.log(line);
        if (timeoutMs === 0) {
          ctx.log(`manual: ${domain}: WARNING: not waiting (NSBRIDGE_MANUAL_TIMEOUT=0); the delegation is NOT verified; run "nsbridge verify --domain ${domain} --ns ${nameServers.join(',')}" after making the change`);
          return;
        }
        ctx.log(`manual: ${domain}: waiting up to ${formatDuration(timeoutMs)} for the parent zone to delegate to the new name servers...`);
        const result = await verifyDelegation(domain, nameServers, config, {
          timeoutMs,
          intervalMs,
          onProgress: (r) => {
            if (!r.verified) ctx.log(`manual: ${domain}: ${r.agreeing.length}/${r.views.length} parent servers updated; waiting (${r.views.map(describeView).join('; ')})`);
          },
        });
        if (!result.verified) {
          throw new RegistrarError({
            registrar: info.id,
            operation: 'set name servers',
            domain,
            cause: `the new delegation was not seen at the parent zone (${result.parent.zone}) within ${formatDuration(timeoutMs)}: ${result.views.map(describeView).join('; ')}`,
            hint: `make the change at ${registrarName} as printed above, then deploy again (or raise NSBRIDGE_MANUAL_TIMEOUT; registries can take a while)`,
          });
        }
        ctx.log(`manual: ${domain}: delegation verified at every ${result.parent.zone} server`);
      },
    };
  },
};

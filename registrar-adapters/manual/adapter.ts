/**
 * Registrars with no API: Squarespace (which took over Google Domains), GoDaddy's web UI for
 * accounts below its API threshold, Hover, any other. nsbridge cannot make the change, so it
 * prints the exact steps and name servers, then waits (bounded) until the parent zone's servers
 * delegate the domain to exactly those name servers: the change is only "done" when DNS says so.
 *
 * Reading the "current" name servers means reading the delegation from the parent zone (the
 * registry's view), since there is no registrar API to ask.
 */
import type { AdapterContext, RegistrarAdapter, RegistrarClient } from '../core/types';
import { info } from './info';
import { RegistrarError, UsageError } from '../core/errors';
import { parseDuration, formatDuration } from '../core/duration';
import { dnsConfig } from '../../dns/config';
import { findParentZone, parentViews, verifyDelegation, describeView } from '../../dns/delegation';
import { stepsFor } from './steps';

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

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        let views;
        try {
          views = await parentViews(domain, await findParentZone(domain, config), config);
        } catch (e) {
          throw new RegistrarError({ ...call, cause: `DNS lookup failed: ${(e as Error).message}`, hint: 'check NSBRIDGE_DNS_SERVER (the recursive resolver to use)' });
        }
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

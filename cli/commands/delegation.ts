/** `get` and `set`: the delegation commands. */
import { Command } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseNameServers, parseRegistrar } from '../inputs';
import { planDelegation, describePlan } from '../../core/delegation-plan';
import { canonicalNameServers } from '../../core/names';
import { RegistrarError } from '../../core/errors';
import { client, common, CommonOptions, DNS_SERVER_OPTION, parseWait, withDnsServer } from '../command-kit';
import { readBooleanSetting } from '../../registrar-adapters/core/environment';
import { configFor, parentCheck, preflightSkipped, runPreflight, timeoutMessage } from '../dns-checks';
import { describeView } from '../../dns/delegation';

export function registerDelegationCommands(program: Command, out: Output): void {
  const verbose = () => {
    out.verbose = Boolean(program.opts().verbose);
  };
  common(program.command('get').description('print the name servers the registrar holds for the domain'))
    .addHelpText('after', '\nJSON: {"registrar":"<id>","domain":"<ascii domain>","nameServers":[...sorted, lower case...]}')
    .action(async (opts: CommonOptions) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain, (m) => out.log(m));
      const c = await client(registrar, out);
      const nameServers = canonicalNameServers(await c.getNameServers(domain));
      if (opts.json) out.json({ registrar, domain, nameServers });
      else out.stdout(`${nameServers.join('\n')}\n`);
    });

  common(
    program
      .command('set')
      .description('make the registrar delegate the domain to exactly these name servers (reads first; writes only when the set differs)'),
  )
    .requiredOption('--ns <list>', 'the name servers, comma-separated (2 to 13; order, case and trailing dots do not matter)')
    .option('--dry-run', 'read and report what would change (pre-flight included); never write')
    .option('--skip-preflight', 'do not check that the new name servers serve the zone before writing (also NSBRIDGE_SKIP_PREFLIGHT=1)')
    .option('--wait <duration>', 'after writing, wait until every parent-zone server delegates to the new set (e.g. 10m); exit 1 on timeout')
    .option(...DNS_SERVER_OPTION)
    .addHelpText(
      'after',
      '\nJSON: {"registrar":..,"domain":..,"changed":true|false,"before":[..],"after":[..],"dryRun":false}' +
        '\nBefore writing, each new name server is asked directly for the zone\'s SOA and NS and must answer' +
        '\nauthoritatively (pre-flight). After writing, the parent zone\'s view is reported once (it does not fail' +
        '\nthe command: registries can take minutes) unless --wait is given. NSBRIDGE_PARENT_CHECK=0 skips that report.' +
        '\nExit: 0 done (or nothing to do), 1 registrar/network/DNS failure, 2 bad input (nothing sent).',
    )
    .action(async (opts: CommonOptions & { ns?: string; dryRun?: boolean; skipPreflight?: boolean; wait?: string; dnsServer?: string }) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain, (m) => out.log(m));
      const desired = parseNameServers(opts.ns, undefined, (m) => out.log(m));
      const waitMs = parseWait(opts.wait, '--wait');
      out.deadline?.extend(waitMs);
      const env = withDnsServer(opts.dnsServer);
      const skipPreflight = preflightSkipped(opts.skipPreflight, env);
      const parentCheckOn = !(env.NSBRIDGE_PARENT_CHECK !== undefined && !readBooleanSetting(env, 'NSBRIDGE_PARENT_CHECK'));
      // Resolve the DNS settings now, so a bad one is a usage error before anything is sent.
      const dns = skipPreflight && !parentCheckOn && waitMs === 0 ? undefined : configFor(env);
      const c = await client(registrar, out, env);
      const plan = planDelegation(await c.getNameServers(domain), desired);
      const dryRun = Boolean(opts.dryRun);
      if (plan.changed) {
        if (skipPreflight) out.log(`WARNING: ${registrar}: ${domain}: pre-flight skipped: the new name servers were not checked before the change`);
        else await runPreflight(registrar, domain, plan.after, dns!, out);
        if (!dryRun) await c.setNameServers(domain, plan.after);
      }
      if (opts.json) {
        out.json({ registrar, domain, changed: plan.changed, before: plan.before, after: plan.after, dryRun });
      } else {
        const verb = !plan.changed ? 'unchanged' : dryRun ? 'would set' : 'set';
        out.stdout(`${registrar}: ${domain}: ${verb}: ${describePlan(plan)}\n`);
      }
      if (dryRun || !dns || (!parentCheckOn && waitMs === 0)) return;
      const result = await parentCheck(domain, plan.after, dns, waitMs, out);
      if (result instanceof Error) {
        if (waitMs > 0) throw new RegistrarError({ registrar, operation: 'verify delegation', domain, cause: `DNS lookups failed: ${result.message}`, hint: 'check NSBRIDGE_DNS_SERVER' });
        out.log(`${registrar}: ${domain}: could not read the parent zone's view: ${result.message}`);
        return;
      }
      if (result.verified) out.log(`${registrar}: ${domain}: every ${result.parent.zone} server delegates to the new name servers`);
      else if (waitMs > 0) {
        throw new RegistrarError({
          registrar,
          operation: 'verify delegation',
          domain,
          cause: `${timeoutMessage(waitMs)}: ${result.views.map(describeView).join('; ')}`,
          hint: 'the registrar accepted the change; the registry may still be publishing it: check again later with nsbridge verify',
        });
      } else {
        out.log(`${registrar}: ${domain}: the registry has not published the change yet (normal for a few minutes): ${result.views.map(describeView).join('; ')}`);
      }
    });
}

/**
 * `release`: the destroy-time action of RegistrarDelegation, carrying out its destroy policy
 * before Terraform deletes the zone (the bridge depends on the zone, so it is destroyed first):
 *  - restore: put back the name servers the domain had before nsbridge first changed it (kept in
 *    Terraform state by the construct). Unknown previous name servers fail the destroy rather than
 *    leave the domain delegated to a deleted zone.
 *  - retain: leave the registrar as it is, with a loud warning (dangling delegation).
 *  - refuse: fail the destroy, saying what to do.
 */
import { Command, Option } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseNameServers, parseRegistrar } from '../inputs';
import { client, common, CommonOptions } from '../command-kit';
import { RegistrarError } from '../../core/errors';
import { planDelegation } from '../../core/delegation-plan';
import { canonicalNameServers, sameNameServers, splitList } from '../../core/names';
import { configFor, preflightSkipped, runPreflight } from '../dns-checks';
import { DESTROY_POLICIES } from '../../core/destroy-policy';

export function registerReleaseCommand(program: Command, out: Output): void {
  common(program.command('release').description('destroy-time action of the RegistrarDelegation construct: carry out its destroy policy'))
    .requiredOption('--ns <list>', 'the name servers of the zone that is being deleted')
    .addOption(new Option('--policy <policy>', 'what to do with the delegation').choices([...DESTROY_POLICIES]).makeOptionMandatory())
    .option('--previous <list>', 'restore: the name servers the domain had before nsbridge changed it ("" when unknown)')
    .option('--skip-preflight', 'restore: do not check that the previous name servers still serve the zone')
    .addHelpText(
      'after',
      '\nrestore fails (exit 1) when the previous name servers are unknown, or no longer serve the zone,' +
        '\nrather than leave the domain delegated to a deleted zone. A domain already delegated somewhere' +
        '\nelse than the zone being deleted is left alone.',
    )
    .action(async (opts: CommonOptions & { ns?: string; policy?: string; previous?: string; skipPreflight?: boolean }) => {
      out.verbose = Boolean(program.opts().verbose);
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain, (m) => out.log(m));
      const zoneNs = parseNameServers(opts.ns);
      const call = { registrar, operation: 'release delegation', domain };

      if (opts.policy === 'refuse') {
        throw new RegistrarError({
          ...call,
          cause: 'destroy refused by destroy policy "refuse" (the domain would be left delegated to a deleted zone)',
          hint: 'point the domain elsewhere first, or change destroyPolicy to "restore" or "retain" in domains.yaml and deploy before destroying',
        });
      }
      if (opts.policy === 'retain') {
        out.log(
          `WARNING: ${registrar}: ${domain} is left delegated to ${zoneNs.join(', ')} (destroy policy "retain"), ` +
            'but that hosted zone is being deleted: the domain will stop resolving, and a dangling delegation can be taken over. ' +
            'Point the domain at working name servers at the registrar now.',
        );
        if (opts.json) out.json({ registrar, domain, policy: 'retain', changed: false, before: zoneNs, after: zoneNs });
        return;
      }

      // restore
      const previous = canonicalNameServers(splitList(opts.previous ?? ''));
      if (previous.length < 2 || sameNameServers(previous, zoneNs)) {
        throw new RegistrarError({
          ...call,
          cause: `destroy policy "restore", but the name servers the domain had before nsbridge are unknown${previous.length ? ` (recorded: ${previous.join(', ')}, which is the zone being deleted)` : ''}; the destroy stops here so the domain is not left delegated to a deleted zone`,
          hint: `point ${domain} at working name servers (nsbridge set ...) and set destroyPolicy "retain", or set it to "retain" to accept a dangling delegation`,
        });
      }
      const c = await client(registrar, out);
      const current = await c.getNameServers(domain);
      if (!sameNameServers(current, zoneNs)) {
        out.log(
          `${registrar}: ${domain}: already delegated to ${canonicalNameServers(current).join(', ') || '(nothing)'}, not to the zone being deleted; left as it is`,
        );
        if (opts.json) out.json({ registrar, domain, policy: 'restore', changed: false, before: canonicalNameServers(current), after: canonicalNameServers(current) });
        return;
      }
      const plan = planDelegation(current, previous);
      if (preflightSkipped(opts.skipPreflight, process.env)) out.log(`WARNING: ${registrar}: ${domain}: pre-flight skipped for the restore`);
      else await runPreflight(registrar, domain, plan.after, configFor(process.env), out);
      await c.setNameServers(domain, plan.after);
      out.log(`${registrar}: ${domain}: restored the previous delegation: ${plan.after.join(', ')}`);
      if (opts.json) out.json({ registrar, domain, policy: 'restore', changed: true, before: plan.before, after: plan.after });
    });
}

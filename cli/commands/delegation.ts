/** `get`, `set` and `release`: the delegation commands. */
import { Command, Option } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseNameServers, parseRegistrar } from '../inputs';
import { loadAdapter } from '../../registrar-adapters';
import type { AdapterContext, RegistrarClient, RegistrarId } from '../../registrar-adapters/core/types';
import { planDelegation, describePlan } from '../../registrar-adapters/core/plan';
import { canonicalNameServers } from '../../core/names';
import { RegistrarError, UsageError } from '../../registrar-adapters/core/errors';

interface CommonOptions {
  registrar?: string;
  domain?: string;
  json?: boolean;
}

function context(out: Output): AdapterContext {
  return { env: process.env, log: (m) => out.log(m), debug: (m) => out.debug(m) };
}

async function client(id: RegistrarId, out: Output): Promise<RegistrarClient> {
  return loadAdapter(id).createClient(context(out));
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--registrar <id>', 'registrar id (nsbridge registrars lists them)')
    .requiredOption('--domain <domain>', 'the domain, e.g. example.com (IDN accepted, sent as punycode)')
    .option('--json', 'print the result as one JSON object on stdout');
}

export function registerDelegationCommands(program: Command, out: Output): void {
  const verbose = () => {
    out.verbose = Boolean(program.opts().verbose);
  };

  common(program.command('get').description('print the name servers the registrar holds for the domain'))
    .addHelpText('after', '\nJSON: {"registrar":"<id>","domain":"<ascii domain>","nameServers":[...sorted, lower case...]}')
    .action(async (opts: CommonOptions) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain);
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
    .option('--dry-run', 'read and report what would change; never write')
    .addHelpText(
      'after',
      '\nJSON: {"registrar":..,"domain":..,"changed":true|false,"before":[..],"after":[..],"dryRun":false}' +
        '\nExit: 0 done (or nothing to do), 1 registrar/network failure, 2 bad input (nothing sent).',
    )
    .action(async (opts: CommonOptions & { ns?: string; dryRun?: boolean }) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain);
      const desired = parseNameServers(opts.ns);
      const c = await client(registrar, out);
      const plan = planDelegation(await c.getNameServers(domain), desired);
      const dryRun = Boolean(opts.dryRun);
      if (plan.changed && !dryRun) await c.setNameServers(domain, plan.after);
      if (opts.json) {
        out.json({ registrar, domain, changed: plan.changed, before: plan.before, after: plan.after, dryRun });
      } else {
        const verb = !plan.changed ? 'unchanged' : dryRun ? 'would set' : 'set';
        out.stdout(`${registrar}: ${domain}: ${verb}: ${describePlan(plan)}\n`);
      }
    });

  common(
    program
      .command('release')
      .description('destroy-time action of the RegistrarDelegation construct: carry out its destroy policy'),
  )
    .requiredOption('--ns <list>', 'the name servers of the zone that is being deleted')
    .addOption(new Option('--policy <policy>', 'what to do with the delegation').choices(['retain', 'refuse']).makeOptionMandatory())
    .action(async (opts: CommonOptions & { ns?: string; policy?: string }) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain);
      const zoneNs = parseNameServers(opts.ns);
      if (opts.policy === 'refuse') {
        throw new RegistrarError({
          registrar,
          operation: 'release delegation',
          domain,
          cause: 'destroy refused by destroy policy "refuse" (the domain would be left delegated to a deleted zone)',
          hint: 'point the domain elsewhere first, or change the destroy policy to "retain" in domains.yaml and deploy before destroying',
        });
      }
      if (opts.policy !== 'retain') throw new UsageError(`unknown --policy "${opts.policy}"`);
      out.log(
        `WARNING: ${registrar}: ${domain} is left delegated to ${zoneNs.join(', ')} (destroy policy "retain"), ` +
          'but that hosted zone is being deleted: the domain will stop resolving, and a dangling delegation can be taken over. ' +
          'Point the domain at working name servers at the registrar now.',
      );
      if (opts.json) out.json({ registrar, domain, policy: opts.policy, nameServers: zoneNs, changed: false });
    });
}

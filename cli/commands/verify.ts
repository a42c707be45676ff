/** `verify`: does the parent zone delegate the domain to exactly these name servers? */
import type { Command } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseNameServers } from '../inputs';
import { parseWait } from '../command-kit';
import { configFor, reportProgress, timeoutMessage } from '../dns-checks';
import { describeView, verifyDelegation } from '../../dns/delegation';
import { RegistrarError } from '../../core/errors';

export function registerVerifyCommand(program: Command, out: Output): void {
  program
    .command('verify')
    .description('check, at the parent zone\'s own servers, that the domain is delegated to exactly these name servers')
    .requiredOption('--domain <domain>', 'the domain')
    .requiredOption('--ns <list>', 'the expected name servers, comma-separated')
    .option('--timeout <duration>', 'keep checking until verified or this long (e.g. 30s, 10m); default: check once')
    .option('--dns-server <ip[:port]>', 'recursive resolver used to find the parent zone\'s servers (default: NSBRIDGE_DNS_SERVER, else the system resolvers)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nThe parent zone\'s servers are asked directly, without recursion, for the domain\'s NS (the referral).' +
        '\nDirect questions go to port 53, or NSBRIDGE_DNS_PORT. Exit: 0 verified, 1 not verified or DNS failed, 2 bad input.',
    )
    .action(async (opts: { domain?: string; ns?: string; timeout?: string; dnsServer?: string; json?: boolean }) => {
      out.verbose = Boolean(program.opts().verbose);
      const domain = parseDomain(opts.domain, (m) => out.log(m));
      const expected = parseNameServers(opts.ns);
      const timeoutMs = parseWait(opts.timeout, '--timeout');
      out.deadline?.extend(timeoutMs);
      const config = configFor(process.env, opts.dnsServer);
      let result;
      try {
        result = await verifyDelegation(domain, expected, config, { timeoutMs, onProgress: reportProgress(domain, out) });
      } catch (e) {
        throw new RegistrarError({ registrar: 'dns', operation: 'verify delegation', domain, cause: `DNS lookups failed: ${(e as Error).message}`, hint: 'check --dns-server / NSBRIDGE_DNS_SERVER' });
      }
      if (opts.json) {
        out.json({
          domain,
          parentZone: result.parent.zone,
          verified: result.verified,
          expected,
          servers: result.views.map((v) => (v.ok ? { server: v.server, nameServers: v.nameServers } : { server: v.server, problem: v.problem })),
        });
      }
      if (!result.verified) {
        throw new RegistrarError({
          registrar: 'dns',
          operation: 'verify delegation',
          domain,
          cause: `${timeoutMs > 0 ? timeoutMessage(timeoutMs) : 'not every parent server delegates to the expected name servers'}: ${result.views.map(describeView).join('; ')}`,
          hint: timeoutMs > 0 ? 'check the change at the registrar; registries can take a while to publish' : 'use --timeout to wait for a change that is still being published',
        });
      }
      if (!opts.json) out.stdout(`${domain}: verified at ${result.views.length} ${result.parent.zone} servers: ${expected.join(', ')}\n`);
    });
}

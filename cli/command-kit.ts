/**
 * What every command shares: the --registrar/--domain/--json options, the registrar client, the
 * --dns-server and duration flags. Commands import this, never each other.
 */
import type { Command } from 'commander';
import type { Output } from './output';
import { loadAdapter } from '../registrar-adapters';
import type { AdapterContext, RegistrarClient, RegistrarId } from '../registrar-adapters/core/types';
import { parseDuration } from '../core/duration';
import { UsageError } from '../core/errors';

export interface CommonOptions {
  registrar?: string;
  domain?: string;
  json?: boolean;
}

function context(out: Output, env: NodeJS.ProcessEnv): AdapterContext {
  return { env, log: (m) => out.log(m), debug: (m) => out.debug(m), secret: (v) => out.redactor.add(v), signal: out.deadline?.signal };
}

export async function client(id: RegistrarId, out: Output, env: NodeJS.ProcessEnv = process.env): Promise<RegistrarClient> {
  return loadAdapter(id).createClient(context(out, env));
}

/** The --dns-server flag of the commands that check DNS (read with withDnsServer). */
export const DNS_SERVER_OPTION = ['--dns-server <ip[:port]>', 'recursive resolver for DNS checks (default: NSBRIDGE_DNS_SERVER, else the system resolvers)'] as const;

/** The environment with --dns-server applied, so adapters that use DNS (manual) see it too. */
export function withDnsServer(dnsServer: string | undefined): NodeJS.ProcessEnv {
  return dnsServer ? { ...process.env, NSBRIDGE_DNS_SERVER: dnsServer } : process.env;
}

export function parseWait(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  try {
    return parseDuration(value);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}`);
  }
}

export function common(cmd: Command): Command {
  return cmd
    .requiredOption('--registrar <id>', 'registrar id (nsbridge registrars lists them)')
    .requiredOption('--domain <domain>', 'the domain, e.g. example.com (IDN accepted, sent as punycode)')
    .option('--json', 'print the result as one JSON object on stdout');
}


/**
 * `terraform-external`: the program behind the construct's `external` data source, which reads a
 * domain's current delegation at plan time (for the restore destroy policy and drift detection).
 *
 * Protocol (hashicorp/external): a JSON object on stdin, a JSON object of strings on stdout,
 * non-zero exit with a message on stderr on failure. The data source has no `environment`
 * argument, so non-secret settings travel in the query under their variable names (e.g.
 * "NSBRIDGE_GODADDY_SANDBOX": "1"); credentials still come only from Terraform's environment.
 *   query:  {"registrar":"godaddy","domain":"example.com", ...settings}
 *   result: {"registrar":"godaddy","domain":"example.com","name_servers":"a.example.net,b.example.org","available":"true","unavailable":""}
 *
 * A registrar that is down (network error, 5xx or rate limit after the retries) must not stop
 * the plan of every other domain in the stack: the read then succeeds with `name_servers` empty,
 * `available` "false" and `unavailable` saying why (the construct records the previous name servers only from an
 * answer that came). Bad credentials, an unknown domain or bad input still fail the plan: those
 * need a person, not a retry.
 */
import type { Command } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseRegistrar } from '../inputs';
import { loadAdapter } from '../../registrar-adapters';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import { canonicalNameServers } from '../../core/names';
import { NsbridgeError, UsageError } from '../../registrar-adapters/core/errors';

/** Failures that a later plan can get past on its own. */
const TRANSIENT = new Set(['RegistrarNetworkError', 'RegistrarApiError', 'RegistrarRateLimitError']);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerTerraformExternalCommand(program: Command, out: Output): void {
  program
    .command('terraform-external')
    .description('program of the construct\'s "external" data source: read a delegation (JSON query on stdin)')
    .action(async () => {
      out.verbose = Boolean(program.opts().verbose);
      const text = await readStdin();
      let query: Record<string, unknown>;
      try {
        query = JSON.parse(text || '{}') as Record<string, unknown>;
      } catch {
        throw new UsageError('terraform-external: stdin is not a JSON object');
      }
      const registrar = parseRegistrar(String(query.registrar ?? ''));
      const domain = parseDomain(String(query.domain ?? ''));
      const allowed = new Set(REGISTRARS[registrar].settings.map((s) => s.env));
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const [k, v] of Object.entries(query)) {
        if (k === 'registrar' || k === 'domain') continue;
        if (!allowed.has(k)) throw new UsageError(`terraform-external: "${k}" is not a setting of ${registrar} (known: ${[...allowed].join(', ') || 'none'})`);
        env[k] = String(v);
      }
      const c = await loadAdapter(registrar).createClient({ env, log: (m) => out.log(m), debug: (m) => out.debug(m) });
      let nameServers: string[];
      try {
        nameServers = canonicalNameServers(await c.getNameServers(domain));
      } catch (err) {
        // By class name: adapters are bundled separately, so their error classes are other copies.
        const name = (err as Error)?.name;
        if (NsbridgeError.isNsbridgeError(err) && TRANSIENT.has(name)) {
          out.log(`WARNING: ${(err as Error).message} (the plan goes on without this domain's current delegation)`);
          out.json({ registrar, domain, name_servers: '', available: 'false', unavailable: (err as Error).message });
          return;
        }
        throw err;
      }
      out.json({ registrar, domain, name_servers: nameServers.join(','), available: 'true', unavailable: '' });
    });
}

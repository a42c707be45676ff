/**
 * `terraform-external`: the program behind the construct's `external` data source, which reads a
 * domain's current delegation at plan time (for the restore destroy policy and drift detection).
 *
 * Protocol (hashicorp/external): a JSON object on stdin, a JSON object of strings on stdout,
 * non-zero exit with a message on stderr on failure. The data source has no `environment`
 * argument, so non-secret settings travel in the query under their variable names (e.g.
 * "NSBRIDGE_GODADDY_SANDBOX": "1"); credentials still come only from Terraform's environment.
 *   query:  {"registrar":"godaddy","domain":"example.com", ...settings}
 *   result: {"registrar":"godaddy","domain":"example.com","name_servers":"a.example.net,b.example.org"}
 */
import type { Command } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseRegistrar } from '../inputs';
import { loadAdapter } from '../../registrar-adapters';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import { canonicalNameServers } from '../../core/names';
import { UsageError } from '../../registrar-adapters/core/errors';

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
      const nameServers = canonicalNameServers(await c.getNameServers(domain));
      out.json({ registrar, domain, name_servers: nameServers.join(',') });
    });
}

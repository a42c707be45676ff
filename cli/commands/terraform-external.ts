/**
 * `terraform-external`: the program behind the construct's `external` data source, which reads a
 * domain's current delegation at plan time (for the restore destroy policy and drift detection).
 *
 * Protocol (hashicorp/external): a JSON object on stdin, a JSON object of strings on stdout,
 * non-zero exit with a message on stderr on failure. The data source has no `environment`
 * argument, so non-secret settings travel in the query under their variable names (e.g.
 * "NSBRIDGE_GODADDY_SANDBOX": "1"); credentials still come only from Terraform's environment.
 *   query:  {"registrar":"godaddy","domain":"example.com", ...settings}
 *   result: {"registrar":"godaddy","domain":"example.com","name_servers":"a.example.net,b.example.org",
 *            "views":"a.example.net,b.example.org","available":"true","unavailable":""}
 * `views`: every distinct answer, canonical and sorted, separated by ";" (one for a registrar; one
 * per disagreeing parent server in dns mode, while a change spreads): the construct's drift repair
 * compares the stack's set with each, so a change still spreading never counts as drift.
 *
 * Drift: with `expected_name_servers` in the query (the delegation the stack set, comma-separated)
 * the result also says whether the registrar still holds it, compared with the same normalisation
 * the adapters use (order, case, trailing dots never count):
 *   result: {..., "in_sync":"true"|"false"|"unknown", "drift":"<what differs and how to put it right, or empty>"}
 * `after_change` is accepted and ignored: the construct puts the bridge's id there so that
 * Terraform reads the registrar after the bridge has changed it, never before (see
 * modules/drift-check.ts).
 *
 * DNSSEC (`"mode": "dnssec"`): the roll-out read of modules/dnssec-rollout.ts: the registrar's DS
 * set, the DS records every / any parent server serves and their TTL, the zone's DNSKEY TTL
 * (core/dnssec-observation.ts). Its failures fail the plan: a roll-out step decided on a
 * registrar answer that did not come could remove a DS too early.
 *
 * Batch (what the constructs synthesize: one read per stack and source, or per registrar account,
 * so a plan spawns a handful of processes, not one per domain): `domains` instead of `domain`,
 * answered per domain under "<domain>:<field>" keys; one domain that cannot be read does not
 * hide the others' answers:
 *   query:  {"source":"dns","domains":"example.com,example.org"}
 *           {"source":"registrar","registrar":"godaddy","domains":"...", ...settings}
 *   result: {"example.com:name_servers":"...","example.com:views":"...","example.com:available":"true",
 *            "example.com:unavailable":"", "example.org:...": ...}
 * In registrar mode the domains share one client, and one batched listing where the registrar
 * can list many domains' name servers (review/current-delegation.ts).
 *
 * `source`: "dns" reads the delegation the parent zone publishes, from its authoritative servers
 * (dns/published-delegation.ts): no registrar request, no credentials; parent servers that do not
 * answer make the read `available: "false"` like a registrar that is down. "registrar" (or no
 * `source`, as stacks synthesized before it existed) asks the registrar's API.
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
import { canonicalNameServers, splitList } from '../../core/names';
import { driftMessage } from '../../review/drift';
import { NsbridgeError, UsageError } from '../../core/errors';
import { DelegationSource, delegationReader, mapLimited } from '../../review/current-delegation';
import { readPublishedDelegation } from '../../dns/published-delegation';
import { dnsConfig } from '../../dns/config';
import { quoteInput } from '../../core/quote';
import { dnssecObservation, DnssecObservation } from '../../core/dnssec-observation';
import type { RegistrarClient, RegistrarId } from '../../registrar-adapters/core/types';
import { configFor } from '../dns-checks';
import { dnssecPorts } from '../dnssec-ports';

/** The DNSSEC roll-out read: what the registrar holds, what the parent serves, the TTLs. */
async function readDnssec(registrar: RegistrarId, domain: string, c: RegistrarClient, env: NodeJS.ProcessEnv, out: Output): Promise<DnssecObservation> {
  if (!c.dnssec) throw new UsageError(`terraform-external: ${REGISTRARS[registrar].name} does not take DNSSEC records through nsbridge; ${domain} cannot have dnssec published there`);
  const ports = dnssecPorts(registrar, domain, c, c.dnssec, configFor(env), out);
  const [held, parent, zone] = await Promise.all([ports.registrar.get(), ports.parent(), ports.zone([])]);
  return dnssecObservation(held, parent.views, zone.ttl);
}

/** Query keys that are not registrar settings. */
const QUERY_KEYS = new Set(['registrar', 'domain', 'domains', 'expected_name_servers', 'after_change', 'source', 'mode']);

/** Failures that a later plan can get past on its own. */
const TRANSIENT = new Set(['RegistrarNetworkError', 'RegistrarApiError', 'RegistrarRateLimitError']);
// By class name: adapters are bundled separately, so their error classes are other copies.
const isTransient = (err: unknown): boolean => NsbridgeError.isNsbridgeError(err) && TRANSIENT.has((err as Error).name);

/** Reads in flight at once in batch mode: DNS questions are cheap; registrars are paced anyway. */
const CONCURRENCY = { dns: 32, registrar: 4 } as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseExpected(value: string): string[] {
  const list = canonicalNameServers(splitList(value));
  if (list.length === 0) throw new UsageError('terraform-external: expected_name_servers is empty');
  return list;
}

function sourceOf(query: Record<string, unknown>): DelegationSource {
  const source = String(query.source ?? 'registrar');
  if (source !== 'dns' && source !== 'registrar') throw new UsageError(`terraform-external: source ${quoteInput(source)} is not dns or registrar`);
  return source;
}

/** The registrar settings of the query (every key that is not the protocol's), checked against the registrar's. */
function settingsOf(query: Record<string, unknown>, registrar: RegistrarId | undefined): Record<string, string> {
  const allowed = new Set(registrar ? REGISTRARS[registrar].settings.map((s) => s.env) : []);
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (QUERY_KEYS.has(k)) continue;
    if (!allowed.has(k)) throw new UsageError(`terraform-external: ${quoteInput(k)} is not a setting of ${registrar ?? 'a DNS read'} (known: ${[...allowed].join(', ') || 'none'})`);
    settings[k] = String(v);
  }
  return settings;
}

/**
 * Batch mode: the current delegation of every domain in `domains`, read in one process, answered
 * per domain under `<domain>:<field>` keys. A domain whose source does not answer is
 * `<domain>:available` "false" with the reason; the others are answered all the same.
 */
async function answerMany(query: Record<string, unknown>, out: Output): Promise<void> {
  const source = sourceOf(query);
  const registrar = query.registrar === undefined ? undefined : parseRegistrar(String(query.registrar));
  if (source === 'registrar' && !registrar) throw new UsageError('terraform-external: a read from the registrar needs "registrar" in the query');
  const settings = settingsOf(query, registrar);
  const domains = splitList(String(query.domains)).map((d) => parseDomain(d, (m) => out.log(m)));
  const read = delegationReader({ env: process.env, log: (m) => out.log(m), debug: (m) => out.debug(m), secret: (v) => out.redactor.add(v), signal: out.deadline?.signal });
  const answers = await mapLimited(domains, CONCURRENCY[source], (domain) => read({ domain, registrar, settings, source }));
  const result: Record<string, string> = {};
  domains.forEach((domain, i) => {
    const answer = answers[i]!;
    if (!answer.ok) {
      if (answer.error !== undefined && !isTransient(answer.error)) throw answer.error;
      out.log(`WARNING: ${domain}: ${answer.reason} (the plan goes on without this domain's current delegation)`);
    }
    result[`${domain}:name_servers`] = answer.ok ? answer.nameServers.join(',') : '';
    result[`${domain}:views`] = answer.ok ? answer.views.map((v) => v.join(',')).join(';') : '';
    result[`${domain}:available`] = String(answer.ok);
    result[`${domain}:unavailable`] = answer.ok ? '' : answer.reason;
  });
  out.json(result);
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
      if (query.domains !== undefined) return answerMany(query, out);
      const registrar = parseRegistrar(String(query.registrar ?? ''));
      const domain = parseDomain(String(query.domain ?? ''), (m) => out.log(m));
      const settings = settingsOf(query, registrar);
      const env: NodeJS.ProcessEnv = { ...process.env, ...settings };
      const expected = query.expected_name_servers === undefined ? undefined : parseExpected(String(query.expected_name_servers));
      if (sourceOf(query) === 'dns') {
        const read = await readPublishedDelegation(domain, dnsConfig(env), expected);
        if (!read.ok) {
          out.log(`WARNING: ${domain}: ${read.reason} (the plan goes on without this domain's current delegation)`);
          const result: Record<string, string> = { registrar, domain, name_servers: '', available: 'false', unavailable: read.reason };
          if (expected) Object.assign(result, { in_sync: 'unknown', drift: `could not check ${domain} in DNS for drift: ${read.reason}` });
          out.json(result);
          return;
        }
        const result: Record<string, string> = { registrar, domain, name_servers: read.nameServers.join(','), views: read.views.map((v) => v.join(',')).join(';'), available: 'true', unavailable: '' };
        if (expected) Object.assign(result, { in_sync: read.inSync ? 'true' : 'false', drift: read.inSync ? '' : driftMessage(registrar, domain, read.nameServers, expected, settings) });
        out.json(result);
        return;
      }
      const c = await loadAdapter(registrar).createClient({ env, log: (m) => out.log(m), debug: (m) => out.debug(m), secret: (v) => out.redactor.add(v), signal: out.deadline?.signal });
      if (query.mode === 'dnssec') {
        out.json({ ...(await readDnssec(registrar, domain, c, env, out)) });
        return;
      }
      let nameServers: string[];
      try {
        nameServers = canonicalNameServers(await c.getNameServers(domain));
      } catch (err) {
        // By class name: adapters are bundled separately, so their error classes are other copies.
        if (isTransient(err)) {
          out.log(`WARNING: ${(err as Error).message} (the plan goes on without this domain's current delegation)`);
          const result: Record<string, string> = { registrar, domain, name_servers: '', available: 'false', unavailable: (err as Error).message };
          if (expected) Object.assign(result, { in_sync: 'unknown', drift: `could not check ${domain} at ${REGISTRARS[registrar].name} for drift: ${(err as Error).message}` });
          out.json(result);
          return;
        }
        throw err;
      }
      const result: Record<string, string> = { registrar, domain, name_servers: nameServers.join(','), views: nameServers.join(','), available: 'true', unavailable: '' };
      if (expected) {
        const drift = driftMessage(registrar, domain, nameServers, expected, settings);
        Object.assign(result, { in_sync: drift ? 'false' : 'true', drift });
      }
      out.json(result);
    });
}

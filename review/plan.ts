/**
 * `nsbridge plan`: for every delegation of the synthesized app, what the registrar holds now (or,
 * with `delegationSource: dns`, what the parent zone publishes: no registrar request), what
 * the stacks want, and what a deploy will do about it. Registrars are only read (`getNameServers`)
 * and state is only read (review/state.ts); the one file written is the shared rate limiter's
 * window (registrar-adapters/core/rate-limit.ts), which paces those reads.
 *
 * Actions:
 *   none     the registrar already delegates to the desired name servers
 *   set      a deploy will set them (new domain, new zone, or a configuration change)
 *   drift    the state says nsbridge set the desired name servers, but the registrar now holds
 *            others (changed by hand): the next deploy sets them again (the plan replaces the
 *            bridge), unless the domain has `repairDrift: false`; the repair command also does
 *   release  a retired domain whose destroy policy runs at the next deploy
 *   blocked  the registrar could not be read (the reason says what to do)
 */
import { canonicalNameServers, sameNameServers } from '../core/names';
import { loadAdapter } from '../registrar-adapters';
import { REGISTRARS } from '../registrar-adapters/catalog';
import { NsbridgeError } from '../core/errors';
import type { RegistrarClient, RegistrarId } from '../registrar-adapters/core/types';
import { repairCommand } from './drift';
import { dnsConfig } from '../dns/config';
import { readPublishedDelegation } from '../dns/published-delegation';
import { readState, StateReading } from './state';
import type { SynthesizedApp, SynthesizedDelegation } from './synthesized';

export type Action = 'none' | 'set' | 'drift' | 'release' | 'blocked';

export interface PlanRow {
  readonly stack: string;
  readonly domain: string;
  readonly registrar: RegistrarId | string;
  readonly registrarName: string;
  /** What the registrar holds now; undefined when it could not be read (blocked) or was not read (release). */
  readonly current?: string[];
  /** What the stacks want; undefined when it is a new zone's (known after apply). */
  readonly desired?: string[];
  /** Where `desired` comes from, in words. */
  readonly desiredFrom: string;
  readonly action: Action;
  readonly reason: string;
  /** For drift: the one command that puts it right. */
  readonly fix?: string;
}

export interface PlanReport {
  readonly rows: PlanRow[];
  /** Stacks whose state could not be read, with why (their zones count as new). */
  readonly stateProblems: { stack: string; reason: string }[];
}

export interface PlanOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly log: (m: string) => void;
  readonly debug: (m: string) => void;
  /** Registers a secret an adapter derived (session id, token) with the output's redactor. */
  readonly secret?: (value: string) => void;
  /** Registrar reads in flight at once (the shared rate limiter paces each registrar). */
  readonly concurrency?: number;
  /** The command's deadline (NSBRIDGE_DEADLINE): aborts registrar reads still going when it passes. */
  readonly signal?: AbortSignal;
}

interface Desired {
  nameServers?: string[];
  from: string;
  /** What the bridge in state last set (undefined: never applied). */
  applied?: string[];
}

function desiredOf(d: SynthesizedDelegation, state: StateReading): Desired {
  const bridge = state.ok ? state.values.get(d.address) : undefined;
  const appliedRaw = bridge?.triggers_replace?.name_servers;
  const applied = Array.isArray(appliedRaw) ? canonicalNameServers(appliedRaw) : undefined;
  if (d.nameServers) return { nameServers: d.nameServers, from: 'configuration', applied };
  if (d.zoneAddress) {
    const zone = state.ok ? state.values.get(d.zoneAddress) : undefined;
    const ns = zone?.name_servers;
    if (Array.isArray(ns) && ns.length > 0) return { nameServers: canonicalNameServers(ns), from: `zone ${zone!.name ?? d.domain} (${zone!.zone_id ?? d.zoneAddress})`, applied };
    return { from: `new zone ${d.domain}: its name servers are known after apply`, applied };
  }
  return { from: `${d.expression} (not known before apply)`, applied };
}

/**
 * One client per registrar and settings for the whole report: an adapter may do per-client work
 * (DNSimple's account lookup, GoDaddy's customer id), which is the same for every domain.
 */
type ClientFor = (d: SynthesizedDelegation) => Promise<RegistrarClient>;

function clientCache(opts: PlanOptions): ClientFor {
  const clients = new Map<string, Promise<RegistrarClient>>();
  return (d) => {
    const key = JSON.stringify([d.registrar, d.settings]);
    let client = clients.get(key);
    if (!client) {
      // async, so that a throwing createClient becomes a rejection every domain of it sees
      client = (async () => loadAdapter(d.registrar).createClient({ env: { ...opts.env, ...d.settings }, log: opts.log, debug: opts.debug, secret: opts.secret, signal: opts.signal }))();
      clients.set(key, client);
    }
    return client;
  };
}

/**
 * One batched listing per client (registrar account and settings) for the whole report, where the
 * registrar can list name servers of many domains in one request. A failed listing is not an
 * answer: those domains are read one by one, and their own errors say what is wrong.
 */
const listings = new WeakMap<RegistrarClient, Promise<ReadonlyMap<string, string[]> | undefined>>();
function listingOf(client: RegistrarClient): Promise<ReadonlyMap<string, string[]> | undefined> {
  let listing = listings.get(client);
  if (!listing) {
    listing = client.batch!.listNameServers().catch((err) => {
      if (NsbridgeError.isNsbridgeError(err)) return undefined;
      throw err;
    });
    listings.set(client, listing);
  }
  return listing;
}

async function readRegistrar(d: SynthesizedDelegation, clientFor: ClientFor, env: NodeJS.ProcessEnv): Promise<{ ok: true; ns: string[] } | { ok: false; reason: string }> {
  if (d.source === 'dns') {
    // The parent zone's view: no registrar request, no credentials (delegationSource: dns).
    let config;
    try {
      config = dnsConfig(env);
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
    const read = await readPublishedDelegation(d.domain, config);
    return read.ok ? { ok: true, ns: read.nameServers } : { ok: false, reason: read.reason };
  }
  try {
    const client = await clientFor(d);
    const listed = client.batch ? (await listingOf(client))?.get(d.domain) : undefined;
    if (listed) return { ok: true, ns: canonicalNameServers(listed) };
    return { ok: true, ns: canonicalNameServers(await client.getNameServers(d.domain)) };
  } catch (err) {
    if (NsbridgeError.isNsbridgeError(err)) return { ok: false, reason: (err as Error).message };
    throw err;
  }
}

async function rowFor(d: SynthesizedDelegation, state: StateReading, clientFor: ClientFor, env: NodeJS.ProcessEnv): Promise<PlanRow> {
  const desired = desiredOf(d, state);
  const base = { stack: d.stack, domain: d.domain, registrar: d.registrar, registrarName: REGISTRARS[d.registrar].name, desired: desired.nameServers, desiredFrom: desired.from };
  const read = await readRegistrar(d, clientFor, env);
  if (!read.ok) return { ...base, action: 'blocked', reason: read.reason };
  const current = read.ns;
  if (!desired.nameServers) return { ...base, current, action: 'set', reason: desired.from };
  if (sameNameServers(current, desired.nameServers)) return { ...base, current, action: 'none', reason: 'the registrar delegates to the desired name servers' };
  if (desired.applied && sameNameServers(desired.applied, desired.nameServers)) {
    return {
      ...base,
      current,
      action: 'drift',
      reason: d.repairDrift
        ? 'nsbridge set these name servers, and they were changed at the registrar since: the next deploy sets them again (repairDrift)'
        : 'nsbridge set these name servers, and they were changed at the registrar since: a deploy will not change them back (repairDrift: false)',
      fix: repairCommand(d.registrar, d.domain, desired.nameServers, d.settings),
    };
  }
  const why = desired.applied ? 'the desired name servers changed' : 'not delegated by nsbridge yet';
  return { ...base, current, action: 'set', reason: `${why}: the next deploy sets them` };
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function planReport(app: SynthesizedApp, opts: PlanOptions): Promise<PlanReport> {
  const states = new Map<string, StateReading>();
  const stateOf = (stack: string, stackDir: string): StateReading => {
    let s = states.get(stack);
    if (!s) {
      s = readState(stackDir, app.backends[stack], opts.env);
      if (s.ok) opts.debug(`state of ${stack}: ${s.source}`);
      states.set(stack, s);
    }
    return s;
  };
  const clientFor = clientCache(opts);
  const rows = await mapLimited(app.delegations, opts.concurrency ?? 4, (d) => rowFor(d, stateOf(d.stack, d.stackDir), clientFor, opts.env));

  for (const r of app.retired) {
    const guard = stateOf(r.stack, r.stackDir);
    const input = guard.ok ? (guard.values.get(r.address)?.input as Record<string, any> | undefined) : undefined;
    if (!input) continue; // released already (or never deployed): nothing left to do
    const registrar = String(input.registrar);
    rows.push({
      stack: r.stack,
      domain: String(input.domain),
      registrar,
      registrarName: (REGISTRARS as Record<string, { name: string }>)[registrar]?.name ?? registrar,
      desired: input.policy === 'restore' && input.previous ? canonicalNameServers(String(input.previous).split(',')) : undefined,
      desiredFrom: `destroy policy "${input.policy}"`,
      action: 'release',
      reason: `retired: the next deploy runs its destroy policy "${input.policy}", then deletes its zone`,
    });
  }
  rows.sort((a, b) => a.stack.localeCompare(b.stack) || a.domain.localeCompare(b.domain));
  const stateProblems = [...states.entries()].flatMap(([stack, s]) => (s.ok ? [] : [{ stack, reason: s.reason }]));
  return { rows, stateProblems };
}

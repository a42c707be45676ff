/**
 * A domain's current delegation, read once for a plan: from the parent zone's authoritative servers
 * (`delegationSource: dns`: no registrar request, no credentials) or from the registrar's API
 * (`registrar`: one client per registrar and settings, one batched listing per client where the
 * API can list many domains' name servers, then one read for each domain the listing lacks).
 * Shared by `nsbridge plan` (review/plan.ts) and the plan-time read of the stacks
 * (`nsbridge terraform-external`), so both see the same thing the same way.
 */
import { canonicalNameServers } from '../core/names';
import { NsbridgeError } from '../core/errors';
import { loadAdapter } from '../registrar-adapters';
import type { RegistrarClient, RegistrarId } from '../registrar-adapters/core/types';
import { dnsConfig } from '../dns/config';
import { readPublishedDelegation } from '../dns/published-delegation';

export type DelegationSource = 'dns' | 'registrar';

export interface DelegationToRead {
  readonly domain: string;
  /** Needed with source `registrar` only. */
  readonly registrar?: RegistrarId;
  /** The domain's non-secret registrar settings, by environment variable. */
  readonly settings: Readonly<Record<string, string>>;
  readonly source: DelegationSource;
}

export type CurrentDelegation =
  /** `views`: every distinct answer, canonical (one for a registrar; one per disagreeing parent server). */
  | { readonly ok: true; readonly nameServers: string[]; readonly views: string[][] }
  /** `error`: the registrar's error, when one was thrown (callers decide which ones stop a plan). */
  | { readonly ok: false; readonly reason: string; readonly error?: unknown };

export interface ReadOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly log: (m: string) => void;
  readonly debug: (m: string) => void;
  /** Registers a secret an adapter derived (session id, token) with the output's redactor. */
  readonly secret?: (value: string) => void;
  /** Aborts registrar reads still going when it fires. */
  readonly signal?: AbortSignal;
}

/** Returns a reader that shares clients and batched listings across every domain it reads. */
export function delegationReader(opts: ReadOptions): (d: DelegationToRead) => Promise<CurrentDelegation> {
  const clientFor = clientCache(opts);
  return async (d) => {
    if (d.source === 'dns') {
      let config;
      try {
        config = dnsConfig({ ...opts.env, ...d.settings });
      } catch (err) {
        return { ok: false, reason: (err as Error).message, error: err };
      }
      const read = await readPublishedDelegation(d.domain, config);
      return read.ok ? { ok: true, nameServers: read.nameServers, views: read.views } : { ok: false, reason: read.reason };
    }
    if (!d.registrar) throw new Error(`reading ${d.domain} from its registrar: no registrar given`);
    try {
      const client = await clientFor(d.registrar, d.settings);
      const listed = client.batch ? (await listingOf(client))?.get(d.domain) : undefined;
      const nameServers = canonicalNameServers(listed ?? (await client.getNameServers(d.domain)));
      return { ok: true, nameServers, views: [nameServers] };
    } catch (err) {
      if (NsbridgeError.isNsbridgeError(err)) return { ok: false, reason: (err as Error).message, error: err };
      throw err;
    }
  };
}

/**
 * One client per registrar and settings: an adapter may do per-client work (DNSimple's account
 * lookup, GoDaddy's customer id), which is the same for every domain.
 */
function clientCache(opts: ReadOptions): (registrar: RegistrarId, settings: Readonly<Record<string, string>>) => Promise<RegistrarClient> {
  const clients = new Map<string, Promise<RegistrarClient>>();
  return (registrar, settings) => {
    const key = JSON.stringify([registrar, settings]);
    let client = clients.get(key);
    if (!client) {
      // async, so that a throwing createClient becomes a rejection every domain of it sees
      client = (async () => loadAdapter(registrar).createClient({ env: { ...opts.env, ...settings }, log: opts.log, debug: opts.debug, secret: opts.secret, signal: opts.signal }))();
      clients.set(key, client);
    }
    return client;
  };
}

/**
 * One batched listing per client (registrar account and settings), where the registrar can list
 * name servers of many domains in one request. A failed listing is not an answer: those domains
 * are read one by one, and their own errors say what is wrong.
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

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (t: T) => Promise<R>): Promise<R[]> {
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

/**
 * IONOS Domains API emulator (https://developer.hosting.ionos.com/docs/domains):
 *  - auth: `X-API-Key: <prefix>.<secret>`; missing or wrong -> 401 {"message":"Missing or invalid
 *    API key."}, a key without the dot -> 400 {"message":"Invalid API key format."} (the gateway's
 *    answers, as third-party clients recorded them);
 *  - GET /domains/v1/domainitems?name=&limit=&offset= -> {count, domains:[{id, name, tld}]}; `name`
 *    is a substring filter of at least 3 characters; ids are UUIDs;
 *  - GET /domains/v1/domainitems/{id}/nameservers -> {type, nameservers:[{name, ipV4Addresses,
 *    ipV6Addresses}]};
 *  - PUT the same path {"type":"CUSTOM","nameservers":[{"name"}]} -> 202 {id}; the change shows in
 *    the GET only after `completeAfterReads` reads of that domain's name servers (an async job);
 *  - Domains-service errors are a list of {code, message}.
 *
 * UNCONFIRMED, chosen strictly:
 *  - `type` is required and must be "CUSTOM" for a custom set (400 otherwise); 2 to 13 names,
 *    no duplicates, each a host the registry knows (`.invalid` is not), a host inside the domain
 *    needs an IPv4 glue address;
 *  - `limit` above 100 is refused (400);
 *  - a second PUT while one is pending is 409 (the domain "is being provisioned");
 *  - 429 is the gateway's {"message":"Too many requests"} with a Retry-After header;
 *  - 25 requests per minute per key (the pace of third-party clients; IONOS publishes none).
 */
import { randomUUID } from 'node:crypto';
import { EmulatedRequest, HttpEmulator, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';

type Limit = { requests: number; perMs: number };

export interface IonosEmulatorOptions {
  prefix?: string;
  secret?: string;
  /** Reads of the name servers before an accepted change shows (default 2). */
  completeAfterReads?: number;
  /** Default 25 per minute; null = none. */
  rateLimit?: Limit | null;
  port?: number;
}

interface Pending {
  requestId: string;
  nameServers: string[];
  readsLeft: number;
}

export class IonosEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly prefix: string;
  readonly secret: string;
  completeAfterReads: number;
  /** Accepted changes not applied yet, by domain. */
  readonly pending = new Map<string, Pending>();
  /** When set, GET .../nameservers answers HTTP 200 with this body instead (a broken answer). */
  nameServersAnswerOverride?: unknown;
  /** Answer the name-server GET with a 403 that quotes the key's secret half (an echoing server). */
  echoSecretInErrors = false;
  /** Every request's path and query, for tests that check what was sent. */
  readonly seen: { method: string; path: string; query: string; body?: unknown }[] = [];

  constructor(opts: IonosEmulatorOptions = {}) {
    super();
    this.prefix = opts.prefix ?? '6f1b2c3d4e5f4a5b8c9d0e1f2a3b4c5d';
    this.secret = opts.secret ?? 'ionos-secret-SENTINEL-7311';
    this.completeAfterReads = opts.completeAfterReads ?? 2;
    this.http = new HttpEmulator(
      {
        name: 'ionos',
        handle: (req) => this.handle(req),
        rateLimited: (sec) => ({ status: 429, headers: { 'Retry-After': String(sec) }, body: { message: 'Too many requests' } }),
        serverError: (status) =>
          status >= 502
            ? { status, body: { message: 'Service temporarily unavailable' } }
            : { status, body: [{ code: 'INTERNAL_SERVER_ERROR', message: 'An unexpected error occurred.' }] },
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"count":1,"domains":[{"id":"' }),
        accountOf: (req) => String(req.headers['x-api-key'] ?? '').split('.')[0] || undefined,
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 25, perMs: 60_000 }), port: opts.port },
    );
  }

  get apiKey(): string {
    return `${this.prefix}.${this.secret}`;
  }

  env(): Record<string, string> {
    return { IONOS_API_KEY: this.apiKey, NSBRIDGE_IONOS_ENDPOINT: this.url, NSBRIDGE_IONOS_POLL_INTERVAL: '20ms' };
  }

  secrets(): string[] {
    return [this.apiKey, this.secret];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), IONOS_API_KEY: `${this.prefix}.wrong-secret-SENTINEL-0000` };
  }

  /** Conformance: finish every accepted change, as time would at IONOS whether or not anyone reads. */
  completePendingWrites(): void {
    for (const [domain, p] of this.pending) {
      const entry = this.store.get(domain);
      this.pending.delete(domain);
      if (!entry) continue;
      entry.nameServers = p.nameServers;
      this.onDelegationChange?.(domain, [...entry.nameServers]);
    }
  }

  addDomain(domain: string, nameServers: string[]): void {
    const existing = this.store.get(domain);
    this.store.add(domain, nameServers, { id: (existing?.id as string | undefined) ?? randomUUID() });
    this.pending.delete(domain.toLowerCase());
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  idOf(domain: string): string | undefined {
    return this.store.get(domain)?.id as string | undefined;
  }

  private serviceError(status: number, code: string, message: string): RouteResult {
    return { status, body: [{ code, message }] };
  }

  private byId(id: string): [string, { nameServers: string[] }] | undefined {
    for (const [name, d] of this.store.domains) if (d.id === id) return [name, d];
    return undefined;
  }

  private handle(req: EmulatedRequest): RouteResult {
    this.seen.push({ method: req.method, path: req.path, query: req.query.toString(), body: req.json });
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') return { status: 401, body: { message: 'Missing or invalid API key.' } };
    if (!key.includes('.')) return { status: 400, body: { message: 'Invalid API key format.' } };
    if (key !== this.apiKey) return { status: 401, body: { message: 'Missing or invalid API key.' } };

    if (req.path === '/domains/v1/domainitems' && req.method === 'GET') return this.list(req);
    const ns = /^\/domains\/v1\/domainitems\/([^/]+)\/nameservers$/.exec(req.path);
    if (ns) {
      const found = this.byId(decodeURIComponent(ns[1]!));
      if (!found) return this.serviceError(404, 'NOT_FOUND', 'Domain item not found.');
      const [domain, entry] = found;
      if (req.method === 'GET') return this.read(domain, entry);
      if (req.method === 'PUT') return this.update(req, domain);
      return this.serviceError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here.`);
    }
    return this.serviceError(404, 'NOT_FOUND', 'Resource not found.');
  }

  private list(req: EmulatedRequest): RouteResult {
    const name = (req.query.get('name') ?? '').toLowerCase();
    const limit = Number(req.query.get('limit') ?? '100');
    const offset = Number(req.query.get('offset') ?? '0');
    if (name !== '' && name.length < 3) return this.serviceError(400, 'INVALID_PARAMETER', 'name must have at least 3 characters.');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return this.serviceError(400, 'INVALID_PARAMETER', 'limit must be between 1 and 100.');
    if (!Number.isInteger(offset) || offset < 0) return this.serviceError(400, 'INVALID_PARAMETER', 'offset must be 0 or more.');
    const matches = [...this.store.domains.entries()].filter(([d]) => d.includes(name)).sort(([a], [b]) => a.localeCompare(b));
    return {
      status: 200,
      body: {
        count: matches.length,
        domains: matches.slice(offset, offset + limit).map(([d, e]) => ({ id: e.id, name: d, tld: d.slice(d.indexOf('.') + 1), domainType: 'DOMAIN' })),
      },
    };
  }

  private read(domain: string, entry: { nameServers: string[] }): RouteResult {
    if (this.nameServersAnswerOverride !== undefined) return { status: 200, body: this.nameServersAnswerOverride };
    if (this.echoSecretInErrors) return this.serviceError(403, 'FORBIDDEN', `Key secret ${this.secret} may not read this domain.`);
    const pending = this.pending.get(domain);
    if (pending) {
      pending.readsLeft -= 1;
      if (pending.readsLeft <= 0) {
        this.pending.delete(domain);
        entry.nameServers = pending.nameServers;
        this.onDelegationChange?.(domain, [...entry.nameServers]);
      }
    }
    return {
      status: 200,
      body: { type: 'CUSTOM', nameservers: entry.nameServers.map((name) => ({ name, ipV4Addresses: [], ipV6Addresses: [] })) },
    };
  }

  private update(req: EmulatedRequest, domain: string): RouteResult {
    if (this.pending.has(domain)) return this.serviceError(409, 'CONFLICT', 'The domain is being provisioned; try again later.');
    const body = req.json as { type?: unknown; nameservers?: unknown } | undefined;
    const invalid = (message: string) => this.serviceError(400, 'INVALID_REQUEST', message);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('The request body must be a JSON object.');
    if (body.type !== 'CUSTOM') return invalid(`type must be CUSTOM for custom name servers, not ${JSON.stringify(body.type) ?? 'missing'}.`);
    const list = body.nameservers;
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'object' || n === null || typeof (n as { name?: unknown }).name !== 'string')) {
      return invalid('nameservers must be a list of {name}.');
    }
    const entries = list as { name: string; ipV4Addresses?: unknown }[];
    const names = entries.map((n) => n.name.trim().toLowerCase().replace(/\.$/, ''));
    if (names.length < 2 || names.length > 13) return invalid('Between 2 and 13 name servers are required.');
    if (new Set(names).size !== names.length) return invalid('Duplicate name servers.');
    const unknown = names.filter((n) => !isRegisteredHost(n));
    if (unknown.length) return this.serviceError(400, 'INVALID_NAMESERVER', `Name server ${unknown.join(', ')} does not exist.`);
    const glueless = entries.find((n, i) => (names[i] === domain || names[i]!.endsWith(`.${domain}`)) && !(Array.isArray(n.ipV4Addresses) && n.ipV4Addresses.length > 0));
    if (glueless) return this.serviceError(400, 'GLUE_REQUIRED', `Name server ${glueless.name} is inside ${domain} and needs ipV4Addresses.`);
    const requestId = randomUUID();
    this.pending.set(domain, { requestId, nameServers: names, readsLeft: this.completeAfterReads });
    return { status: 202, body: { id: requestId }, write: true };
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: IonosEmulatorOptions = {}): Promise<IonosEmulator> {
  return new IonosEmulator(opts).start();
}

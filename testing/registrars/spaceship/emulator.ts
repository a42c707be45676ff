/**
 * Spaceship API emulator (https://docs.spaceship.dev/), faithful to:
 *  - X-Api-Key + X-Api-Secret on every call, else 401; key scopes (domains:read for GET,
 *    domains:write for PUT), else 403;
 *  - GET /api/v1/domains/{domain} -> {name, unicodeName, lifecycleStatus, verificationStatus,
 *    eppStatuses, suspensions, privacyProtection, nameservers: {provider, hosts}, contacts};
 *  - PUT /api/v1/domains/{domain}/nameservers {provider: "custom", hosts: 2..12} or
 *    {provider: "basic"} (hosts must be absent); refusals 422 {detail, data: [{field, details}]};
 *  - 5 requests per domain per 300 s (its OpenAPI summary), counted per key and domain, 429.
 * UNCONFIRMED, chosen strictly: 404 {detail} for a domain outside the account; the 429 carries no
 * Retry-After (`retryAfterHeader` turns it on) and a {detail} body; a domain on Spaceship DNS
 * ("basic") lists no hosts; unknown body fields and unregistered hosts (`.invalid`) are 422; the
 * PUT answers 200 with the new nameservers object.
 */
import { domainToUnicode } from 'node:url';
import { EmulatedRequest, HttpEmulator, json, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';

export interface SpaceshipEmulatorOptions {
  apiKey?: string;
  apiSecret?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

const DOMAIN_PATH = /^\/api\/v1\/domains\/([^/]+)$/;
const NS_PATH = /^\/api\/v1\/domains\/([^/]+)\/nameservers$/;

const refuse = (detail: string, field?: string, details?: string): RouteResult => json(422, { detail, ...(field ? { data: [{ field, details }] } : {}) });

export class SpaceshipEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** The key's scopes. */
  readonly scopes = new Set(['domains:read', 'domains:write']);
  /** Send Retry-After with a 429 (UNCONFIRMED whether Spaceship does). */
  retryAfterHeader = false;
  /** Bodies of accepted PUTs, in order. */
  readonly puts: unknown[] = [];
  private readonly scripted: RouteResult[] = [];

  constructor(opts: SpaceshipEmulatorOptions = {}) {
    super();
    this.apiKey = opts.apiKey ?? 'ss-key-0a6d3c19e4';
    this.apiSecret = opts.apiSecret ?? 'ss-secret-SENTINEL-7f4e21b9';
    this.http = new HttpEmulator(
      {
        name: 'spaceship',
        handle: (req) => this.handle(req),
        rateLimited: (retryAfterSec) => ({
          status: 429,
          headers: this.retryAfterHeader ? { 'Retry-After': String(retryAfterSec) } : ({} as Record<string, string>),
          body: { detail: 'Too many requests' },
        }),
        serverError: (status) => ({ status, body: { detail: 'Internal server error' } }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"name":"example.com","nameservers":{"provider":"cus' }),
        // Spaceship counts the domain calls per domain: the limiter key is the key and the domain.
        accountOf: (req) => `${String(req.headers['x-api-key'] ?? '')} ${(DOMAIN_PATH.exec(req.path) ?? NS_PATH.exec(req.path))?.[1] ?? ''}`,
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 5, perMs: 300_000 }), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { SPACESHIP_API_KEY: this.apiKey, SPACESHIP_API_SECRET: this.apiSecret, NSBRIDGE_SPACESHIP_ENDPOINT: this.url };
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), SPACESHIP_API_SECRET: 'wrong-secret-SENTINEL-0000' };
  }

  secrets(): string[] {
    return [this.apiKey, this.apiSecret];
  }

  addDomain(domain: string, nameServers: string[], opts: { provider?: 'basic' | 'custom' } = {}): void {
    this.store.add(domain, nameServers, { provider: opts.provider ?? 'custom' });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** Answer the next authenticated request with exactly this reply (odd shapes a client must survive). */
  replyNext(reply: RouteResult): void {
    this.scripted.push(reply);
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.headers['x-api-key'] !== this.apiKey || req.headers['x-api-secret'] !== this.apiSecret) return json(401, { detail: 'Unauthorized' });
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    const read = DOMAIN_PATH.exec(req.path);
    const write = NS_PATH.exec(req.path);
    if (!read && !write) return json(404, { detail: 'Not Found' });
    if (read && req.method !== 'GET') return json(405, { detail: 'Method Not Allowed' });
    if (write && req.method !== 'PUT') return json(405, { detail: 'Method Not Allowed' });
    const scope = read ? 'domains:read' : 'domains:write';
    if (!this.scopes.has(scope)) return json(403, { detail: `The API key has no ${scope} scope` });
    const domain = decodeURIComponent((read ?? write)![1]!).toLowerCase();
    const entry = this.store.get(domain);
    if (!entry) return json(404, { detail: `Domain ${domain} not found` });
    if (read) {
      return json(200, {
        name: domain,
        unicodeName: domainToUnicode(domain),
        isPremium: false,
        autoRenew: false,
        registrationDate: '2024-01-01T00:00:00Z',
        expirationDate: '2027-01-01T00:00:00Z',
        lifecycleStatus: 'registered',
        verificationStatus: 'success',
        eppStatuses: ['clientTransferProhibited'],
        suspensions: [],
        privacyProtection: { contactForm: true, level: 'high' },
        nameservers: entry.provider === 'basic' ? { provider: 'basic' } : { provider: 'custom', hosts: [...entry.nameServers] },
        contacts: { registrant: 'c1', admin: 'c1', tech: 'c1', billing: 'c1', attributes: [] },
      });
    }
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return json(400, { detail: 'The request body is not JSON' });
    const unknown = Object.keys(body).filter((k) => k !== 'provider' && k !== 'hosts');
    if (unknown.length) return refuse('Validation failed', unknown[0], 'Unknown field');
    if (body.provider === 'basic') {
      if ('hosts' in body) return refuse('Validation failed', 'hosts', 'hosts must be absent for provider basic');
      entry.provider = 'basic';
      entry.nameServers = ['launch1.spaceship.net', 'launch2.spaceship.net'];
      return json(200, { provider: 'basic' }, true);
    }
    if (body.provider !== 'custom') return refuse('Validation failed', 'provider', 'must be basic or custom');
    const hosts = body.hosts;
    if (!Array.isArray(hosts) || hosts.some((h) => typeof h !== 'string')) return refuse('Validation failed', 'hosts', 'must be a list of host names');
    if (hosts.length < 2 || hosts.length > 12) return refuse('Validation failed', 'hosts', 'between 2 and 12 hosts are required');
    const bad = (hosts as string[]).find((h) => !isRegisteredHost(h));
    if (bad) return refuse('Validation failed', 'hosts', `Host ${bad} is not a registered name server`);
    this.puts.push(body);
    entry.provider = 'custom';
    entry.nameServers = (hosts as string[]).map((h) => h.toLowerCase());
    this.onDelegationChange?.(domain, [...entry.nameServers]);
    return json(200, { provider: 'custom', hosts: [...entry.nameServers] }, true);
  }
}

export async function startEmulator(opts: SpaceshipEmulatorOptions = {}): Promise<SpaceshipEmulator> {
  return new SpaceshipEmulator(opts).start();
}

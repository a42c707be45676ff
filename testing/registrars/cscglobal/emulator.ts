/**
 * CSCDomainManager API v2 emulator (https://www.cscglobal.com/cscglobal/docs/dbs/domainmanager/api-v2/),
 * faithful to:
 *  - headers `apikey` and `Authorization: Bearer <token>` on every call, else 401;
 *  - GET /dbs/api/v2/domains/{qualifiedDomainName} -> the domain with `nameServers`;
 *  - PUT /dbs/api/v2/domains/nsmodification {qualifiedDomainName, nameServers, dnsType,
 *    notifications, showPrice, customFields} -> 200 {result: {qualifiedDomainName, status:
 *    {code: "SUBMITTED", message, additionalInformation, uuid}}}: an order, completed after
 *    `orderReads` further reads of the domain (zone edits take minutes at CSC);
 *  - errors {code, description, value} with HTTP status codes.
 * UNCONFIRMED, chosen strictly: a domain outside the account is 404 (`notInAccountStatus` 403 is
 * the other variant third-party code handles); the list's casing (`nameServers`, or
 * `nameservers` with `listCasing`); another order while one is processing is 409
 * ORDER_IN_PROGRESS; name servers with a trailing dot, unknown body fields, fewer than two, or
 * hosts the registry does not know (`.invalid`) are 400 VALIDATION_ERROR; the 429 carries no
 * Retry-After; the rate (1 request per second per key, nsbridge's own pace, as CSC publishes none).
 */
import { randomUUID } from 'node:crypto';
import { EmulatedRequest, HttpEmulator, json, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';

export interface CscEmulatorOptions {
  apiKey?: string;
  token?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

const DOMAIN_PATH = /^\/dbs\/api\/v2\/domains\/([^/]+)$/;
const ORDER_FIELDS = new Set(['qualifiedDomainName', 'nameServers', 'dnsType', 'notifications', 'showPrice', 'customFields']);

const invalid = (description: string, value?: unknown): RouteResult => json(400, { code: 'VALIDATION_ERROR', description, value: value ?? null });

export class CscEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly apiKey: string;
  readonly token: string;
  notInAccountStatus: 403 | 404 = 404;
  listCasing: 'nameServers' | 'nameservers' = 'nameServers';
  /** Reads of the domain after which a SUBMITTED order completes. */
  orderReads = 1;
  /** The status code the next orders get instead of SUBMITTED (e.g. "FAILED"). */
  nextOrderCode?: string;
  /** Accepted order bodies, in order. */
  readonly orders: { uuid: string; body: unknown }[] = [];
  private readonly pending = new Map<string, { readsLeft: number; apply: () => void }>();
  private readonly scripted: { path?: string; reply: RouteResult }[] = [];

  constructor(opts: CscEmulatorOptions = {}) {
    super();
    this.apiKey = opts.apiKey ?? 'csc-key-91b0c7d2e5';
    this.token = opts.token ?? 'csc-token-SENTINEL-2a8f6e41c3d9';
    this.http = new HttpEmulator(
      {
        name: 'cscglobal',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, body: { code: 'TOO_MANY_REQUESTS', description: 'Rate limit exceeded', value: null } }),
        serverError: (status) => ({ status, headers: { 'Content-Type': 'text/plain' }, body: status === 503 ? 'Service Unavailable' : 'Internal Server Error' }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"qualifiedDomainName":"example.com","nameServers":["ns1.' }),
        accountOf: (req) => String(req.headers.apikey ?? ''),
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 1, perMs: 1_000 }), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { CSCGLOBAL_API_KEY: this.apiKey, CSCGLOBAL_USER_TOKEN: this.token, NSBRIDGE_CSCGLOBAL_ENDPOINT: this.url, NSBRIDGE_CSCGLOBAL_POLL_INTERVAL: '20ms' };
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), CSCGLOBAL_USER_TOKEN: 'wrong-secret-SENTINEL-0000' };
  }

  secrets(): string[] {
    return [this.apiKey, this.token];
  }

  /** Conformance: complete every submitted order, as time would at CSC whether or not anyone reads. */
  completePendingWrites(): void {
    for (const [domain, p] of this.pending) {
      this.pending.delete(domain);
      p.apply();
    }
  }

  addDomain(domain: string, nameServers: string[]): void {
    this.store.add(domain, nameServers);
    this.pending.delete(domain.toLowerCase());
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  isPending(domain: string): boolean {
    return this.pending.has(domain.toLowerCase());
  }

  /** Answer the next authenticated request (to `path`, if given) with exactly this reply (odd shapes a client must survive). */
  replyNext(reply: RouteResult, path?: string): void {
    this.scripted.push({ path, reply });
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.headers.apikey !== this.apiKey || req.headers.authorization !== `Bearer ${this.token}`) {
      return json(401, { code: 'UNAUTHORIZED', description: 'Invalid API key or bearer token', value: null });
    }
    const i = this.scripted.findIndex((x) => x.path === undefined || x.path === req.path);
    if (i >= 0) return this.scripted.splice(i, 1)[0]!.reply;
    if (req.path === '/dbs/api/v2/domains/nsmodification') {
      if (req.method !== 'PUT') return json(405, { code: 'METHOD_NOT_ALLOWED', description: 'Method Not Allowed', value: null });
      return this.nsModification(req);
    }
    const m = DOMAIN_PATH.exec(req.path);
    if (!m) return json(404, { code: 'NOT_FOUND', description: 'Resource not found', value: req.path });
    if (req.method !== 'GET') return json(405, { code: 'METHOD_NOT_ALLOWED', description: 'Method Not Allowed', value: null });
    const domain = decodeURIComponent(m[1]!).toLowerCase();
    const entry = this.store.get(domain);
    if (!entry) return this.notInAccount(domain);
    const p = this.pending.get(domain);
    if (p && --p.readsLeft <= 0) {
      this.pending.delete(domain);
      p.apply();
    }
    const dot = domain.indexOf('.');
    return json(200, {
      qualifiedDomainName: domain,
      domain: domain.slice(0, dot),
      tld: domain.slice(dot + 1),
      managedStatus: 'ACTIVE',
      registrationDate: '01-Jan-2020 UTC',
      registryExpiryDate: '01-Jan-2028 UTC',
      dnsType: 'OTHER_DNS',
      [this.listCasing]: [...entry.nameServers],
      whoisPrivacy: false,
      localAgent: false,
    });
  }

  private notInAccount(domain: string): RouteResult {
    return this.notInAccountStatus === 404
      ? json(404, { code: 'NOT_FOUND', description: 'Domain not found', value: domain })
      : json(403, { code: 'FORBIDDEN', description: 'User does not have permission for this domain', value: domain });
  }

  private nsModification(req: EmulatedRequest): RouteResult {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid('The request body is not JSON');
    const unknown = Object.keys(body).find((k) => !ORDER_FIELDS.has(k));
    if (unknown) return invalid(`Unknown field ${unknown}`, unknown);
    const domain = String(body.qualifiedDomainName ?? '').toLowerCase();
    if (!domain) return invalid('qualifiedDomainName is required');
    const entry = this.store.get(domain);
    if (!entry) return this.notInAccount(domain);
    if (this.pending.has(domain)) return json(409, { code: 'ORDER_IN_PROGRESS', description: 'Another order for this domain is still processing', value: domain });
    if (body.dnsType !== 'OTHER_DNS' && body.dnsType !== 'CSC_DNS') return invalid('dnsType must be OTHER_DNS or CSC_DNS', body.dnsType);
    const list = body.nameServers;
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'string')) return invalid('nameServers must be a list of host names');
    if (list.length < 2 || list.length > 13) return invalid('Between 2 and 13 name servers are required', list.length);
    const dotted = (list as string[]).find((n) => n.endsWith('.'));
    if (dotted) return invalid(`Name server ${dotted} must not end with a dot`, dotted);
    const bad = (list as string[]).find((n) => !isRegisteredHost(n));
    if (bad) return invalid(`Name server ${bad} is not registered at the registry`, bad);
    const uuid = randomUUID();
    const code = this.nextOrderCode;
    if (code && code !== 'SUBMITTED') {
      return json(200, { result: { qualifiedDomainName: domain, status: { code, message: 'The order could not be processed', additionalInformation: 'Registry rejected the update', uuid } } });
    }
    this.orders.push({ uuid, body });
    const hosts = (list as string[]).map((n) => n.toLowerCase());
    this.pending.set(domain, {
      readsLeft: this.orderReads,
      apply: () => {
        entry.nameServers = hosts;
        this.onDelegationChange?.(domain, [...hosts]);
      },
    });
    return json(200, { result: { qualifiedDomainName: domain, status: { code: 'SUBMITTED', message: 'The order has been submitted', additionalInformation: null, uuid } } }, true);
  }
}

export async function startEmulator(opts: CscEmulatorOptions = {}): Promise<CscEmulator> {
  return new CscEmulator(opts).start();
}

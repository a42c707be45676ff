/**
 * GoDaddy Domains API v1 emulator (shared/reference/registrar-apis.md §1), faithful to:
 *  - auth: `Authorization: sso-key KEY:SECRET`, else 401 UNABLE_TO_AUTHENTICATE;
 *  - `accessDenied`: the 2024 production gate, 403 ACCESS_DENIED on every call;
 *  - GET /v1/domains/{domain} -> DomainDetail; 404 NOT_FOUND "Domain x not found for shopper";
 *  - PATCH /v1/domains/{domain} {nameServers} -> 200 empty body; 422 for fewer than two or
 *    unregistered name servers; 409 when the domain is not ACTIVE or is protected;
 *  - 60 requests per minute per credential, 429 ErrorLimit {code, message, retryAfterSec}.
 * UNCONFIRMED, chosen strictly: no Retry-After header on 429 (clients must read retryAfterSec);
 * unknown DomainUpdate fields and non-JSON bodies are 422/400; the 429 code TOO_MANY_REQUESTS.
 */
import { EmulatedRequest, HttpEmulator, json, Reply, RouteResult } from '../testing/emulator-kit';
import { DomainStore, isRegisteredHost } from '../testing/registrar-state';
import { RegistrarEmulator } from '../testing/registrar-emulator';

const UPDATE_FIELDS = new Set(['nameServers', 'locked', 'renewAuto', 'subaccountId', 'exposeWhois', 'exposeRegistrantOrganization', 'consent']);

export interface GoDaddyEmulatorOptions {
  key?: string;
  secret?: string;
  /** Requests per window per credential (default 60 per minute, GoDaddy's published limit). */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

export class GoDaddyEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly key: string;
  readonly secret: string;
  /** Simulate an account below GoDaddy's 2024 API-access threshold. */
  accessDenied = false;

  constructor(opts: GoDaddyEmulatorOptions = {}) {
    super();
    this.key = opts.key ?? 'gd-key-3f9a1c';
    this.secret = opts.secret ?? 'gd-secret-SENTINEL-7b2e';
    this.http = new HttpEmulator(
      {
        name: 'godaddy',
        handle: (req) => this.handle(req),
        rateLimited: (retryAfterSec) => ({
          status: 429,
          body: { code: 'TOO_MANY_REQUESTS', message: 'Too many requests received within interval', retryAfterSec },
        }),
        serverError: (status) => ({ status, body: { code: 'INTERNAL_SERVER_ERROR', message: 'An internal error occurred' } }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"domain": "exa' }),
        accountOf: (req) => String(req.headers.authorization ?? ''),
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 60, perMs: 60_000 }), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { GODADDY_API_KEY: this.key, GODADDY_API_SECRET: this.secret, NSBRIDGE_GODADDY_ENDPOINT: this.url };
  }

  secrets(): string[] {
    return [this.secret, this.key];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), GODADDY_API_SECRET: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[], extra: { status?: string; protected?: boolean } = {}): void {
    this.store.add(domain, nameServers, { status: extra.status ?? 'ACTIVE', protected: extra.protected ?? false, domainId: 1000 + this.store.domains.size });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  private error(status: number, code: string, message: string, fields?: unknown[]): RouteResult {
    return json(status, fields ? { code, message, fields } : { code, message });
  }

  private handle(req: EmulatedRequest): RouteResult {
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `sso-key ${this.key}:${this.secret}`) {
      return this.error(401, 'UNABLE_TO_AUTHENTICATE', 'Unauthorized : Could not authenticate API key/secret');
    }
    if (this.accessDenied) return this.error(403, 'ACCESS_DENIED', 'Authenticated user is not allowed access');

    const m = /^\/v1\/domains\/([^/]+)$/.exec(req.path);
    if (!m) return this.error(404, 'NOT_FOUND', `The requested path ${req.path} was not found`);
    const domain = decodeURIComponent(m[1]!).toLowerCase();
    const entry = this.store.get(domain);

    if (req.method === 'GET') {
      if (!entry) return this.error(404, 'NOT_FOUND', `Domain ${domain} not found for shopper`);
      return json(200, {
        domain,
        domainId: entry.domainId,
        status: entry.status,
        locked: true,
        privacy: false,
        renewAuto: true,
        expires: '2027-11-28T00:00:00.000Z',
        nameServers: entry.nameServers,
      });
    }
    if (req.method === 'PATCH') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || typeof req.json !== 'object' || req.json === null || Array.isArray(req.json)) {
        return this.error(400, 'INVALID_BODY', 'Request body must be a JSON DomainUpdate object');
      }
      const body = req.json as Record<string, unknown>;
      const unknown = Object.keys(body).filter((k) => !UPDATE_FIELDS.has(k));
      if (unknown.length) {
        return this.error(422, 'INVALID_BODY', 'Request body doesn\'t fulfill schema', unknown.map((k) => ({ path: k, code: 'UNEXPECTED_FIELD', message: 'is not allowed' })));
      }
      if (!entry) return this.error(404, 'NOT_FOUND', `Domain ${domain} not found for shopper`);
      if (entry.status !== 'ACTIVE' || entry.protected) {
        return this.error(409, 'DOMAIN_NOT_ELIGIBLE', 'The given domain is not eligible to have its nameservers changed');
      }
      if (body.nameServers !== undefined) {
        const ns = body.nameServers;
        if (!Array.isArray(ns) || ns.some((n) => typeof n !== 'string')) {
          return this.error(422, 'INVALID_BODY', 'nameServers must be an array of strings', [{ path: 'nameServers', code: 'INVALID_TYPE', message: 'must be an array of strings' }]);
        }
        if (ns.length < 2) return this.error(422, 'MISSING_NAME_SERVER', 'At least two NS records must be specified in the request body');
        const bad = (ns as string[]).filter((n) => !isRegisteredHost(n));
        if (bad.length) {
          return this.error(422, 'FAILED_NAME_SERVER_VALIDATION', `Failed to update nameservers (records [INVALID_FIELD]: Nameservers [${bad.join(', ')}] are not registered hosts)`);
        }
        entry.nameServers = [...(ns as string[])];
        this.onDelegationChange?.(domain, entry.nameServers);
      }
      return { status: 200, body: '', write: true };
    }
    return this.error(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed`);
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: GoDaddyEmulatorOptions = {}): Promise<GoDaddyEmulator> {
  return new GoDaddyEmulator(opts).start();
}

export type { Reply };

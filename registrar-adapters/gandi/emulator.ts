/**
 * Gandi v5 Domain API emulator (shared/reference/registrar-apis.md §3), faithful to:
 *  - auth: `Authorization: Bearer <PAT>` only; a missing, unknown or EXPIRED token is 401
 *    HTTPUnauthorized (PATs have an expiry date and cannot be renewed);
 *  - PAT scope: a token belongs to one organization, has permissions (`domain:view` to read,
 *    `domain:tech` to change name servers) and resources (all domains of the organization, or a
 *    list): a domain of the organization outside its resources, or a write without `domain:tech`,
 *    is 403 HTTPForbidden;
 *  - a domain not in the token's organization: 404 HTTPNotFound with the recorded real body;
 *  - `?sharing_id=`: must be the token's organization id, else 403;
 *  - GET /v5/domain/domains/{domain}/nameservers -> a BARE JSON array;
 *  - PUT same path: Content-Type application/json required (else 415, Cornice's envelope);
 *    body {"nameservers": [...]} validated (400, Cornice's validation envelope); hosts that do not
 *    exist at the registry (`.invalid`) refused the same way; success 202 {"message": ...};
 *  - 1000 requests per minute per IP address (all loopback clients share one window).
 * Gandi's API is Pyramid + Cornice: error objects use Pyramid's exception names and default
 * explanations (the recorded 404 body is exactly Pyramid's HTTPNotFound).
 *
 * UNCONFIRMED, chosen strictly:
 *  - the legacy `Apikey <key>` scheme is not accepted at all (401), even with a valid token value;
 *  - a domain outside the token's organization is 404 (the recorded answer for an unmanaged
 *    domain), one of the organization outside the token's resources is 403;
 *  - the PUT success status is 202 (set `setStatus` to test other 2xx answers);
 *  - 429: Pyramid-style error object, NO Retry-After header and no wait hint in the body;
 *  - 502/503/504 come from the nginx front as an HTML page, not JSON;
 *  - unregistered name servers are refused synchronously with 400 and the validation envelope;
 *    2 to 13 name servers (colander Length wording);
 *  - a sharing_id that is not the token's organization is 403.
 */
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../testing/emulator-kit';
import { DomainStore, isRegisteredHost } from '../testing/registrar-state';
import { RegistrarEmulator } from '../testing/registrar-emulator';
import type { GandiErrorObject, GandiValidationIssue } from './wire-types';

export type GandiPermission = 'domain:view' | 'domain:tech';

export interface GandiToken {
  readonly value: string;
  /** Organization (sharing) id the token was created in. */
  readonly organization: string;
  /** Epoch ms after which Gandi answers 401. */
  expiresAt: number;
  permissions: GandiPermission[];
  /** 'all' = the whole organization; otherwise only these domains. */
  resources: 'all' | string[];
}

export interface GandiEmulatorOptions {
  token?: string;
  organization?: string;
  /** Requests per window per IP (default 1000 per minute, Gandi's published limit); null = none. */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

const JSON_TYPE = { 'Content-Type': 'application/json; charset=UTF-8' };

const PYRAMID: Record<number, { object: string; cause: string; message: string }> = {
  400: { object: 'HTTPBadRequest', cause: 'Bad Request', message: 'The server could not comply with the request since it is either malformed or otherwise incorrect.' },
  401: {
    object: 'HTTPUnauthorized',
    cause: 'Unauthorized',
    message:
      'The server could not verify that you authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad api key), or your access token has expired',
  },
  403: { object: 'HTTPForbidden', cause: 'Forbidden', message: 'Access was denied to this resource.' },
  404: { object: 'HTTPNotFound', cause: 'Not Found', message: 'The resource could not be found.' },
  405: { object: 'HTTPMethodNotAllowed', cause: 'Method Not Allowed', message: 'The method is not allowed for this resource.' },
  429: { object: 'HTTPTooManyRequests', cause: 'Too Many Requests', message: 'Too many requests, retry later.' },
  500: { object: 'HTTPInternalServerError', cause: 'Internal Server Error', message: 'The server has either erred or is incapable of performing the requested operation.' },
};

function errorObject(status: number): GandiErrorObject {
  const p = PYRAMID[status] ?? PYRAMID[500]!;
  return { code: status, message: p.message, object: p.object, cause: p.cause };
}

function nginxPage(status: number): string {
  const reason = status === 502 ? 'Bad Gateway' : status === 504 ? 'Gateway Time-out' : 'Service Temporarily Unavailable';
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

export class GandiEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly tokens = new Map<string, GandiToken>();
  /** The token env() hands the CLI. */
  readonly token: string;
  readonly organization: string;
  /** HTTP status of an accepted PUT (any 2xx; default 202, what third-party fakes see). */
  setStatus = 202;
  /**
   * Add `Retry-After` to 429s. Off by default (the strict reading); on, it shows how the client
   * would behave if Gandi does send the header.
   */
  sendRetryAfter = false;
  /** Every request's Authorization, Host and sharing_id, for tests that check what was sent. */
  readonly seen: { authorization?: string; host?: string; sharingId: string | null; contentType?: string }[] = [];

  constructor(opts: GandiEmulatorOptions = {}) {
    super();
    this.token = opts.token ?? 'gandi-pat-SENTINEL-1234';
    this.organization = opts.organization ?? '6f1b3c2a-9d8e-11ee-8c90-0242ac120002';
    this.addToken({ value: this.token });
    this.http = new HttpEmulator(
      {
        name: 'gandi',
        handle: (req) => this.handle(req),
        // Strict: no Retry-After header and no wait in the body (UNCONFIRMED what Gandi sends), so
        // the retry hint the fault asks for is deliberately not given.
        rateLimited: (retryAfterSec) => ({
          status: 429,
          headers: this.sendRetryAfter ? { ...JSON_TYPE, 'Retry-After': String(retryAfterSec) } : JSON_TYPE,
          body: errorObject(429),
        }),
        serverError: (status) =>
          status >= 502 && status <= 504
            ? { status, headers: { 'Content-Type': 'text/html' }, body: nginxPage(status) }
            : { status, headers: JSON_TYPE, body: { ...errorObject(500), code: status } },
        malformed: () => ({ status: 200, headers: JSON_TYPE, body: '["ns1.old-dns.net", "ns2.old-' }),
        // Counted per IP address; every client of a loopback emulator has the same one.
        accountOf: () => undefined,
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 1000, perMs: 60_000 }), port: opts.port },
    );
  }

  /** Create a personal access token (defaults: this organization, all domains, both permissions, no expiry). */
  addToken(t: Partial<GandiToken> & { value: string }): GandiToken {
    const token: GandiToken = {
      value: t.value,
      organization: t.organization ?? this.organization,
      expiresAt: t.expiresAt ?? Number.MAX_SAFE_INTEGER,
      permissions: t.permissions ?? ['domain:view', 'domain:tech'],
      resources: t.resources ?? 'all',
    };
    this.tokens.set(token.value, token);
    return token;
  }

  env(): Record<string, string> {
    return { GANDI_PERSONAL_ACCESS_TOKEN: this.token, NSBRIDGE_GANDI_ENDPOINT: this.url };
  }

  secrets(): string[] {
    return [...this.tokens.keys()];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), GANDI_PERSONAL_ACCESS_TOKEN: 'wrong-secret-SENTINEL-0000' };
  }

  /** Put a domain in an organization's account (default: this emulator's organization). */
  addDomain(domain: string, nameServers: string[], extra: { organization?: string } = {}): void {
    this.store.add(domain, nameServers, { organization: extra.organization ?? this.organization });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  private fail(status: number): RouteResult {
    return { status, headers: JSON_TYPE, body: errorObject(status) };
  }

  private invalid(status: number, errors: GandiValidationIssue[]): RouteResult {
    return { status, headers: JSON_TYPE, body: { status: 'error', errors } };
  }

  private handle(req: EmulatedRequest): RouteResult {
    const auth = String(req.headers.authorization ?? '');
    this.seen.push({
      authorization: req.headers.authorization,
      host: req.headers.host,
      sharingId: req.query.get('sharing_id'),
      contentType: req.headers['content-type'],
    });

    // Only PATs, only as Bearer. `Apikey x` (legacy), `Bearer` with an unknown or expired token: 401.
    const m = /^Bearer (\S+)$/.exec(auth);
    const token = m ? this.tokens.get(m[1]!) : undefined;
    if (!token || token.expiresAt <= Date.now()) return this.fail(401);

    const sharingId = req.query.get('sharing_id');
    if (sharingId !== null && sharingId !== token.organization) return this.fail(403);

    const route = /^\/v5\/domain\/domains\/([^/]+)\/nameservers$/.exec(req.path);
    if (!route) return this.fail(404);
    const domain = decodeURIComponent(route[1]!).toLowerCase();
    const entry = this.store.get(domain);
    if (!entry || entry.organization !== token.organization) return this.fail(404);
    if (token.resources !== 'all' && !token.resources.includes(domain)) return this.fail(403);

    if (req.method === 'GET') {
      if (!token.permissions.includes('domain:view') && !token.permissions.includes('domain:tech')) return this.fail(403);
      return { status: 200, headers: JSON_TYPE, body: entry.nameServers };
    }
    if (req.method === 'PUT') {
      if (!token.permissions.includes('domain:tech')) return this.fail(403);
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        return this.invalid(415, [{ location: 'header', name: 'Content-Type', description: "Content-Type header should be one of ['application/json']" }]);
      }
      if (req.json === undefined) {
        return this.invalid(400, [{ location: 'body', name: '', description: 'Invalid JSON request body' }]);
      }
      const body = req.json as Record<string, unknown> | null;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return this.invalid(400, [{ location: 'body', name: '', description: 'Expected a JSON object' }]);
      }
      const ns = body.nameservers;
      if (ns === undefined) return this.invalid(400, [{ location: 'body', name: 'nameservers', description: 'Required' }]);
      if (!Array.isArray(ns)) return this.invalid(400, [{ location: 'body', name: 'nameservers', description: `"${String(ns)}" is not iterable` }]);
      const notStrings = ns.map((n, i) => [n, i] as const).filter(([n]) => typeof n !== 'string');
      if (notStrings.length) {
        return this.invalid(400, notStrings.map(([n, i]) => ({ location: 'body', name: `nameservers.${i}`, description: `${JSON.stringify(n)} is not a string` })));
      }
      if (ns.length < 2) return this.invalid(400, [{ location: 'body', name: 'nameservers', description: 'Shorter than minimum length 2' }]);
      if (ns.length > 13) return this.invalid(400, [{ location: 'body', name: 'nameservers', description: 'Longer than maximum length 13' }]);
      const bad = (ns as string[]).map((n, i) => [n, i] as const).filter(([n]) => !isRegisteredHost(n));
      if (bad.length) {
        return this.invalid(
          400,
          bad.map(([n, i]) => ({ location: 'body', name: `nameservers.${i}`, description: `${n} is not a registered host name` })),
        );
      }
      entry.nameServers = [...(ns as string[])];
      this.onDelegationChange?.(domain, entry.nameServers);
      return { status: this.setStatus, headers: JSON_TYPE, body: this.setStatus === 204 ? undefined : { message: 'The nameservers are being updated.' }, write: true };
    }
    return this.fail(405);
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: GandiEmulatorOptions = {}): Promise<GandiEmulator> {
  return new GandiEmulator(opts).start();
}

export type { Reply };

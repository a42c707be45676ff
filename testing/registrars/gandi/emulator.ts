/**
 * Gandi v5 Domain API emulator (https://api.gandi.net/docs/domains/), faithful to:
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
 *  - 1000 requests per minute per IP address (all loopback clients share one window);
 *  - DNSSEC (§3 "dnskeys"): GET .../dnskeys lists the keys (snake_case, lowercase `keytag`,
 *    integers, `public_key` optional) a page at a time with Total-Count/Filtered-Count headers;
 *    POST .../dnskeys {algorithm, type, public_key} takes the DNSKEY, never a DS, and Gandi
 *    computes keytag and digest (digest_type 2) itself, as done here with its own RFC 4034 code;
 *    DELETE .../dnskeys/{id}; PUT .../dnskeys {keys: [...]} replaces them all.
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
 *  - a sharing_id that is not the token's organization is 403;
 *  - dnskeys: colander would coerce "13" to 13, but the strict reading refuses anything but a JSON
 *    integer for `algorithm` (0-255), `type` other than exactly "ksk"/"zsk", a missing or non-base64
 *    `public_key` (camelCase `publicKey` is an unknown field, so public_key is "Required"), all
 *    with Cornice's validation envelope; a key the domain already has is 409 HTTPConflict; POST
 *    answers 201 {"message"}, DELETE 204 with no body, an unknown key id 404; the list's page
 *    size is capped silently at `dnskeysPageCap` (default 100) whatever per_page asks; a page
 *    with more after it carries `Link: <https://api.gandi.net/...?page=N&per_page=M>; rel="next"`
 *    (the production origin, as Gandi writes it; `linkHeader = false` leaves Link out, and
 *    `repeatedNextPage` makes that page's next link point back at itself, a broken answer for
 *    the client's loop guard); digests come back in lower case; DNSSEC
 *    writes need the `domain:tech` permission.
 */
import { createHash } from 'node:crypto';
import type { DnssecRecord } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { GandiDnskey, GandiErrorObject, GandiKeyType, GandiValidationIssue } from '../../../registrar-adapters/gandi/wire-types';

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
  409: { object: 'HTTPConflict', cause: 'Conflict', message: 'There was a conflict when trying to complete your request.' },
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

/** Flags of each key type (Gandi only knows the type; a DNSKEY's flags are 257 or 256). */
const FLAGS_OF: Record<GandiKeyType, number | undefined> = { ksk: 257, zsk: 256, none: undefined };

/**
 * Gandi's own computation of what it shows for a key (RFC 4034 appendix B key tag, 5.1.4 SHA-256
 * digest), written out here rather than taken from core/dnssec.ts so that tests comparing the two
 * compare two implementations.
 */
export function gandiComputedDs(domain: string, flags: number, algorithm: number, publicKey: string): { keytag: number; digest: string } {
  const rdata = Buffer.concat([Buffer.from([flags >> 8, flags & 0xff, 3, algorithm]), Buffer.from(publicKey, 'base64')]);
  let ac = 0;
  rdata.forEach((byte, i) => (ac += i % 2 === 0 ? byte << 8 : byte));
  ac += (ac >> 16) & 0xffff;
  const owner = Buffer.concat([
    ...domain.toLowerCase().replace(/\.$/, '').split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')])),
    Buffer.from([0]),
  ]);
  return { keytag: ac & 0xffff, digest: createHash('sha256').update(owner).update(rdata).digest('hex') };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

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
  /** Most keys one page of GET .../dnskeys holds, whatever per_page asks (UNCONFIRMED cap). */
  dnskeysPageCap = 100;
  /** Send the Link header on the dnskeys list (rel="next" while more pages follow). */
  linkHeader = true;
  /** A page whose next link points back at itself (undefined: none). */
  repeatedNextPage?: number;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private nextKeyId = 4711;

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
        // Gandi's Pyramid error object, passed on with 200 (e.g. by a proxy in front of the API).
        errorEnvelope: () => ({ status: 200, headers: JSON_TYPE, body: errorObject(500) }),
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

  /** Put keys in the account as Gandi holds them: a DNSKEY's computed by Gandi, a bare DS as it is. */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const entry = this.store.get(domain);
    if (!entry) throw new Error(`gandi emulator: ${domain} is not in the account`);
    entry.dnskeys = records.map((r) =>
      r.dnskey
        ? this.keyFor(domain.toLowerCase(), r.dnskey.algorithm, r.dnskey.flags === 257 ? 'ksk' : r.dnskey.flags === 256 ? 'zsk' : 'none', r.dnskey.publicKey, r.dnskey.flags)
        : this.withId({ algorithm: r.ds.algorithm, digest: r.ds.digest.toLowerCase(), digest_type: r.ds.digestType, keytag: r.ds.keyTag, type: 'none' }, domain),
    );
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const entry = this.store.get(domain);
    if (!entry) return undefined;
    return this.keysOf(domain).map((k) => {
      const flags = FLAGS_OF[k.type];
      const ds = { keyTag: k.keytag, algorithm: k.algorithm, digestType: k.digest_type, digest: k.digest.toUpperCase() };
      return k.public_key !== undefined && flags !== undefined
        ? { ds, dnskey: { flags, protocol: 3, algorithm: k.algorithm, publicKey: k.public_key }, registrarId: String(k.id) }
        : { ds, registrarId: String(k.id) };
    });
  }

  private keysOf(domain: string): GandiDnskey[] {
    const entry = this.store.get(domain);
    if (!entry) return [];
    entry.dnskeys ??= [];
    return entry.dnskeys as GandiDnskey[];
  }

  private withId(k: Omit<GandiDnskey, 'id' | 'href'>, domain: string): GandiDnskey {
    const id = this.nextKeyId++;
    return { id, href: `${this.url}/v5/domain/domains/${domain}/dnskeys/${id}`, ...k };
  }

  private keyFor(domain: string, algorithm: number, type: GandiKeyType, publicKey: string, flags = FLAGS_OF[type] ?? 256): GandiDnskey {
    const { keytag, digest } = gandiComputedDs(domain, flags, algorithm, publicKey);
    return this.withId({ algorithm, digest, digest_type: 2, keytag, type, public_key: publicKey }, domain);
  }

  private dnssecChanged(domain: string): void {
    this.onDnssecChange?.(domain, this.dnssecRecordsOf(domain) ?? []);
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

    const route = /^\/v5\/domain\/domains\/([^/]+)\/(nameservers|dnskeys)(?:\/([^/]+))?$/.exec(req.path);
    if (!route || (route[2] === 'nameservers' && route[3] !== undefined)) return this.fail(404);
    const domain = decodeURIComponent(route[1]!).toLowerCase();
    const entry = this.store.get(domain);
    if (!entry || entry.organization !== token.organization) return this.fail(404);
    if (token.resources !== 'all' && !token.resources.includes(domain)) return this.fail(403);
    if (route[2] === 'dnskeys') return this.dnskeys(req, token, domain, route[3]);

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

  /** Content-Type and a JSON object body, as Cornice checks them. */
  private jsonObject(req: EmulatedRequest): { refused: RouteResult } | { body: Record<string, unknown> } {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return { refused: this.invalid(415, [{ location: 'header', name: 'Content-Type', description: "Content-Type header should be one of ['application/json']" }]) };
    }
    if (req.json === undefined) return { refused: this.invalid(400, [{ location: 'body', name: '', description: 'Invalid JSON request body' }]) };
    const body = req.json as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { refused: this.invalid(400, [{ location: 'body', name: '', description: 'Expected a JSON object' }]) };
    }
    return { body };
  }

  /** One DNSKEY as POST (or each of PUT's `keys`) gives it; strict types, see the header. */
  private checkKey(body: Record<string, unknown>, prefix: string): GandiValidationIssue[] {
    const issues: GandiValidationIssue[] = [];
    const issue = (name: string, description: string) => issues.push({ location: 'body', name: `${prefix}${name}`, description });
    const { algorithm, type, public_key: publicKey } = body;
    if (algorithm === undefined) issue('algorithm', 'Required');
    else if (typeof algorithm !== 'number' || !Number.isInteger(algorithm)) issue('algorithm', `${JSON.stringify(algorithm)} is not an integer`);
    else if (algorithm < 0 || algorithm > 255) issue('algorithm', `${algorithm} is not between 0 and 255`);
    if (type === undefined) issue('type', 'Required');
    else if (type !== 'ksk' && type !== 'zsk') issue('type', `${JSON.stringify(type)} is not one of ksk, zsk`);
    if (publicKey === undefined) issue('public_key', 'Required');
    else if (typeof publicKey !== 'string' || !BASE64.test(publicKey) || publicKey.length % 4 !== 0) {
      issue('public_key', `${JSON.stringify(publicKey)} is not a base64 encoded public key`);
    }
    return issues;
  }

  private dnskeys(req: EmulatedRequest, token: GandiToken, domain: string, id: string | undefined): RouteResult {
    const keys = this.keysOf(domain);
    const canWrite = token.permissions.includes('domain:tech');
    if (id !== undefined) {
      const key = /^\d+$/.test(id) ? keys.find((k) => k.id === Number(id)) : undefined;
      if (!key) return this.fail(404);
      if (req.method === 'GET') return { status: 200, headers: JSON_TYPE, body: key };
      if (req.method !== 'DELETE') return this.fail(405);
      if (!canWrite) return this.fail(403);
      keys.splice(keys.indexOf(key), 1);
      this.dnssecChanged(domain);
      return { status: 204, headers: JSON_TYPE, write: true };
    }
    if (req.method === 'GET') {
      const issues: GandiValidationIssue[] = [];
      const num = (name: string, fallback: number) => {
        const raw = req.query.get(name);
        if (raw === null) return fallback;
        if (!/^\d+$/.test(raw) || Number(raw) < 1) issues.push({ location: 'querystring', name, description: `"${raw}" is not a positive integer` });
        return Number(raw);
      };
      const page = num('page', 1);
      const perPage = Math.min(num('per_page', this.dnskeysPageCap), this.dnskeysPageCap);
      if (issues.length) return this.invalid(400, issues);
      const count = String(keys.length);
      const headers: Record<string, string> = { ...JSON_TYPE, 'Total-Count': count, 'Filtered-Count': count };
      const lastPage = Math.max(1, Math.ceil(keys.length / perPage));
      if (this.linkHeader) {
        const at = (n: number) => {
          const q = new URLSearchParams(req.query);
          q.set('page', String(n));
          q.set('per_page', String(perPage));
          return `<https://api.gandi.net${req.path}?${q.toString()}>`;
        };
        const links = [`${at(1)}; rel="first"`, `${at(lastPage)}; rel="last"`];
        if (page === this.repeatedNextPage) links.push(`${at(page)}; rel="next"`);
        else if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`);
        headers.Link = links.join(', ');
      }
      return { status: 200, headers, body: keys.slice((page - 1) * perPage, page * perPage) };
    }
    if (req.method !== 'POST' && req.method !== 'PUT') return this.fail(405);
    if (!canWrite) return this.fail(403);
    const parsed = this.jsonObject(req);
    if ('refused' in parsed) return parsed.refused;
    const given = parsed.body;
    if (req.method === 'POST') {
      const issues = this.checkKey(given, '');
      if (issues.length) return this.invalid(400, issues);
      const publicKey = given.public_key as string;
      if (keys.some((k) => k.public_key === publicKey)) return this.fail(409);
      keys.push(this.keyFor(domain, given.algorithm as number, given.type as GandiKeyType, publicKey));
      this.dnssecChanged(domain);
      return { status: 201, headers: JSON_TYPE, body: { message: 'The DNSKEY has been created.' }, write: true };
    }
    const list = given.keys;
    if (list === undefined) return this.invalid(400, [{ location: 'body', name: 'keys', description: 'Required' }]);
    if (!Array.isArray(list)) return this.invalid(400, [{ location: 'body', name: 'keys', description: `${JSON.stringify(list)} is not iterable` }]);
    const issues = list.flatMap((k, i) =>
      typeof k === 'object' && k !== null && !Array.isArray(k)
        ? this.checkKey(k as Record<string, unknown>, `keys.${i}.`)
        : [{ location: 'body', name: `keys.${i}`, description: `${JSON.stringify(k)} is not a mapping type` }],
    );
    if (issues.length) return this.invalid(400, issues);
    keys.length = 0;
    for (const k of list as { algorithm: number; type: GandiKeyType; public_key: string }[]) keys.push(this.keyFor(domain, k.algorithm, k.type, k.public_key));
    this.dnssecChanged(domain);
    return { status: 202, headers: JSON_TYPE, body: { message: 'The DNSKEYs are being updated.' }, write: true };
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: GandiEmulatorOptions = {}): Promise<GandiEmulator> {
  return new GandiEmulator(opts).start();
}

export type { Reply };

/**
 * Name.com emulator: the Core API (/core/v1, https://docs.name.com) and API v4 (/v4,
 * https://www.name.com/api-docs) side by side, as Name.com serves both during v4's transition.
 * Where they differ (the Core API's OpenAPI document, "name.com Core API" 1.33):
 *  - bad credentials: Core 401 {"message":"Unauthorized"}; v4 403 {"message":"Forbidden"}
 *    (issue #18; the strict reading: the same body as two-step verification);
 *  - no JSON Content-Type on a POST: Core 415 {"message":"The 'Content-Type' header must be
 *    'application/json' for this request."}; v4 403;
 *  - 404: Core {"message":"Not Found","details":"The requested domain does not exist."};
 *  - 429: Core {"message":"Rate Limit Exceeded","details"} with X-RateLimit-Reset (Unix seconds);
 *    v4 {"message":"Too Many Requests"} with no hint. (A throttle from the kit's per-second window
 *    or an injected fault takes the shape of the API of the latest request.)
 *  - Core answers are application/json; v4 answers text/html (below).
 * The v4 details (the same paths and shapes serve the Core API under /core/v1):
 *  - auth: HTTP Basic `<user>:<token>`; in `sandbox` mode (api.dev.name.com) the user name must be
 *    the account's with `-test`, and the production name is refused (and vice versa): 401;
 *  - every answer, JSON or not, comes with `Content-Type: text/html; charset=UTF-8` (as recorded
 *    in 2020), so clients must not rely on the header;
 *  - GET /v4/domains/{domain} -> Domain object with default-valued fields OMITTED (`locked:false`,
 *    `privacyEnabled:false`, an empty `nameservers` are absent);
 *  - POST /v4/domains/{domain}:setNameservers (literal colon; `%3A` is no route: 404)
 *    {"nameservers": [...]} -> 200 with the full updated Domain;
 *  - POST/PUT without `Content-Type: application/json` -> 403 Forbidden, before anything else;
 *  - ns1-4.name.com are stored as the account's own ns1<code>.name.com (code = 3 letters);
 *  - errors {message, details?}; `twoStepVerification` on the account: 403 for every call;
 *  - 20 requests per second per account (the kit's window) AND 3000 per hour per account (kept
 *    here: the kit has one window);
 *  - DNSSEC (§5): GET /v4/domains/{domain}/dnssec -> {dnssec, nextPage, lastPage} (paged with
 *    page/perPage; default-valued fields left out, so no `nextPage` on the last page and no
 *    `dnssec` when there is none); POST same path {domainName, keyTag, algorithm, digestType,
 *    digest} -> the created record; GET/DELETE /v4/domains/{domain}/dnssec/{digest}, a record
 *    being identified BY ITS DIGEST; DELETE answers {}.
 *
 * UNCONFIRMED, chosen strictly:
 *  - 401 is {"message":"Unauthenticated"}; 404 is {"message":"Not Found"} with no details; 403
 *    (Content-Type, two-step verification) is {"message":"Forbidden"} with no details, so a
 *    client cannot tell the causes apart from the body;
 *  - 429 is {"message":"Too Many Requests"} with NO Retry-After header, the same for both windows;
 *  - name-server validation: 400 {"message":"Invalid Argument","details":"Parameter Value Error - ..."}
 *    (the recorded shape) for a body that is not JSON, a missing list, fewer than 2 or more than
 *    13 names, duplicates, and hosts not registered at the registry (`.invalid`);
 *  - 5xx are ErrorMessage JSON ("Any non-200 response will return an ErrorMessage");
 *  - DNSSEC input: Name.com's gateway might coerce "13" into an int, the strict reading refuses
 *    anything but JSON integers for keyTag/algorithm/digestType (snake_case `key_tag` is an
 *    unknown field, so keyTag is missing), requires `domainName` equal to the path's domain, an
 *    algorithm and digest type IANA knows and a hex digest of the digest type's length, all as 400
 *    "Invalid Argument" with a "Parameter Value Error - ..." detail; a digest the domain already
 *    has is "Duplicate"; the {digest} of GET/DELETE must match the stored digest exactly (case
 *    included), else 404; a page holds at most `dnssecPageCap` records (default 1000) whatever
 *    perPage asks.
 */
import { ALGORITHM_NAMES, DnssecRecord } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { NamecomDnssec, NamecomDnssecCreate, NamecomDnssecList, NamecomDomain, NamecomErrorMessage } from '../../../registrar-adapters/namecom/wire-types';

type Limit = { requests: number; perMs: number };

export interface NamecomEmulatorOptions {
  /** Account user name (production form, without -test). */
  user?: string;
  token?: string;
  /** Emulate api.dev.name.com: the user name must end in -test. */
  sandbox?: boolean;
  /** The three letters of the account's own name-server names (ns1<code>.name.com). */
  accountCode?: string;
  /** Per-second window (default 20 per second); null = none (and no hourly limit unless given). */
  rateLimit?: Limit | null;
  /** Per-hour window (default 3000 per hour); null = none. */
  hourlyLimit?: Limit | null;
  port?: number;
}

/** Name.com's v4 answers carry this whatever the body is. */
const HTML_TYPE = { 'Content-Type': 'text/html; charset=UTF-8' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

export type NamecomApi = 'core' | 'v4';
const PREFIX: Record<NamecomApi, string> = { core: '/core/v1', v4: '/v4' };
const apiOf = (path: string): NamecomApi | undefined => (path.startsWith('/core/v1/') ? 'core' : path.startsWith('/v4/') ? 'v4' : undefined);

const GENERIC_NS = /^ns([1-4])\.name\.com$/i;

/** Hex digits of each DS digest type the registry takes (SHA-1, SHA-256, GOST, SHA-384). */
const DIGEST_LENGTH: Record<number, number> = { 1: 40, 2: 64, 3: 64, 4: 96 };

/** Name.com's rendering: fields with default values left out. */
function omitDefaults<T extends object>(full: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) {
    if (v === false || v === '' || v === 0 || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as T;
}

export class NamecomEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly user: string;
  readonly token: string;
  readonly sandbox: boolean;
  readonly accountCode: string;
  hourlyLimit?: Limit;
  /** Answers refused by the hourly window. */
  hourlyLimitedCount = 0;
  /** The account has two-step verification on: the API refuses it (403). */
  twoStepVerification = false;
  /** Every request's user name, Content-Type, raw path and Host, for tests that check what was sent. */
  readonly seen: { user?: string; contentType?: string; path: string; host?: string }[] = [];
  private readonly hourly = new Map<string, number[]>();
  /** The API of the request being answered (set first thing for every request). */
  private api: NamecomApi = 'core';
  /** Most DS records one page of the list holds, whatever perPage asks (UNCONFIRMED cap). */
  dnssecPageCap = 1000;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;

  constructor(opts: NamecomEmulatorOptions = {}) {
    super();
    this.user = opts.user ?? 'nsbridge-ops';
    this.token = opts.token ?? 'namecom-token-SENTINEL-5678';
    this.sandbox = opts.sandbox ?? false;
    this.accountCode = opts.accountCode ?? 'qjx';
    const perSecond = opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 20, perMs: 1_000 });
    const perHour = opts.hourlyLimit === null || (opts.rateLimit === null && opts.hourlyLimit === undefined)
      ? undefined
      : (opts.hourlyLimit ?? { requests: 3_000, perMs: 3_600_000 });
    this.hourlyLimit = perHour;
    this.http = new HttpEmulator(
      {
        name: 'namecom',
        handle: (req) => this.handle(req),
        // v4 strict: no Retry-After (UNCONFIRMED whether Name.com sends one); Core: X-RateLimit-Reset.
        rateLimited: (sec) => this.throttled(sec),
        serverError: (status) => this.error(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
        malformed: () => ({ status: 200, headers: HTML_TYPE, body: '{"domainName":"example.com","nameservers":["ns1.old' }),
        // Name.com's ErrorMessage, with 200 and text/html as its answers come.
        errorEnvelope: () => ({ status: 200, headers: HTML_TYPE, body: JSON.stringify({ message: 'Internal Error', details: 'please try again' }) }),
        accountOf: (req) => {
          this.api = apiOf(req.path) ?? this.api;
          return this.userOf(req);
        },
      },
      { rateLimit: perSecond, port: opts.port },
    );
  }

  /** The user name the API accepts: with -test in the sandbox. */
  get apiUser(): string {
    return this.sandbox ? `${this.user}-test` : this.user;
  }

  env(): Record<string, string> {
    return { NAMECOM_USERNAME: this.apiUser, NAMECOM_TOKEN: this.token, NSBRIDGE_NAMECOM_ENDPOINT: this.url };
  }

  /** The user name is not a secret (it appears in messages); the token is. */
  secrets(): string[] {
    return [this.token];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), NAMECOM_TOKEN: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[], extra: { locked?: boolean } = {}): void {
    this.store.add(domain, nameServers, { locked: extra.locked ?? true });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** Put DS records in the account as Name.com holds them (digest as given). */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const entry = this.store.get(domain);
    if (!entry) throw new Error(`namecom emulator: ${domain} is not in the account`);
    entry.dnssec = records.map((r): NamecomDnssecCreate => ({ domainName: domain.toLowerCase(), keyTag: r.ds.keyTag, algorithm: r.ds.algorithm, digestType: r.ds.digestType, digest: r.ds.digest }));
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    if (!this.store.get(domain)) return undefined;
    return this.dsOf(domain).map((d) => ({
      ds: { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, digest: d.digest.toUpperCase() },
      registrarId: d.digest,
    }));
  }

  private dsOf(domain: string): NamecomDnssecCreate[] {
    const entry = this.store.get(domain)!;
    entry.dnssec ??= [];
    return entry.dnssec as NamecomDnssecCreate[];
  }

  /** The account's own names for ns1-4.name.com. */
  accountNameServers(): string[] {
    return [1, 2, 3, 4].map((i) => `ns${i}${this.accountCode}.name.com`);
  }

  resetHourly(): void {
    this.hourly.clear();
    this.hourlyLimitedCount = 0;
  }

  private error(status: number, message: string, details?: string): RouteResult {
    const body: NamecomErrorMessage = details ? { message, details } : { message };
    return { status, headers: this.type(), body };
  }

  /** v4 answers carry text/html whatever the body; the Core API application/json. */
  private type(): Record<string, string> {
    return this.api === 'v4' ? HTML_TYPE : JSON_TYPE;
  }

  private throttled(retryAfterSec: number): RouteResult {
    if (this.api === 'v4') return this.error(429, 'Too Many Requests');
    const reset = Math.ceil(Date.now() / 1000) + retryAfterSec;
    return { status: 429, headers: { ...JSON_TYPE, 'X-RateLimit-Reset': String(reset) }, body: { message: 'Rate Limit Exceeded', details: 'You have exceeded the rate limit.' } };
  }

  private userOf(req: EmulatedRequest): string | undefined {
    const m = /^Basic (\S+)$/.exec(String(req.headers.authorization ?? ''));
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(0, colon);
  }

  private overHourly(account: string): boolean {
    if (!this.hourlyLimit) return false;
    const now = Date.now();
    const stamps = (this.hourly.get(account) ?? []).filter((t) => t > now - this.hourlyLimit!.perMs);
    const over = stamps.length >= this.hourlyLimit.requests;
    if (!over) stamps.push(now);
    this.hourly.set(account, stamps);
    return over;
  }

  /** The Domain object as Name.com renders it: default-valued fields left out. */
  private render(domain: string): NamecomDomain {
    const entry = this.store.get(domain)!;
    const full: NamecomDomain = {
      domainName: domain,
      nameservers: entry.nameServers,
      contacts: {
        registrant: { firstName: 'Nsbridge', lastName: 'Test', address1: '1 Example Way', city: 'Denver', state: 'CO', zip: '80202', country: 'US', phone: '+1.3035550100', email: 'ops@example.net' },
      },
      privacyEnabled: false,
      locked: Boolean(entry.locked),
      autorenewEnabled: true,
      expireDate: '2027-03-01T18:04:05Z',
      createDate: '2019-03-01T18:04:05Z',
      renewalPrice: 12.99,
    };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(full)) {
      if (v === false || v === '' || v === 0 || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = v;
    }
    return out as NamecomDomain;
  }

  private handle(req: EmulatedRequest): RouteResult {
    const user = this.userOf(req);
    this.seen.push({ user, contentType: req.headers['content-type'], path: req.path, host: req.headers.host });
    const api = apiOf(req.path);
    if (!api) return this.error(404, 'Not Found');
    this.api = api;
    const core = api === 'core';

    if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        return core ? this.error(415, "The 'Content-Type' header must be 'application/json' for this request.") : this.error(403, 'Forbidden');
      }
    }
    if (this.overHourly(user ?? '(anonymous)')) {
      this.hourlyLimitedCount += 1;
      return this.throttled(3600);
    }
    const m = /^Basic (\S+)$/.exec(String(req.headers.authorization ?? ''));
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    if (decoded !== `${this.apiUser}:${this.token}`) return core ? this.error(401, 'Unauthorized') : this.error(403, 'Forbidden');
    if (this.twoStepVerification) return core ? this.error(403, 'Permission denied') : this.error(403, 'Forbidden');

    const rest = req.path.slice(PREFIX[api].length);
    const dnssec = /^\/domains\/([^/:]+)\/dnssec(?:\/([^/]+))?$/.exec(rest);
    if (dnssec) return this.dnssec(req, decodeURIComponent(dnssec[1]!).toLowerCase(), dnssec[2] === undefined ? undefined : decodeURIComponent(dnssec[2]));
    const get = /^\/domains\/([^/:]+)$/.exec(rest);
    const setNs = /^\/domains\/([^/:]+):setNameservers$/.exec(rest);
    if (req.method === 'GET' && get) {
      const domain = decodeURIComponent(get[1]!).toLowerCase();
      if (!this.store.get(domain)) return this.notFound();
      return { status: 200, headers: this.type(), body: this.render(domain) };
    }
    if (req.method === 'POST' && setNs) {
      const domain = decodeURIComponent(setNs[1]!).toLowerCase();
      const entry = this.store.get(domain);
      if (!entry) return this.notFound();
      const body = req.json as { nameservers?: unknown } | undefined;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return this.error(400, 'Invalid Argument', 'Parameter Value Error - the request body must be a JSON object');
      }
      const ns = body.nameservers;
      if (!Array.isArray(ns) || ns.some((n) => typeof n !== 'string')) {
        return this.error(400, 'Invalid Argument', 'Parameter Value Error - nameservers must be a list of host names');
      }
      const names = (ns as string[]).map((n) => n.trim().toLowerCase().replace(/\.$/, ''));
      if (names.length < 2) return this.error(400, 'Invalid Argument', 'Parameter Value Error - at least 2 nameservers are required');
      if (names.length > 13) return this.error(400, 'Invalid Argument', 'Parameter Value Error - at most 13 nameservers are allowed');
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) return this.error(400, 'Invalid Argument', `Parameter Value Error - Duplicate nameserver ${dup}`);
      const bad = names.filter((n) => !isRegisteredHost(n));
      if (bad.length) return this.error(400, 'Invalid Argument', `Parameter Value Error - Nameserver ${bad.join(', ')} is not registered`);
      // Name.com's own generic names become the account's: ns1.name.com -> ns1<code>.name.com.
      entry.nameServers = names.map((n) => n.replace(GENERIC_NS, (_all, i: string) => `ns${i}${this.accountCode}.name.com`));
      this.onDelegationChange?.(domain, entry.nameServers);
      return { status: 200, headers: this.type(), body: this.render(domain), write: true };
    }
    return this.error(404, 'Not Found');
  }

  /** A domain not in the account: the Core API says which. */
  private notFound(): RouteResult {
    return this.api === 'core' ? this.error(404, 'Not Found', 'The requested domain does not exist.') : this.error(404, 'Not Found');
  }

  private dnssec(req: EmulatedRequest, domain: string, digestInPath: string | undefined): RouteResult {
    if (!this.store.get(domain)) return this.notFound();
    const records = this.dsOf(domain);
    const changed = () => this.onDnssecChange?.(domain, this.dnssecRecordsOf(domain)!);
    if (digestInPath !== undefined) {
      const hit = records.find((r) => r.digest === digestInPath);
      if (!hit) return this.error(404, 'Not Found');
      if (req.method === 'GET') return { status: 200, headers: this.type(), body: omitDefaults<NamecomDnssec>(hit) };
      if (req.method !== 'DELETE') return this.error(404, 'Not Found');
      records.splice(records.indexOf(hit), 1);
      changed();
      return { status: 200, headers: this.type(), body: {}, write: true };
    }
    if (req.method === 'GET') {
      const num = (name: string, fallback: number) => {
        const raw = req.query.get(name);
        return raw === null ? fallback : /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : undefined;
      };
      const page = num('page', 1);
      const asked = num('perPage', this.dnssecPageCap);
      if (page === undefined || asked === undefined) return this.error(400, 'Invalid Argument', 'Parameter Value Error - page and perPage must be positive integers');
      const perPage = Math.min(asked, this.dnssecPageCap);
      const lastPage = Math.ceil(records.length / perPage);
      const body: NamecomDnssecList = {
        dnssec: records.slice((page - 1) * perPage, page * perPage).map((r) => omitDefaults<NamecomDnssec>(r)),
        nextPage: page < lastPage ? page + 1 : 0,
        lastPage,
      };
      return { status: 200, headers: this.type(), body: omitDefaults(body) };
    }
    if (req.method !== 'POST') return this.error(404, 'Not Found');
    const body = req.json as Record<string, unknown> | undefined;
    const invalid = (why: string) => this.error(400, 'Invalid Argument', `Parameter Value Error - ${why}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('the request body must be a JSON object');
    if (typeof body.domainName !== 'string' || body.domainName.toLowerCase().replace(/\.$/, '') !== domain) {
      return invalid(`domainName must be ${domain}, the domain in the path`);
    }
    for (const field of ['keyTag', 'algorithm', 'digestType'] as const) {
      const v = body[field];
      if (typeof v !== 'number' || !Number.isInteger(v)) return invalid(`${field} must be an integer, not ${JSON.stringify(v) ?? 'missing'}`);
    }
    const { keyTag, algorithm, digestType, digest } = body as unknown as NamecomDnssecCreate;
    if (keyTag < 0 || keyTag > 65535) return invalid(`keyTag ${keyTag} is out of range`);
    if (!ALGORITHM_NAMES[algorithm]) return invalid(`algorithm ${algorithm} is not a DNSSEC algorithm`);
    const length = DIGEST_LENGTH[digestType];
    if (length === undefined) return invalid(`digestType ${digestType} is not a DS digest type`);
    if (typeof digest !== 'string' || !/^[0-9a-fA-F]+$/.test(digest) || digest.length !== length) {
      return invalid(`digest must be ${length} hexadecimal digits for digestType ${digestType}`);
    }
    if (records.some((r) => r.digest.toLowerCase() === digest.toLowerCase())) return invalid(`Duplicate DS record ${digest}`);
    const created: NamecomDnssecCreate = { domainName: domain, keyTag, algorithm, digestType, digest };
    records.push(created);
    changed();
    return { status: 200, headers: this.type(), body: omitDefaults<NamecomDnssec>(created), write: true };
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: NamecomEmulatorOptions = {}): Promise<NamecomEmulator> {
  return new NamecomEmulator(opts).start();
}

export type { Reply };

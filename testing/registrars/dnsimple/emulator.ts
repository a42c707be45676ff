/**
 * DNSimple API v2 emulator (https://developer.dnsimple.com/v2/registrar/delegation/), faithful to:
 *  - auth: `Authorization: Bearer <token>`, else 401 {"message":"Authentication failed"};
 *  - the account id in every account path (/v2/{account}/...), and GET /v2/whoami, which names the
 *    account for an account token and answers `account: null` for a user token;
 *  - GET /v2/{account}/domains/{domain} -> {"data":{..., "state":"registered"|"hosted"|...}},
 *    404 {"message":"Domain `x` not found"};
 *  - GET /v2/{account}/registrar/domains/{domain}/delegation -> {"data":[...]} (may be []);
 *  - PUT same path with a BARE JSON array body -> 200 {"data":[...]}; 400 when the name servers
 *    cannot be changed; Content-Type application/json required;
 *  - scoped tokens: 403 {"message":"Permission Denied. Required Scope: registrar:{domain}:write"};
 *  - 2400 requests per hour per token, X-RateLimit-Limit/-Remaining/-Reset (Unix seconds) on
 *    EVERY response, and 429 {"message":"quota exceeded"} with NO Retry-After;
 *  - DS records (§6): GET /v2/{account}/domains/{domain}/ds_records -> {"data":[...],
 *    "pagination":{current_page, per_page, total_entries, total_pages}} (page/per_page, default
 *    30, at most 100); every value a STRING, lowercase `keytag`; POST -> 201 {"data":{...}};
 *    missing fields -> 400 {"message":"Validation failed","errors":{"keytag":["can't be blank"],...}};
 *    DELETE .../ds_records/{id} -> 204 no body; an unknown id -> 404
 *    {"message":"Delegation signer record `id` not found"}.
 * UNCONFIRMED, chosen strictly (also marked where decided below):
 *  - what the delegation endpoints do for a domain that is in the account but not registered
 *    with DNSimple (hosted only): GET answers 200 {"data":[]} (a meaningless answer a client can
 *    only avoid by checking the domain's state first, as dnscontrol does), PUT answers 400;
 *  - an account id the token cannot see: 404 {"message":"Not Found"};
 *  - the 400 bodies for a PUT without application/json, a body that is not a list of host names,
 *    fewer than 2 or more than 13 names, and names the registry does not know (`.invalid`);
 *  - the 5xx body `{"message":"Internal Server Error"}`;
 *  - reads need no scope; only registrar writes check `registrar:{domain}:write`;
 *  - DS input: Rails would turn 13 into "13"; the strict reading refuses a JSON number ("must be a
 *    string"), an algorithm or digest type IANA does not know, a key tag out of 0-65535 and a digest
 *    that is not hex of the digest type's length, all as "Validation failed" with per-field errors;
 *    a digest the domain already has is "has already been taken"; a domain that is only hosted
 *    (not registered with DNSimple) gets 400 for a new DS record, since there is no registry to
 *    send it to; digests are stored as sent.
 */
import { ALGORITHM_NAMES, DnssecRecord, keyTagOf } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { DnsimpleDomain, DnsimpleDsRecord, DnsimpleError, DnsimpleList, DnsimpleWhoami } from '../../../registrar-adapters/dnsimple/wire-types';

/** DNSimple's published limit for authenticated requests. */
const PUBLISHED_LIMIT = { requests: 2400, perMs: 3_600_000 };

/** Hex digits of each DS digest type (SHA-1, SHA-256, GOST, SHA-384). */
const DIGEST_LENGTH: Record<string, number> = { '1': 40, '2': 64, '3': 64, '4': 96 };
const DS_FIELDS = ['algorithm', 'digest', 'digest_type', 'keytag'] as const;

export interface DnsimpleEmulatorOptions {
  /** Account token (scoped to `accountId`). */
  token?: string;
  /** User token: whoami names no account; it may act on the accounts the user belongs to. */
  userToken?: string;
  accountId?: number;
  /** Requests per window per token (default 2400 per hour, DNSimple's published limit). */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

export class DnsimpleEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly token: string;
  readonly userToken: string;
  readonly accountId: number;
  /**
   * When set, the account token is a scoped token allowed to write the delegation of these
   * domains only (`registrar:{domain}:write`); undefined = an unscoped account token.
   */
  writeScope?: Set<string>;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  /** TLDs whose registry wants the key data (public_key) with a DS (UNCONFIRMED list: .de and .eu here). */
  readonly keyDataTlds = new Set(['de', 'eu']);
  private nextDsId = 24;
  /** Accepted requests per token, for the X-RateLimit-* headers. */
  private readonly used = new Map<string, number[]>();

  constructor(opts: DnsimpleEmulatorOptions = {}) {
    super();
    this.token = opts.token ?? 'dnsimple_a_SENTINEL_8f3b21c9d0e4';
    this.userToken = opts.userToken ?? 'dnsimple_u_SENTINEL_77a0c5e3f9b1';
    this.accountId = opts.accountId ?? 1010;
    this.http = new HttpEmulator(
      {
        name: 'dnsimple',
        handle: (req) => this.handle(req),
        rateLimited: (retryAfterSec) => ({
          status: 429,
          // No Retry-After: clients must read X-RateLimit-Reset.
          headers: this.rateHeaders(0, Math.ceil((Date.now() + retryAfterSec * 1000) / 1000)),
          body: { message: 'quota exceeded' } satisfies DnsimpleError,
        }),
        serverError: (status) => ({ status, headers: this.currentRateHeaders(undefined), body: { message: 'Internal Server Error' } }),
        malformed: () => ({
          status: 200,
          headers: { 'Content-Type': 'application/json; charset=utf-8', ...this.currentRateHeaders(undefined) },
          body: '{"data":["ns1.dnsimple.com",',
        }),
        accountOf: (req) => bearer(req),
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? PUBLISHED_LIMIT), port: opts.port },
    );
  }

  /** DNSIMPLE_ACCOUNT is set, so the conformance suite's request counts hold (no whoami). */
  env(): Record<string, string> {
    return { DNSIMPLE_TOKEN: this.token, DNSIMPLE_ACCOUNT: String(this.accountId), NSBRIDGE_DNSIMPLE_ENDPOINT: this.url };
  }

  secrets(): string[] {
    return [this.token, this.userToken];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), DNSIMPLE_TOKEN: 'wrong-secret-SENTINEL-0000' };
  }

  /** `state`: `registered` (default) or e.g. `hosted` for a domain DNSimple only hosts DNS for. */
  addDomain(domain: string, nameServers: string[], extra: { state?: string } = {}): void {
    const existing = this.store.get(domain);
    this.store.add(domain, nameServers, { state: extra.state ?? 'registered', id: (existing?.id as number | undefined) ?? 100 + this.store.domains.size });
  }

  /**
   * Forget the request log, the kit's rate-limit windows and the counts behind the X-RateLimit-*
   * headers (`http.resetLog()` alone leaves those counts, which only inform, never enforce).
   */
  resetLog(): void {
    this.http.resetLog();
    this.used.clear();
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** Put DS records in the account as DNSimple holds them (strings, digest as given). */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const entry = this.store.get(domain);
    if (!entry) throw new Error(`dnsimple emulator: ${domain} is not in the account`);
    entry.dsRecords = records.map((r) =>
      this.dsRecord(entry.id as number, { algorithm: String(r.ds.algorithm), digest: r.ds.digest, digest_type: String(r.ds.digestType), keytag: String(r.ds.keyTag) }),
    );
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    if (!this.store.get(domain)) return undefined;
    return this.dsOf(domain).map((d) => ({
      ds: { keyTag: Number(d.keytag), algorithm: Number(d.algorithm), digestType: Number(d.digest_type), digest: d.digest.toUpperCase() },
      registrarId: String(d.id),
    }));
  }

  private dsOf(domain: string): DnsimpleDsRecord[] {
    const entry = this.store.get(domain)!;
    entry.dsRecords ??= [];
    return entry.dsRecords as DnsimpleDsRecord[];
  }

  private dsRecord(domainId: number, given: { algorithm: string; digest: string; digest_type: string; keytag: string; public_key?: string }): DnsimpleDsRecord {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return { id: this.nextDsId++, domain_id: domainId, ...given, public_key: given.public_key ?? null, created_at: now, updated_at: now };
  }

  private limit(): { requests: number; perMs: number } {
    return this.http.rateLimit ?? PUBLISHED_LIMIT;
  }

  private rateHeaders(remaining: number, resetSec: number): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(this.limit().requests),
      'X-RateLimit-Remaining': String(Math.max(0, remaining)),
      'X-RateLimit-Reset': String(resetSec),
    };
  }

  /** Headers for a token's current window (the request being answered already counted). */
  private currentRateHeaders(token: string | undefined): Record<string, string> {
    const { requests, perMs } = this.limit();
    const now = Date.now();
    const stamps = (this.used.get(token ?? '') ?? []).filter((t) => t > now - perMs);
    const reset = Math.ceil(((stamps[0] ?? now) + perMs) / 1000);
    return this.rateHeaders(requests - stamps.length, reset);
  }

  private count(token: string | undefined): void {
    const key = token ?? '';
    const now = Date.now();
    const stamps = (this.used.get(key) ?? []).filter((t) => t > now - this.limit().perMs);
    stamps.push(now);
    this.used.set(key, stamps);
  }

  private handle(req: EmulatedRequest): RouteResult {
    const token = bearer(req);
    this.count(token);
    const reply = (status: number, body: unknown, write = false): RouteResult => ({
      status,
      headers: { 'Content-Type': 'application/json; charset=utf-8', ...this.currentRateHeaders(token) },
      body: JSON.stringify(body),
      write,
    });
    const error = (status: number, message: string, errors?: Record<string, string[]>) =>
      reply(status, errors ? { message, errors } : { message });

    const isAccountToken = token === this.token;
    const isUserToken = token === this.userToken;
    if (!isAccountToken && !isUserToken) return error(401, 'Authentication failed');

    if (req.path === '/v2/whoami' && req.method === 'GET') {
      const whoami: DnsimpleWhoami = isAccountToken
        ? { user: null, account: { id: this.accountId, email: 'ops@example.com', plan_identifier: 'teams-v2-monthly', created_at: '2020-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' } }
        : { user: { id: 7, email: 'someone@example.com', created_at: '2020-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' }, account: null };
      return reply(200, { data: whoami });
    }

    const ds = /^\/v2\/([^/]+)\/domains\/([^/]+)\/ds_records(?:\/([^/]+))?$/.exec(req.path);
    if (ds) {
      if (ds[1] !== String(this.accountId)) return error(404, 'Not Found');
      const domain = decodeURIComponent(ds[2]!).toLowerCase();
      if (!this.store.get(domain)) return error(404, `Domain \`${domain}\` not found`);
      return this.dsRecords(req, domain, ds[3] === undefined ? undefined : decodeURIComponent(ds[3]), reply, error);
    }
    const m = /^\/v2\/([^/]+)\/(?:domains\/([^/]+)|registrar\/domains\/([^/]+)\/delegation)$/.exec(req.path);
    if (!m) return error(404, 'Not Found');
    // UNCONFIRMED: an account the token cannot see is a bare 404.
    if (m[1] !== String(this.accountId)) return error(404, 'Not Found');
    const delegation = m[3] !== undefined;
    const domain = decodeURIComponent((m[2] ?? m[3])!).toLowerCase();
    const entry = this.store.get(domain);
    if (!entry) return error(404, `Domain \`${domain}\` not found`);

    if (!delegation) {
      if (req.method !== 'GET') return error(404, 'Not Found');
      const data: DnsimpleDomain = {
        id: entry.id as number,
        account_id: this.accountId,
        registrant_id: entry.state === 'registered' ? 2715 : null,
        name: domain,
        unicode_name: domain,
        state: String(entry.state),
        auto_renew: false,
        private_whois: false,
        expires_on: entry.state === 'registered' ? '2027-11-28' : null,
        expires_at: entry.state === 'registered' ? '2027-11-28T12:00:00Z' : null,
        created_at: '2020-01-01T00:00:00Z',
        updated_at: '2024-01-01T00:00:00Z',
      };
      return reply(200, { data });
    }

    if (req.method === 'GET') {
      // UNCONFIRMED: a hosted-only domain has no registrar delegation; the strict model answers
      // an empty list rather than an error, so only a client that checks the state is right.
      return reply(200, { data: entry.state === 'registered' ? entry.nameServers : [] });
    }
    if (req.method !== 'PUT') return error(404, 'Not Found');

    if (this.writeScope && isAccountToken && !this.writeScope.has(domain)) {
      return error(403, `Permission Denied. Required Scope: registrar:${domain}:write`);
    }
    // UNCONFIRMED bodies below (the docs say only "HTTP 400 if the delegation fails").
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return error(400, 'Invalid request: the body must be JSON (Content-Type: application/json)');
    }
    if (entry.state !== 'registered') {
      return error(400, `Domain \`${domain}\` is not registered with DNSimple (state ${String(entry.state)}): its delegation cannot be changed`);
    }
    const ns = req.json;
    if (!Array.isArray(ns) || ns.some((n) => typeof n !== 'string')) {
      return error(400, 'Validation failed', { name_servers: ['must be a JSON array of host names'] });
    }
    if (ns.length < 2 || ns.length > 13) {
      return error(400, 'Validation failed', { name_servers: ['must list between 2 and 13 name servers'] });
    }
    const bad = (ns as string[]).filter((n) => !isRegisteredHost(n));
    if (bad.length) {
      return error(400, 'Validation failed', { name_servers: bad.map((n) => `${n} is not a registered name server`) });
    }
    entry.nameServers = [...(ns as string[])];
    this.onDelegationChange?.(domain, entry.nameServers);
    return reply(200, { data: entry.nameServers }, true);
  }

  private dsRecords(
    req: EmulatedRequest,
    domain: string,
    id: string | undefined,
    reply: (status: number, body: unknown, write?: boolean) => RouteResult,
    error: (status: number, message: string, errors?: Record<string, string[]>) => RouteResult,
  ): RouteResult {
    const entry = this.store.get(domain)!;
    const records = this.dsOf(domain);
    const changed = () => this.onDnssecChange?.(domain, this.dnssecRecordsOf(domain)!);
    if (id !== undefined) {
      const hit = records.find((r) => String(r.id) === id);
      if (!hit) return error(404, `Delegation signer record \`${id}\` not found`);
      if (req.method === 'GET') return reply(200, { data: hit });
      if (req.method !== 'DELETE') return error(404, 'Not Found');
      records.splice(records.indexOf(hit), 1);
      changed();
      return { status: 204, headers: this.currentRateHeaders(bearer(req)), write: true };
    }
    if (req.method === 'GET') {
      const num = (name: string, fallback: number) => {
        const raw = req.query.get(name);
        return raw === null ? fallback : /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : fallback;
      };
      const page = num('page', 1);
      const perPage = Math.min(num('per_page', 30), 100);
      const body: DnsimpleList<DnsimpleDsRecord> = {
        data: records.slice((page - 1) * perPage, page * perPage),
        pagination: { current_page: page, per_page: perPage, total_entries: records.length, total_pages: Math.max(1, Math.ceil(records.length / perPage)) },
      };
      return reply(200, body);
    }
    if (req.method !== 'POST') return error(404, 'Not Found');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return error(400, 'Invalid request: the body must be JSON (Content-Type: application/json)');
    }
    const body = req.json as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'Validation failed', { base: ['the body must be a JSON object'] });
    const errors: Record<string, string[]> = {};
    for (const f of DS_FIELDS) {
      const v = body[f];
      if (v === undefined || v === null || v === '') errors[f] = ["can't be blank"];
      else if (typeof v !== 'string') errors[f] = ['must be a string'];
    }
    if (Object.keys(errors).length === 0) {
      const { algorithm, digest, digest_type: digestType, keytag } = body as Record<(typeof DS_FIELDS)[number], string>;
      if (!/^\d+$/.test(algorithm) || !ALGORITHM_NAMES[Number(algorithm)]) errors.algorithm = ['is not included in the list'];
      if (DIGEST_LENGTH[digestType] === undefined) errors.digest_type = ['is not included in the list'];
      else if (!/^[0-9a-fA-F]+$/.test(digest) || digest.length !== DIGEST_LENGTH[digestType]) errors.digest = ['is invalid'];
      if (!/^\d+$/.test(keytag) || Number(keytag) > 65535) errors.keytag = ['is not a number between 0 and 65535'];
      if (records.some((r) => r.digest.toLowerCase() === digest.toLowerCase())) errors.digest = ['has already been taken'];
    }
    // TLDs whose registry takes key data want public_key with the DS (UNCONFIRMED which TLDs: the
    // emulator's `keyDataTlds`); given, it must be base64 and be the key the DS's key tag names.
    const publicKey = body.public_key;
    if (Object.keys(errors).length === 0) {
      const tld = domain.slice(domain.lastIndexOf('.') + 1);
      if (publicKey === undefined || publicKey === null || publicKey === '') {
        if (this.keyDataTlds.has(tld)) errors.public_key = ["can't be blank"];
      } else if (typeof publicKey !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(publicKey)) {
        errors.public_key = ['is invalid'];
      } else {
        const { algorithm, keytag } = body as Record<(typeof DS_FIELDS)[number], string>;
        if (keyTagOf({ flags: 257, protocol: 3, algorithm: Number(algorithm), publicKey }) !== Number(keytag)) errors.public_key = ['does not match the keytag'];
      }
    }
    if (Object.keys(errors).length) return error(400, 'Validation failed', errors);
    if (entry.state !== 'registered') {
      return error(400, `Domain \`${domain}\` is not registered with DNSimple (state ${String(entry.state)}): delegation signer records cannot be sent to its registry`);
    }
    const given = body as { algorithm: string; digest: string; digest_type: string; keytag: string; public_key?: unknown };
    const created = this.dsRecord(entry.id as number, {
      algorithm: given.algorithm,
      digest: given.digest,
      digest_type: given.digest_type,
      keytag: given.keytag,
      ...(typeof given.public_key === 'string' ? { public_key: given.public_key } : {}),
    });
    records.push(created);
    changed();
    return reply(201, { data: created }, true);
  }
}

function bearer(req: EmulatedRequest): string | undefined {
  const m = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
  return m?.[1];
}

/** For the conformance suite. */
export async function startEmulator(opts: DnsimpleEmulatorOptions = {}): Promise<DnsimpleEmulator> {
  return new DnsimpleEmulator(opts).start();
}

export type { Reply };

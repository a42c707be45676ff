/**
 * GoDaddy Domains API emulator, v1 (name servers) and v2 (DNSSEC)
 * (https://developer.godaddy.com/doc/endpoint/domains), faithful to:
 *  - auth: `Authorization: sso-key KEY:SECRET`, else 401 UNABLE_TO_AUTHENTICATE;
 *  - `accessDenied`: the 2024 production gate, 403 ACCESS_DENIED on every call;
 *  - GET /v1/domains/{domain} -> DomainDetail; 404 NOT_FOUND "Domain x not found for shopper";
 *  - PATCH /v1/domains/{domain} {nameServers} -> 200 empty body; 422 for fewer than two or
 *    unregistered name servers; 409 when the domain is not ACTIVE or is protected;
 *  - 60 requests per minute per credential, 429 ErrorLimit {code, message, retryAfterSec}.
 *  - GET /v1/shoppers/{shopperId}?includes=customerId -> Shopper with the customerId UUID;
 *  - GET /v1/domains?includes=nameServers&limit=N&marker=<last domain of the previous page> ->
 *    an array of DomainSummary in domain order, `nameServers` only with includes=nameServers
 *    (limit 1..1000, default 1000; UNCONFIRMED: the maximum and the default);
 *  - v2, scoped by /v2/customers/{customerId}: GET .../domains/{domain}?includes=dnssecRecords
 *    (DomainDetailV2); PATCH / DELETE .../dnssecRecords with a JSON array of DomainDnssec -> 202
 *    and an action (DNSSEC_CREATE / DNSSEC_DELETE) that is ACCEPTED, then PENDING, then SUCCESS
 *    (or FAILED with a reason) after `actionMs` of wall time; the records change only at SUCCESS;
 *    GET .../actions/{type} -> the most recent Action of that type, with the client's X-Request-Id
 *    as `requestId`; a DNSSEC write while a DNSSEC action of the domain is still processing is
 *    409 "There is already a similar action processing";
 *  - DomainDnssec by NAME: `algorithm` and `digestType` must be the enum names (ECDSAP256SHA256,
 *    SHA256); a number is 422 with the v2 envelope and `fields`, as any schema failure.
 * UNCONFIRMED, chosen strictly: no Retry-After header on 429 (clients must read retryAfterSec);
 * unknown DomainUpdate fields and non-JSON bodies are 422/400; the 429 code TOO_MANY_REQUESTS.
 * DNSSEC, UNCONFIRMED and chosen strictly (each marked below too): the 409 code; unknown
 * DomainDnssec fields are refused; keyTag, digestType and digest are required although the schema
 * requires only `algorithm` (a registry needs the DS); adding a record already held or deleting one
 * not held is 422; the v2 path with anything but the account's customer id (the numeric shopper
 * id included) is 403; GET /v1/shoppers/{id} for another shopper is 403.
 */
import { EmulatedRequest, HttpEmulator, json, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { ALGORITHM_NAMES, checkDs, DIGEST_TYPE_NAMES, DnssecRecord } from '../../../core/dnssec';
import type { GoDaddyAction, GoDaddyActionReason, GoDaddyDomainDnssec } from '../../../registrar-adapters/godaddy/wire-types';

/** The swagger's DomainDnssec enums. */
const DNSSEC_ALGORITHMS = [
  'RSAMD5', 'DH', 'DSA', 'RSASHA1', 'DSA_NSEC3_SHA1', 'RSASHA1_NSEC3_SHA1', 'RSASHA256', 'RSASHA512',
  'ECC_GOST', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519', 'ED448', 'PRIVATEDNS', 'PRIVATEOID',
];
const DNSSEC_DIGEST_TYPES = ['SHA1', 'SHA256', 'GOST', 'SHA384'];
const DNSSEC_FIELDS = new Set(['algorithm', 'keyTag', 'digestType', 'digest', 'flags', 'publicKey', 'maxSignatureLife']);
const DIGEST_HEX: Record<string, number> = { SHA1: 40, SHA256: 64, GOST: 64, SHA384: 96 };

type DnssecActionType = 'DNSSEC_CREATE' | 'DNSSEC_DELETE';

interface EmulatedAction {
  readonly type: DnssecActionType;
  readonly createdAt: number;
  finishAt: number;
  /** Runs until a DNSSEC write has been refused with 409 because of it, then this many ms more. */
  endsAfterBlockingMs?: number;
  readonly requestId?: string;
  /** Set when the action is to end FAILED. */
  readonly failure?: GoDaddyActionReason;
  status: 'ACCEPTED' | 'PENDING' | 'SUCCESS' | 'FAILED' | 'CANCELLED';
  completedAt?: number;
  readonly apply: () => void;
}

interface DnssecState {
  records: GoDaddyDomainDnssec[];
  actions: EmulatedAction[];
}

const sameDnssec = (a: GoDaddyDomainDnssec, b: GoDaddyDomainDnssec) =>
  a.algorithm === b.algorithm && a.keyTag === b.keyTag && a.digestType === b.digestType && String(a.digest).toUpperCase() === String(b.digest).toUpperCase();

const UPDATE_FIELDS = new Set(['nameServers', 'locked', 'renewAuto', 'subaccountId', 'exposeWhois', 'exposeRegistrantOrganization', 'consent']);

export interface GoDaddyEmulatorOptions {
  key?: string;
  secret?: string;
  /** Requests per window per credential (default 60 per minute, GoDaddy's published limit). */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
  /** The account's v2 customer id (a UUID) and its customer number (shopper id). */
  customerId?: string;
  shopperId?: string;
  /** How long a DNSSEC action takes from ACCEPTED to its end (default 80 ms). */
  actionMs?: number;
}

export class GoDaddyEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly key: string;
  readonly secret: string;
  /** Simulate an account below GoDaddy's 2024 API-access threshold. */
  accessDenied = false;
  readonly customerId: string;
  readonly shopperId: string;
  /** Wall time a DNSSEC action takes (tests may change it). */
  actionMs: number;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private readonly dnssec = new Map<string, DnssecState>();
  /** The next DNSSEC actions of a type end FAILED with this reason (test hook). */
  private readonly failures: { type: DnssecActionType; reason: GoDaddyActionReason }[] = [];

  constructor(opts: GoDaddyEmulatorOptions = {}) {
    super();
    this.key = opts.key ?? 'gd-key-3f9a1c';
    this.secret = opts.secret ?? 'gd-secret-SENTINEL-7b2e';
    this.customerId = opts.customerId ?? '295e3bc3-b3b9-4d95-aae5-ede41a994d13';
    this.shopperId = opts.shopperId ?? '253211715';
    this.actionMs = opts.actionMs ?? 80;
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
        // GoDaddy's Error object, as a proxy or gateway in front of the API might pass it on with 200.
        errorEnvelope: () => ({ status: 200, body: { code: 'UNKNOWN_ERROR', message: 'An unexpected error occurred' } }),
        accountOf: (req) => String(req.headers.authorization ?? ''),
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 60, perMs: 60_000 }), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return {
      GODADDY_API_KEY: this.key,
      GODADDY_API_SECRET: this.secret,
      NSBRIDGE_GODADDY_ENDPOINT: this.url,
      NSBRIDGE_GODADDY_CUSTOMER_ID: this.customerId,
      // Actions end in tens of milliseconds here, not seconds.
      NSBRIDGE_GODADDY_POLL_INTERVAL: '20ms',
    };
  }

  secrets(): string[] {
    return [this.secret, this.key];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), GODADDY_API_SECRET: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[], extra: { status?: string; protected?: boolean } = {}): void {
    this.store.add(domain, nameServers, { status: extra.status ?? 'ACTIVE', protected: extra.protected ?? false, domainId: 1000 + this.store.domains.size });
    this.dnssec.set(domain.toLowerCase(), { records: [], actions: [] });
  }

  /** Conformance hook: hold these records, as GoDaddy would (names, not numbers). */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const state = this.dnssecState(domain);
    if (!state) throw new Error(`godaddy emulator: ${domain} is not in the account`);
    state.records = records.map((r) => ({
      algorithm: ALGORITHM_NAMES[r.ds.algorithm]!,
      keyTag: r.ds.keyTag,
      digestType: DIGEST_TYPE_NAMES[r.ds.digestType]!,
      digest: r.ds.digest,
    }));
  }

  /** Conformance hook: what GoDaddy holds now (actions that have ended are applied first). */
  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const state = this.dnssecState(domain);
    if (!state) return undefined;
    this.settle(domain.toLowerCase(), state);
    return state.records.map((d) => ({ ds: checkDs({ keyTag: d.keyTag!, algorithm: d.algorithm, digestType: d.digestType!, digest: d.digest! }) }));
  }

  /** Raw DomainDnssec objects as held (tests check the wire form). */
  rawDnssecRecordsOf(domain: string): GoDaddyDomainDnssec[] | undefined {
    return this.dnssecState(domain)?.records.map((r) => ({ ...r }));
  }

  /** The next `type` action ends FAILED with this reason. */
  failNextAction(type: DnssecActionType, reason: GoDaddyActionReason): void {
    this.failures.push({ type, reason });
  }

  /**
   * Start a DNSSEC action that changes nothing (as one from the dashboard would): writes get 409
   * meanwhile. It runs `ms`, or with `afterBlocking`, until a write was refused because of it and
   * then `ms` more (deterministic however slow the client is to start).
   */
  startOtherAction(domain: string, type: DnssecActionType, ms: number, opts: { afterBlocking?: boolean } = {}): void {
    const state = this.dnssecState(domain);
    if (!state) throw new Error(`godaddy emulator: ${domain} is not in the account`);
    const now = Date.now();
    state.actions.push({
      type,
      createdAt: now,
      finishAt: opts.afterBlocking ? Number.POSITIVE_INFINITY : now + ms,
      endsAfterBlockingMs: opts.afterBlocking ? ms : undefined,
      status: 'ACCEPTED',
      apply: () => undefined,
    });
  }

  /** Every action of the domain, oldest first (tests). */
  actionsOf(domain: string): { type: string; status: string; requestId?: string }[] {
    const state = this.dnssecState(domain);
    if (!state) return [];
    this.settle(domain.toLowerCase(), state);
    return state.actions.map((a) => ({ type: a.type, status: a.status, requestId: a.requestId }));
  }

  private dnssecState(domain: string): DnssecState | undefined {
    const d = domain.toLowerCase();
    if (!this.store.get(d)) return undefined;
    let state = this.dnssec.get(d);
    if (!state) {
      state = { records: [], actions: [] };
      this.dnssec.set(d, state);
    }
    return state;
  }

  /** Move actions on by wall time: ACCEPTED, PENDING after a third of it, then their end. */
  private settle(domain: string, state: DnssecState): void {
    const now = Date.now();
    for (const a of state.actions) {
      if (a.status === 'SUCCESS' || a.status === 'FAILED' || a.status === 'CANCELLED') continue;
      if (now >= a.finishAt) {
        a.completedAt = a.finishAt;
        if (a.failure) a.status = 'FAILED';
        else {
          a.status = 'SUCCESS';
          a.apply();
          this.onDnssecChange?.(domain, this.dnssecRecordsOfState(state));
        }
      } else if (Number.isFinite(a.finishAt) && now >= a.createdAt + (a.finishAt - a.createdAt) / 3) {
        a.status = 'PENDING';
      }
    }
  }

  private dnssecRecordsOfState(state: DnssecState): DnssecRecord[] {
    return state.records.map((d) => ({ ds: checkDs({ keyTag: d.keyTag!, algorithm: d.algorithm, digestType: d.digestType!, digest: d.digest! }) }));
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

    if (req.path.startsWith('/v2/')) return this.handleV2(req);
    const shopper = /^\/v1\/shoppers\/([^/]+)$/.exec(req.path);
    if (shopper) return this.handleShopper(req, decodeURIComponent(shopper[1]!));

    if (req.path === '/v1/domains') return this.handleList(req);
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

  private handleList(req: EmulatedRequest): RouteResult {
    if (req.method !== 'GET') return this.error(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed`);
    const limit = Number(req.query.get('limit') ?? 1000);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return this.error(422, 'INVALID_QUERY', 'Request query doesn\'t fulfill schema', [{ path: 'limit', code: 'OUT_OF_RANGE', message: 'must be 1..1000' }]);
    }
    const marker = (req.query.get('marker') ?? '').toLowerCase();
    const withNs = req.query.getAll('includes').flatMap((v) => v.split(',')).includes('nameServers');
    const page = [...this.store.domains.keys()]
      .sort()
      .filter((d) => d > marker)
      .slice(0, limit)
      .map((d) => {
        const e = this.store.get(d)!;
        return { domain: d, domainId: e.domainId, status: e.status, expires: '2027-11-28T00:00:00.000Z', renewAuto: true, ...(withNs ? { nameServers: e.nameServers } : {}) };
      });
    return json(200, page);
  }

  private handleShopper(req: EmulatedRequest, shopperId: string): RouteResult {
    if (req.method !== 'GET') return this.error(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed`);
    // UNCONFIRMED: another shopper's id (not a reseller's sub-account) is refused as not allowed.
    if (shopperId !== this.shopperId) return this.error(403, 'ACCESS_DENIED', 'Authenticated user is not allowed access');
    const includes = req.query.getAll('includes').flatMap((v) => v.split(','));
    return json(200, {
      shopperId: this.shopperId,
      email: 'owner@example.com',
      nameFirst: 'Pat',
      nameLast: 'Example',
      marketId: 'en-US',
      ...(includes.includes('customerId') ? { customerId: this.customerId } : {}),
    });
  }

  private handleV2(req: EmulatedRequest): RouteResult {
    const m = /^\/v2\/customers\/([^/]+)\/domains\/([^/]+)(\/dnssecRecords|\/actions\/([^/]+))?$/.exec(req.path);
    if (!m) return this.error(404, 'NOT_FOUND', `The requested path ${req.path} was not found`);
    // UNCONFIRMED: a customer id that is not the account's (a numeric shopper id too) is 403.
    if (decodeURIComponent(m[1]!) !== this.customerId) return this.error(403, 'ACCESS_DENIED', 'Authenticated user is not allowed access');
    const domain = decodeURIComponent(m[2]!).toLowerCase();
    const entry = this.store.get(domain);
    if (!entry) return this.error(404, 'NOT_FOUND', `Domain ${domain} not found`);
    const state = this.dnssecState(domain)!;
    this.settle(domain, state);

    if (!m[3]) {
      if (req.method !== 'GET') return this.error(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed`);
      const includes = req.query.getAll('includes').flatMap((v) => v.split(','));
      return json(200, {
        domainId: entry.domainId,
        domain,
        status: entry.status,
        expiresAt: '2027-11-28T00:00:00.000Z',
        modifiedAt: '2026-01-02T03:04:05.000Z',
        renewAuto: true,
        nameServers: entry.nameServers,
        ...(includes.includes('dnssecRecords') ? { dnssecRecords: state.records.map((r) => ({ ...r })) } : {}),
      });
    }

    if (m[4] !== undefined) {
      if (req.method !== 'GET') return this.error(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed`);
      const type = decodeURIComponent(m[4]);
      const latest = [...state.actions].reverse().find((a) => a.type === type);
      if (!latest) return this.error(404, 'NOT_FOUND', `No ${type} action found for domain ${domain}`);
      const iso = (t: number) => new Date(t).toISOString();
      const action: GoDaddyAction = {
        type: latest.type,
        origination: 'USER',
        createdAt: iso(latest.createdAt),
        modifiedAt: iso(latest.completedAt ?? latest.createdAt),
        status: latest.status,
        ...(latest.status !== 'ACCEPTED' ? { startedAt: iso(latest.createdAt + 1) } : {}),
        ...(latest.completedAt ? { completedAt: iso(latest.completedAt) } : {}),
        ...(latest.status === 'FAILED' && latest.failure ? { reason: latest.failure } : {}),
        ...(latest.requestId ? { requestId: latest.requestId } : {}),
      };
      return json(200, action);
    }

    // .../dnssecRecords
    if (req.method !== 'PATCH' && req.method !== 'DELETE') return this.error(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed`);
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || !Array.isArray(req.json)) {
      return this.error(422, 'INVALID_BODY', 'Request body doesn\'t fulfill schema, see details in `fields`', [{ path: 'body', code: 'INVALID_TYPE', message: 'must be a JSON array of DomainDnssec' }]);
    }
    const items = req.json as unknown[];
    const fields = items.length === 0 ? [{ path: 'body', code: 'MIN_ITEMS', message: 'must contain at least one DomainDnssec' }] : items.flatMap((item, i) => this.dnssecFieldErrors(item, i));
    if (fields.length) return this.error(422, 'INVALID_BODY', 'Request body doesn\'t fulfill schema, see details in `fields`', fields);
    const records = items as GoDaddyDomainDnssec[];
    // UNCONFIRMED code: the swagger gives only the description.
    const running = state.actions.filter((a) => a.status === 'ACCEPTED' || a.status === 'PENDING');
    if (running.length) {
      for (const a of running) {
        if (a.endsAfterBlockingMs !== undefined && a.finishAt === Number.POSITIVE_INFINITY) a.finishAt = Date.now() + a.endsAfterBlockingMs;
      }
      return this.error(409, 'DUPLICATE_ACTION', 'There is already a similar action processing');
    }
    const type: DnssecActionType = req.method === 'PATCH' ? 'DNSSEC_CREATE' : 'DNSSEC_DELETE';
    // UNCONFIRMED: adding a record already held, or removing one not held, is refused up front.
    const wrong = records
      .map((r, i) => ({ r, i, held: state.records.some((h) => sameDnssec(h, r)) }))
      .filter((x) => (type === 'DNSSEC_CREATE' ? x.held : !x.held))
      .map((x) => ({ path: `body[${x.i}]`, code: type === 'DNSSEC_CREATE' ? 'DUPLICATE_RECORD' : 'RECORD_NOT_FOUND', message: type === 'DNSSEC_CREATE' ? 'the domain already has this DNSSEC record' : 'the domain has no such DNSSEC record' }));
    if (wrong.length) return this.error(422, 'INVALID_BODY', 'Request body doesn\'t fulfill schema, see details in `fields`', wrong);

    const now = Date.now();
    const failureAt = this.failures.findIndex((f) => f.type === type);
    const failure = failureAt >= 0 ? this.failures.splice(failureAt, 1)[0]!.reason : undefined;
    const requestId = req.headers['x-request-id'] ? String(req.headers['x-request-id']) : undefined;
    const copies = records.map((r) => ({ ...r, digest: String(r.digest).toUpperCase() }));
    state.actions.push({
      type,
      createdAt: now,
      finishAt: now + this.actionMs,
      requestId,
      failure,
      status: 'ACCEPTED',
      apply: () => {
        state.records = type === 'DNSSEC_CREATE' ? [...state.records, ...copies] : state.records.filter((h) => !copies.some((c) => sameDnssec(h, c)));
      },
    });
    return { status: 202, body: '', write: true };
  }

  /** Schema check of one DomainDnssec; `fields` entries as the v2 envelope has them. */
  private dnssecFieldErrors(item: unknown, i: number): { path: string; code: string; message: string }[] {
    const at = (f: string) => `body[${i}].${f}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return [{ path: `body[${i}]`, code: 'INVALID_TYPE', message: 'must be a DomainDnssec object' }];
    const r = item as Record<string, unknown>;
    const errors: { path: string; code: string; message: string }[] = [];
    for (const k of Object.keys(r)) if (!DNSSEC_FIELDS.has(k)) errors.push({ path: at(k), code: 'UNEXPECTED_FIELD', message: 'is not allowed' });
    if (typeof r.algorithm !== 'string' || !DNSSEC_ALGORITHMS.includes(r.algorithm)) {
      errors.push({ path: at('algorithm'), code: 'INVALID_VALUE', message: `must be one of ${DNSSEC_ALGORITHMS.join(', ')}` });
    }
    if (typeof r.keyTag !== 'number' || !Number.isInteger(r.keyTag) || r.keyTag < 0 || r.keyTag > 65536) {
      errors.push({ path: at('keyTag'), code: 'INVALID_VALUE', message: 'must be an integer from 0 to 65536' });
    }
    if (typeof r.digestType !== 'string' || !DNSSEC_DIGEST_TYPES.includes(r.digestType)) {
      errors.push({ path: at('digestType'), code: 'INVALID_VALUE', message: `must be one of ${DNSSEC_DIGEST_TYPES.join(', ')}` });
    }
    if (typeof r.digest !== 'string' || !/^[0-9a-fA-F]+$/.test(r.digest)) {
      errors.push({ path: at('digest'), code: 'INVALID_VALUE', message: 'must be a hexadecimal string' });
    } else if (typeof r.digestType === 'string' && DIGEST_HEX[r.digestType] && r.digest.length !== DIGEST_HEX[r.digestType]) {
      errors.push({ path: at('digest'), code: 'INVALID_VALUE', message: `a ${r.digestType} digest has ${DIGEST_HEX[r.digestType]} hex digits` });
    }
    if (r.flags !== undefined && r.flags !== 'KSK' && r.flags !== 'ZSK') errors.push({ path: at('flags'), code: 'INVALID_VALUE', message: 'must be one of KSK, ZSK' });
    if (r.publicKey !== undefined && typeof r.publicKey !== 'string') errors.push({ path: at('publicKey'), code: 'INVALID_TYPE', message: 'must be a string' });
    if (r.maxSignatureLife !== undefined && !Number.isInteger(r.maxSignatureLife)) errors.push({ path: at('maxSignatureLife'), code: 'INVALID_TYPE', message: 'must be an integer' });
    return errors;
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: GoDaddyEmulatorOptions = {}): Promise<GoDaddyEmulator> {
  return new GoDaddyEmulator(opts).start();
}

export type { Reply };

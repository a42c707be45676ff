/**
 * Openprovider REST API v1beta emulator (https://docs.openprovider.com/doc/all; swagger files at
 * https://github.com/openprovider/api-documentation), faithful to:
 *  - POST /v1beta/auth/login {username, password, ip} -> {code:0, desc:"", data:{token, reseller_id}};
 *    wrong credentials -> {code:196, desc:"Authentication/Authorization Failed"};
 *  - every other call needs `Authorization: Bearer <token>`, else code 196;
 *  - GET /v1beta/domains?domain_name_pattern=<label>&extension=<tld> -> data.results[] (empty when
 *    nothing matches); `*` in the pattern is a wildcard;
 *  - GET /v1beta/domains/{id} -> data with name_servers[{name, ip, ip6, seq_nr}], dnssec_keys[],
 *    is_dnssec_enabled, status "ACT";
 *  - PUT /v1beta/domains/{id} {name_servers} and/or {dnssec_keys, is_dnssec_enabled} ->
 *    {code:0, data:{id, status:"ACT"}}; fields left out stay as they are; dnssec_keys replaces the list;
 *  - limits (https://support.openprovider.eu/hc/en-us/articles/218390187-API-Limits): over the
 *    call limit the IP is blacklisted and every call gets {code:10005, desc:"Access denied"} until
 *    `unblock()` (the control panel); 100 failed logins in an hour -> {code:50, "Calls limit has been reached"}.
 * UNCONFIRMED, chosen strictly (marked below too): the HTTP status of error answers (default: 401
 * for 196, 403 for 10005/50, 400 otherwise; `errorsInHttp200` answers every error with 200, the
 * swagger's `default` response); the error codes for unknown name servers (245, in the documented
 * 2xx name-server range), a bad DNSSEC key (335) and an unknown domain id (320); the limit counts
 * every call, not only identical ones; a gateway throttle (an injected fault) is a 429 with no
 * Retry-After; the token never expires unless `expireTokens()` is called.
 */
import { DnssecRecord, dsFromDnskey } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { OpenproviderDnssecKey } from '../../../registrar-adapters/openprovider/wire-types';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PUBLISHED_LIMIT = { requests: 300, perMs: 300_000 };
const FAILED_LOGINS = { requests: 100, perMs: 3_600_000 };
const UPDATE_FIELDS = new Set(['name_servers', 'dnssec_keys', 'is_dnssec_enabled', 'ns_group', 'ns_template_id', 'ns_template_name', 'remove_nses', 'autorenew', 'is_locked']);

export interface OpenproviderEmulatorOptions {
  username?: string;
  password?: string;
  /** Calls per window before the IP is blacklisted (default 300 per 300 s); null = no limit. */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

interface Domain {
  id: number;
  nameServers: string[];
  keys: OpenproviderDnssecKey[];
  dnssecEnabled: boolean;
}

export class OpenproviderEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly username: string;
  readonly password: string;
  /** Every error with HTTP 200 (the swagger's `default` response) instead of an error status. */
  errorsInHttp200 = false;
  /** Bodies of the PUTs received, for tests that check what was sent. */
  readonly updates: { id: number; body: Record<string, unknown> }[] = [];
  /** Error descriptions quote the caller's Authorization header (as some APIs echo input). */
  echoAuthorization = false;
  /** Answer the next GET of a domain with this instead (tests of answers of the wrong shape). */
  nextDomainReply?: RouteResult;
  /** Logins answered with a token. */
  logins = 0;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private readonly tokens = new Set<string>();
  private readonly issued: string[] = [];
  private readonly limit?: { requests: number; perMs: number };
  private readonly calls: number[] = [];
  private readonly failedLogins: number[] = [];
  private blacklisted = false;
  private nextId = 9_000_001;

  constructor(opts: OpenproviderEmulatorOptions = {}) {
    super();
    this.username = opts.username ?? 'reseller-jdoe';
    this.password = opts.password ?? 'op-pass-SENTINEL-51a9';
    this.limit = opts.rateLimit === null ? undefined : (opts.rateLimit ?? PUBLISHED_LIMIT);
    this.http = new HttpEmulator(
      {
        name: 'openprovider',
        handle: (req) => this.handle(req),
        // A gateway throttle (injected): UNCONFIRMED that one exists; no Retry-After, strictly.
        rateLimited: () => ({ status: 429, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>429 Too Many Requests</title></head></html>' }),
        serverError: (status) => ({ status, headers: { 'Content-Type': 'text/html' }, body: `<html><head><title>${status} Internal Server Error</title></head></html>` }),
        malformed: () => ({ status: 200, headers: JSON_TYPE, body: '{"code":0,"desc":"","data":{"results":[{"id":' }),
      },
      // The published limit is counted in handle(): its answer (10005 and a blacklist) is not a 429.
      { port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { OPENPROVIDER_USERNAME: this.username, OPENPROVIDER_PASSWORD: this.password, NSBRIDGE_OPENPROVIDER_ENDPOINT: this.url };
  }

  secrets(): string[] {
    return [this.password, ...this.issued];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), OPENPROVIDER_PASSWORD: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[]): void {
    const existing = this.domain(domain);
    this.store.add(domain, nameServers, { id: existing?.id ?? this.nextId++, keys: existing?.keys ?? [], dnssecEnabled: existing?.dnssecEnabled ?? false });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  idOf(domain: string): number | undefined {
    return this.domain(domain)?.id;
  }

  /** Tokens issued so far stop working (an expired session). */
  expireTokens(): void {
    this.tokens.clear();
  }

  isBlacklisted(): boolean {
    return this.blacklisted;
  }

  /** Remove the IP from the blacklist, as the control panel does. */
  unblock(): void {
    this.blacklisted = false;
    this.calls.length = 0;
    this.failedLogins.length = 0;
  }

  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const d = this.domain(domain);
    if (!d) throw new Error(`openprovider emulator: ${domain} is not in the account`);
    d.keys = records.map((r) => {
      if (!r.dnskey) throw new Error('openprovider emulator: Openprovider holds DNSKEYs, not bare DS records');
      return { alg: r.dnskey.algorithm, flags: r.dnskey.flags, protocol: r.dnskey.protocol, pub_key: r.dnskey.publicKey, readonly: 0 };
    });
    d.dnssecEnabled = d.keys.length > 0;
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const d = this.domain(domain);
    if (!d) return undefined;
    return d.keys.map((k) => {
      const dnskey = { flags: k.flags, protocol: k.protocol, algorithm: k.alg, publicKey: k.pub_key };
      return { ds: dsFromDnskey(domain, dnskey), dnskey };
    });
  }

  /** Raw state of a domain (tests). */
  raw(domain: string): { keys: OpenproviderDnssecKey[]; dnssecEnabled: boolean } | undefined {
    const d = this.domain(domain);
    return d ? { keys: d.keys.map((k) => ({ ...k })), dnssecEnabled: d.dnssecEnabled } : undefined;
  }

  private domain(name: string): Domain | undefined {
    return this.store.get(name) as unknown as Domain | undefined;
  }

  private ok(data: unknown, write = false): RouteResult {
    return { status: 200, headers: JSON_TYPE, body: { code: 0, desc: '', data }, write };
  }

  private error(code: number, desc: string, data = ''): RouteResult {
    const status = this.errorsInHttp200 ? 200 : code === 196 ? 401 : code === 10005 || code === 50 ? 403 : 400;
    return { status, headers: JSON_TYPE, body: { code, desc, data } };
  }

  private over(stamps: number[], limit: { requests: number; perMs: number }): boolean {
    const now = Date.now();
    while (stamps.length && stamps[0]! <= now - limit.perMs) stamps.shift();
    stamps.push(now);
    return stamps.length > limit.requests;
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (this.blacklisted) return this.error(10005, 'Access denied');
    if (this.limit && this.over(this.calls, this.limit)) {
      this.blacklisted = true;
      this.http.rateLimitedCount += 1;
      return this.error(10005, 'Access denied');
    }
    if (req.path === '/v1beta/auth/login' && req.method === 'POST') return this.login(req);

    const auth = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
    if (!auth || !this.tokens.has(auth[1]!)) return this.error(196, 'Authentication/Authorization Failed');

    if (req.path === '/v1beta/domains' && req.method === 'GET') return this.list(req);
    const one = /^\/v1beta\/domains\/(\d+)$/.exec(req.path);
    if (!one) return { status: 404, headers: JSON_TYPE, body: { code: 404, desc: 'Not Found', data: '' } };
    const entry = [...this.store.domains.entries()].find(([, d]) => (d as unknown as Domain).id === Number(one[1]));
    // UNCONFIRMED code for an id that is not in the account.
    if (!entry) return this.error(320, 'Domain not found');
    const [name, d] = entry as unknown as [string, Domain];
    if (req.method === 'GET') {
      const override = this.nextDomainReply;
      this.nextDomainReply = undefined;
      return override ?? this.ok(this.view(name, d));
    }
    if (req.method === 'PUT') return this.update(req, name, d);
    return { status: 405, headers: JSON_TYPE, body: { code: 405, desc: 'Method Not Allowed', data: '' } };
  }

  private login(req: EmulatedRequest): RouteResult {
    const body = req.json as Record<string, unknown> | undefined;
    if (this.failedLogins.length >= FAILED_LOGINS.requests && this.failedLogins[0]! > Date.now() - FAILED_LOGINS.perMs) {
      return this.error(50, 'Calls limit has been reached');
    }
    if (!body || body.username !== this.username || body.password !== this.password || typeof body.ip !== 'string') {
      this.over(this.failedLogins, FAILED_LOGINS);
      return this.error(196, 'Authentication/Authorization Failed');
    }
    this.logins += 1;
    const token = `op-token-SENTINEL-${Math.random().toString(36).slice(2, 12)}`;
    this.tokens.add(token);
    this.issued.push(token);
    return this.ok({ token, reseller_id: 123456 });
  }

  private list(req: EmulatedRequest): RouteResult {
    const pattern = req.query.get('domain_name_pattern');
    const extension = req.query.get('extension');
    const re = pattern ? new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`) : undefined;
    const results = [...this.store.domains.entries()]
      .map(([full, d]) => {
        const dot = full.indexOf('.');
        return { id: (d as unknown as Domain).id, domain: { name: full.slice(0, dot), extension: full.slice(dot + 1) } };
      })
      .filter((r) => (!re || re.test(r.domain.name)) && (!extension || extension.toLowerCase() === r.domain.extension));
    return this.ok({ results, total: results.length });
  }

  private view(name: string, d: Domain): Record<string, unknown> {
    const dot = name.indexOf('.');
    return {
      id: d.id,
      domain: { name: name.slice(0, dot), extension: name.slice(dot + 1) },
      status: 'ACT',
      is_locked: true,
      ns_group: '',
      name_servers: d.nameServers.map((n, i) => ({ name: n, ip: '', ip6: '', seq_nr: i + 1 })),
      dnssec_keys: d.keys.map((k) => ({ ...k })),
      is_dnssec_enabled: d.dnssecEnabled,
    };
  }

  private update(req: EmulatedRequest, name: string, d: Domain): RouteResult {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return this.error(399, 'Invalid request body');
    const unknown = Object.keys(body).filter((k) => !UPDATE_FIELDS.has(k));
    // UNCONFIRMED: unknown fields refused rather than ignored (strict).
    if (unknown.length) return this.error(399, `Unknown field(s): ${unknown.join(', ')}`);
    this.updates.push({ id: d.id, body });
    let nameServers: string[] | undefined;
    if (body.name_servers !== undefined) {
      const list = body.name_servers;
      if (!Array.isArray(list) || list.some((n) => typeof n !== 'object' || n === null || typeof (n as { name?: unknown }).name !== 'string')) {
        return this.error(399, 'name_servers must be a list of {name, seq_nr}');
      }
      const names = (list as { name: string; seq_nr?: number }[]).sort((a, b) => (a.seq_nr ?? 0) - (b.seq_nr ?? 0)).map((n) => n.name);
      if (names.length < 2 || names.length > 13) return this.error(245, 'Invalid number of name servers');
      const bad = names.filter((n) => !isRegisteredHost(n));
      const echo = this.echoAuthorization ? ` (request ${String(req.headers.authorization)})` : '';
      if (bad.length) return this.error(245, `Nameserver ${bad[0]} could not be found${echo}`);
      nameServers = names;
    }
    let keys: OpenproviderDnssecKey[] | undefined;
    if (body.dnssec_keys !== undefined) {
      const list = body.dnssec_keys;
      if (!Array.isArray(list)) return this.error(335, 'dnssec_keys must be a list');
      for (const k of list as Record<string, unknown>[]) {
        const valid =
          typeof k === 'object' && k !== null &&
          Number.isInteger(k.alg) && (k.flags === 256 || k.flags === 257) && k.protocol === 3 &&
          typeof k.pub_key === 'string' && BASE64.test(k.pub_key) && k.pub_key.length % 4 === 0;
        if (!valid) return this.error(335, `Invalid DNSSEC key: ${JSON.stringify(k)}`);
      }
      keys = (list as OpenproviderDnssecKey[]).map((k) => ({ alg: k.alg, flags: k.flags, protocol: k.protocol, pub_key: k.pub_key, readonly: 0 }));
    }
    if (nameServers) {
      d.nameServers = nameServers;
      this.onDelegationChange?.(name, [...nameServers]);
    }
    if (keys) {
      d.keys = keys;
      d.dnssecEnabled = typeof body.is_dnssec_enabled === 'boolean' ? body.is_dnssec_enabled : keys.length > 0;
      this.onDnssecChange?.(name, this.dnssecRecordsOf(name) ?? []);
    } else if (typeof body.is_dnssec_enabled === 'boolean') d.dnssecEnabled = body.is_dnssec_enabled;
    return this.ok({ id: d.id, status: 'ACT' }, Boolean(nameServers || keys));
  }
}

export async function startEmulator(opts: OpenproviderEmulatorOptions = {}): Promise<OpenproviderEmulator> {
  return new OpenproviderEmulator(opts).start();
}

export type { Reply };

/**
 * easyname API emulator (https://my.easyname.com/en/account/api; the behaviour DNSControl's
 * easyname provider relies on):
 *  - auth: X-User-ApiKey must be the key and X-User-Authentication base64(md5 hex(auth salt with
 *    the user id and e-mail in its two %s));
 *  - GET /domain -> {status:{type,code,message}, timestamp, signature, data:[{id, domain,
 *    nameserver1..nameserver6}]}, unused fields "";
 *  - POST /domain/{id}/nameserverchange {data:{nameserver1..}, timestamp, signature}: the
 *    signature is checked with its own implementation of the documented algorithm (below);
 *  - errors inside HTTP 200: status.type "error" with a code and a message.
 *
 * UNCONFIRMED, chosen strictly:
 *  - every error (bad credentials included) is HTTP 200 with status.type "error"; the codes are
 *    made up (easyname publishes none);
 *  - a change is answered "pending" and shows in GET /domain only after `completeAfterReads`
 *    list reads;
 *  - a timestamp more than 300 s from the emulator's clock is refused, as is a field other than
 *    nameserver1..6, a gap in their numbering, fewer than 2 or duplicates, or a host the registry
 *    does not know (`.invalid`);
 *  - the response `signature` is a hash of the answer's timestamp with the signing salt (the
 *    real algorithm is not published; clients do not check it);
 *  - throttling: 60 requests a minute, answered HTTP 429 with the error envelope and no Retry-After.
 */
import { createHash } from 'node:crypto';
import { EmulatedRequest, HttpEmulator, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';

type Limit = { requests: number; perMs: number };

export interface EasynameEmulatorOptions {
  userId?: string;
  email?: string;
  apiKey?: string;
  authSalt?: string;
  signSalt?: string;
  /** List reads before a pending change shows (default 1; 0 = answer "success" and apply at once). */
  completeAfterReads?: number;
  rateLimit?: Limit | null;
  port?: number;
}

const FIELDS = ['nameserver1', 'nameserver2', 'nameserver3', 'nameserver4', 'nameserver5', 'nameserver6'];

/** md5 as 32 hex characters, then those characters base64-encoded (written apart from the adapter's signing.ts on purpose). */
function md5HexBase64(text: string): string {
  const hex = createHash('md5').update(Buffer.from(text, 'utf8')).digest().toString('hex');
  return Buffer.from(hex, 'ascii').toString('base64');
}

export class EasynameEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly userId: string;
  readonly email: string;
  readonly apiKey: string;
  readonly authSalt: string;
  readonly signSalt: string;
  completeAfterReads: number;
  private nextId = 100_000;
  private readonly pending = new Map<string, { nameServers: string[]; readsLeft: number }>();
  /** Accepted change bodies, for tests. */
  readonly changes: { path: string; body: unknown }[] = [];

  constructor(opts: EasynameEmulatorOptions = {}) {
    super();
    this.userId = opts.userId ?? '48213';
    this.email = opts.email ?? 'ops@example.net';
    this.apiKey = opts.apiKey ?? 'easyname-apikey-SENTINEL-4411';
    this.authSalt = opts.authSalt ?? 'au7h-%s-SALT-SENTINEL-%s-9x';
    this.signSalt = opts.signSalt ?? 'sign-SALT-SENTINEL-2207';
    this.completeAfterReads = opts.completeAfterReads ?? 1;
    this.http = new HttpEmulator(
      {
        name: 'easyname',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, body: this.envelope('error', 429, 'Too many requests') }),
        serverError: (status) => ({ status, body: this.envelope('error', status, 'Internal error') }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"status":{"type":"success","code":' }),
        accountOf: (req) => String(req.headers['x-user-apikey'] ?? '') || undefined,
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 60, perMs: 60_000 }), port: opts.port },
    );
  }

  /** What X-User-Authentication must be: the salt's two %s filled with user id, then e-mail. */
  get authentication(): string {
    const [head, middle, tail] = this.authSalt.split('%s');
    return md5HexBase64(`${head}${this.userId}${middle}${this.email}${tail}`);
  }

  env(): Record<string, string> {
    return {
      EASYNAME_USERID: this.userId,
      EASYNAME_EMAIL: this.email,
      EASYNAME_APIKEY: this.apiKey,
      EASYNAME_AUTHSALT: this.authSalt,
      EASYNAME_SIGNSALT: this.signSalt,
      NSBRIDGE_EASYNAME_ENDPOINT: this.url,
      NSBRIDGE_EASYNAME_POLL_INTERVAL: '20ms',
    };
  }

  secrets(): string[] {
    return [this.apiKey, this.authSalt, this.signSalt, this.authentication];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), EASYNAME_APIKEY: 'wrong-secret-SENTINEL-0000' };
  }

  /** Conformance: finish every pending change, as time would at easyname whether or not anyone reads. */
  completePendingWrites(): void {
    for (const [domain, p] of this.pending) {
      this.pending.delete(domain);
      const entry = this.store.domains.get(domain);
      if (!entry) continue;
      entry.nameServers = p.nameServers;
      this.onDelegationChange?.(domain, [...entry.nameServers]);
    }
  }

  addDomain(domain: string, nameServers: string[]): void {
    const existing = this.store.get(domain);
    this.store.add(domain, nameServers, { id: (existing?.id as number | undefined) ?? this.nextId++ });
    this.pending.delete(domain.toLowerCase());
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** The signature the emulator expects for a change: values in field order, then the timestamp, salt at the middle. */
  expectedSignature(values: string[], timestamp: number): string {
    const chars = [...values.join(''), ...String(timestamp)];
    const insertAt = chars.length % 2 === 0 ? chars.length / 2 : (chars.length + 1) / 2;
    chars.splice(insertAt, 0, this.signSalt);
    return md5HexBase64(chars.join(''));
  }

  private envelope(type: string, code: number, message: string, data?: unknown): Record<string, unknown> {
    const timestamp = Math.floor(Date.now() / 1000);
    return { status: { type, code, message }, timestamp, signature: md5HexBase64(`${timestamp}${this.signSalt}`), ...(data === undefined ? {} : { data }) };
  }

  private error(code: number, message: string): RouteResult {
    return { status: 200, body: this.envelope('error', code, message) };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.headers['x-user-apikey'] !== this.apiKey || req.headers['x-user-authentication'] !== this.authentication) {
      return this.error(10001, 'Authentication failed');
    }
    if (req.method === 'GET' && req.path === '/domain') return this.list();
    const change = /^\/domain\/(\d+)\/nameserverchange$/.exec(req.path);
    if (req.method === 'POST' && change) return this.change(req, Number(change[1]));
    return this.error(10404, 'Unknown resource');
  }

  private list(): RouteResult {
    const data = [...this.store.domains.entries()].map(([domain, entry]) => {
      const pending = this.pending.get(domain);
      if (pending && --pending.readsLeft <= 0) {
        this.pending.delete(domain);
        entry.nameServers = pending.nameServers;
        this.onDelegationChange?.(domain, [...entry.nameServers]);
      }
      return { id: entry.id, domain, ...Object.fromEntries(FIELDS.map((f, i) => [f, entry.nameServers[i] ?? ''])) };
    });
    return { status: 200, body: this.envelope('success', 10000, 'OK', data) };
  }

  private change(req: EmulatedRequest, id: number): RouteResult {
    const found = [...this.store.domains.entries()].find(([, e]) => e.id === id);
    if (!found) return this.error(20404, 'Domain not found');
    const [domain, entry] = found;
    const body = req.json as { data?: unknown; timestamp?: unknown; signature?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.data !== 'object' || body.data === null) return this.error(20001, 'Invalid request data');
    if (typeof body.timestamp !== 'number' || !Number.isInteger(body.timestamp)) return this.error(20002, 'Invalid timestamp');
    if (Math.abs(body.timestamp - Date.now() / 1000) > 300) return this.error(20003, 'Timestamp out of range');
    const data = body.data as Record<string, unknown>;
    const keys = Object.keys(data);
    if (keys.some((k) => !FIELDS.includes(k))) return this.error(20001, 'Invalid request data');
    const values: string[] = [];
    for (const field of FIELDS) {
      const v = data[field];
      if (v === undefined) break;
      if (typeof v !== 'string') return this.error(20001, `Invalid ${field}`);
      values.push(v);
    }
    if (values.length !== keys.length) return this.error(20001, 'Name servers must be numbered without gaps');
    if (body.signature !== this.expectedSignature(values, body.timestamp)) return this.error(10002, 'Invalid signature');
    const names = values.map((v) => v.trim().toLowerCase().replace(/\.$/, ''));
    if (names.length < 2) return this.error(20010, 'At least 2 name servers are required');
    if (new Set(names).size !== names.length) return this.error(20011, 'Duplicate name servers');
    const bad = names.filter((n) => !isRegisteredHost(n));
    if (bad.length) return this.error(20012, `Name server ${bad.join(', ')} could not be verified`);
    this.changes.push({ path: req.path, body });
    if (this.completeAfterReads <= 0) {
      entry.nameServers = names;
      this.onDelegationChange?.(domain, [...names]);
      return { status: 200, body: this.envelope('success', 10000, 'Name servers changed'), write: true };
    }
    this.pending.set(domain, { nameServers: names, readsLeft: this.completeAfterReads });
    return { status: 200, body: this.envelope('pending', 10100, 'Name server change is being processed'), write: true };
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: EasynameEmulatorOptions = {}): Promise<EasynameEmulator> {
  return new EasynameEmulator(opts).start();
}

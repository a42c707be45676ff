/**
 * INWX DomRobot JSON-RPC emulator (https://www.inwx.com/en/help/apidoc ; the official terraform
 * provider https://github.com/inwx/terraform-provider-inwx ; goinwx https://github.com/nrdcg/goinwx),
 * faithful to:
 *  - one URL, POST /jsonrpc/, {"method", "params"}; EVERY answer HTTP 200 with {code, msg,
 *    resData?, svTRID, runtime}; errors are codes in the body;
 *  - account.login {user, pass} -> 1000, `Set-Cookie: domrobot=<session>`, resData.tfa "0" or
 *    "GOOGLE-AUTH"; with 2FA every call answers 2200 until account.unlock {tan} gets a TOTP code
 *    that this file checks with its OWN RFC 6238 implementation (one step of clock drift allowed);
 *    account.logout ends the session (1500); calls without a live session answer 2200;
 *  - domain.info {domain} -> resData with `domain`, `domain-ace`, `ns` (no trailing dots), int
 *    `transferLock`, ...; a domain not in the account -> 2303 "Object does not exist";
 *  - domain.update {domain, ns} -> 1001 (pending at the registry) by default: domain.info keeps
 *    showing the old set for `pendingReads` reads, then the new one (set `pendingReads` to 0 for a
 *    plain 1000);
 *  - dnssec.listkeys {domainName} -> resData as the terraform provider reads it: an ARRAY whose
 *    numbers are STRINGS (`listShape = 'goinwx'` answers {dnskey: [...]} with numbers instead);
 *    dnssec.adddnskey {domainName, dnskey: "<domain>. IN DNSKEY f 3 a key", calculateDigest,
 *    digestType} or {domainName, ds: "tag alg type digest"}; dnssec.deletednskey {key}.
 * UNCONFIRMED, chosen strictly (each also marked below): a wrong password and a wrong TAN are 2200
 * "Authentication error"; unknown name servers (`.invalid`) are 2306 "Parameter value policy
 * error" with a reason; fewer than 2 name servers is 2306 too; the throttle answer is HTTP 200
 * with EPP code 2502 "Session limit exceeded; server closing connection" and no hint; a DNSSEC key
 * the domain already has is 2302 "Object exists"; 5xx come from the web server as HTML; no
 * published rate limit, so none by default.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { checkDnskey, checkDs, DnssecRecord } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { gandiComputedDs } from '../gandi/emulator';

export interface InwxEmulatorOptions {
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

interface InwxKey {
  id: number;
  keyTag: number;
  flagId?: number;
  algorithmId: number;
  publicKey?: string;
  digestTypeId: number;
  digest: string;
}

interface InwxDomain {
  ns: string[];
  pending?: { ns: string[]; readsLeft: number };
  keys: InwxKey[];
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits), written here independently of the adapter's. */
function emulatorTotp(base32: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.from(step.toString(16).padStart(16, '0'), 'hex');
  const h = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const o = h[19]! & 15;
  const n = ((h[o]! & 0x7f) * 2 ** 24 + h[o + 1]! * 2 ** 16 + h[o + 2]! * 2 ** 8 + h[o + 3]!) % 1_000_000;
  return n.toString().padStart(6, '0');
}

const MESSAGES: Record<number, string> = {
  1000: 'Command completed successfully',
  1001: 'Command completed successfully; action pending',
  1500: 'Command completed successfully; ending session',
  2200: 'Authentication error',
  2302: 'Object exists',
  2303: 'Object does not exist',
  2306: 'Parameter value policy error',
  2400: 'Command failed',
  2502: 'Session limit exceeded; server closing connection',
};

export class InwxEmulator extends RegistrarEmulator {
  readonly http: HttpEmulator;
  readonly user = 'nsbridge-test';
  readonly password = 'inwx-pass-SENTINEL-5c1e9a';
  /** Base32 TOTP secret; used only when `twoFactor` is on. */
  readonly sharedSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPSENTINEL';
  twoFactor = false;
  /** domain.info reads that still show the old set after a domain.update (0 = applied at once, code 1000). */
  pendingReads = 1;
  listShape: 'terraform' | 'goinwx' = 'terraform';
  /** dnssec.adddnskey answers 1001 and the key is listed only after this many dnssec.listkeys reads (0 = at once, 1000). */
  dnssecPendingReads = 0;
  private pendingKeys: { domain: string; key: InwxKey; readsLeft: number }[] = [];
  readonly domains = new Map<string, InwxDomain>();
  /** Live sessions: cookie -> unlocked. */
  readonly sessions = new Map<string, { unlocked: boolean }>();
  /** Every cookie ever issued (they are secrets too). */
  readonly issued: string[] = [];
  /** Methods called, in order, for tests. */
  readonly methods: string[] = [];
  readonly logins = { ok: 0, failed: 0, logouts: 0, unlocks: 0 };
  /** Test hook: the next call after login finds its session gone (expired): 2200. */
  expireNextSession = false;
  /** Test hook: answer this method with code 1000 and this resData (an answer of the wrong shape). */
  wrongShape?: { method: string; resData: unknown };
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private nextKeyId = 810;
  private trid = 0;

  constructor(opts: InwxEmulatorOptions = {}) {
    super();
    this.http = new HttpEmulator(
      {
        name: 'inwx',
        handle: (req) => this.handle(req),
        // UNCONFIRMED: INWX documents no throttle answer; EPP's 2502 inside an HTTP 200, no hint.
        rateLimited: () => this.answer(2502),
        serverError: (status) => ({ status, body: `<html><head><title>${status} Service Unavailable</title></head><body><h1>${status}</h1></body></html>` }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body: '{"code":1000,"msg":"Comm' }),
        accountOf: (req) => this.accountOf(req),
      },
      { rateLimit: opts.rateLimit ?? undefined, port: opts.port },
    );
  }

  env(): Record<string, string> {
    return {
      INWX_USERNAME: this.user,
      INWX_PASSWORD: this.password,
      ...(this.twoFactor ? { INWX_SHARED_SECRET: this.sharedSecret } : {}),
      NSBRIDGE_INWX_ENDPOINT: this.url,
      NSBRIDGE_INWX_POLL_INTERVAL: '20ms',
    };
  }

  secrets(): string[] {
    return [this.password, this.sharedSecret, ...this.issued];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), INWX_PASSWORD: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[]): void {
    this.domains.set(domain.toLowerCase(), { ns: [...nameServers], keys: [] });
  }

  nameServersOf(domain: string): string[] | undefined {
    const d = this.domains.get(domain.toLowerCase());
    return d ? [...d.ns] : undefined;
  }

  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const d = this.domains.get(domain.toLowerCase());
    if (!d) throw new Error(`inwx emulator: ${domain} is not in the account`);
    d.keys = records.map((r) => ({
      id: this.nextKeyId++,
      keyTag: r.ds.keyTag,
      algorithmId: r.ds.algorithm,
      digestTypeId: r.ds.digestType,
      digest: r.ds.digest,
      ...(r.dnskey ? { flagId: r.dnskey.flags, publicKey: r.dnskey.publicKey } : {}),
    }));
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const d = this.domains.get(domain.toLowerCase());
    return d ? d.keys.map((k) => this.record(k)) : undefined;
  }

  private record(k: InwxKey): DnssecRecord {
    const ds = checkDs({ keyTag: k.keyTag, algorithm: k.algorithmId, digestType: k.digestTypeId, digest: k.digest });
    return k.publicKey && k.flagId !== undefined ? { ds, dnskey: checkDnskey({ flags: k.flagId, protocol: 3, algorithm: k.algorithmId, publicKey: k.publicKey }) } : { ds };
  }

  private accountOf(req: EmulatedRequest): string | undefined {
    const cookie = /domrobot=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
    if (cookie && this.sessions.has(cookie)) return this.user;
    const params = (req.json as { params?: { user?: unknown } } | undefined)?.params;
    return typeof params?.user === 'string' ? params.user : undefined;
  }

  private answer(code: number, extra: { resData?: unknown; reason?: string; headers?: Record<string, string> } = {}, write = false): RouteResult {
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=UTF-8', ...extra.headers },
      body: {
        code,
        msg: MESSAGES[code] ?? 'Command failed',
        ...(extra.resData !== undefined ? { resData: extra.resData } : {}),
        ...(extra.reason ? { reason: extra.reason, reasonCode: 'POLICY' } : {}),
        svTRID: `20261206-${++this.trid}-emulator`,
        runtime: 0.0123,
      },
      write,
    };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.path !== '/jsonrpc/' || req.method !== 'POST') {
      return { status: 404, body: '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>' };
    }
    const body = req.json as { method?: unknown; params?: Record<string, unknown> } | undefined;
    if (!body || typeof body.method !== 'string') return this.answer(2400, { reason: 'Invalid JSON-RPC request' });
    const params = body.params ?? {};
    this.methods.push(body.method);

    if (body.method === 'account.login') {
      if (params.user !== this.user || params.pass !== this.password) {
        this.logins.failed += 1;
        return this.answer(2200);
      }
      const cookie = randomBytes(16).toString('hex');
      this.issued.push(cookie);
      this.sessions.set(cookie, { unlocked: !this.twoFactor });
      this.logins.ok += 1;
      return this.answer(1000, {
        resData: { customerId: 123456, accountId: 123456, tfa: this.twoFactor ? 'GOOGLE-AUTH' : '0', builddate: '2026-11-30', version: '3.20.1' },
        headers: { 'Set-Cookie': `domrobot=${cookie}; path=/; HttpOnly` },
      });
    }
    const cookie = /domrobot=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
    const session = cookie ? this.sessions.get(cookie) : undefined;
    if (!session) return this.answer(2200);
    if (this.expireNextSession && body.method !== 'account.logout') {
      this.expireNextSession = false;
      this.sessions.delete(cookie!);
      return this.answer(2200);
    }
    if (body.method === 'account.unlock') {
      this.logins.unlocks += 1;
      const step = Math.floor(Date.now() / 30_000);
      const tan = String(params.tan ?? '');
      // UNCONFIRMED: the clock drift INWX allows; one step either way is the common choice.
      if (![step - 1, step, step + 1].some((s) => emulatorTotp(this.sharedSecret, s) === tan)) return this.answer(2200);
      session.unlocked = true;
      return this.answer(1000);
    }
    if (body.method === 'account.logout') {
      this.sessions.delete(cookie!);
      this.logins.logouts += 1;
      return this.answer(1500);
    }
    if (!session.unlocked) return this.answer(2200);
    if (this.wrongShape?.method === body.method) return this.answer(1000, { resData: this.wrongShape.resData });

    const domainName = String(params.domain ?? params.domainName ?? '').toLowerCase();
    const d = this.domains.get(domainName);
    switch (body.method) {
      case 'domain.info': {
        if (!d) return this.answer(2303);
        if (d.pending) {
          if (d.pending.readsLeft > 0) d.pending.readsLeft -= 1;
          else this.apply(domainName, d);
        }
        return this.answer(1000, {
          resData: {
            roId: 4711,
            domain: domainName,
            'domain-ace': domainName,
            period: '1Y',
            crDate: '2020-01-01T00:00:00Z',
            exDate: '2027-01-01T00:00:00Z',
            upDate: new Date().toISOString(),
            transferLock: 1,
            status: 'OK',
            authCode: 'not-for-you',
            renewalMode: 'AUTORENEW',
            transferMode: 'DEFAULT',
            registrant: 1,
            admin: 1,
            tech: 1,
            billing: 1,
            ns: [...d.ns],
          },
        });
      }
      case 'domain.update': {
        if (!d) return this.answer(2303);
        const ns = params.ns;
        if (!Array.isArray(ns) || ns.some((n) => typeof n !== 'string')) return this.answer(2306, { reason: 'ns must be a list of host names' });
        if (ns.length < 2) return this.answer(2306, { reason: 'At least 2 nameservers are required' });
        const bad = (ns as string[]).find((n) => !isRegisteredHost(n));
        if (bad) return this.answer(2306, { reason: `Nameserver ${bad} could not be resolved` });
        if (this.pendingReads === 0) {
          d.ns = [...(ns as string[])];
          this.onDelegationChange?.(domainName, [...d.ns]);
          return this.answer(1000, {}, true);
        }
        d.pending = { ns: [...(ns as string[])], readsLeft: this.pendingReads };
        return this.answer(1001, {}, true);
      }
      case 'dnssec.listkeys': {
        if (!d) return this.answer(2303);
        for (const p of this.pendingKeys.filter((x) => x.domain === domainName)) {
          if (p.readsLeft-- > 0) continue;
          d.keys.push(p.key);
          this.pendingKeys = this.pendingKeys.filter((x) => x !== p);
          this.onDnssecChange?.(domainName, this.dnssecRecordsOf(domainName) ?? []);
        }
        const items = d.keys.map((k) => ({
          ownerName: `${domainName}.`,
          id: k.id,
          domainId: 4711,
          keyTag: k.keyTag,
          flagId: k.flagId ?? 257,
          algorithmId: k.algorithmId,
          publicKey: k.publicKey ?? '',
          digestTypeId: k.digestTypeId,
          digest: k.digest.toLowerCase(),
          created: '2026-12-01 10:00:00',
          status: 'OK',
          active: 1,
        }));
        // The terraform provider's reading: the array itself, every number a string.
        if (this.listShape === 'terraform') {
          return this.answer(1000, { resData: items.map((i) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]))) });
        }
        return this.answer(1000, { resData: { dnskey: items } });
      }
      case 'dnssec.adddnskey':
        return this.addKey(domainName, d, params);
      case 'dnssec.deletednskey': {
        const id = Number(params.key);
        const owner = [...this.domains.entries()].find(([, x]) => x.keys.some((k) => k.id === id));
        if (!owner) return this.answer(2303);
        owner[1].keys = owner[1].keys.filter((k) => k.id !== id);
        this.onDnssecChange?.(owner[0], this.dnssecRecordsOf(owner[0]) ?? []);
        return this.answer(1000, {}, true);
      }
      default:
        return this.answer(2400, { reason: `Unknown method ${body.method}` });
    }
  }

  /** "Action pending" (1001) ends at the registry with time, however often domain.info is read. */
  completePendingWrites(): void {
    for (const [name, d] of this.domains) this.apply(name, d);
    for (const p of this.pendingKeys) {
      this.domains.get(p.domain)?.keys.push(p.key);
      this.onDnssecChange?.(p.domain, this.dnssecRecordsOf(p.domain) ?? []);
    }
    this.pendingKeys = [];
  }

  private apply(name: string, d: InwxDomain): void {
    if (!d.pending) return;
    d.ns = d.pending.ns;
    d.pending = undefined;
    this.onDelegationChange?.(name, [...d.ns]);
  }

  private addKey(name: string, d: InwxDomain | undefined, params: Record<string, unknown>): RouteResult {
    if (!d) return this.answer(2303);
    let key: Omit<InwxKey, 'id'>;
    if (typeof params.dnskey === 'string') {
      const m = /^(\S+)\s+IN\s+DNSKEY\s+(\d+)\s+3\s+(\d+)\s+([A-Za-z0-9+/=]+)$/.exec(params.dnskey.trim());
      if (!m || m[1]!.toLowerCase() !== `${name}.`) return this.answer(2306, { reason: 'dnskey must be "<domain>. IN DNSKEY <flags> 3 <algorithm> <key>"' });
      if (params.calculateDigest !== true) return this.answer(2306, { reason: 'calculateDigest is required with dnskey' });
      const flags = Number(m[2]);
      const algorithm = Number(m[3]);
      const computed = gandiComputedDs(name, flags, algorithm, m[4]!);
      key = { keyTag: computed.keytag, flagId: flags, algorithmId: algorithm, publicKey: m[4]!, digestTypeId: 2, digest: computed.digest.toUpperCase() };
    } else if (typeof params.ds === 'string') {
      const parts = params.ds.trim().split(/\s+/);
      if (parts.length !== 4 || !parts.slice(0, 3).every((p) => /^\d+$/.test(p)) || !/^[0-9A-Fa-f]+$/.test(parts[3]!)) {
        return this.answer(2306, { reason: 'ds must be "<keyTag> <algorithm> <digestType> <digest>"' });
      }
      key = { keyTag: Number(parts[0]), algorithmId: Number(parts[1]), digestTypeId: Number(parts[2]), digest: parts[3]!.toUpperCase() };
    } else {
      return this.answer(2306, { reason: 'dnskey or ds is required' });
    }
    // UNCONFIRMED: a key the domain already has is refused.
    if (d.keys.some((k) => k.keyTag === key.keyTag && k.algorithmId === key.algorithmId && k.digest === key.digest)) return this.answer(2302);
    const ds = `${key.keyTag} ${key.algorithmId} ${key.digestTypeId} ${key.digest}`;
    if (this.dnssecPendingReads > 0) {
      this.pendingKeys.push({ domain: name, key: { ...key, id: this.nextKeyId++ }, readsLeft: this.dnssecPendingReads });
      return this.answer(1001, { resData: { dnskey: typeof params.dnskey === 'string' ? params.dnskey : '', ds } }, true);
    }
    d.keys.push({ ...key, id: this.nextKeyId++ });
    this.onDnssecChange?.(name, this.dnssecRecordsOf(name) ?? []);
    return this.answer(1000, { resData: { dnskey: typeof params.dnskey === 'string' ? params.dnskey : '', ds: `${key.keyTag} ${key.algorithmId} ${key.digestTypeId} ${key.digest}` } }, true);
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: InwxEmulatorOptions = {}): Promise<InwxEmulator> {
  return new InwxEmulator(opts).start();
}

export type { Reply };

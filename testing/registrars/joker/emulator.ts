/**
 * Joker.com DMAPI emulator (https://joker.com/faq/books/reseller-documentation-en/chapter/dmapi ,
 * https://dmapi.joker.com/docs/DMAPI-ext.txt), faithful to:
 *  - POST (or GET) /request/<name> with form variables; plain-text replies: "Key: value" header
 *    lines (Tracking-Id, Status-Code, Status-Text, Result ACK/NACK, Proc-ID, Error...), an empty
 *    line, a body;
 *  - login {api-key} or {username, password} -> Auth-Sid header and the TLD list as body; every
 *    other request needs a live auth-sid; logout ends the session;
 *  - query-whois {domain} -> "key: value" body lines with `domain.nservers.nserver.no` /
 *    `domain.nservers.nserver.handle` pairs, for ANY domain registered through Joker.com (whois),
 *    including those of other accounts;
 *  - domain-modify {domain, ns-list "a:b"} -> Proc-ID; the registry applies it after `procPolls`
 *    result-retrieve {Proc-ID} calls, which answer Completion-Status "?" until then and "ack"
 *    (or "nack" with the registry's reason) at the end; query-whois shows the old set until then.
 * UNCONFIRMED, chosen strictly (each also marked below): every failure is HTTP 200 with a
 * non-zero Status-Code, Result NACK and Error lines (the docs also allow a non-200 status); the
 * codes are EPP-style: 2200 bad credentials or session, 2201 a domain of another account, 2303
 * unknown domain or Proc-ID, 2306 fewer than 2 name servers; unknown name servers are accepted
 * with a Proc-ID and end "nack"; the throttle answer is Status-Code 2502 in a 200 with no hint;
 * 5xx come from the web server as HTML; no published rate limit, so none by default.
 */
import { randomBytes } from 'node:crypto';
import { EmulatedRequest, HttpEmulator, RouteResult } from '../emulator-kit';
import { isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';

export interface JokerEmulatorOptions {
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

interface JokerDomain {
  nameServers: string[];
  /** Registered through Joker.com, but in another account. */
  otherAccount: boolean;
}

interface Proc {
  readonly id: string;
  readonly domain: string;
  pollsLeft: number;
  status: '?' | 'ack' | 'nack';
  readonly failWith?: string;
  readonly apply: () => void;
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

export class JokerEmulator extends RegistrarEmulator {
  readonly http: HttpEmulator;
  readonly apiKey = 'joker-key-SENTINEL-4e8b1d7f';
  readonly username = 'reseller@example.net';
  readonly password = 'joker-pass-SENTINEL-92ab';
  readonly domains = new Map<string, JokerDomain>();
  readonly sessions = new Set<string>();
  readonly issued: string[] = [];
  readonly procs = new Map<string, Proc>();
  /** result-retrieve calls before a Proc-ID completes. */
  procPolls = 2;
  /** Request names, in order. */
  readonly calls: string[] = [];
  /** Requests that carried a secret (key, password, session id) in the URL query string. */
  secretsInUrl = 0;
  /** Test hook: the next request after login finds its session expired. */
  expireNextSession = false;
  /** Test hook: domain-modify is refused with an Error line that echoes the session id (a registrar echoing a secret). */
  echoSessionInError = false;
  /** Test hook: query-whois answers this body instead (an answer of the wrong shape). */
  wrongWhoisBody?: string;
  private tracking = 0;
  private nextProc = 4_711_000;

  constructor(opts: JokerEmulatorOptions = {}) {
    super();
    this.http = new HttpEmulator(
      {
        name: 'joker',
        handle: (req) => this.handle(req),
        // UNCONFIRMED: Joker documents no throttle answer; EPP's 2502 in an HTTP 200, no hint.
        rateLimited: () => this.reply({ 'Status-Code': '2502', 'Status-Text': 'Session limit exceeded', Result: 'NACK', Error: 'Too many requests, slow down' }),
        serverError: (status) => ({ status, body: `<html><head><title>${status} Service Unavailable</title></head><body>${status}</body></html>`, headers: { 'Content-Type': 'text/html' } }),
        malformed: () => ({ status: 200, headers: TEXT, body: 'Tracking-Id: 1234\nStatus-Co' }),
        accountOf: () => 'account',
      },
      { rateLimit: opts.rateLimit ?? undefined, port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { JOKER_API_KEY: this.apiKey, NSBRIDGE_JOKER_ENDPOINT: this.url, NSBRIDGE_JOKER_POLL_INTERVAL: '20ms' };
  }

  secrets(): string[] {
    return [this.apiKey, this.password, ...this.issued];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), JOKER_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[], extra: { otherAccount?: boolean } = {}): void {
    this.domains.set(domain.toLowerCase(), { nameServers: [...nameServers], otherAccount: extra.otherAccount ?? false });
  }

  nameServersOf(domain: string): string[] | undefined {
    const d = this.domains.get(domain.toLowerCase());
    return d ? [...d.nameServers] : undefined;
  }

  /** A DMAPI reply: header lines, an empty line, the body. */
  private reply(headers: Record<string, string | string[]>, body = '', write = false): RouteResult {
    const lines = [`Tracking-Id: emu-${++this.tracking}`];
    for (const [k, v] of Object.entries(headers)) for (const one of ([] as string[]).concat(v)) lines.push(`${k}: ${one}`);
    return { status: 200, headers: TEXT, body: `${lines.join('\n')}\n\n${body}`, write };
  }

  private ok(extra: Record<string, string> = {}, body = '', write = false): RouteResult {
    return this.reply({ 'Status-Code': '0', 'Status-Text': 'Command completed successfully', Result: 'ACK', ...extra }, body, write);
  }

  private fail(code: number, text: string, error: string): RouteResult {
    return this.reply({ 'Status-Code': String(code), 'Status-Text': text, Result: 'NACK', Error: error });
  }

  private handle(req: EmulatedRequest): RouteResult {
    const m = /^\/request\/([a-z-]+)$/.exec(req.path);
    if (!m || (req.method !== 'POST' && req.method !== 'GET')) return { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>404 Not Found</title></head></html>' };
    const name = m[1]!;
    this.calls.push(name);
    const form = new URLSearchParams(req.method === 'POST' ? req.bodyText : '');
    for (const [k, v] of req.query) form.append(k, v);
    if ([...req.query.values()].some((v) => v === this.apiKey || v === this.password || this.issued.includes(v))) this.secretsInUrl += 1;

    if (name === 'login') {
      const good = form.get('api-key') === this.apiKey || (form.get('username') === this.username && form.get('password') === this.password);
      if (!good) return this.fail(2200, 'Authentication error', 'Invalid credentials');
      const sid = randomBytes(16).toString('hex');
      this.sessions.add(sid);
      this.issued.push(sid);
      return this.ok({ 'Auth-Sid': sid, UID: '1234567', 'User-Login': this.username }, 'com\nnet\norg\nde\n');
    }
    const sid = form.get('auth-sid') ?? '';
    if (!this.sessions.has(sid)) return this.fail(2200, 'Authentication error', 'Session expired or invalid');
    if (this.expireNextSession && name !== 'logout') {
      this.expireNextSession = false;
      this.sessions.delete(sid);
      return this.fail(2200, 'Authentication error', 'Session expired or invalid');
    }
    switch (name) {
      case 'logout':
        this.sessions.delete(sid);
        return this.ok();
      case 'query-whois': {
        const domain = (form.get('domain') ?? '').toLowerCase();
        const d = this.domains.get(domain);
        if (!d) return this.fail(2303, 'Object does not exist', `Domain ${domain} not found`);
        if (this.wrongWhoisBody !== undefined) return this.ok({}, this.wrongWhoisBody);
        const lines = [
          `domain: ${domain}`,
          'status: lock,production',
          'domain.identifier: D123456789-JOKER',
          ...d.nameServers.flatMap((ns, i) => [`domain.nservers.nserver.no: ${i + 1}`, `domain.nservers.nserver.handle: ${ns}`]),
          'created.date: 20200101000000',
          'expires.date: 20270101000000',
        ];
        return this.ok({}, `${lines.join('\n')}\n`);
      }
      case 'domain-modify': {
        const domain = (form.get('domain') ?? '').toLowerCase();
        const d = this.domains.get(domain);
        if (!d) return this.fail(2303, 'Object does not exist', `Domain ${domain} not found`);
        if (this.echoSessionInError) return this.fail(2400, 'Command failed', `session ${sid} may not modify ${domain} right now`);
        if (d.otherAccount) return this.fail(2201, 'Authorization error', `Domain ${domain} belongs to another account`);
        const list = form.get('ns-list');
        if (list === null) return this.fail(2306, 'Parameter value policy error', 'nothing to modify');
        const hosts = list.split(':').filter(Boolean);
        if (hosts.length < 2) return this.fail(2306, 'Parameter value policy error', 'ns-list needs at least 2 name servers');
        const bad = hosts.find((h) => !isRegisteredHost(h));
        const id = String(this.nextProc++);
        this.procs.set(id, {
          id,
          domain,
          pollsLeft: this.procPolls,
          status: '?',
          failWith: bad ? `Registry: host ${bad} does not exist (2303 Object does not exist)` : undefined,
          apply: () => {
            d.nameServers = hosts;
            this.onDelegationChange?.(domain, [...hosts]);
          },
        });
        return this.ok({ 'Proc-ID': id }, '', true);
      }
      case 'result-retrieve': {
        const proc = this.procs.get(form.get('Proc-ID') ?? '');
        if (!proc) return this.fail(2303, 'Object does not exist', 'Unknown Proc-ID');
        if (proc.status === '?') {
          proc.pollsLeft -= 1;
          if (proc.pollsLeft <= 0) this.complete(proc);
        }
        const body = proc.status === 'nack' ? `${proc.failWith}\n` : proc.status === 'ack' ? `domain-modify ${proc.domain}: done\n` : '';
        return this.ok({ 'Proc-ID': proc.id, 'Completion-Status': proc.status }, body);
      }
      default:
        return this.fail(2400, 'Command failed', `Unknown request ${name}`);
    }
  }

  private complete(proc: Proc): void {
    proc.status = proc.failWith ? 'nack' : 'ack';
    if (!proc.failWith) proc.apply();
  }

  /** The registry works through its queue whether or not anyone calls result-retrieve. */
  completePendingWrites(): void {
    for (const proc of this.procs.values()) if (proc.status === '?') this.complete(proc);
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: JokerEmulatorOptions = {}): Promise<JokerEmulator> {
  return new JokerEmulator(opts).start();
}

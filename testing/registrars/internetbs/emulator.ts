/**
 * Internet.bs API emulator (https://internetbs.net/ResellerRegistrarDomainNameAPI/), faithful to:
 *  - paths /Domain/Info and /Domain/Update, parameters by GET query or POST form body;
 *    ApiKey + Password on every call, ResponseFormat=JSON (the default TEXT format is answered
 *    as key=value lines, so a client that forgets the parameter cannot read the answer);
 *  - every answer HTTP 200 with `transactid` and `status`; failures {status:"FAILURE", message,
 *    code}: 107002 "Invalid API key and/or Password", 100002 invalid parameter value;
 *  - /Domain/Info -> {status:"SUCCESS", domain, nameserver:[...], ...}; /Domain/Update with
 *    Ns_list=a,b (comma-separated) -> SUCCESS, or PENDING on asynchronous registries (`asyncTlds`),
 *    applied after `asyncReads` further /Domain/Info reads of the domain.
 * UNCONFIRMED, chosen strictly: the answer for a domain outside the account and for a caller off
 * the IP allow-list (FAILURE with a message and no code, so a client cannot rely on a number);
 * throttling (HTTP 429 without Retry-After, at nsbridge's own pace of 1 request per second, as
 * Internet.bs publishes none); names are matched case-sensitively on the path; a name server the
 * registry does not know (`.invalid`) or fewer than two is FAILURE 100002.
 */
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';

export interface InternetBsEmulatorOptions {
  apiKey?: string;
  password?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

/** One request as the emulator understood it (credentials masked). */
export interface InternetBsCall {
  readonly method: string;
  readonly path: string;
  /** The raw query string of the URL, as a proxy log would show it. */
  readonly query: string;
  readonly params: Record<string, string>;
}

function page(status: number, title: string): Reply {
  return { status, headers: { 'Content-Type': 'text/html' }, body: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>` };
}

export class InternetBsEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly apiKey: string;
  readonly password: string;
  readonly calls: InternetBsCall[] = [];
  /** The caller's address is on the account's API allow-list. */
  ipAllowed = true;
  readonly asyncTlds = new Set<string>();
  asyncReads = 2;
  private readonly pending = new Map<string, { readsLeft: number; apply: () => void }>();
  private nextTransaction = 1000;
  private readonly scripted: Reply[] = [];

  constructor(opts: InternetBsEmulatorOptions = {}) {
    super();
    this.apiKey = opts.apiKey ?? 'ibs-key-3e7a91c2f0';
    this.password = opts.password ?? 'ibs-pass-SENTINEL-58d2b6';
    this.http = new HttpEmulator(
      {
        name: 'internetbs',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, headers: { 'Content-Type': 'text/html' }, body: '<html><body><h1>429 Too Many Requests</h1></body></html>' }),
        serverError: (status) => page(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"transactid":"e1f","status":"SUCCESS","nameserver":["ns1.' }),
        accountOf: (req) => this.params(req).ApiKey,
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 1, perMs: 1_000 }), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { INTERNET_BS_API_KEY: this.apiKey, INTERNET_BS_PASSWORD: this.password, NSBRIDGE_INTERNETBS_ENDPOINT: this.url, NSBRIDGE_INTERNETBS_POLL_INTERVAL: '20ms' };
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), INTERNET_BS_PASSWORD: 'wrong-secret-SENTINEL-0000' };
  }

  secrets(): string[] {
    return [this.apiKey, this.password];
  }

  addDomain(domain: string, nameServers: string[]): void {
    this.store.add(domain, nameServers);
    this.pending.delete(domain.toLowerCase());
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** Answer the next authenticated request with exactly this reply (odd shapes a client must survive). */
  replyNext(reply: Reply): void {
    this.scripted.push(reply);
  }

  private params(req: EmulatedRequest): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of req.query) out[k] = v;
    if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(req.bodyText)) out[k] = v;
    }
    return out;
  }

  private answer(p: Record<string, string>, body: Record<string, unknown>, write = false): RouteResult {
    const full = { transactid: (this.nextTransaction++).toString(16).padStart(32, 'a'), ...body };
    if (p.ResponseFormat?.toUpperCase() === 'JSON') return { status: 200, headers: { 'Content-Type': 'application/json' }, body: full, write };
    const text = Object.entries(full)
      .map(([k, v]) => (Array.isArray(v) ? v.map((x, i) => `${k}_${i}=${x}`).join('\n') : `${k}=${String(v)}`))
      .join('\n');
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: text, write };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.path !== '/Domain/Info' && req.path !== '/Domain/Update') return page(404, '404 Not Found');
    const p = this.params(req);
    const masked = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, k === 'ApiKey' || k === 'Password' ? '***' : v]));
    this.calls.push({ method: req.method, path: req.path, query: req.query.toString(), params: masked });
    if (p.ApiKey !== this.apiKey || p.Password !== this.password) {
      return this.answer(p, { status: 'FAILURE', message: 'Invalid API key and/or Password', code: 107002 });
    }
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    if (!this.ipAllowed) return this.answer(p, { status: 'FAILURE', message: 'Access denied: the IP address 127.0.0.1 is not allowed to use this API key' });
    const domain = (p.Domain ?? '').toLowerCase();
    if (!domain) return this.answer(p, { status: 'FAILURE', message: 'Missing parameter: Domain', code: 100002 });
    const entry = this.store.get(domain);
    if (!entry) return this.answer(p, { status: 'FAILURE', message: `Domain ${domain} is not in your account` });

    if (req.path === '/Domain/Info') {
      const pending = this.pending.get(domain);
      if (pending && --pending.readsLeft <= 0) {
        this.pending.delete(domain);
        pending.apply();
      }
      return this.answer(p, {
        status: 'SUCCESS',
        domain,
        ...(domain.startsWith('xn--') ? { punycode: domain } : {}),
        expirationdate: '2027/11/28',
        registrarlock: 'ENABLED',
        privatewhois: 'FULL',
        autorenew: 'YES',
        domainstatus: 'REGISTERED',
        nameserver: [...entry.nameServers],
      });
    }
    const raw = p.Ns_list;
    if (raw === undefined) return this.answer(p, { status: 'FAILURE', message: 'At least one field to update is required', code: 100002 });
    const list = raw.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
    if (list.length < 2 || list.some((n) => !isRegisteredHost(n))) {
      return this.answer(p, { status: 'FAILURE', message: `Invalid value for parameter Ns_list: ${raw}`, code: 100002 });
    }
    const apply = () => {
      entry.nameServers = list;
      this.onDelegationChange?.(domain, [...list]);
    };
    if (this.asyncTlds.has(domain.slice(domain.lastIndexOf('.') + 1))) {
      this.pending.set(domain, { readsLeft: this.asyncReads, apply });
      return this.answer(p, { status: 'PENDING' }, true);
    }
    apply();
    return this.answer(p, { status: 'SUCCESS' }, true);
  }
}

export async function startEmulator(opts: InternetBsEmulatorOptions = {}): Promise<InternetBsEmulator> {
  return new InternetBsEmulator(opts).start();
}

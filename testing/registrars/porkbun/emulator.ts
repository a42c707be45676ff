/**
 * Porkbun JSON API v3 emulator (https://porkbun.com/api/json/v3/documentation), faithful to:
 *  - the base path: the production base URL is https://api.porkbun.com/api/json/v3, so the
 *    emulator serves under /api/json/v3 and env() points NSBRIDGE_PORKBUN_ENDPOINT there;
 *  - everything is POST, reads included, with `apikey` and `secretapikey` in the JSON body;
 *    wrong keys: 400 {"status":"ERROR","message":"Invalid API key. (002)"} (recorded);
 *  - POST /domain/getNs/{domain} -> {"status":"SUCCESS","ns":[...]}; .de (and any TLD in
 *    `trailingDotTlds`) answers with trailing dots, as dnscontrol saw;
 *  - POST /domain/updateNs/{domain} {"ns":[...]} -> {"status":"SUCCESS"}; an empty list is
 *    400 "invalid name server list" (fixture);
 *  - a domain not in the account answers 400 "Invalid domain." (recorded); a domain whose
 *    per-domain "API Access" switch is off answers 400 "Domain is not opted in to API access."
 *    (Porkbun's real text, https://porkbun.com/api/json/v3/documentation);
 *  - about 1 request per second per API key (Porkbun support, 2023/2024), counted per `apikey`;
 *  - throttling in one of the three shapes seen in the wild (`throttle`, see PorkbunThrottle);
 *  - server errors as openresty HTML pages, not JSON.
 * UNCONFIRMED, chosen strictly (each also marked where it is decided below):
 *  - default throttling signal: the openresty 503 HTML page with no Retry-After (the most recent
 *    reports, Oct and Dec 2024); `waf202` and `json429` are selectable;
 *  - a body that is not JSON, or not sent as application/json, is treated as carrying no keys:
 *    400 "Invalid API key. (001)";
 *  - name-server count: fewer than 2 or more than 13 is refused like the empty list;
 *  - the wording for name servers the registry does not know (`.invalid` here);
 *  - methods other than POST and unknown paths get JSON errors (405 / 404);
 *  - header auth (X-API-Key / X-Secret-API-Key, newer docs) is NOT accepted: the adapter must use
 *    the classic body credentials, which every version accepts.
 * DNSSEC (added to the API in early 2025), same auth, envelope, API-access rule and rate limit:
 *  - POST /dns/getDnssecRecords/{domain} -> {"status":"SUCCESS","records":{"<keyTag>":{"keyTag":
 *    "64087","alg":"13","digestType":"2","digest":"..."}}}: an object keyed by key tag, every value
 *    a string. With no records the shape is UNCONFIRMED: the emulator answers `[]` (PHP's encoding
 *    of an empty array), the stricter of the two for a client that expects an object;
 *  - POST /dns/createDnssecRecord/{domain}, a flat body with keyTag, alg, digestType, digest (and
 *    optional maxSigLife, keyDataFlags, keyDataProtocol, keyDataAlgo, keyDataPubKey);
 *  - POST /dns/deleteDnssecRecord/{domain}/{keyTag}.
 *  UNCONFIRMED, chosen strictly: the values must be JSON strings (a number is refused); a key tag
 *  that is already held is refused on create (the listing is keyed by key tag, so the account can
 *  hold one DS per key tag); deleting a key tag that is not held is refused; the wording of these
 *  refusals is not recorded.
 */
import { EmulatedRequest, HttpEmulator, json, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { PorkbunDnssecRecord, PorkbunError } from '../../../registrar-adapters/porkbun/wire-types';
import { ALGORITHM_NAMES, checkDnskey, checkDs, DIGEST_TYPE_NAMES, DnssecRecord } from '../../../core/dnssec';

/** Operations a queued front-end answer can be aimed at, and their paths. */
const OP_PREFIX = {
  getNs: '/domain/getNs/',
  updateNs: '/domain/updateNs/',
  getDnssecRecords: '/dns/getDnssecRecords/',
  createDnssecRecord: '/dns/createDnssecRecord/',
  deleteDnssecRecord: '/dns/deleteDnssecRecord/',
} as const;
export type PorkbunOp = keyof typeof OP_PREFIX;

const DIGEST_HEX: Record<string, number> = { '1': 40, '2': 64, '3': 64, '4': 96 };

/** The base path of the v3 API on api.porkbun.com. */
export const PORKBUN_BASE_PATH = '/api/json/v3';

/**
 * How the emulator says "slow down":
 *  - `html503`: HTTP 503 openresty page "503 Service Temporarily Unavailable" (dnscontrol #3225,
 *    jungaretti/bacon #45), no Retry-After;
 *  - `waf202`: AWS WAF challenge, HTTP 202 with `x-amzn-waf-action: challenge` and an HTML/JS body
 *    (dnscontrol PR #3019): a 2xx that is NOT a success;
 *  - `json429`: HTTP 429 + Retry-After + {"status":"ERROR","code":"RATE_LIMIT_EXCEEDED"} (newer API
 *    per third-party docs: UNCONFIRMED).
 */
export type PorkbunThrottle = 'html503' | 'waf202' | 'json429';

export interface PorkbunEmulatorOptions {
  apiKey?: string;
  secretApiKey?: string;
  /** Requests per window per API key (default 1 per second, Porkbun support's figure). */
  rateLimit?: { requests: number; perMs: number } | null;
  /** The "slow down" answer (default `html503`). */
  throttle?: PorkbunThrottle;
  port?: number;
}

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** What openresty (Porkbun's front end) serves for an error status. */
export function openrestyPage(status: number): string {
  const title = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n`;
}

const WAF_CHALLENGE_PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title>' +
  '<script src="https://example.token.awswaf.com/challenge.js"></script></head>' +
  '<body><div id="challenge-container"></div><script>AwsWafIntegration.checkForceRefresh()</script>' +
  '<noscript><h1>JavaScript is disabled</h1></noscript></body></html>';

/** Porkbun's answer for a domain whose "API Access" switch is off. */
export const NOT_OPTED_IN = 'Domain is not opted in to API access.';

export class PorkbunEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly apiKey: string;
  readonly secretApiKey: string;
  /** The current "slow down" answer; tests may switch it. */
  throttle: PorkbunThrottle;
  /** TLDs whose getNs answers carry trailing dots (dnscontrol's note on .de). */
  readonly trailingDotTlds = new Set(['de']);
  /** Answers the front end (WAF, proxy) gives the next calls of an operation before the API sees them. */
  private readonly frontEnd: { op: PorkbunOp; reply: Reply; left: number }[] = [];
  /** DS records per domain, keyed by key tag, as Porkbun lists them (strings). */
  private readonly dnssec = new Map<string, Map<string, PorkbunDnssecRecord>>();
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;

  constructor(opts: PorkbunEmulatorOptions = {}) {
    super();
    this.apiKey = opts.apiKey ?? 'pk1_a8c3e0f4d2b1';
    this.secretApiKey = opts.secretApiKey ?? 'sk1_SENTINEL_5e7d9c0b4a21';
    this.throttle = opts.throttle ?? 'html503';
    this.http = new HttpEmulator(
      {
        name: 'porkbun',
        handle: (req) => this.handle(req),
        rateLimited: (retryAfterSec) => this.throttleReply(this.throttle, retryAfterSec),
        serverError: (status) => ({ status, headers: { 'Content-Type': 'text/html', Server: 'openresty' }, body: openrestyPage(status) }),
        malformed: () => ({
          status: 200,
          headers: { 'Content-Type': 'application/json', Server: 'openresty' },
          body: '{"status":"SUCCESS","ns":["curitiba.ns.porkbun.com",',
        }),
        // Porkbun's error envelope with 200, and a SUCCESS that answers another call (/ping's).
        errorEnvelope: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: { status: 'ERROR', message: 'An internal error occurred.' } }),
        wrongShape: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: { status: 'SUCCESS', yourIp: '127.0.0.1' } }),
        // Porkbun counts per API key; a request without a readable key shares one bucket.
        accountOf: (req) => {
          const body = req.json as { apikey?: unknown } | undefined;
          return typeof body?.apikey === 'string' ? body.apikey : undefined;
        },
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 1, perMs: 1_000 }), port: opts.port },
    );
  }

  /** The base URL that replaces https://api.porkbun.com/api/json/v3. */
  get url(): string {
    return `${this.http.url}${PORKBUN_BASE_PATH}`;
  }

  env(): Record<string, string> {
    return { PORKBUN_API_KEY: this.apiKey, PORKBUN_SECRET_API_KEY: this.secretApiKey, NSBRIDGE_PORKBUN_ENDPOINT: this.url };
  }

  secrets(): string[] {
    return [this.secretApiKey, this.apiKey];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), PORKBUN_SECRET_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  /** `apiAccess`: the per-domain "API Access" switch in the Porkbun dashboard (default on). */
  addDomain(domain: string, nameServers: string[], extra: { apiAccess?: boolean } = {}): void {
    this.store.add(domain, nameServers, { apiAccess: extra.apiAccess ?? true });
    this.dnssec.set(domain.toLowerCase(), new Map());
  }

  /** Conformance hook: hold these records as Porkbun would (strings, keyed by key tag). */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    if (!this.store.get(domain)) throw new Error(`porkbun emulator: ${domain} is not in the account`);
    const byTag = new Map<string, PorkbunDnssecRecord>();
    for (const r of records) {
      byTag.set(String(r.ds.keyTag), { keyTag: String(r.ds.keyTag), alg: String(r.ds.algorithm), digestType: String(r.ds.digestType), digest: r.ds.digest });
    }
    this.dnssec.set(domain.toLowerCase(), byTag);
  }

  /** Conformance hook: what Porkbun holds now, canonical. */
  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    if (!this.store.get(domain)) return undefined;
    return this.canonical(this.dnssec.get(domain.toLowerCase()) ?? new Map());
  }

  /** The records as Porkbun keeps them (tests check the wire form). */
  rawDnssecRecordsOf(domain: string): PorkbunDnssecRecord[] {
    return [...(this.dnssec.get(domain.toLowerCase())?.values() ?? [])].map((r) => ({ ...r }));
  }

  private canonical(byTag: Map<string, PorkbunDnssecRecord>): DnssecRecord[] {
    return [...byTag.values()].map((r) => {
      const ds = checkDs({ keyTag: r.keyTag, algorithm: r.alg, digestType: r.digestType, digest: r.digest });
      const dnskey = r.keyDataPubKey && r.keyDataFlags && r.keyDataProtocol && r.keyDataAlgo
        ? checkDnskey({ flags: r.keyDataFlags, protocol: r.keyDataProtocol, algorithm: r.keyDataAlgo, publicKey: r.keyDataPubKey })
        : undefined;
      return dnskey ? { ds, dnskey } : { ds };
    });
  }

  setApiAccess(domain: string, on: boolean): void {
    const entry = this.store.get(domain);
    if (!entry) throw new Error(`porkbun emulator: ${domain} is not in the account`);
    entry.apiAccess = on;
  }

  /**
   * Answer the next `times` calls of `op` with `reply`, as something in front of the API would
   * (a WAF challenge, a proxy page), before auth or state are looked at.
   */
  queueReply(op: PorkbunOp, reply: Reply, times = 1): void {
    this.frontEnd.push({ op, reply, left: times });
  }

  /** The AWS WAF challenge Porkbun's front end answers when it throttles (HTTP 202). */
  wafChallenge(): Reply {
    return this.throttleReply('waf202', 1);
  }

  clearQueuedReplies(): void {
    this.frontEnd.length = 0;
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  private throttleReply(kind: PorkbunThrottle, retryAfterSec: number): Reply {
    switch (kind) {
      case 'waf202':
        return {
          status: 202,
          headers: { 'Content-Type': 'text/html; charset=UTF-8', Server: 'awselb/2.0', 'x-amzn-waf-action': 'challenge' },
          body: WAF_CHALLENGE_PAGE,
        };
      case 'json429':
        // UNCONFIRMED (newer API, third-party docs): 429 + Retry-After + a JSON error with a code.
        return {
          status: 429,
          headers: { 'Retry-After': String(retryAfterSec), Server: 'openresty' },
          body: { status: 'ERROR', code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded.' } satisfies PorkbunError,
        };
      case 'html503':
      default:
        // No Retry-After on the real page (none was ever reported): clients get no hint.
        return { status: 503, headers: { 'Content-Type': 'text/html', Server: 'openresty' }, body: openrestyPage(503) };
    }
  }

  private error(status: number, message: string): RouteResult {
    return { status, headers: { Server: 'openresty' }, body: { status: 'ERROR', message } satisfies PorkbunError };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (!req.path.startsWith(`${PORKBUN_BASE_PATH}/`)) return this.error(404, 'Invalid endpoint.');
    const route = req.path.slice(PORKBUN_BASE_PATH.length);
    // The WAF sits in front of the API: a challenged request never reaches it.
    const queued = this.frontEnd.find((q) => q.left > 0 && route.startsWith(OP_PREFIX[q.op]));
    if (queued) {
      queued.left -= 1;
      return { ...queued.reply, write: false };
    }
    // UNCONFIRMED: the classic API is POST-only; a GET is refused rather than served.
    if (req.method !== 'POST') return this.error(405, 'Only POST requests are accepted.');

    // UNCONFIRMED: without a JSON body (and its content type) the server sees no keys.
    const contentType = String(req.headers['content-type'] ?? '');
    const body = req.json as Record<string, unknown> | undefined;
    if (!contentType.startsWith('application/json') || typeof body !== 'object' || body === null || Array.isArray(body)) {
      return this.error(400, 'Invalid API key. (001)');
    }
    if (body.apikey !== this.apiKey || body.secretapikey !== this.secretApiKey) {
      return this.error(400, 'Invalid API key. (002)');
    }

    if (route === '/ping') return json(200, { status: 'SUCCESS', yourIp: '127.0.0.1', xForwardedFor: '127.0.0.1' });

    const dns = /^\/dns\/(getDnssecRecords|createDnssecRecord|deleteDnssecRecord)\/([^/]+)(?:\/([^/]+))?$/.exec(route);
    if (dns) return this.handleDnssec(dns[1]!, decodeURIComponent(dns[2]!).toLowerCase(), dns[3] === undefined ? undefined : decodeURIComponent(dns[3]), body);

    const m = /^\/domain\/(getNs|updateNs)\/([^/]+)$/.exec(route);
    if (!m) return this.error(404, 'Invalid endpoint.');
    const op = m[1]!;
    const domain = decodeURIComponent(m[2]!).toLowerCase();
    const entry = this.store.get(domain);
    // Not in the account and "API Access" off are the same answer at Porkbun.
    if (!entry) return this.error(400, 'Invalid domain.');
    if (entry.apiAccess === false) return this.error(400, NOT_OPTED_IN);

    if (op === 'getNs') {
      const tld = domain.slice(domain.lastIndexOf('.') + 1);
      const dotted = this.trailingDotTlds.has(tld);
      return json(200, { status: 'SUCCESS', ns: entry.nameServers.map((n) => (dotted && !n.endsWith('.') ? `${n}.` : n)) });
    }

    // updateNs
    const ns = body.ns;
    if (!Array.isArray(ns) || ns.length === 0 || ns.some((n) => typeof n !== 'string' || n.trim() === '')) {
      return this.error(400, 'invalid name server list');
    }
    // UNCONFIRMED: min/max count; refused like the empty list.
    if (ns.length < 2 || ns.length > 13) return this.error(400, 'invalid name server list');
    const bad = (ns as string[]).filter((n) => !isRegisteredHost(n));
    // UNCONFIRMED wording: Porkbun's text for a host the registry does not know is not recorded.
    if (bad.length) return this.error(400, `Unable to update name servers: ${bad.join(', ')} is not a registered name server.`);
    entry.nameServers = [...(ns as string[])];
    this.onDelegationChange?.(domain, entry.nameServers);
    return { status: 200, headers: { Server: 'openresty' }, body: { status: 'SUCCESS' }, write: true };
  }

  private handleDnssec(op: string, domain: string, keyTagInPath: string | undefined, body: Record<string, unknown>): RouteResult {
    const entry = this.store.get(domain);
    // Not in the account and "API Access" off are the same answer, as for the NS calls.
    if (!entry) return this.error(400, 'Invalid domain.');
    if (entry.apiAccess === false) return this.error(400, NOT_OPTED_IN);
    let byTag = this.dnssec.get(domain);
    if (!byTag) {
      byTag = new Map();
      this.dnssec.set(domain, byTag);
    }
    const ok = (write: boolean): RouteResult => ({ status: 200, headers: { Server: 'openresty' }, body: { status: 'SUCCESS' }, write });

    if (op === 'getDnssecRecords') {
      if (keyTagInPath !== undefined) return this.error(404, 'Invalid endpoint.');
      // UNCONFIRMED empty shape: `[]`, as PHP encodes an empty array.
      const records = byTag.size === 0 ? [] : Object.fromEntries([...byTag].map(([tag, r]) => [tag, { ...r }]));
      return json(200, { status: 'SUCCESS', records });
    }

    if (op === 'deleteDnssecRecord') {
      if (keyTagInPath === undefined || !/^\d{1,5}$/.test(keyTagInPath)) return this.error(404, 'Invalid endpoint.');
      const tag = String(Number(keyTagInPath));
      // UNCONFIRMED wording; deleting a key tag that is not held is refused.
      if (!byTag.has(tag)) return this.error(400, `No DNSSEC record found with key tag ${tag}.`);
      byTag.delete(tag);
      this.onDnssecChange?.(domain, this.canonical(byTag));
      return ok(true);
    }

    // createDnssecRecord: a flat body, every value a string (UNCONFIRMED: numbers are refused).
    if (keyTagInPath !== undefined) return this.error(404, 'Invalid endpoint.');
    const fields = ['keyTag', 'alg', 'digestType', 'digest'] as const;
    const optional = ['maxSigLife', 'keyDataFlags', 'keyDataProtocol', 'keyDataAlgo', 'keyDataPubKey'] as const;
    for (const f of fields) {
      if (typeof body[f] !== 'string' || (body[f] as string).trim() === '') return this.error(400, `Invalid or missing ${f}: it must be given as a string.`);
    }
    for (const f of optional) {
      if (body[f] !== undefined && typeof body[f] !== 'string') return this.error(400, `Invalid ${f}: it must be given as a string.`);
    }
    const keyTag = body.keyTag as string;
    const alg = body.alg as string;
    const digestType = body.digestType as string;
    const digest = body.digest as string;
    if (!/^\d{1,5}$/.test(keyTag) || Number(keyTag) > 65535) return this.error(400, 'Invalid keyTag.');
    if (!/^\d+$/.test(alg) || !ALGORITHM_NAMES[Number(alg)]) return this.error(400, 'Invalid alg.');
    if (!/^\d$/.test(digestType) || !DIGEST_TYPE_NAMES[Number(digestType)]) return this.error(400, 'Invalid digestType.');
    if (!/^[0-9a-fA-F]+$/.test(digest) || digest.length !== DIGEST_HEX[digestType]) return this.error(400, 'Invalid digest.');
    const tag = String(Number(keyTag));
    // UNCONFIRMED: the listing is keyed by key tag, so a second DS under one tag is refused.
    if (byTag.has(tag)) return this.error(400, `A DNSSEC record with key tag ${tag} already exists.`);
    const record: PorkbunDnssecRecord = { keyTag: tag, alg, digestType, digest };
    for (const f of optional) if (typeof body[f] === 'string') record[f] = body[f] as string;
    byTag.set(tag, record);
    this.onDnssecChange?.(domain, this.canonical(byTag));
    return ok(true);
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: PorkbunEmulatorOptions = {}): Promise<PorkbunEmulator> {
  return new PorkbunEmulator(opts).start();
}

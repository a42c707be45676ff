/**
 * Dynadot api3 (JSON) emulator (https://www.dynadot.com/domain/api-commands), faithful to:
 *  - GET /api3.json with `key` and `command` in the query; a wrong or missing key gets the bare
 *    {"Response":{"ResponseCode":"-1","Error":"invalid key"}} in HTTP 200;
 *  - get_ns -> {"GetNsResponse":{"ResponseCode":0,"Status":"success","NsContent":{"Host0":..}}};
 *  - add_ns host=H puts H in the account's server list -> AddNsResponse with AddNsContent.Server;
 *  - set_ns domain=D ns0..ns12 -> SetNsResponse; every host must be in the server list first
 *    ("must already be in your account");
 *  - errors in HTTP 200: {"<Command>Response":{"ResponseCode":"-1","Status":"error","Error":".."}}
 *    (ResponseCode a number on success, a string on errors: the docs show both forms);
 *  - 60 requests per minute per key (regular accounts).
 * UNCONFIRMED, chosen strictly: the error texts; add_ns of a host already in the list is an
 * error ("already exists"), not a success; add_ns refuses a host the registry does not know
 * (`.invalid`); set_ns with fewer than 2 name servers, ns13 or more, or gaps in the numbering is an
 * error; the throttle answer is HTTP 429 with a plain body and no Retry-After; with
 * `echoRequestInErrors`, error answers quote the request URL, key included (as some servers do),
 * so a test can prove nsbridge masks it.
 */
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { API_PATH, envelopeKey } from '../../../registrar-adapters/dynadot/wire-types';

export interface DynadotEmulatorOptions {
  key?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

const canonical = (host: string) => host.toLowerCase().replace(/\.$/, '');

export class DynadotEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly key: string;
  /** The account's server list (hosts set_ns accepts). */
  readonly servers = new Set<string>();
  /** Every request's command and parameters without the key, in order. */
  readonly seen: Record<string, string>[] = [];
  /** Error answers quote the request URL, key included (tests of redaction). */
  echoRequestInErrors = false;
  private nextServerId = 0;

  constructor(opts: DynadotEmulatorOptions = {}) {
    super();
    this.key = opts.key ?? 'dynadot-key-SENTINEL-91c3';
    this.http = new HttpEmulator(
      {
        name: 'dynadot',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, headers: { 'Content-Type': 'text/plain' }, body: 'Too Many Requests' }),
        serverError: (status) => ({ status, headers: { 'Content-Type': 'text/html' }, body: `<html><head><title>${status} Server Error</title></head></html>` }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"GetNsResponse":{"ResponseCode":0,"Status":"succ' }),
        accountOf: (req) => req.query.get('key') ?? undefined,
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 60, perMs: 60_000 }), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { DYNADOT_API_KEY: this.key, NSBRIDGE_DYNADOT_ENDPOINT: this.url };
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), DYNADOT_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  secrets(): string[] {
    return [this.key];
  }

  /** The domain, with its name servers in the account's server list (as they would be). */
  addDomain(domain: string, nameServers: string[]): void {
    this.store.add(domain, nameServers);
    for (const ns of nameServers) this.servers.add(canonical(ns));
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  private ok(command: string, content: Record<string, unknown> = {}, write = false): RouteResult {
    return { status: 200, body: { [envelopeKey(command as 'get_ns')]: { ResponseCode: 0, Status: 'success', ...content } }, write };
  }

  private refuse(command: string, error: string, req: EmulatedRequest): RouteResult {
    const echo = this.echoRequestInErrors ? { Request: `${req.path}?${req.query.toString()}` } : {};
    return { status: 200, body: { [envelopeKey(command as 'get_ns')]: { ResponseCode: '-1', Status: 'error', Error: error, ...echo } } };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.path !== API_PATH) {
      const echo = this.echoRequestInErrors ? ` The requested URL ${req.path}?${req.query.toString()} was not found on this server.` : '';
      return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: `404 Not Found.${echo}` };
    }
    const q = req.query;
    const params = Object.fromEntries([...q.entries()].filter(([k]) => k !== 'key'));
    this.seen.push(params);
    if (req.method !== 'GET' || q.get('key') !== this.key) {
      const echo = this.echoRequestInErrors ? { Request: `${req.path}?${q.toString()}` } : {};
      return { status: 200, body: { Response: { ResponseCode: '-1', Error: 'invalid key', ...echo } } };
    }
    const command = q.get('command') ?? '';
    switch (command) {
      case 'get_ns': {
        const entry = this.store.get(q.get('domain') ?? '');
        if (!entry) return this.refuse(command, 'could not find domain in your account', req);
        return this.ok(command, { NsContent: Object.fromEntries(entry.nameServers.map((n, i) => [`Host${i}`, n])) });
      }
      case 'add_ns': {
        const host = canonical(q.get('host') ?? '');
        if (!host) return this.refuse(command, 'missing host', req);
        if (!isRegisteredHost(host)) return this.refuse(command, `${host} is not a valid name server`, req);
        if (this.servers.has(host)) return this.refuse(command, `${host} already exists`, req);
        this.servers.add(host);
        return this.ok(command, { AddNsContent: { Server: { Host: host, ServerId: this.nextServerId++ } } });
      }
      case 'set_ns': {
        const domain = q.get('domain') ?? '';
        const entry = this.store.get(domain);
        if (!entry) return this.refuse(command, 'could not find domain in your account', req);
        const numbered = [...q.keys()].filter((k) => /^ns\d+$/.test(k)).map((k) => Number(k.slice(2))).sort((a, b) => a - b);
        if (numbered.some((n, i) => n !== i) || numbered.length > 13) return this.refuse(command, 'name servers must be given as ns0 - ns12', req);
        const ns = numbered.map((n) => q.get(`ns${n}`)!);
        if (ns.length < 2) return this.refuse(command, 'at least 2 name servers are required', req);
        const missing = ns.filter((n) => !this.servers.has(canonical(n)));
        if (missing.length) return this.refuse(command, `${missing[0]} needs to be added to your account first`, req);
        entry.nameServers = [...ns];
        this.onDelegationChange?.(domain.toLowerCase(), [...ns]);
        return this.ok(command, {}, true);
      }
      default:
        return this.refuse(command || 'unknown', 'invalid command', req);
    }
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: DynadotEmulatorOptions = {}): Promise<DynadotEmulator> {
  return new DynadotEmulator(opts).start();
}

export type { Reply };

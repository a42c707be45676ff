/**
 * NameSilo API emulator (https://www.namesilo.com/api-reference), faithful to:
 *  - GET /api/{operation} with version=1, type=json and key=K in the query; every answer HTTP 200
 *    {"request":{"operation":..,"ip":..},"reply":{"code":..,"detail":..}}; code 300 = success;
 *  - getDomainInfo -> reply with created, expires, status, locked, ... and `nameservers`, the
 *    names UPPER-case as the documented example has them;
 *  - a domain outside the account: code 200 "Domain is not active, or does not belong to this user";
 *  - changeNameServers ns1..ns13 (ns1 and ns2 required);
 *  - dnsSecListRecords -> ds_record {digest, digest_type, algorithm, key_tag} (text);
 *    dnsSecAddRecord / dnsSecDeleteRecord with digest, keyTag, digestType, alg (delete by value).
 * UNCONFIRMED, chosen strictly: code 110 "Invalid API Key" for a wrong key; `code` a number; the
 * JSON rendering of `nameservers` is a list of {"position","nameserver"} and of one DS record a
 * bare object (XML-to-JSON), several a list; version other than 1 is code 101; type=xml (or none)
 * answers XML; a name server the registry does not know (`.invalid`) is code 261 (the write
 * changes nothing); adding a DS already held is code 280, deleting one not held 280 too; no
 * published limit: none by default, the throttle answer HTTP 429 without Retry-After.
 */
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { checkDs, DnssecRecord, formatDs } from '../../../core/dnssec';
import { API_PREFIX, NameSiloDsRecord } from '../../../registrar-adapters/namesilo/wire-types';

export interface NameSiloEmulatorOptions {
  key?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

export class NameSiloEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly key: string;
  /** Every request's operation and parameters without the key. */
  readonly seen: Record<string, string>[] = [];
  /** changeNameServers answers 301 and puts NameSilo's own name servers (test hook). */
  useDefaultNameServers = false;
  /** Error answers quote the request URL, key included (tests of redaction). */
  echoRequestInErrors = false;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;

  constructor(opts: NameSiloEmulatorOptions = {}) {
    super();
    this.key = opts.key ?? 'namesilo-key-SENTINEL-6d20';
    this.http = new HttpEmulator(
      {
        name: 'namesilo',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, headers: { 'Content-Type': 'text/plain' }, body: 'Too Many Requests' }),
        serverError: (status) => ({ status, headers: { 'Content-Type': 'text/html' }, body: `<html><head><title>${status} Server Error</title></head></html>` }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"request":{"operation":"getDomainInfo"},"reply":{"code":300,"detail":"succ' }),
        accountOf: (req) => req.query.get('key') ?? undefined,
      },
      { rateLimit: opts.rateLimit ?? undefined, port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { NAMESILO_API_KEY: this.key, NSBRIDGE_NAMESILO_ENDPOINT: this.url };
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), NAMESILO_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  secrets(): string[] {
    return [this.key];
  }

  addDomain(domain: string, nameServers: string[]): void {
    this.store.add(domain, nameServers, { ds: [] as NameSiloDsRecord[] });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const entry = this.store.get(domain);
    if (!entry) throw new Error(`namesilo emulator: ${domain} is not in the account`);
    entry.ds = records.map((r) => this.wire(r));
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const entry = this.store.get(domain);
    if (!entry) return undefined;
    return (entry.ds as NameSiloDsRecord[]).map((d) => ({ ds: checkDs({ keyTag: d.key_tag, algorithm: d.algorithm, digestType: d.digest_type, digest: d.digest }) }));
  }

  private wire(r: DnssecRecord): NameSiloDsRecord {
    return { digest: r.ds.digest, digest_type: String(r.ds.digestType), algorithm: String(r.ds.algorithm), key_tag: String(r.ds.keyTag) };
  }

  private reply(op: string, code: number, detail: string, extra: Record<string, unknown> = {}, write = false): RouteResult {
    return { status: 200, body: { request: { operation: op, ip: '127.0.0.1' }, reply: { code, detail, ...extra } }, write };
  }

  private refuse(op: string, code: number, detail: string, req: EmulatedRequest): RouteResult {
    return this.reply(op, code, detail, this.echoRequestInErrors ? { request_url: `${req.path}?${req.query.toString()}` } : {});
  }

  private handle(req: EmulatedRequest): RouteResult {
    const m = new RegExp(`^${API_PREFIX}/([A-Za-z]+)$`).exec(req.path);
    if (!m) {
      const echo = this.echoRequestInErrors ? ` The requested URL ${req.path}?${req.query.toString()} was not found on this server.` : '';
      return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: `404 Not Found.${echo}` };
    }
    const op = m[1]!;
    const q = req.query;
    this.seen.push({ operation: op, ...Object.fromEntries([...q.entries()].filter(([k]) => k !== 'key')) });
    if (q.get('type') !== 'json') {
      return { status: 200, headers: { 'Content-Type': 'text/xml' }, body: `<?xml version="1.0"?><namesilo><request><operation>${op}</operation></request><reply><code>300</code><detail>success</detail></reply></namesilo>` };
    }
    if (q.get('version') !== '1') return this.refuse(op, 101, 'Invalid API version', req);
    if (req.method !== 'GET') return this.refuse(op, 102, 'Invalid API request method', req);
    if (q.get('key') !== this.key) return this.refuse(op, 110, 'Invalid API Key', req);
    const domain = (q.get('domain') ?? '').toLowerCase();
    const entry = this.store.get(domain);
    const known = ['getDomainInfo', 'changeNameServers', 'dnsSecListRecords', 'dnsSecAddRecord', 'dnsSecDeleteRecord'];
    if (!known.includes(op)) return this.refuse(op, 109, 'Invalid operation', req);
    if (!entry) return this.refuse(op, 200, 'Domain is not active, or does not belong to this user', req);

    switch (op) {
      case 'getDomainInfo':
        return this.reply(op, 300, 'success', {
          created: '2024-01-02',
          expires: '2027-01-02',
          status: 'Active',
          locked: 'Yes',
          private: 'No',
          auto_renew: 'Yes',
          traffic_type: 'Custom DNS',
          email_verification_required: 'No',
          portfolio: '',
          forward_url: 'N/A',
          forward_type: 'N/A',
          nameservers: entry.nameServers.map((n, i) => ({ position: i + 1, nameserver: n.toUpperCase() })),
          contact_ids: { registrant: '1', administrative: '1', technical: '1', billing: '1' },
        });
      case 'changeNameServers': {
        const numbered = [...q.keys()].filter((k) => /^ns\d+$/.test(k)).map((k) => Number(k.slice(2))).sort((a, b) => a - b);
        if (numbered.some((n, i) => n !== i + 1) || numbered.length > 13) return this.refuse(op, 262, 'name servers must be given as ns1 - ns13', req);
        const ns = numbered.map((n) => q.get(`ns${n}`)!);
        if (ns.length < 2) return this.refuse(op, 262, 'at least 2 name servers (ns1 and ns2) are required', req);
        const bad = ns.find((n) => !isRegisteredHost(n));
        if (bad) return this.refuse(op, 261, `Invalid name server: ${bad}`, req);
        if (this.useDefaultNameServers) {
          entry.nameServers = ['ns1.dnsowl.com', 'ns2.dnsowl.com', 'ns3.dnsowl.com'];
          return this.reply(op, 301, 'Your request was successful, but one or more of the name servers were invalid; our default name servers were used', {}, true);
        }
        entry.nameServers = ns;
        this.onDelegationChange?.(domain, [...ns]);
        return this.reply(op, 300, 'success', {}, true);
      }
      case 'dnsSecListRecords': {
        const ds = entry.ds as NameSiloDsRecord[];
        return this.reply(op, 300, 'success', ds.length === 0 ? {} : { ds_record: ds.length === 1 ? ds[0] : ds });
      }
      case 'dnsSecAddRecord':
      case 'dnsSecDeleteRecord': {
        let record: DnssecRecord;
        try {
          record = { ds: checkDs({ keyTag: q.get('keyTag') ?? '', algorithm: q.get('alg') ?? '', digestType: q.get('digestType') ?? '', digest: q.get('digest') ?? '' }) };
        } catch (e) {
          return this.refuse(op, 280, `Invalid DS record: ${(e as Error).message}`, req);
        }
        const ds = entry.ds as NameSiloDsRecord[];
        const at = ds.findIndex((d) => formatDs(checkDs({ keyTag: d.key_tag, algorithm: d.algorithm, digestType: d.digest_type, digest: d.digest })) === formatDs(record.ds));
        if (op === 'dnsSecAddRecord') {
          if (at >= 0) return this.refuse(op, 280, 'DS record already exists', req);
          entry.ds = [...ds, this.wire(record)];
        } else {
          if (at < 0) return this.refuse(op, 280, 'DS record not found', req);
          entry.ds = ds.filter((_, i) => i !== at);
        }
        this.onDnssecChange?.(domain, this.dnssecRecordsOf(domain)!);
        return this.reply(op, 300, 'success', {}, true);
      }
      default:
        return this.refuse(op, 109, 'Invalid operation', req);
    }
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: NameSiloEmulatorOptions = {}): Promise<NameSiloEmulator> {
  return new NameSiloEmulator(opts).start();
}

export type { Reply };

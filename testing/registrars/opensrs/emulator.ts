/**
 * OpenSRS XCP emulator (https://domains.opensrs.guide/docs/overview), faithful to:
 *  - one URL: POST / with an OPS_envelope (text/xml); anything else is a 404/405 page;
 *  - auth: X-Username must be the reseller, X-Signature must be md5_hex(md5_hex(body + key) + key)
 *    over the exact body bytes (checked here with its own implementation, not the adapter's), and
 *    the caller's IP must be on the allow-list: otherwise HTTP 401 (its body is UNCONFIRMED: a
 *    short HTML page, so a client must key on the status);
 *  - every application error is HTTP 200 with is_success=0 and a response_code
 *    (https://domains.opensrs.guide/docs/codes);
 *  - GET DOMAIN type=nameservers -> nameserver_list [{name, ipaddress, sortorder}];
 *  - ADVANCED_UPDATE_NAMESERVERS op_type=assign assign_ns=[...] replaces the set, 200 "Nameserver
 *    Update Successful", or 200 "No nameserver changes necessary" for the same set; hosts are never
 *    created: an unknown host (`.invalid`) is 436 "Request failed validation: Name server '...' is
 *    not found at the registry"; assign_ns together with add_ns/remove_ns is 465;
 *  - asynchronous registries (`asyncTlds`): 250 "Action submitted successfully for processing to
 *    asynchronous registry", applied after `asyncReads` further reads of the domain; another
 *    change meanwhile is 437;
 *  - DNSSEC: GET_DNSSEC_INFO -> attributes.dnssec [{key_tag, algorithm, digest_type, digest}],
 *    SET_DNSSEC_INFO {dnssec: [...]} replaces the whole set (empty clears it);
 *  - throttle: over the limit, HTTP 200 with response_code 300 "Exceeded max command rate".
 * UNCONFIRMED, chosen strictly: the 401 body; which code a domain outside the account gets
 * (`notInAccountCode`, default 480; 415 and 435 are possible); which DNSSEC read is canonical
 * (`dnssecRead`: GET_DNSSEC_INFO by default, or only GET type=dnssec, answering 430 to the other);
 * the rate (2 requests per second per reseller, nsbridge's own pace, as OpenSRS publishes none);
 * fewer than two name servers is 465; a DS with a malformed field is 465.
 */
import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { checkDs, DnssecRecord } from '../../../core/dnssec';

export interface OpenSrsEmulatorOptions {
  username?: string;
  privateKey?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

/** One request as the emulator understood it. */
export interface OpenSrsCall {
  readonly action: string;
  readonly object: string;
  readonly attributes: Record<string, unknown>;
  readonly username: string;
  readonly signatureOk: boolean;
  readonly contentType: string;
}

interface DsEntry {
  key_tag: string;
  algorithm: string;
  digest_type: string;
  digest: string;
}

export type Value = string | Value[] | { [key: string]: Value };

// --- the emulator's own XCP codec (independent of the adapter's) ---
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: true, isArray: (n) => n === 'item' });

function fromXml(node: unknown): Value {
  if (typeof node !== 'object' || node === null) return typeof node === 'string' ? node : '';
  const n = node as Record<string, unknown>;
  const listOf = (holder: unknown) =>
    (typeof holder === 'object' && holder !== null ? ((holder as { item?: unknown[] }).item ?? []) : []) as Record<string, unknown>[];
  if ('dt_assoc' in n) return Object.fromEntries(listOf(n.dt_assoc).map((i) => [String(i.key), fromXml(i)]));
  if ('dt_array' in n) return listOf(n.dt_array).map((i) => fromXml(i));
  return typeof n['#text'] === 'string' ? n['#text'] : '';
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function toXml(v: Value): string {
  if (typeof v === 'string') return xmlEscape(v);
  if (Array.isArray(v)) return `<dt_array>\n${v.map((x, i) => `<item key="${i}">${toXml(x)}</item>\n`).join('')}</dt_array>`;
  return `<dt_assoc>\n${Object.entries(v).map(([k, x]) => `<item key="${k}">${toXml(x)}</item>\n`).join('')}</dt_assoc>`;
}

const md5 = (s: string) => createHash('md5').update(Buffer.from(s, 'utf8')).digest('hex');

function page(status: number, title: string): Reply {
  return { status, headers: { 'Content-Type': 'text/html' }, body: `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>` };
}

export class OpenSrsEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly username: string;
  readonly privateKey: string;
  readonly calls: OpenSrsCall[] = [];
  /** The caller's address is on the reseller's API allow-list. */
  ipAllowed = true;
  /** Response code for a domain outside the reseller account (UNCONFIRMED which). */
  notInAccountCode: '480' | '415' | '435' = '480';
  /** Which DNSSEC read this OpenSRS answers; the other is 430 Invalid command. */
  dnssecRead: 'GET_DNSSEC_INFO' | 'GET type=dnssec' = 'GET_DNSSEC_INFO';
  /** TLDs whose registry is asynchronous: writes answer 250. */
  readonly asyncTlds = new Set<string>();
  /** Reads of a domain after which a pending asynchronous change is applied. */
  asyncReads = 2;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private readonly dnssec = new Map<string, DsEntry[]>();
  private readonly pending = new Map<string, { readsLeft: number; apply: () => void }>();
  private readonly scripted: Reply[] = [];

  constructor(opts: OpenSrsEmulatorOptions = {}) {
    super();
    this.username = opts.username ?? 'nsbridge-reseller';
    this.privateKey = opts.privateKey ?? 'osrs-key-SENTINEL-6c1f0e9b2d4a8e7f3b5c';
    this.http = new HttpEmulator(
      {
        name: 'opensrs',
        handle: (req) => this.handle(req),
        rateLimited: () => this.reply('DOMAIN', '0', '300', 'Exceeded max command rate. Request deferred.'),
        serverError: (status) => page(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
        malformed: () => ({
          status: 200,
          headers: { 'Content-Type': 'text/xml' },
          body: "<?xml version='1.0' encoding='UTF-8' standalone='no' ?>\n<OPS_envelope><header><version>0.9</version></header><body><data_block><dt_assoc><item key=\"is_success\">1</item><item key=\"attri",
        }),
        accountOf: (req) => String(req.headers['x-username'] ?? ''),
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 2, perMs: 1_000 }), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { OPENSRS_USERNAME: this.username, OPENSRS_API_KEY: this.privateKey, NSBRIDGE_OPENSRS_ENDPOINT: this.url, NSBRIDGE_OPENSRS_POLL_INTERVAL: '20ms' };
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), OPENSRS_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  secrets(): string[] {
    return [this.privateKey];
  }

  addDomain(domain: string, nameServers: string[]): void {
    this.store.add(domain, nameServers);
    this.pending.delete(domain.toLowerCase());
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    this.dnssec.set(domain.toLowerCase(), records.map((r) => ({ key_tag: String(r.ds.keyTag), algorithm: String(r.ds.algorithm), digest_type: String(r.ds.digestType), digest: r.ds.digest })));
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    return this.dnssec.get(domain.toLowerCase())?.map((e) => ({ ds: checkDs({ keyTag: e.key_tag, algorithm: e.algorithm, digestType: e.digest_type, digest: e.digest }) }));
  }

  /** Answer the next authenticated request with exactly this reply (odd shapes a client must survive). */
  replyNext(reply: Reply): void {
    this.scripted.push(reply);
  }

  /** A reply envelope as OpenSRS would send it, for replyNext. */
  envelope(isSuccess: '0' | '1', code: string, text: string, attributes?: { [key: string]: Value }): Reply {
    return this.reply('DOMAIN', isSuccess, code, text, attributes);
  }

  /** An async change is waiting for this domain. */
  isPending(domain: string): boolean {
    return this.pending.has(domain.toLowerCase());
  }

  private reply(object: string, isSuccess: '0' | '1', code: string, text: string, attributes?: { [key: string]: Value }, write = false): RouteResult {
    const data: { [key: string]: Value } = { protocol: 'XCP', action: 'REPLY', object, is_success: isSuccess, response_code: code, response_text: text };
    if (attributes) data.attributes = attributes;
    const body =
      "<?xml version='1.0' encoding='UTF-8' standalone='no' ?>\n<!DOCTYPE OPS_envelope SYSTEM 'ops.dtd'>\n" +
      `<OPS_envelope>\n<header>\n<version>0.9</version>\n</header>\n<body>\n<data_block>\n${toXml(data)}\n</data_block>\n</body>\n</OPS_envelope>\n`;
    return { status: 200, headers: { 'Content-Type': 'text/xml' }, body, write };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.path !== '/') return page(404, 'Not Found');
    if (req.method !== 'POST') return page(405, 'Method Not Allowed');
    const username = String(req.headers['x-username'] ?? '');
    const signature = String(req.headers['x-signature'] ?? '');
    const signatureOk = signature === md5(md5(req.bodyText + this.privateKey) + this.privateKey);
    let data: { [key: string]: Value } = {};
    try {
      const doc = parser.parse(req.bodyText) as { OPS_envelope?: { body?: { data_block?: unknown } } };
      const parsed = fromXml(doc.OPS_envelope?.body?.data_block);
      if (typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed;
    } catch {
      data = {};
    }
    const attributes = (typeof data.attributes === 'object' && !Array.isArray(data.attributes) ? data.attributes : {}) as { [key: string]: Value };
    const action = String(data.action ?? '').toUpperCase();
    const object = String(data.object ?? '').toUpperCase();
    this.calls.push({ action, object, attributes, username, signatureOk, contentType: String(req.headers['content-type'] ?? '') });
    if (username !== this.username || !signatureOk || !this.ipAllowed) return page(401, 'Authentication Error');
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    if (data.protocol !== 'XCP' || !action) return this.reply(object || 'DOMAIN', '0', '430', 'Invalid command');

    const domain = String(attributes.domain ?? '').toLowerCase();
    if (!domain) return this.reply(object, '0', '460', 'Missing required field: domain');
    const entry = this.store.get(domain);
    if (!entry) return this.reply(object, '0', this.notInAccountCode, this.notInAccountCode === '480' ? `Domain ${domain} not found` : 'Authentication Error.');

    if (object !== 'DOMAIN') return this.reply(object, '0', '430', `Invalid Command: ${action} ${object}`);
    if (action === 'GET') {
      const type = String(attributes.type ?? '');
      if (type === 'nameservers') {
        this.read(domain);
        return this.reply(object, '1', '200', 'Query Successful', {
          nameserver_list: entry.nameServers.map((name, i) => ({ name, ipaddress: '', sortorder: String(i + 1) })),
        });
      }
      if (type === 'dnssec' && this.dnssecRead === 'GET type=dnssec') {
        this.read(domain);
        return this.reply(object, '1', '200', 'Query Successful', { dnssec: this.dnssecWire(domain) });
      }
      return this.reply(object, '0', '465', `Invalid type: ${type}`);
    }
    if (action === 'GET_DNSSEC_INFO') {
      if (this.dnssecRead !== 'GET_DNSSEC_INFO') return this.reply(object, '0', '430', 'Invalid command: get_dnssec_info');
      this.read(domain);
      return this.reply(object, '1', '200', 'Query Successful', { dnssec: this.dnssecWire(domain) });
    }
    if (action === 'ADVANCED_UPDATE_NAMESERVERS') return this.updateNameServers(domain, attributes);
    if (action === 'SET_DNSSEC_INFO') return this.setDnssec(domain, attributes);
    return this.reply(object, '0', '430', `Invalid Command: ${action}`);
  }

  private dnssecWire(domain: string): Value {
    return (this.dnssec.get(domain) ?? []).map((e) => ({ ...e }));
  }

  /** A read of the domain: counts down a pending asynchronous change. */
  private read(domain: string): void {
    const p = this.pending.get(domain);
    if (!p) return;
    p.readsLeft -= 1;
    if (p.readsLeft <= 0) {
      this.pending.delete(domain);
      p.apply();
    }
  }

  /** Apply now, or (asynchronous registry) answer 250 and apply after `asyncReads` reads. */
  private commit(domain: string, apply: () => void, done: string): RouteResult {
    const tld = domain.slice(domain.lastIndexOf('.') + 1);
    if (this.asyncTlds.has(tld)) {
      this.pending.set(domain, { readsLeft: this.asyncReads, apply });
      return this.reply('DOMAIN', '1', '250', 'Action submitted successfully for processing to asynchronous registry', undefined, true);
    }
    apply();
    return this.reply('DOMAIN', '1', '200', done, undefined, true);
  }

  private updateNameServers(domain: string, a: { [key: string]: Value }): RouteResult {
    if (this.pending.has(domain)) return this.reply('DOMAIN', '0', '437', 'Cannot process command because there is already another request waiting on this domain.');
    if (a.op_type !== 'assign') return this.reply('DOMAIN', '0', '465', `Invalid op_type: ${String(a.op_type ?? '')}`);
    if ('add_ns' in a || 'remove_ns' in a) return this.reply('DOMAIN', '0', '465', 'assign_ns cannot be combined with add_ns or remove_ns');
    if (!Array.isArray(a.assign_ns)) return this.reply('DOMAIN', '0', '460', 'Missing required field: assign_ns');
    const list = a.assign_ns.map((n) => String(n).toLowerCase());
    if (list.length < 2) return this.reply('DOMAIN', '0', '465', 'At least two nameservers are required');
    const unknown = list.find((n) => !isRegisteredHost(n));
    if (unknown) {
      return this.reply('DOMAIN', '0', '436', `Request failed validation: Name server '${unknown}' is not found at the registry. Please double check the nameserver and re-submit.`);
    }
    const entry = this.store.get(domain)!;
    const same = list.length === entry.nameServers.length && [...list].sort().join() === entry.nameServers.map((n) => n.toLowerCase()).sort().join();
    if (same) return this.reply('DOMAIN', '1', '200', 'No nameserver changes necessary');
    return this.commit(domain, () => {
      entry.nameServers = list;
      this.onDelegationChange?.(domain, [...list]);
    }, 'Nameserver Update Successful');
  }

  private setDnssec(domain: string, a: { [key: string]: Value }): RouteResult {
    if (this.pending.has(domain)) return this.reply('DOMAIN', '0', '437', 'Cannot process command because there is already another request waiting on this domain.');
    const raw = a.dnssec === '' ? [] : a.dnssec;
    if (!Array.isArray(raw)) return this.reply('DOMAIN', '0', '460', 'Missing required field: dnssec');
    const entries: DsEntry[] = [];
    for (const r of raw) {
      const e = (typeof r === 'object' && !Array.isArray(r) ? r : {}) as Record<string, Value>;
      const entry = { key_tag: String(e.key_tag ?? ''), algorithm: String(e.algorithm ?? ''), digest_type: String(e.digest_type ?? ''), digest: String(e.digest ?? '') };
      try {
        checkDs({ keyTag: entry.key_tag, algorithm: entry.algorithm, digestType: entry.digest_type, digest: entry.digest });
      } catch (err) {
        return this.reply('DOMAIN', '0', '465', `Invalid DNSSEC data: ${(err as Error).message}`);
      }
      entries.push(entry);
    }
    return this.commit(domain, () => {
      this.dnssec.set(domain, entries);
      this.onDnssecChange?.(domain, this.dnssecRecordsOf(domain) ?? []);
    }, 'Command Successful');
  }
}

export async function startEmulator(opts: OpenSrsEmulatorOptions = {}): Promise<OpenSrsEmulator> {
  return new OpenSrsEmulator(opts).start();
}

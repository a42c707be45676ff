/**
 * hosting.de JSON API emulator (https://www.hosting.de/api/), faithful to:
 *  - POST only, /api/domain/v1/json/<method>, `authToken` in the JSON body;
 *  - every answer HTTP 200 with {status: success|pending|error, errors[{code, contextObject,
 *    contextPath, text, value}], warnings, metadata{serverTransactionId, clientTransactionId}, response};
 *  - domainsFind {filter:{field:"DomainName", value}} -> response.data[] (empty when not in the account);
 *  - domainUpdate {domain} is asynchronous: status "pending" with the Domain object and a
 *    serverTransactionId; the change applies when its job ends; OPTIONAL FIELDS LEFT OUT ARE RESET
 *    to their defaults (the docs' warning): transferLockEnabled false, authInfo "", contacts [],
 *    dnsSecEntries [];
 *  - jobsFind {filter:{field:"JobServerTransactionId", value}} -> data[{id, state}]: "pending" for
 *    `pollsToComplete - 1` polls, then "successful" (or "failed", see failNextJob);
 *  - dnsSecKeysList {domainName} -> responses[{keyData:{flags, protocol, algorithm, publicKey}, keyTag, comment}];
 *    dnsSecKeyModify {domainName, add[], remove[]} -> pending, applied by its job;
 *  - 10205 "blocked by a running update" while `blockWrites` > 0.
 * UNCONFIRMED, chosen strictly (marked below too): the error codes (10100 bad authToken, 10300
 * unknown name server, 10301 bad DNSKEY, 10302 unknown domain); job states besides "successful";
 * a throttle (an injected fault) is 429 with no Retry-After; no limit unless one is given (none
 * is published); unknown top-level fields of the Domain object are refused.
 */
import { DnssecRecord, dsFromDnskey, keyTagOf } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { HostingdeKeyData } from '../../../registrar-adapters/hostingde/wire-types';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Optional Domain fields and what domainUpdate resets them to when they are left out. */
const RESET_WHEN_LEFT_OUT: Record<string, () => unknown> = {
  transferLockEnabled: () => false,
  authInfo: () => '',
  contacts: () => [],
  dnsSecEntries: () => [],
};
const READ_ONLY = ['id', 'accountId', 'name', 'nameUnicode', 'status', 'createDate', 'currentContractPeriodEnd', 'nextContractPeriodStart', 'deletionType', 'deletionDate', 'addDate', 'lastChangeDate'];
const KNOWN_FIELDS = new Set([...READ_ONLY, ...Object.keys(RESET_WHEN_LEFT_OUT), 'nameservers']);

export interface HostingdeEmulatorOptions {
  apiKey?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

interface DnsSecEntry {
  keyData: HostingdeKeyData;
  keyTag: number;
  comment: string;
}

interface Job {
  id: string;
  polls: number;
  state: string;
  fails: boolean;
  apply: () => void;
}

export class HostingdeEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly apiKey: string;
  pollsToComplete = 2;
  /** The next this many write calls answer 10205. */
  blockWrites = 0;
  /** Domain objects received by domainUpdate (tests check the whole object came back). */
  readonly updates: Record<string, unknown>[] = [];
  readonly jobs = new Map<string, Job>();
  /** Answer the next call of this method with this instead (tests of answers of the wrong shape). */
  nextReply?: { method: string; result: RouteResult };
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private failNext = false;
  private seq = 0;

  constructor(opts: HostingdeEmulatorOptions = {}) {
    super();
    this.apiKey = opts.apiKey ?? 'hde-key-SENTINEL-92f1e0';
    this.http = new HttpEmulator(
      {
        name: 'hostingde',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>429 Too Many Requests</title></head></html>' }),
        serverError: (status) => ({ status, headers: { 'Content-Type': 'text/html' }, body: `<html><head><title>${status} Server Error</title></head></html>` }),
        malformed: () => ({ status: 200, headers: JSON_TYPE, body: '{"status":"success","response":{"data":[{"name' }),
      },
      { rateLimit: opts.rateLimit ?? undefined, port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { HOSTINGDE_API_KEY: this.apiKey, NSBRIDGE_HOSTINGDE_ENDPOINT: this.url, NSBRIDGE_HOSTINGDE_POLL_INTERVAL: '20ms' };
  }

  secrets(): string[] {
    return [this.apiKey];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), HOSTINGDE_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[], fields: Record<string, unknown> = {}): void {
    const name = domain.toLowerCase();
    this.seq += 1;
    this.store.add(name, nameServers, {
      fields: {
        id: `dom-${this.seq}`,
        accountId: 'acc-1',
        name,
        nameUnicode: name,
        status: 'active',
        transferLockEnabled: true,
        authInfo: 'Xk4-auth-info',
        contacts: [
          { contact: 'c-owner', type: 'owner' },
          { contact: 'c-admin', type: 'admin' },
        ],
        dnsSecEntries: [],
        createDate: '2020-01-01T00:00:00Z',
        currentContractPeriodEnd: '2030-01-01T00:00:00Z',
        nextContractPeriodStart: '2030-01-01T00:00:00Z',
        deletionType: null,
        deletionDate: null,
        addDate: '2020-01-01T00:00:00Z',
        lastChangeDate: '2020-01-01T00:00:00Z',
        ...fields,
      },
    });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** The Domain object as hosting.de holds it now. */
  domainObject(domain: string): Record<string, unknown> | undefined {
    const d = this.store.get(domain);
    return d ? this.view(d) : undefined;
  }

  failNextJob(): void {
    this.failNext = true;
  }

  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const d = this.store.get(domain);
    if (!d) throw new Error(`hostingde emulator: ${domain} is not in the account`);
    this.fields(d).dnsSecEntries = records.map((r) => {
      if (!r.dnskey) throw new Error('hostingde emulator: hosting.de holds DNSKEYs, not bare DS records');
      return this.entry({ flags: r.dnskey.flags, protocol: r.dnskey.protocol, algorithm: r.dnskey.algorithm, publicKey: r.dnskey.publicKey });
    });
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const d = this.store.get(domain);
    if (!d) return undefined;
    return (this.fields(d).dnsSecEntries as DnsSecEntry[]).map(({ keyData: k }) => {
      const dnskey = { flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey };
      return { ds: dsFromDnskey(domain, dnskey), dnskey };
    });
  }

  private entry(k: HostingdeKeyData): DnsSecEntry {
    return { keyData: { ...k }, keyTag: keyTagOf({ flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey }), comment: '' };
  }

  private fields(d: { [key: string]: unknown }): Record<string, unknown> {
    return d.fields as Record<string, unknown>;
  }

  private view(d: { nameServers: string[]; [key: string]: unknown }): Record<string, unknown> {
    return JSON.parse(JSON.stringify({ ...this.fields(d), nameservers: d.nameServers.map((name) => ({ name, ips: [] })) }));
  }

  private reply(status: 'success' | 'pending' | 'error', response: unknown, extra: { errors?: unknown[]; stid?: string; write?: boolean; field?: 'response' | 'responses' } = {}): RouteResult {
    return {
      status: 200,
      headers: JSON_TYPE,
      write: extra.write,
      body: {
        status,
        errors: extra.errors ?? [],
        warnings: [],
        metadata: { serverTransactionId: extra.stid ?? `stid-${Date.now()}-${++this.seq}`, clientTransactionId: null },
        [extra.field ?? 'response']: response,
      },
    };
  }

  private error(code: number, text: string, contextPath = '', value: unknown = null): RouteResult {
    return this.reply('error', null, { errors: [{ code, contextObject: '', contextPath, text, value }] });
  }

  private handle(req: EmulatedRequest): RouteResult {
    const m = /^\/api\/domain\/v1\/json\/(\w+)$/.exec(req.path);
    if (!m) return { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>404 Not Found</title></head></html>' };
    if (req.method !== 'POST') return { status: 405, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>405 Method Not Allowed</title></head></html>' };
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return this.error(10000, 'Invalid request body');
    // UNCONFIRMED code for a wrong or missing authToken.
    // The error's `value` echoes what was sent, as hosting.de's errors do: the key must be masked by nsbridge.
    if (body.authToken !== this.apiKey) return this.error(10100, 'Authentication failed', 'authToken', body.authToken);
    const method = m[1]!;
    if (this.nextReply?.method === method) {
      const { result } = this.nextReply;
      this.nextReply = undefined;
      return result;
    }
    const write = method === 'domainUpdate' || method === 'dnsSecKeyModify';
    if (write && this.blockWrites > 0) {
      this.blockWrites -= 1;
      return this.error(10205, 'Zone is blocked by a running update');
    }
    switch (method) {
      case 'domainsFind':
        return this.find(body);
      case 'domainUpdate':
        return this.update(body);
      case 'jobsFind':
        return this.jobsFind(body);
      case 'dnsSecKeysList': {
        const d = this.store.get(String(body.domainName ?? ''));
        if (!d) return this.error(10302, 'Domain not found', 'domainName', body.domainName);
        return this.reply('success', (this.fields(d).dnsSecEntries as DnsSecEntry[]).map((e) => ({ ...e })), { field: 'responses' });
      }
      case 'dnsSecKeyModify':
        return this.modifyKeys(body);
      default:
        return this.error(10001, `Unknown method ${method}`);
    }
  }

  private find(body: Record<string, unknown>): RouteResult {
    const filter = body.filter as { field?: string; value?: string } | undefined;
    const all = [...this.store.domains.values()];
    const data = filter?.field === 'DomainName' ? all.filter((d) => this.fields(d).name === String(filter.value ?? '').toLowerCase()) : all;
    return this.reply('success', { data: data.map((d) => this.view(d)), limit: body.limit ?? 25, page: 1, totalEntries: data.length, totalPages: 1, type: 'FindDomainsResult' });
  }

  private startJob(apply: () => void): string {
    const id = `stid-job-${++this.seq}`;
    this.jobs.set(id, { id, polls: 0, state: 'pending', fails: this.failNext, apply });
    this.failNext = false;
    return id;
  }

  private update(body: Record<string, unknown>): RouteResult {
    const given = body.domain as Record<string, unknown> | undefined;
    if (!given || typeof given !== 'object') return this.error(10000, 'domain is required', 'domain');
    const d = this.store.get(String(given.name ?? ''));
    if (!d) return this.error(10302, 'Domain not found', 'domain.name', given.name);
    const unknown = Object.keys(given).find((k) => !KNOWN_FIELDS.has(k));
    if (unknown) return this.error(10000, `Unknown field ${unknown}`, `domain.${unknown}`);
    const ns = given.nameservers;
    if (!Array.isArray(ns) || ns.some((n) => typeof n !== 'object' || n === null || typeof (n as { name?: unknown }).name !== 'string')) {
      return this.error(10000, 'nameservers must be a list of {name, ips}', 'domain.nameservers');
    }
    const names = (ns as { name: string }[]).map((n) => n.name);
    if (names.length < 2 || names.length > 13) return this.error(10300, 'Between 2 and 13 name servers are needed', 'domain.nameservers');
    const bad = names.find((n) => !isRegisteredHost(n));
    if (bad) return this.error(10300, 'Name server does not exist', 'domain.nameservers', bad);
    this.updates.push(JSON.parse(JSON.stringify(given)));
    const fields = this.fields(d);
    const next: Record<string, unknown> = {};
    for (const [key, reset] of Object.entries(RESET_WHEN_LEFT_OUT)) next[key] = key in given ? JSON.parse(JSON.stringify(given[key])) : reset();
    const name = String(fields.name);
    const stid = this.startJob(() => {
      Object.assign(fields, next, { lastChangeDate: new Date().toISOString() });
      d.nameServers = [...names];
      this.onDelegationChange?.(name, [...names]);
    });
    return this.reply('pending', { ...this.view(d), status: 'pending' }, { stid, write: true });
  }

  private modifyKeys(body: Record<string, unknown>): RouteResult {
    const d = this.store.get(String(body.domainName ?? ''));
    if (!d) return this.error(10302, 'Domain not found', 'domainName', body.domainName);
    const lists = [body.add ?? [], body.remove ?? []];
    if (!lists.every(Array.isArray)) return this.error(10000, 'add and remove must be lists');
    const [add, remove] = lists as { keyData?: Record<string, unknown> }[][];
    for (const e of [...add!, ...remove!]) {
      const k = e?.keyData;
      const ok = k && (k.flags === 256 || k.flags === 257) && k.protocol === 3 && Number.isInteger(k.algorithm) && typeof k.publicKey === 'string' && BASE64.test(k.publicKey);
      if (!ok) return this.error(10301, 'Invalid DNSKEY', 'keyData', e);
    }
    const fields = this.fields(d);
    const name = String(fields.name);
    const same = (a: HostingdeKeyData, b: Record<string, unknown>) => a.publicKey === b.publicKey && a.algorithm === b.algorithm && a.flags === b.flags;
    const stid = this.startJob(() => {
      const kept = (fields.dnsSecEntries as DnsSecEntry[]).filter((e) => !remove!.some((r) => same(e.keyData, r.keyData!)));
      fields.dnsSecEntries = [...kept, ...add!.map((a) => this.entry(a.keyData as unknown as HostingdeKeyData))];
      this.onDnssecChange?.(name, this.dnssecRecordsOf(name) ?? []);
    });
    return this.reply('pending', null, { stid, write: true });
  }

  private finish(job: Job): void {
    job.state = job.fails ? 'failed' : 'successful';
    if (!job.fails) job.apply();
  }

  /** A "pending" job runs to its end at hosting.de whether or not anyone calls jobsFind. */
  completePendingWrites(): void {
    for (const job of this.jobs.values()) if (job.state === 'pending') this.finish(job);
  }

  private jobsFind(body: Record<string, unknown>): RouteResult {
    const filter = body.filter as { field?: string; value?: string } | undefined;
    const job = filter?.field === 'JobServerTransactionId' ? this.jobs.get(String(filter.value)) : undefined;
    if (job && job.state === 'pending') {
      job.polls += 1;
      if (job.polls >= this.pollsToComplete) this.finish(job);
    }
    return this.reply('success', { data: job ? [{ id: job.id, state: job.state, serverTransactionId: job.id }] : [], totalEntries: job ? 1 : 0 });
  }
}

export async function startEmulator(opts: HostingdeEmulatorOptions = {}): Promise<HostingdeEmulator> {
  return new HostingdeEmulator(opts).start();
}

export type { Reply };

/**
 * Realtime Register REST API v2 emulator (https://dm.realtimeregister.com/docs/api), faithful to:
 *  - auth `Authorization: ApiKey <key>`, else 401 {type:"AuthenticationError"};
 *  - GET /v2/domains/{domainName} -> Domain {domainName, status[], ns[], dsData[], keyData[], ...};
 *    domain names are lower case only;
 *  - POST /v2/domains/{domainName}/update {ns?, dsData?, keyData?} (fields left out stay) ->
 *    200 with an empty body (`processMode = 'sync'`), or 202 with a process (`'async'`, the default)
 *    that is RUNNING for `pollsToComplete` polls of GET /v2/processes/{id}, then COMPLETED, and only
 *    then applied (or FAILED with a resultMessage, see failNextProcess);
 *  - dsData and keyData are mutually exclusive per domain; algorithms 3,5,6,7,8,10,12,13,14,15,16,17,23,
 *    digest types 1, 2, 4; flags 256/257, protocol 3;
 *  - errors {type, message} with the status of the errors page: ObjectDoesNotExist 400 (404 with
 *    `notFoundStatus = 404`, the other documented variant), ValidationError 400,
 *    UnrecognizedPropertyException 400, BillableAcknowledgmentNeededException 400 with billables,
 *    TooManyRequests 429.
 * UNCONFIRMED, chosen strictly (marked below too): the error field names (`type`, `message`); the
 * 202 body `{processId}` with no Location header; unknown name servers are 400 ValidationError; an
 * empty dsData/keyData list removes the data; 429 without Retry-After; no limit unless one is given
 * (none is published).
 */
import { DnssecRecord, dsFromDnskey } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { RealtimeRegisterDsData, RealtimeRegisterKeyData } from '../../../registrar-adapters/realtimeregister/wire-types';

const ALGORITHMS = new Set([3, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 23]);
const DIGEST_HEX: Record<number, number> = { 1: 40, 2: 64, 4: 96 };
const UPDATE_FIELDS = new Set(['ns', 'dsData', 'keyData', 'autoRenew', 'privacyProtect', 'registrant', 'contacts', 'authcode', 'status', 'zone', 'billables', 'languageCode', 'designatedAgent']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface RealtimeRegisterEmulatorOptions {
  apiKey?: string;
  /** Requests per window per key; none by default (none is published). */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

interface Domain {
  nameServers: string[];
  dsData: RealtimeRegisterDsData[];
  keyData: RealtimeRegisterKeyData[];
}

interface Process {
  id: number;
  domain: string;
  polls: number;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  failure?: string;
  apply: () => void;
}

export class RealtimeRegisterEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly apiKey: string;
  processMode: 'sync' | 'async' = 'async';
  pollsToComplete = 2;
  notFoundStatus: 400 | 404 = 400;
  /** Where a 202 names its process: the body's processId (default), the body's id, or only a Location header. */
  queuedAs: 'processId' | 'id' | 'location' = 'processId';
  /** The next update is refused as billable. */
  billableNext = false;
  /** Update bodies received (tests check what was sent). */
  readonly updates: { domain: string; body: Record<string, unknown> }[] = [];
  readonly processes = new Map<number, Process>();
  /** Answer the next GET of a domain with this instead (tests of answers of the wrong shape). */
  nextDomainReply?: RouteResult;
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private failures: string[] = [];
  private nextProcess = 31_000_001;

  constructor(opts: RealtimeRegisterEmulatorOptions = {}) {
    super();
    this.apiKey = opts.apiKey ?? 'rtr-key-SENTINEL-4c0ffee';
    this.http = new HttpEmulator(
      {
        name: 'realtimeregister',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, body: { type: 'TooManyRequests', message: 'Too many requests' } }),
        serverError: (status) => ({ status, body: { type: status === 503 ? 'ProviderUnavailable' : 'InternalSRSError', message: 'Internal error' } }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"domainName":"example.com","ns":["ns1.' }),
        accountOf: (req) => String(req.headers.authorization ?? ''),
      },
      { rateLimit: opts.rateLimit ?? undefined, port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { REALTIMEREGISTER_API_KEY: this.apiKey, NSBRIDGE_REALTIMEREGISTER_ENDPOINT: this.url, NSBRIDGE_REALTIMEREGISTER_POLL_INTERVAL: '20ms' };
  }

  secrets(): string[] {
    return [this.apiKey];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), REALTIMEREGISTER_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[]): void {
    const d = this.domain(domain);
    this.store.add(domain, nameServers, { dsData: d?.dsData ?? [], keyData: d?.keyData ?? [] });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** The next process ends FAILED with this message. */
  failNextProcess(message: string): void {
    this.failures.push(message);
  }

  /** Conformance hook: DS data (or DNSKEY data, with `asKeys`) as the domain would hold it. */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[], asKeys = false): void {
    const d = this.domain(domain);
    if (!d) throw new Error(`realtimeregister emulator: ${domain} is not in the account`);
    d.keyData = asKeys ? records.map((r) => ({ protocol: 3, flags: r.dnskey!.flags, algorithm: r.dnskey!.algorithm, publicKey: r.dnskey!.publicKey })) : [];
    d.dsData = asKeys ? [] : records.map((r) => ({ keyTag: r.ds.keyTag, algorithm: r.ds.algorithm, digestType: r.ds.digestType, digest: r.ds.digest }));
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const d = this.domain(domain);
    if (!d) return undefined;
    if (d.keyData.length) {
      return d.keyData.map((k) => {
        const dnskey = { flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey };
        return { ds: dsFromDnskey(domain, dnskey), dnskey };
      });
    }
    return d.dsData.map((s) => ({ ds: { keyTag: s.keyTag, algorithm: s.algorithm, digestType: s.digestType, digest: s.digest.toUpperCase() } }));
  }

  raw(domain: string): { dsData: RealtimeRegisterDsData[]; keyData: RealtimeRegisterKeyData[] } | undefined {
    const d = this.domain(domain);
    return d ? { dsData: [...d.dsData], keyData: [...d.keyData] } : undefined;
  }

  private domain(name: string): Domain | undefined {
    return this.store.get(name) as unknown as Domain | undefined;
  }

  private error(status: number, type: string, message: string, extra: Record<string, unknown> = {}): RouteResult {
    return { status, body: { type, message, ...extra } };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.headers.authorization !== `ApiKey ${this.apiKey}`) return this.error(401, 'AuthenticationError', 'Authentication failed');
    const proc = /^\/v2\/processes\/(\d+)$/.exec(req.path);
    if (proc && req.method === 'GET') return this.poll(Number(proc[1]));
    const m = /^\/v2\/domains\/([^/]+)(\/update)?$/.exec(req.path);
    if (!m) return this.error(404, 'NotFound', 'No such endpoint');
    const name = decodeURIComponent(m[1]!);
    // Domain names are lower case only.
    if (name !== name.toLowerCase()) return this.error(400, 'ValidationError', `Invalid domain name: ${name}`);
    const d = this.domain(name);
    if (!d) return this.error(this.notFoundStatus, 'ObjectDoesNotExist', `Domain ${name} does not exist`);
    if (!m[2] && req.method === 'GET') {
      const override = this.nextDomainReply;
      this.nextDomainReply = undefined;
      if (override) return override;
      return {
        status: 200,
        body: {
          domainName: name,
          registry: 'verisign',
          customer: 'nsbridge-test',
          registrant: 'jdoe-1',
          privacyProtect: false,
          status: ['OK'],
          autoRenew: true,
          ns: [...d.nameServers],
          childHosts: [],
          createdDate: '2020-01-01T00:00:00Z',
          expiryDate: '2030-01-01T00:00:00Z',
          dsData: d.dsData.map((s) => ({ ...s })),
          keyData: d.keyData.map((k) => ({ ...k })),
        },
      };
    }
    if (m[2] && req.method === 'POST') return this.update(req, name, d);
    return this.error(405, 'MethodNotAllowed', 'Method not allowed');
  }

  private update(req: EmulatedRequest, name: string, d: Domain): RouteResult {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return this.error(400, 'InvalidMessage', 'Request body is not a JSON object');
    const unknown = Object.keys(body).find((k) => !UPDATE_FIELDS.has(k));
    if (unknown) return this.error(400, 'UnrecognizedPropertyException', `Unrecognized field "${unknown}"`);
    if (this.billableNext) {
      this.billableNext = false;
      return this.error(400, 'BillableAcknowledgmentNeededException', 'Billable acknowledgment needed', { billables: [{ product: 'domain_com', action: 'UPDATE', quantity: 1 }] });
    }
    this.updates.push({ domain: name, body });
    let ns: string[] | undefined;
    if (body.ns !== undefined) {
      if (!Array.isArray(body.ns) || body.ns.some((n) => typeof n !== 'string')) return this.error(400, 'ValidationError', 'ns must be a list of host names');
      const list = body.ns as string[];
      if (list.length < 2 || list.length > 13) return this.error(400, 'ValidationError', 'ns: between 2 and 13 name servers');
      const bad = list.find((n) => !isRegisteredHost(n));
      if (bad) return this.error(400, 'ValidationError', `Host ${bad} does not exist`);
      ns = list;
    }
    const ds = body.dsData as RealtimeRegisterDsData[] | undefined;
    const keys = body.keyData as RealtimeRegisterKeyData[] | undefined;
    if (ds !== undefined && keys !== undefined) return this.error(400, 'ValidationError', 'dsData and keyData are mutually exclusive');
    if (ds !== undefined) {
      if (!Array.isArray(ds)) return this.error(400, 'ValidationError', 'dsData must be a list');
      if (ds.length && d.keyData.length) return this.error(400, 'ValidationError', 'The domain has keyData; dsData and keyData are mutually exclusive');
      for (const s of ds) {
        const hex = DIGEST_HEX[s?.digestType];
        const ok = Number.isInteger(s?.keyTag) && s.keyTag >= 0 && s.keyTag <= 65535 && ALGORITHMS.has(s.algorithm) && hex !== undefined && typeof s.digest === 'string' && new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(s.digest);
        if (!ok) return this.error(400, 'ValidationError', `Invalid dsData: ${JSON.stringify(s)}`);
      }
    }
    if (keys !== undefined) {
      if (!Array.isArray(keys)) return this.error(400, 'ValidationError', 'keyData must be a list');
      if (keys.length && d.dsData.length) return this.error(400, 'ValidationError', 'The domain has dsData; dsData and keyData are mutually exclusive');
      for (const k of keys) {
        const ok = k?.protocol === 3 && (k.flags === 256 || k.flags === 257) && ALGORITHMS.has(k.algorithm) && typeof k.publicKey === 'string' && BASE64.test(k.publicKey);
        if (!ok) return this.error(400, 'ValidationError', `Invalid keyData: ${JSON.stringify(k)}`);
      }
    }
    const apply = () => {
      if (ns) {
        d.nameServers = [...ns];
        this.onDelegationChange?.(name, [...ns]);
      }
      if (ds !== undefined || keys !== undefined) {
        if (ds !== undefined) d.dsData = ds.map((s) => ({ keyTag: s.keyTag, algorithm: s.algorithm, digestType: s.digestType, digest: s.digest }));
        if (keys !== undefined) d.keyData = keys.map((k) => ({ protocol: k.protocol, flags: k.flags, algorithm: k.algorithm, publicKey: k.publicKey }));
        this.onDnssecChange?.(name, this.dnssecRecordsOf(name) ?? []);
      }
    };
    if (this.processMode === 'sync') {
      apply();
      return { status: 200, body: '', write: true };
    }
    const id = this.nextProcess++;
    this.processes.set(id, { id, domain: name, polls: 0, status: 'RUNNING', failure: this.failures.shift(), apply });
    if (this.queuedAs === 'location') return { status: 202, headers: { Location: `/v2/processes/${id}` }, body: '', write: true };
    return { status: 202, body: this.queuedAs === 'id' ? { id } : { processId: id }, write: true };
  }

  private finish(p: Process): void {
    if (p.failure) p.status = 'FAILED';
    else {
      p.status = 'COMPLETED';
      p.apply();
    }
  }

  /** A RUNNING process ends at Realtime Register whether or not anyone reads GET /v2/processes/{id}. */
  completePendingWrites(): void {
    for (const p of this.processes.values()) if (p.status === 'RUNNING') this.finish(p);
  }

  private poll(id: number): RouteResult {
    const p = this.processes.get(id);
    if (!p) return this.error(this.notFoundStatus, 'ObjectDoesNotExist', `Process ${id} does not exist`);
    p.polls += 1;
    if (p.status === 'RUNNING' && p.polls >= this.pollsToComplete) this.finish(p);
    return {
      status: 200,
      body: { id, user: 'api', customer: 'nsbridge-test', action: 'update', type: 'domain', identifier: p.domain, status: p.status, createdDate: '2026-01-01T00:00:00Z', ...(p.status === 'FAILED' ? { resultMessage: p.failure } : {}) },
    };
  }
}

export async function startEmulator(opts: RealtimeRegisterEmulatorOptions = {}): Promise<RealtimeRegisterEmulator> {
  return new RealtimeRegisterEmulator(opts).start();
}

export type { Reply };

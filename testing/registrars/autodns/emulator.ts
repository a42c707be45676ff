/**
 * AutoDNS / InterNetX Domainrobot JSON API emulator (https://help.internetx.com/display/APIXMLEN/JSON+API+Basics;
 * spec: https://github.com/InterNetX/php-domainrobot-sdk src/Lib/specs.json), faithful to:
 *  - HTTP Basic user:password and X-Domainrobot-Context (the user's context), else 401 with the
 *    envelope {stid, status{code, text, type:"ERROR"}, messages[]}; a User-Agent is mandatory;
 *  - GET /v1/domain/{name} -> {status{type:"SUCCESS"}, data:[Domain]} with nameServers[{name, ttl,
 *    ipAddresses}], dnssec, dnssecData[{algorithm, flags, protocol, publicKey}];
 *  - PUT /v1/domain/{name} Domain -> 200 {status{type:"NOTIFY"}, data:[{job:{id, status:"RUNNING"}}]};
 *    the change applies when the job ends: GET /v1/job/{id} is RUNNING for `pollsToComplete - 1`
 *    polls, then SUCCESS (or FAILED, see failNextJob); an omitted dnssecData keeps the keys, [] deletes them;
 *  - 3 requests per second per IP, 429 with the ERROR envelope.
 * UNCONFIRMED, chosen strictly (marked below too): optional Domain fields left out of a PUT are
 * reset (privacy false, comment "", remarks [], autoRenewStatus "TRUE", authinfo ""): the docs do not
 * say, and a client that sends a partial object must lose them here; the not-in-account answer is
 * 404 with code E0105 (`notFoundAsEmptyData` answers 200 with empty data, the variant DNSControl
 * handles); unknown name servers are 400 EF02003; a bad DNSKEY is 400 EF02027; no Retry-After on 429;
 * with `demoOnly`, requests without X-Domainrobot-Demo: true are refused (the demo system).
 */
import { DnssecRecord, dsFromDnskey } from '../../../core/dnssec';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import type { AutodnsDnssecKey } from '../../../registrar-adapters/autodns/wire-types';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const RESET_WHEN_LEFT_OUT: Record<string, () => unknown> = {
  privacy: () => false,
  comment: () => '',
  remarks: () => [],
  autoRenewStatus: () => 'TRUE',
  authinfo: () => '',
};
const PUBLISHED_LIMIT = { requests: 3, perMs: 1_000 };

export interface AutodnsEmulatorOptions {
  user?: string;
  password?: string;
  context?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

interface Job {
  id: number;
  polls: number;
  status: 'RUNNING' | 'SUCCESS' | 'FAILED';
  fails: boolean;
  apply: () => void;
}

export class AutodnsEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly user: string;
  readonly password: string;
  readonly context: string;
  pollsToComplete = 2;
  notFoundAsEmptyData = false;
  /** Only requests with X-Domainrobot-Demo: true are served (the demo system). */
  demoOnly = false;
  /** Answer the PUT with 202 instead of 200 (the variant DNSControl re-sends on). */
  updateStatus: 200 | 202 = 200;
  /** Bodies of the PUTs received. */
  readonly updates: Record<string, unknown>[] = [];
  readonly jobs = new Map<number, Job>();
  /** Headers of every request (tests check context and demo headers). */
  readonly seen: { context?: string; demo?: string; userAgent?: string }[] = [];
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  private failNext = false;
  private nextJob = 4_711_001;

  constructor(opts: AutodnsEmulatorOptions = {}) {
    super();
    this.user = opts.user ?? 'nsbridge-api';
    this.password = opts.password ?? 'adns-pass-SENTINEL-3e7d';
    this.context = opts.context ?? '4';
    this.http = new HttpEmulator(
      {
        name: 'autodns',
        handle: (req) => this.handle(req),
        rateLimited: () => ({ status: 429, body: this.envelope('ERROR', [], { code: 'E0001', text: 'Too many requests' }) }),
        serverError: (status) => ({ status, body: this.envelope('ERROR', [], { code: 'E0000', text: 'Internal error' }) }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"stid":"x","status":{"type":"SUCCESS"},"data":[{"name' }),
        // Counted per IP address; every client of a loopback emulator has the same one.
        accountOf: () => undefined,
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? PUBLISHED_LIMIT), port: opts.port },
    );
  }

  env(): Record<string, string> {
    return {
      AUTODNS_API_USER: this.user,
      AUTODNS_API_PASSWORD: this.password,
      AUTODNS_CONTEXT: this.context,
      NSBRIDGE_AUTODNS_ENDPOINT: this.url,
      NSBRIDGE_AUTODNS_POLL_INTERVAL: '20ms',
    };
  }

  secrets(): string[] {
    return [this.password, Buffer.from(`${this.user}:${this.password}`).toString('base64')];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), AUTODNS_API_PASSWORD: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[], fields: Record<string, unknown> = {}): void {
    const name = domain.toLowerCase();
    const existing = this.store.get(name);
    this.store.add(name, nameServers, {
      fields: {
        name,
        idn: name,
        privacy: true,
        comment: 'managed by nsbridge tests',
        remarks: ['keep'],
        autoRenewStatus: 'FALSE',
        authinfo: 'Auth-4711',
        ownerc: { id: 1001 },
        adminc: { id: 1002 },
        techc: { id: 1003 },
        zonec: { id: 1003 },
        registryStatus: 'ACTIVE',
        created: '2020-01-01T00:00:00.000+0000',
        updated: '2020-01-01T00:00:00.000+0000',
        ...fields,
      },
      dnssecData: (existing?.dnssecData as AutodnsDnssecKey[] | undefined) ?? [],
    });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** The Domain object as AutoDNS holds it now. */
  domainObject(domain: string): Record<string, unknown> | undefined {
    const d = this.store.get(domain);
    return d ? this.view(d) : undefined;
  }

  failNextJob(): void {
    this.failNext = true;
  }

  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const d = this.store.get(domain);
    if (!d) throw new Error(`autodns emulator: ${domain} is not in the account`);
    d.dnssecData = records.map((r) => {
      if (!r.dnskey) throw new Error('autodns emulator: AutoDNS holds DNSKEYs, not bare DS records');
      return { algorithm: r.dnskey.algorithm, flags: r.dnskey.flags, protocol: r.dnskey.protocol, publicKey: r.dnskey.publicKey };
    });
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const d = this.store.get(domain);
    if (!d) return undefined;
    return (d.dnssecData as AutodnsDnssecKey[]).map((k) => {
      const dnskey = { flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey };
      return { ds: dsFromDnskey(domain, dnskey), dnskey };
    });
  }

  private view(d: { nameServers: string[]; [key: string]: unknown }): Record<string, unknown> {
    const keys = d.dnssecData as AutodnsDnssecKey[];
    return JSON.parse(
      JSON.stringify({
        ...(d.fields as Record<string, unknown>),
        nameServers: d.nameServers.map((name) => ({ name, ttl: 86400, ipAddresses: [] })),
        dnssec: keys.length > 0,
        dnssecData: keys,
      }),
    );
  }

  private envelope(type: string, data: unknown[], status: { code?: string; text?: string } = {}, messages: unknown[] = []): Record<string, unknown> {
    return { stid: `20260101-stid-${Date.now()}`, status: { code: status.code ?? 'S0000', text: status.text ?? 'ok', type }, messages, data };
  }

  private error(status: number, code: string, text: string): RouteResult {
    return { status, body: this.envelope('ERROR', [], { code, text }, [{ code, text, status: 'ERROR' }]) };
  }

  private handle(req: EmulatedRequest): RouteResult {
    this.seen.push({ context: req.headers['x-domainrobot-context'] as string | undefined, demo: req.headers['x-domainrobot-demo'] as string | undefined, userAgent: req.headers['user-agent'] });
    if (!req.headers['user-agent']) return this.error(400, 'E0002', 'User-Agent header is required');
    const basic = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    if (req.headers.authorization !== basic || req.headers['x-domainrobot-context'] !== this.context) {
      return this.error(401, 'E0004', 'Authentication error');
    }
    if (this.demoOnly && req.headers['x-domainrobot-demo'] !== 'true') return this.error(401, 'E0004', 'Authentication error (demo system)');
    const job = /^\/v1\/job\/(\d+)$/.exec(req.path);
    if (job && req.method === 'GET') return this.poll(Number(job[1]));
    const m = /^\/v1\/domain\/([^/]+)$/.exec(req.path);
    if (!m) return this.error(404, 'E0404', 'Not found');
    const name = decodeURIComponent(m[1]!).toLowerCase();
    const d = this.store.get(name);
    if (!d) return this.notFoundAsEmptyData ? { status: 200, body: this.envelope('SUCCESS', []) } : this.error(404, 'E0105', 'Domain not found');
    if (req.method === 'GET') return { status: 200, body: this.envelope('SUCCESS', [this.view(d)], { code: 'S0105', text: 'Domain data inquired successfully' }) };
    if (req.method === 'PUT') return this.update(req, name, d);
    return this.error(405, 'E0405', 'Method not allowed');
  }

  private update(req: EmulatedRequest, name: string, d: { nameServers: string[]; [key: string]: unknown }): RouteResult {
    const body = req.json as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return this.error(400, 'E0003', 'Invalid JSON');
    this.updates.push(JSON.parse(JSON.stringify(body)));
    let names: string[] | undefined;
    if (body.nameServers !== undefined) {
      const ns = body.nameServers;
      if (!Array.isArray(ns) || ns.some((n) => typeof n !== 'object' || n === null || typeof (n as { name?: unknown }).name !== 'string')) {
        return this.error(400, 'EF02003', 'Invalid name servers');
      }
      names = (ns as { name: string }[]).map((n) => n.name);
      if (names.length < 2 || names.length > 13) return this.error(400, 'EF02003', 'Between 2 and 13 name servers are needed');
      const bad = names.find((n) => !isRegisteredHost(n));
      if (bad) return this.error(400, 'EF02003', `Name server ${bad} could not be resolved`);
    }
    let keys: AutodnsDnssecKey[] | undefined;
    if (body.dnssecData !== undefined && body.dnssecData !== null) {
      if (!Array.isArray(body.dnssecData)) return this.error(400, 'EF02027', 'dnssecData must be a list');
      for (const k of body.dnssecData as Record<string, unknown>[]) {
        const ok = k && (k.flags === 256 || k.flags === 257) && k.protocol === 3 && Number.isInteger(k.algorithm) && typeof k.publicKey === 'string' && BASE64.test(k.publicKey);
        if (!ok) return this.error(400, 'EF02027', `Invalid DNSSEC key ${JSON.stringify(k)}`);
      }
      keys = (body.dnssecData as AutodnsDnssecKey[]).map((k) => ({ algorithm: k.algorithm, flags: k.flags, protocol: k.protocol, publicKey: k.publicKey }));
    }
    const fields = d.fields as Record<string, unknown>;
    const next: Record<string, unknown> = {};
    for (const [key, reset] of Object.entries(RESET_WHEN_LEFT_OUT)) next[key] = key in body ? JSON.parse(JSON.stringify(body[key])) : reset();
    const id = this.nextJob++;
    this.jobs.set(id, {
      id,
      polls: 0,
      status: 'RUNNING',
      fails: this.failNext,
      apply: () => {
        Object.assign(fields, next);
        if (names) {
          d.nameServers = [...names];
          this.onDelegationChange?.(name, [...names]);
        }
        if (keys) {
          d.dnssecData = keys;
          this.onDnssecChange?.(name, this.dnssecRecordsOf(name) ?? []);
        }
      },
    });
    this.failNext = false;
    return { status: this.updateStatus, body: this.envelope('NOTIFY', [{ job: { id, status: 'RUNNING' }, object: { type: 'Domain', value: name } }], { code: 'N0102', text: 'Domain update started' }), write: true };
  }

  private finish(job: Job): void {
    job.status = job.fails ? 'FAILED' : 'SUCCESS';
    if (!job.fails) job.apply();
  }

  /** A RUNNING job ends at AutoDNS whether or not anyone reads GET /v1/job/{id}. */
  completePendingWrites(): void {
    for (const job of this.jobs.values()) if (job.status === 'RUNNING') this.finish(job);
  }

  private poll(id: number): RouteResult {
    const job = this.jobs.get(id);
    if (!job) return this.error(404, 'E0404', `Job ${id} not found`);
    if (job.status === 'RUNNING') {
      job.polls += 1;
      if (job.polls >= this.pollsToComplete) this.finish(job);
    }
    return {
      status: 200,
      body: this.envelope('SUCCESS', [{ id, status: job.status, subStatus: job.status === 'FAILED' ? 'REGISTRY_ERROR' : null, action: 'UPDATE' }], {}, job.status === 'FAILED' ? [{ code: 'EF01001', text: 'Registry refused the update', status: 'ERROR' }] : []),
    };
  }
}

export async function startEmulator(opts: AutodnsEmulatorOptions = {}): Promise<AutodnsEmulator> {
  return new AutodnsEmulator(opts).start();
}

export type { Reply };

/**
 * Amazon Route 53 Domains emulator (https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53_Domains.html): the AWS JSON 1.1
 * protocol on loopback, faithful to:
 *  - every call is `POST /` with `X-Amz-Target: Route53Domains_v20140515.<Op>` and
 *    `Content-Type: application/x-amz-json-1.1`; PascalCase members; epoch-second timestamps;
 *  - SigV4, VERIFIED (sigv4.ts): unknown key -> 403 UnrecognizedClientException, wrong secret or
 *    a scope other than us-east-1/route53domains -> 403 InvalidSignatureException;
 *  - GetDomainDetail -> Nameservers[{Name}]; a domain not in the account is 400 InvalidInput;
 *  - UpdateDomainNameservers validates entries as botocore's model does (Name required, at most
 *    255 characters, pattern [a-zA-Z0-9_\-.]*; GlueIps at most one IPv4 and one IPv6) and returns
 *    an OperationId; a second change while one is in progress for the domain is DuplicateRequest;
 *  - GetOperationDetail: SUBMITTED / IN_PROGRESS for a configurable number of polls, then
 *    SUCCESSFUL (the delegation changes only then), ERROR or FAILED; StatusFlag on request;
 *  - ListOperations with Status/Type filters and MaxItems/Marker paging;
 *  - DNSSEC: AssociateDelegationSignerToDomain {DomainName, SigningAttributes{Algorithm, Flags,
 *    PublicKey}} takes the DNSKEY (AWS computes the DS) and DisassociateDelegationSignerFromDomain
 *    {DomainName, Id} removes one by the Id GetDomainDetail lists in DnssecKeys[{Algorithm, Flags,
 *    PublicKey, DigestType, Digest, KeyTag, Id}]; both return an OperationId (ADD_DNSSEC /
 *    REMOVE_DNSSEC) that moves like a name-server change, the keys changing only at SUCCESSFUL;
 *    errors DnssecLimitExceeded (add), TLDRulesViolation, DuplicateRequest, InvalidInput;
 *  - errors: HTTP 400 `{"__type", "message"}` with `x-amzn-RequestId`.
 * Progress is counted in polls, not seconds (the real service takes seconds to minutes), so tests
 * choose how long an operation stays in progress.
 *
 * UNCONFIRMED, chosen strictly (each is something a client must survive):
 *  - throttling: 400 `ThrottlingException` "Rate exceeded" with NO retry hint (AWS is not known to
 *    send Retry-After here), limit 5 requests per 5 s per access key by default (no published quota);
 *  - model validation failures are `InvalidInput` (the service's modeled validation error);
 *  - name servers ending in `.invalid` (hosts that do not exist) are refused synchronously with
 *    `InvalidInput` by default; `unknownHosts = 'operation'` models the other plausible behaviour,
 *    an accepted request whose operation then ends FAILED;
 *  - glue: GlueIps on a host outside the domain, or none on a host inside it, is InvalidInput;
 *  - an empty Nameservers list is InvalidInput;
 *  - unknown members in a request are ignored (as AWS JSON services do);
 *  - AccessDeniedException (for `deny`) is HTTP 400; auth failures are 403;
 *  - the exact `message` texts;
 *  - DNSSEC: a JSON string where an integer member is expected (Algorithm "13") is
 *    SerializationException, as AWS JSON services answer type mismatches; Flags other than 257/256,
 *    an algorithm IANA does not list, a PublicKey that is not base64 (or over 32768 characters),
 *    a key the domain already has, and an Id the domain does not have are InvalidInput; at most
 *    `maxDnssecKeys` keys (default 4, counting additions in progress) before DnssecLimitExceeded;
 *    TLDs in `dnssecUnsupportedTlds` answer TLDRulesViolation; ANY operation in progress for the
 *    domain (name servers or DNSSEC) makes another change DuplicateRequest; an Id is a UUID;
 *    DS digests are SHA-256 (DigestType 2), in upper case.
 */
import { randomUUID } from 'node:crypto';
import { ALGORITHM_NAMES, DnssecRecord, dsFromDnskey } from '../../../core/dnssec';
import { isIP } from 'node:net';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { accessKeyIdOf, SigningKey, verifySigV4 } from './sigv4';
import {
  DnssecKey,
  GetOperationDetailResponse,
  JSON_CONTENT_TYPE,
  ListOperationsResponse,
  OperationStatus,
  OperationSummary,
  SIGNING_REGION,
  SIGNING_SERVICE,
  StatusFlag,
  TARGET_PREFIX,
} from '../../../registrar-adapters/route53domains/wire-types';

/** How the next UpdateDomainNameservers operations run. */
export interface OperationPlan {
  /** Polls answered SUBMITTED/IN_PROGRESS before the operation ends (default 0; Infinity = never ends). */
  readonly pendingPolls?: number;
  /** How it ends (default SUCCESSFUL). */
  readonly outcome?: 'SUCCESSFUL' | 'ERROR' | 'FAILED';
  /** Message of an ERROR/FAILED end. */
  readonly message?: string;
  /** StatusFlag reported while in progress (a person must act). */
  readonly statusFlag?: StatusFlag;
}

/** A DS record at the registry as GetDomainDetail lists it: every member present but Flags/PublicKey. */
export type EmulatedDnssecKey = Required<Omit<DnssecKey, 'Flags' | 'PublicKey'>> & Pick<DnssecKey, 'Flags' | 'PublicKey'>;

type OperationType = 'UPDATE_NAMESERVER' | 'ADD_DNSSEC' | 'REMOVE_DNSSEC';

interface EmulatedOperation {
  readonly id: string;
  readonly domain: string;
  readonly type: OperationType;
  /** UPDATE_NAMESERVER: the new set (empty for the DNSSEC types). */
  readonly nameServers: string[];
  /** ADD_DNSSEC: the key to add; REMOVE_DNSSEC: the Id to remove. */
  readonly dnssecKey?: EmulatedDnssecKey;
  readonly dnssecKeyId?: string;
  readonly plan: Required<Pick<OperationPlan, 'pendingPolls' | 'outcome'>> & OperationPlan;
  readonly submitted: number;
  status: OperationStatus;
  polls: number;
  lastUpdated: number;
  message?: string;
}

export interface Route53DomainsEmulatorOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Requests per window per access key (default 5 per 5 s, UNCONFIRMED); null = none. */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

const OPERATIONS = new Set([
  'GetDomainDetail',
  'UpdateDomainNameservers',
  'GetOperationDetail',
  'ListOperations',
  'AssociateDelegationSignerToDomain',
  'DisassociateDelegationSignerFromDomain',
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const NAME_PATTERN = /^[a-zA-Z0-9_\-.]*$/;
const IN_PROGRESS: readonly OperationStatus[] = ['SUBMITTED', 'IN_PROGRESS'];
const epoch = (ms: number) => Math.round(ms) / 1000;

export class Route53DomainsEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId = '123456789012';
  readonly keys = new Map<string, SigningKey>();
  readonly operations = new Map<string, EmulatedOperation>();
  /** Applies to every operation (name servers and DNSSEC) submitted from now on. */
  operationPlan: OperationPlan = {};
  /** How hosts that do not exist (`.invalid`) are refused: at once, or by a FAILED operation. */
  unknownHosts: 'request' | 'operation' = 'request';
  /** Operations in progress allowed per account before OperationLimitExceeded. */
  maxOperationsInProgress = Infinity;
  /** Operations the caller's IAM policy does not allow (AccessDeniedException). */
  readonly deny = new Set<string>();
  /** DS records per domain before DnssecLimitExceeded (UNCONFIRMED; additions in progress count). */
  maxDnssecKeys = 4;
  /** TLDs whose registry takes no DS records through Route 53 Domains (TLDRulesViolation). */
  readonly dnssecUnsupportedTlds = new Set<string>();
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  /** Every call that passed authentication, with its target and input (for assertions). */
  readonly calls: { op: string; input: Record<string, unknown>; accessKeyId: string; amzTarget: string }[] = [];

  constructor(opts: Route53DomainsEmulatorOptions = {}) {
    super();
    this.accessKeyId = opts.accessKeyId ?? 'AKIANSBRIDGEEMU00001';
    this.secretAccessKey = opts.secretAccessKey ?? 'r53-secret-SENTINEL-4f7a9c2e1b';
    this.keys.set(this.accessKeyId, { secretAccessKey: this.secretAccessKey });
    this.http = new HttpEmulator(
      {
        name: 'route53domains',
        handle: (req) => this.handle(req),
        rateLimited: () => this.error(400, 'ThrottlingException', 'Rate exceeded'),
        serverError: (status) =>
          status === 503
            ? this.error(503, 'ServiceUnavailable', 'Service is unavailable. Please try again later.')
            : this.error(status, 'InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.'),
        malformed: () => ({ status: 200, headers: this.headers(), body: '{"DomainName": "exa' }),
        accountOf: (req) => accessKeyIdOf(req),
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 5, perMs: 5_000 }), port: opts.port },
    );
  }

  /**
   * What the CLI needs to talk to this emulator. AWS_REGION is deliberately NOT us-east-1: the
   * adapter must pin the region itself (the emulator refuses any other credential scope). The
   * shared AWS config files point nowhere so a developer's ~/.aws cannot change a test run.
   */
  env(): Record<string, string> {
    return {
      AWS_ACCESS_KEY_ID: this.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.secretAccessKey,
      AWS_REGION: 'eu-west-3',
      AWS_ENDPOINT_URL_ROUTE_53_DOMAINS: this.url,
      AWS_CONFIG_FILE: '/nonexistent/nsbridge-route53domains-emulator/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/nsbridge-route53domains-emulator/credentials',
      NSBRIDGE_ROUTE53DOMAINS_POLL_INTERVAL: '20ms',
    };
  }

  secrets(): string[] {
    return [this.secretAccessKey, ...[...this.keys.values()].flatMap((k) => [k.secretAccessKey, k.sessionToken ?? ''])].filter(Boolean);
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), AWS_SECRET_ACCESS_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  /** Another credential the emulator accepts (e.g. temporary keys with a session token). */
  addKey(accessKeyId: string, key: SigningKey): void {
    this.keys.set(accessKeyId, key);
  }

  /** Put a domain in the account (fresh: any operation in progress for it is forgotten). */
  addDomain(domain: string, nameServers: string[]): void {
    const name = domain.toLowerCase();
    for (const [id, op] of this.operations) if (op.domain === name) this.operations.delete(id);
    this.store.add(name, nameServers, { registryDomainId: `${2_000_000 + this.store.domains.size}_DOMAIN_COM-VRSN`, created: Date.now() - 400 * 86_400_000 });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** Put DS records at the registry as Route 53 Domains lists them (a bare DS has no Flags/PublicKey). */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const entry = this.store.get(domain);
    if (!entry) throw new Error(`route53domains emulator: ${domain} is not in the account`);
    entry.dnssecKeys = records.map((r): EmulatedDnssecKey =>
      r.dnskey
        ? this.keyFor(domain.toLowerCase(), r.dnskey.algorithm, r.dnskey.flags, r.dnskey.publicKey)
        : { Algorithm: r.ds.algorithm, DigestType: r.ds.digestType, Digest: r.ds.digest, KeyTag: r.ds.keyTag, Id: randomUUID() },
    );
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    if (!this.store.get(domain)) return undefined;
    return this.keysOf(domain).map((k) => {
      const ds = { keyTag: k.KeyTag, algorithm: k.Algorithm, digestType: k.DigestType, digest: k.Digest.toUpperCase() };
      return k.PublicKey !== undefined && k.Flags !== undefined
        ? { ds, dnskey: { flags: k.Flags, protocol: 3, algorithm: k.Algorithm, publicKey: k.PublicKey }, registrarId: k.Id }
        : { ds, registrarId: k.Id };
    });
  }

  private keysOf(domain: string): EmulatedDnssecKey[] {
    const entry = this.store.get(domain)!;
    entry.dnssecKeys ??= [];
    return entry.dnssecKeys as EmulatedDnssecKey[];
  }

  /** The DS AWS computes for a DNSKEY (SHA-256). */
  private keyFor(domain: string, algorithm: number, flags: number, publicKey: string): EmulatedDnssecKey {
    const ds = dsFromDnskey(domain, { flags, protocol: 3, algorithm, publicKey });
    return { Algorithm: algorithm, Flags: flags, PublicKey: publicKey, DigestType: ds.digestType, Digest: ds.digest, KeyTag: ds.keyTag, Id: randomUUID() };
  }

  /** Start a name-server change as if another client had submitted it (for DuplicateRequest tests). */
  startOperation(domain: string, nameServers: string[], plan: OperationPlan = {}): string {
    return this.createOperation(domain.toLowerCase(), nameServers, plan).id;
  }

  /** Operations the emulator has seen, newest last. */
  operationsOf(domain: string): EmulatedOperation[] {
    return [...this.operations.values()].filter((o) => o.domain === domain.toLowerCase());
  }

  private headers(): Record<string, string> {
    return { 'Content-Type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': randomUUID() };
  }

  private error(status: number, type: string, message: string, extra: Record<string, unknown> = {}): RouteResult {
    return { status, headers: this.headers(), body: { __type: type, message, ...extra } };
  }

  private ok(body: unknown, write = false): RouteResult {
    return { status: 200, headers: this.headers(), body, write };
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.method !== 'POST' || req.path !== '/') {
      return this.error(404, 'UnknownOperationException', `Unknown operation ${req.method} ${req.path}`);
    }
    const auth = verifySigV4(req, this.keys, { region: SIGNING_REGION, service: SIGNING_SERVICE });
    if (!auth.ok) return this.error(auth.status, auth.type, auth.message);

    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (!OPERATIONS.has(op)) return this.error(400, 'UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
    if (String(req.headers['content-type'] ?? '').split(';')[0]!.trim() !== JSON_CONTENT_TYPE) {
      return this.error(400, 'SerializationException', `Content-Type must be ${JSON_CONTENT_TYPE}`);
    }
    const input = req.json;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return this.error(400, 'SerializationException', 'Start of structure or map found where not expected.');
    }
    const body = input as Record<string, unknown>;
    this.calls.push({ op, input: body, accessKeyId: auth.accessKeyId, amzTarget: target });
    if (this.deny.has(op)) {
      return this.error(400, 'AccessDeniedException', `User: arn:aws:iam::${this.accountId}:user/nsbridge is not authorized to perform: route53domains:${op} because no identity-based policy allows the route53domains:${op} action`);
    }
    switch (op) {
      case 'GetDomainDetail':
        return this.getDomainDetail(body);
      case 'UpdateDomainNameservers':
        return this.updateDomainNameservers(body);
      case 'GetOperationDetail':
        return this.getOperationDetail(body);
      case 'AssociateDelegationSignerToDomain':
        return this.associateDelegationSigner(body);
      case 'DisassociateDelegationSignerFromDomain':
        return this.disassociateDelegationSigner(body);
      default:
        return this.listOperations(body);
    }
  }

  private domainOf(body: Record<string, unknown>): { name: string } | RouteResult {
    const name = body.DomainName;
    if (typeof name !== 'string' || name === '') {
      return this.error(400, 'InvalidInput', '1 validation error detected: Value null at \'domainName\' failed to satisfy constraint: Member must not be null');
    }
    if (name.length > 255 || !name.includes('.')) {
      return this.error(400, 'InvalidInput', `Errors: [domain name must contain more than 1 label]`);
    }
    return { name: name.toLowerCase() };
  }

  private notInAccount(name: string): RouteResult {
    // The real message text is UNCONFIRMED; the type (InvalidInput, not a 404) is documented.
    return this.error(400, 'InvalidInput', `Domain ${name} not found in account ${this.accountId}`);
  }

  private getDomainDetail(body: Record<string, unknown>): RouteResult {
    const d = this.domainOf(body);
    if ('status' in d) return d;
    const entry = this.store.get(d.name);
    if (!entry) return this.notInAccount(d.name);
    const created = entry.created as number;
    return this.ok({
      DomainName: d.name,
      Nameservers: entry.nameServers.map((Name) => ({ Name })),
      AutoRenew: true,
      AdminPrivacy: true,
      RegistrantPrivacy: true,
      TechPrivacy: true,
      RegistrarName: 'Amazon Registrar, Inc.',
      WhoIsServer: 'whois.registrar.amazon',
      RegistrarUrl: 'http://registrar.amazon.com',
      AbuseContactEmail: 'abuse@amazonaws.com',
      RegistryDomainId: entry.registryDomainId,
      CreationDate: epoch(created),
      UpdatedDate: epoch(Date.now()),
      ExpirationDate: epoch(created + 730 * 86_400_000),
      StatusList: ['clientTransferProhibited'],
      DnssecKeys: this.keysOf(d.name).map((k) => ({ ...k })),
    });
  }

  private validateNameservers(domain: string, list: unknown): string | undefined {
    if (!Array.isArray(list)) return '1 validation error detected: Value null at \'nameservers\' failed to satisfy constraint: Member must not be null';
    if (list.length === 0) return 'At least one name server is required';
    for (const [i, entry] of list.entries()) {
      const at = `nameservers.${i + 1}.member`;
      if (typeof entry !== 'object' || entry === null) return `Value at '${at}' must be a structure`;
      const { Name, GlueIps } = entry as { Name?: unknown; GlueIps?: unknown };
      if (typeof Name !== 'string') return `1 validation error detected: Value null at '${at}.name' failed to satisfy constraint: Member must not be null`;
      if (Name.length > 255) return `1 validation error detected: Value '${Name}' at '${at}.name' failed to satisfy constraint: Member must have length less than or equal to 255`;
      if (!NAME_PATTERN.test(Name)) {
        return `1 validation error detected: Value '${Name}' at '${at}.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_\\-.]*`;
      }
      const host = Name.toLowerCase().replace(/\.$/, '');
      const inside = host === domain || host.endsWith(`.${domain}`);
      if (GlueIps !== undefined) {
        if (!Array.isArray(GlueIps) || GlueIps.some((ip) => typeof ip !== 'string' || ip.length > 45 || !isIP(ip))) return `Invalid glue IPs for name server ${Name}`;
        if (GlueIps.filter((ip) => isIP(ip) === 4).length > 1 || GlueIps.filter((ip) => isIP(ip) === 6).length > 1) {
          return `Glue IPs for name server ${Name} can contain only one IPv4 and one IPv6 address`;
        }
        if (GlueIps.length > 0 && !inside) return `Glue IPs are only allowed for name servers under ${domain}, not for ${Name}`;
      }
      if (inside && (!Array.isArray(GlueIps) || GlueIps.length === 0)) return `Name server ${Name} is under ${domain} and needs glue IPs`;
    }
    return undefined;
  }

  private inProgressFor(domain: string): EmulatedOperation | undefined {
    return [...this.operations.values()].find((o) => o.domain === domain && IN_PROGRESS.includes(o.status));
  }

  private createOperation(
    domain: string,
    nameServers: string[],
    plan: OperationPlan,
    dnssec: { type: 'ADD_DNSSEC'; key: EmulatedDnssecKey } | { type: 'REMOVE_DNSSEC'; id: string } | undefined = undefined,
  ): EmulatedOperation {
    const now = Date.now();
    const op: EmulatedOperation = {
      id: randomUUID(),
      domain,
      type: dnssec?.type ?? 'UPDATE_NAMESERVER',
      nameServers: [...nameServers],
      ...(dnssec?.type === 'ADD_DNSSEC' ? { dnssecKey: dnssec.key } : {}),
      ...(dnssec?.type === 'REMOVE_DNSSEC' ? { dnssecKeyId: dnssec.id } : {}),
      plan: { ...plan, pendingPolls: plan.pendingPolls ?? 0, outcome: plan.outcome ?? 'SUCCESSFUL' },
      submitted: now,
      status: 'SUBMITTED',
      polls: 0,
      lastUpdated: now,
    };
    this.operations.set(op.id, op);
    return op;
  }

  private updateDomainNameservers(body: Record<string, unknown>): RouteResult {
    const d = this.domainOf(body);
    if ('status' in d) return d;
    const invalid = this.validateNameservers(d.name, body.Nameservers);
    if (invalid) return this.error(400, 'InvalidInput', invalid);
    const entry = this.store.get(d.name);
    if (!entry) return this.notInAccount(d.name);
    if (this.inProgressFor(d.name)) return this.error(400, 'DuplicateRequest', 'The request is already in progress for the domain.', { requestId: randomUUID() });
    const inProgress = [...this.operations.values()].filter((o) => IN_PROGRESS.includes(o.status)).length;
    if (inProgress >= this.maxOperationsInProgress) {
      return this.error(400, 'OperationLimitExceeded', 'The number of operations or jobs running exceeded the allowed threshold for the account.');
    }
    const names = (body.Nameservers as { Name: string }[]).map((n) => n.Name);
    const unknown = names.filter((n) => !isRegisteredHost(n));
    if (unknown.length && this.unknownHosts === 'request') {
      return this.error(400, 'InvalidInput', `Name server ${unknown[0]} is not a valid host: it does not resolve`);
    }
    const plan: OperationPlan = unknown.length
      ? { ...this.operationPlan, outcome: 'FAILED', message: `The registry rejected the name servers: host ${unknown[0]} does not exist` }
      : this.operationPlan;
    const op = this.createOperation(d.name, names, plan);
    return this.ok({ OperationId: op.id }, true);
  }

  /** What every change checks before it becomes an operation: one at a time per domain, a few per account. */
  private busy(domain: string): RouteResult | undefined {
    if (this.inProgressFor(domain)) return this.error(400, 'DuplicateRequest', 'The request is already in progress for the domain.', { requestId: randomUUID() });
    const inProgress = [...this.operations.values()].filter((o) => IN_PROGRESS.includes(o.status)).length;
    if (inProgress >= this.maxOperationsInProgress) {
      return this.error(400, 'OperationLimitExceeded', 'The number of operations or jobs running exceeded the allowed threshold for the account.');
    }
    return undefined;
  }

  private associateDelegationSigner(body: Record<string, unknown>): RouteResult {
    const d = this.domainOf(body);
    if ('status' in d) return d;
    const attrs = body.SigningAttributes;
    if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) {
      return this.error(400, 'InvalidInput', "1 validation error detected: Value null at 'signingAttributes' failed to satisfy constraint: Member must not be null");
    }
    const { Algorithm, Flags, PublicKey } = attrs as Record<string, unknown>;
    for (const [name, v] of [['Algorithm', Algorithm], ['Flags', Flags]] as const) {
      // AWS JSON deserialises by type: a string where an integer belongs is a serialization error.
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v))) {
        return this.error(400, 'SerializationException', `${typeof v === 'string' ? 'STRING_VALUE' : 'VALUE'} can not be converted to an Integer (SigningAttributes.${name})`);
      }
    }
    if (PublicKey !== undefined && typeof PublicKey !== 'string') {
      return this.error(400, 'SerializationException', 'Unexpected value type in payload (SigningAttributes.PublicKey)');
    }
    if (Algorithm === undefined || !ALGORITHM_NAMES[Algorithm as number]) {
      return this.error(400, 'InvalidInput', `Invalid algorithm ${String(Algorithm)}: use an IANA DNSSEC algorithm number (13 for a Route 53 key-signing key)`);
    }
    if (Flags !== 257 && Flags !== 256) return this.error(400, 'InvalidInput', `Invalid flags ${String(Flags)}: use 257 (KSK) or 256 (ZSK)`);
    if (typeof PublicKey !== 'string' || PublicKey.length === 0) {
      return this.error(400, 'InvalidInput', "1 validation error detected: Value null at 'signingAttributes.publicKey' failed to satisfy constraint: Member must not be null");
    }
    if (PublicKey.length > 32768) {
      return this.error(400, 'InvalidInput', "1 validation error detected: Value at 'signingAttributes.publicKey' failed to satisfy constraint: Member must have length less than or equal to 32768");
    }
    if (!BASE64.test(PublicKey) || PublicKey.length % 4 !== 0) return this.error(400, 'InvalidInput', 'The public key is not valid base64');
    if (!this.store.get(d.name)) return this.notInAccount(d.name);
    const tld = d.name.split('.').pop()!;
    if (this.dnssecUnsupportedTlds.has(tld)) return this.error(400, 'TLDRulesViolation', `The top-level domain .${tld} does not support this operation.`);
    const keys = this.keysOf(d.name);
    if (keys.some((k) => k.PublicKey === PublicKey && k.Flags === Flags && k.Algorithm === Algorithm)) {
      return this.error(400, 'InvalidInput', `The DS record for this public key already exists for ${d.name}`);
    }
    const busy = this.busy(d.name);
    if (busy) return busy;
    const adding = [...this.operations.values()].filter((o) => o.domain === d.name && o.type === 'ADD_DNSSEC' && IN_PROGRESS.includes(o.status)).length;
    if (keys.length + adding >= this.maxDnssecKeys) {
      return this.error(400, 'DnssecLimitExceeded', `The domain ${d.name} has reached the maximum number of DS records (${this.maxDnssecKeys}).`);
    }
    const op = this.createOperation(d.name, [], this.operationPlan, { type: 'ADD_DNSSEC', key: this.keyFor(d.name, Algorithm as number, Flags, PublicKey) });
    return this.ok({ OperationId: op.id }, true);
  }

  private disassociateDelegationSigner(body: Record<string, unknown>): RouteResult {
    const d = this.domainOf(body);
    if ('status' in d) return d;
    const id = body.Id;
    if (typeof id !== 'string' || id === '') {
      return this.error(400, 'InvalidInput', "1 validation error detected: Value null at 'id' failed to satisfy constraint: Member must not be null");
    }
    if (!this.store.get(d.name)) return this.notInAccount(d.name);
    const tld = d.name.split('.').pop()!;
    if (this.dnssecUnsupportedTlds.has(tld)) return this.error(400, 'TLDRulesViolation', `The top-level domain .${tld} does not support this operation.`);
    if (!this.keysOf(d.name).some((k) => k.Id === id)) return this.error(400, 'InvalidInput', `No DS record with id ${id} for ${d.name}`);
    const busy = this.busy(d.name);
    if (busy) return busy;
    const op = this.createOperation(d.name, [], this.operationPlan, { type: 'REMOVE_DNSSEC', id });
    return this.ok({ OperationId: op.id }, true);
  }

  /** One poll moves an operation on: SUBMITTED, IN_PROGRESS..., then its end. */
  private advance(op: EmulatedOperation): void {
    if (!IN_PROGRESS.includes(op.status)) return;
    op.polls += 1;
    op.lastUpdated = Date.now();
    if (op.polls <= op.plan.pendingPolls) {
      op.status = op.polls === 1 ? 'SUBMITTED' : 'IN_PROGRESS';
      return;
    }
    op.status = op.plan.outcome;
    if (op.status === 'SUCCESSFUL' && op.type !== 'UPDATE_NAMESERVER') {
      if (this.store.get(op.domain)) {
        const keys = this.keysOf(op.domain);
        if (op.dnssecKey) keys.push(op.dnssecKey);
        const gone = keys.findIndex((k) => k.Id === op.dnssecKeyId);
        if (gone >= 0) keys.splice(gone, 1);
        this.onDnssecChange?.(op.domain, this.dnssecRecordsOf(op.domain)!);
      }
    } else if (op.status === 'SUCCESSFUL') {
      const entry = this.store.get(op.domain);
      if (entry) {
        entry.nameServers = [...op.nameServers];
        this.onDelegationChange?.(op.domain, [...op.nameServers]);
      }
    } else {
      op.message = op.plan.message ?? 'The operation failed; the registrant has been notified by email.';
    }
  }

  private describe(op: EmulatedOperation): GetOperationDetailResponse {
    const inProgress = IN_PROGRESS.includes(op.status);
    return {
      OperationId: op.id,
      Status: op.status,
      ...(op.message ? { Message: op.message } : {}),
      DomainName: op.domain,
      Type: op.type,
      SubmittedDate: epoch(op.submitted),
      LastUpdatedDate: epoch(op.lastUpdated),
      ...(inProgress && op.plan.statusFlag ? { StatusFlag: op.plan.statusFlag } : {}),
    };
  }

  private getOperationDetail(body: Record<string, unknown>): RouteResult {
    const id = body.OperationId;
    if (typeof id !== 'string' || id === '') {
      return this.error(400, 'InvalidInput', '1 validation error detected: Value null at \'operationId\' failed to satisfy constraint: Member must not be null');
    }
    const op = this.operations.get(id);
    if (!op) return this.error(400, 'InvalidInput', `No operation found with id ${id}`);
    this.advance(op);
    return this.ok(this.describe(op));
  }

  private listOperations(body: Record<string, unknown>): RouteResult {
    const statuses = Array.isArray(body.Status) ? (body.Status as string[]) : undefined;
    const types = Array.isArray(body.Type) ? (body.Type as string[]) : undefined;
    const since = typeof body.SubmittedSince === 'number' ? body.SubmittedSince * 1000 : undefined;
    const max = typeof body.MaxItems === 'number' ? body.MaxItems : 20;
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      return this.error(400, 'InvalidInput', `1 validation error detected: Value '${String(body.MaxItems)}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 100`);
    }
    const start = typeof body.Marker === 'string' ? Number(body.Marker) : 0;
    if (!Number.isInteger(start) || start < 0) return this.error(400, 'InvalidInput', 'Invalid marker');
    const desc = body.SortOrder === 'DESC';
    const all = [...this.operations.values()]
      .filter((o) => (!statuses || statuses.includes(o.status)) && (!types || types.includes(o.type)) && (since === undefined || o.submitted >= since))
      .sort((a, b) => (desc ? b.submitted - a.submitted : a.submitted - b.submitted));
    const page = all.slice(start, start + max);
    const operations: OperationSummary[] = page.map((o) => {
      const { OperationId, Status, Type, SubmittedDate, DomainName, Message, StatusFlag: flag, LastUpdatedDate } = this.describe(o);
      return { OperationId, Status, Type: Type!, SubmittedDate: SubmittedDate!, DomainName, Message, StatusFlag: flag, LastUpdatedDate };
    });
    const out: ListOperationsResponse = { Operations: operations, ...(start + max < all.length ? { NextPageMarker: String(start + max) } : {}) };
    return this.ok(out);
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: Route53DomainsEmulatorOptions = {}): Promise<Route53DomainsEmulator> {
  return new Route53DomainsEmulator(opts).start();
}

export type { Reply };

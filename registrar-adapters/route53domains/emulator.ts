/**
 * Amazon Route 53 Domains emulator (shared/reference/registrar-apis.md §9): the AWS JSON 1.1
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
 *  - the exact `message` texts.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../testing/emulator-kit';
import { DomainStore, isRegisteredHost } from '../testing/registrar-state';
import { RegistrarEmulator } from '../testing/registrar-emulator';
import { accessKeyIdOf, SigningKey, verifySigV4 } from './sigv4';
import {
  GetOperationDetailResponse,
  JSON_CONTENT_TYPE,
  ListOperationsResponse,
  OperationStatus,
  OperationSummary,
  SIGNING_REGION,
  SIGNING_SERVICE,
  StatusFlag,
  TARGET_PREFIX,
} from './wire-types';

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

interface EmulatedOperation {
  readonly id: string;
  readonly domain: string;
  readonly type: 'UPDATE_NAMESERVER';
  readonly nameServers: string[];
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

const OPERATIONS = new Set(['GetDomainDetail', 'UpdateDomainNameservers', 'GetOperationDetail', 'ListOperations']);
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
  /** Applies to every UpdateDomainNameservers from now on. */
  operationPlan: OperationPlan = {};
  /** How hosts that do not exist (`.invalid`) are refused: at once, or by a FAILED operation. */
  unknownHosts: 'request' | 'operation' = 'request';
  /** Operations in progress allowed per account before OperationLimitExceeded. */
  maxOperationsInProgress = Infinity;
  /** Operations the caller's IAM policy does not allow (AccessDeniedException). */
  readonly deny = new Set<string>();
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
      DnssecKeys: [],
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

  private createOperation(domain: string, nameServers: string[], plan: OperationPlan): EmulatedOperation {
    const now = Date.now();
    const op: EmulatedOperation = {
      id: randomUUID(),
      domain,
      type: 'UPDATE_NAMESERVER',
      nameServers: [...nameServers],
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
    if (op.status === 'SUCCESSFUL') {
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

/**
 * Amazon Route 53 Domains (shared/reference/registrar-apis.md §9), through the AWS SDK v3 client.
 *   read:  GetDomainDetail {DomainName}                          -> Nameservers[].Name
 *   write: UpdateDomainNameservers {DomainName, Nameservers:[{Name}]} -> OperationId
 *          then GetOperationDetail {OperationId} until Status SUCCESSFUL (ERROR/FAILED: refused),
 *          polling with backoff, bounded by NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT (default 10m).
 * us-east-1 only; AWS JSON 1.1 errors `{"__type", "message"}` with HTTP 400; a domain that is not in
 * the account is InvalidInput, not 404. Client wiring (lazy SDK, region pin, credentials, retries,
 * shared rate limiter, tracing): sdk.ts. Error mapping: errors.ts.
 *
 * No glue IPs are ever sent: nsbridge delegates to out-of-bailiwick hosts (a hosted zone's awsdns
 * name servers), for which the API takes only the name.
 */
import type { AdapterContext, RegistrarAdapter, RegistrarClient } from '../core/types';
import { RegistrarApiError, RegistrarConflictError, RegistrarError, UsageError } from '../core/errors';
import type { CallContext } from '../core/respond';
import { formatDuration, parseDuration } from '../core/duration';
import { canonicalNameServers } from '../../core/names';
import { info } from './info';
import { BuiltClient, buildClient } from './sdk';
import { awsErrorName, ErrorContext, toRegistrarError } from './errors';

const OPERATION_TIMEOUT_ENV = 'NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT';
const POLL_INTERVAL_ENV = 'NSBRIDGE_ROUTE53DOMAINS_POLL_INTERVAL';
const DEFAULT_OPERATION_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_POLL_INTERVAL_MS = 2_000;
const MAX_POLL_INTERVAL_MS = 30_000;
const POLL_GROWTH = 1.5;

/** What each StatusFlag asks of a person (GetOperationDetail docs). */
const STATUS_FLAG_ACTION: Record<string, string> = {
  PENDING_ACCEPTANCE: 'the change waits for someone to accept it (e.g. a transfer or ownership change accepted by email)',
  PENDING_CUSTOMER_ACTION: 'the registrant must act: look for an email from Route 53 or the registry about this domain and follow it',
  PENDING_AUTHORIZATION: 'the change waits for authorization: look for an email to the registrant contact and confirm it',
  PENDING_PAYMENT_VERIFICATION: 'AWS is verifying payment for the account: check the billing console and any email from AWS',
  PENDING_SUPPORT_CASE: 'AWS Support must act: check the support case for this domain in the AWS Support console',
};

export interface OperationSettings {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
}

function durationSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message}`);
  }
  if (ms < min) throw new UsageError(`${name}="${raw}" is too short; use at least ${formatDuration(min)}`);
  return ms;
}

export function operationSettings(env: NodeJS.ProcessEnv): OperationSettings {
  return {
    timeoutMs: durationSetting(env, OPERATION_TIMEOUT_ENV, DEFAULT_OPERATION_TIMEOUT_MS, 1),
    pollIntervalMs: durationSetting(env, POLL_INTERVAL_ENV, DEFAULT_POLL_INTERVAL_MS, 1),
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = canonicalNameServers(a);
  const y = canonicalNameServers(b);
  return x.length === y.length && x.every((n, i) => n === y[i]);
};

class Route53DomainsClient implements RegistrarClient {
  constructor(
    private readonly built: BuiltClient,
    private readonly ctx: AdapterContext,
    private readonly ops: OperationSettings,
  ) {}

  /** Send one SDK command, credentials resolved first; SDK errors come back raw. */
  private async sendRaw<T>(call: CallContext, command: unknown): Promise<T> {
    await this.built.ready(call);
    return (await this.built.client.send(command as never, { abortSignal: this.ctx.signal })) as T;
  }

  /** Send one SDK command; errors mapped to the RegistrarError family. */
  private async send<T>(call: CallContext, command: unknown, extra: ErrorContext = {}): Promise<T> {
    try {
      return await this.sendRaw<T>(call, command);
    } catch (err) {
      throw toRegistrarError(err, call, extra);
    }
  }

  async getNameServers(domain: string): Promise<string[]> {
    const call = { registrar: info.id, operation: 'get name servers', domain };
    const { GetDomainDetailCommand } = this.built.sdk;
    const out = await this.send<{ Nameservers?: { Name?: string }[] }>(call, new GetDomainDetailCommand({ DomainName: domain }));
    if (out.Nameservers === undefined) return []; // a domain without name servers (e.g. just transferred in)
    if (!Array.isArray(out.Nameservers) || out.Nameservers.some((n) => typeof n?.Name !== 'string')) {
      throw new RegistrarApiError({ ...call, cause: 'the answer has no list of Nameservers[].Name', hint: 'Route 53 Domains sent something unexpected; try again later' });
    }
    return out.Nameservers.map((n) => n.Name!);
  }

  async setNameServers(domain: string, nameServers: readonly string[]): Promise<void> {
    const call = { registrar: info.id, operation: 'set name servers', domain };
    const { UpdateDomainNameserversCommand } = this.built.sdk;
    let operationId: string | undefined;
    try {
      const out = await this.sendRaw<{ OperationId?: string }>(
        call,
        new UpdateDomainNameserversCommand({ DomainName: domain, Nameservers: nameServers.map((Name) => ({ Name })) }),
      );
      operationId = out.OperationId;
    } catch (err) {
      const mapped = toRegistrarError(err, call, { nameServers });
      if (awsErrorName(err) === 'DuplicateRequest' && mapped instanceof RegistrarError) {
        return this.joinOperationInProgress(domain, nameServers, mapped);
      }
      throw mapped;
    }
    if (!operationId) {
      throw new RegistrarApiError({ ...call, cause: 'UpdateDomainNameservers answered without an OperationId', hint: 'check the domain in the Route 53 console; the change may or may not have been accepted' });
    }
    const end = await this.waitForOperation(domain, operationId);
    if (end.status !== 'SUCCESSFUL') throw this.operationFailed(call, operationId, end);
  }

  /**
   * DuplicateRequest: a name-server change for this domain is already in progress, e.g. our own
   * write, retried by the SDK after the connection dropped on its way back. Wait for that operation,
   * then succeed only if the domain now has exactly the requested set; never overwrite a different
   * concurrent change silently.
   */
  private async joinOperationInProgress(domain: string, nameServers: readonly string[], duplicate: RegistrarError): Promise<void> {
    const call = { registrar: info.id, operation: 'set name servers', domain };
    const inFlight = await this.findOperationInProgress(domain).catch(() => undefined);
    if (!inFlight) throw duplicate;
    this.ctx.log(`route53domains: ${domain}: a name-server change is already in progress (operation ${inFlight}); waiting for it, then checking the result`);
    const end = await this.waitForOperation(domain, inFlight);
    if (end.status !== 'SUCCESSFUL') throw this.operationFailed(call, inFlight, end);
    const now = await this.getNameServers(domain);
    if (sameSet(now, nameServers)) return;
    throw new RegistrarConflictError({
      ...call,
      cause: `another name-server change (operation ${inFlight}) was in progress and set ${canonicalNameServers(now).join(', ')}`,
      hint: 'someone else changed the delegation at the same time; check who, then run nsbridge set again',
    });
  }

  private async findOperationInProgress(domain: string): Promise<string | undefined> {
    const call = { registrar: info.id, operation: 'set name servers', domain };
    const { ListOperationsCommand } = this.built.sdk;
    let marker: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const out = await this.send<{ Operations?: { OperationId?: string; DomainName?: string }[]; NextPageMarker?: string }>(
        call,
        new ListOperationsCommand({ Status: ['SUBMITTED', 'IN_PROGRESS'], Type: ['UPDATE_NAMESERVER'], MaxItems: 100, ...(marker ? { Marker: marker } : {}) }),
      );
      const hit = out.Operations?.find((o) => o.DomainName?.toLowerCase() === domain && o.OperationId);
      if (hit) return hit.OperationId;
      marker = out.NextPageMarker;
      if (!marker) return undefined;
    }
    return undefined;
  }

  /**
   * Poll GetOperationDetail until the operation ends, with growing waits (POLL_INTERVAL x1.5, at
   * most 30 s), bounded by the operation timeout. Progress goes to stderr; a PENDING_* flag is
   * explained once, since only a person can move the operation on.
   */
  private async waitForOperation(domain: string, operationId: string): Promise<OperationEnd> {
    const call = { registrar: info.id, operation: 'wait for operation', domain };
    const { GetOperationDetailCommand } = this.built.sdk;
    const started = Date.now();
    const deadline = started + this.ops.timeoutMs;
    let interval = this.ops.pollIntervalMs;
    let flagged: string | undefined;
    let lastStatus = 'SUBMITTED';
    for (let poll = 1; ; poll += 1) {
      const out = await this.send<{ Status?: string; Message?: string; StatusFlag?: string }>(
        call,
        new GetOperationDetailCommand({ OperationId: operationId }),
        { operationId, causePrefix: `operation ${operationId} (submitted; it may still complete): ` },
      );
      const status = out.Status ?? 'UNKNOWN';
      lastStatus = status;
      if (status === 'SUCCESSFUL' || status === 'ERROR' || status === 'FAILED') {
        return { status, message: out.Message, statusFlag: out.StatusFlag };
      }
      if (status !== 'SUBMITTED' && status !== 'IN_PROGRESS') {
        throw new RegistrarApiError({ ...call, cause: `operation ${operationId} has an unknown status "${status}"`, hint: `check it with \`aws route53domains get-operation-detail --region us-east-1 --operation-id ${operationId}\`` });
      }
      if (out.StatusFlag && out.StatusFlag !== flagged) {
        flagged = out.StatusFlag;
        this.ctx.log(`route53domains: ${domain}: operation ${operationId} is ${status} with ${flagged}: ${STATUS_FLAG_ACTION[flagged] ?? 'a person must act on it in the Route 53 console'}`);
      }
      const now = Date.now();
      if (now >= deadline) {
        const flag = flagged ? ` (${flagged}: ${STATUS_FLAG_ACTION[flagged] ?? 'a person must act on it'})` : '';
        throw new RegistrarApiError({
          ...call,
          cause: `operation ${operationId} is still ${lastStatus} after ${formatDuration(now - started)}${flag}`,
          hint: `the change was submitted and may still complete; check it with \`aws route53domains get-operation-detail --region us-east-1 --operation-id ${operationId}\`, or wait longer with ${OPERATION_TIMEOUT_ENV} (now ${formatDuration(this.ops.timeoutMs)})`,
        });
      }
      const wait = Math.min(interval, deadline - now);
      if (poll === 1 || poll % 5 === 0) {
        this.ctx.log(`route53domains: ${domain}: operation ${operationId} is ${status}; checking again in ${formatDuration(Math.round(wait))} (waited ${formatDuration(now - started)} of ${formatDuration(this.ops.timeoutMs)})`);
      }
      await sleep(wait, this.ctx.signal);
      interval = Math.min(interval * POLL_GROWTH, Math.max(MAX_POLL_INTERVAL_MS, this.ops.pollIntervalMs));
    }
  }

  private operationFailed(call: CallContext, operationId: string, end: OperationEnd): RegistrarError {
    const flag = end.statusFlag ? ` (${end.statusFlag}: ${STATUS_FLAG_ACTION[end.statusFlag] ?? 'a person must act'})` : '';
    return new RegistrarApiError({
      ...call,
      cause: `operation ${operationId} ended ${end.status}: ${end.message ? end.message.split(/\r?\n/)[0] : '(no message)'}${flag}`,
      hint: 'Route 53 Domains (or the registry behind it) refused the change and the registrant was emailed; the name servers must exist and answer for the domain. Nothing changed; fix the cause and run again',
    });
  }
}

interface OperationEnd {
  readonly status: 'SUCCESSFUL' | 'ERROR' | 'FAILED';
  readonly message?: string;
  readonly statusFlag?: string;
}

export const adapter: RegistrarAdapter = {
  info,
  async createClient(ctx: AdapterContext): Promise<RegistrarClient> {
    const ops = operationSettings(ctx.env);
    const built = await buildClient(ctx);
    return new Route53DomainsClient(built, ctx, ops);
  },
};

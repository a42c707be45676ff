/**
 * Amazon Route 53 Domains (https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53_Domains.html), through the AWS SDK v3 client.
 *   read:  GetDomainDetail {DomainName}                          -> Nameservers[].Name
 *   write: UpdateDomainNameservers {DomainName, Nameservers:[{Name}]} -> OperationId
 *          then GetOperationDetail {OperationId} until Status SUCCESSFUL (ERROR/FAILED: refused),
 *          polling with backoff, bounded by NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT (default 10m).
 * DNSSEC (DNSKEY in, AWS computes the DS):
 *   read:   GetDomainDetail -> DnssecKeys[{Algorithm, Flags, PublicKey, DigestType, Digest, KeyTag, Id}]
 *   add:    AssociateDelegationSignerToDomain {DomainName, SigningAttributes{Algorithm, Flags, PublicKey}}
 *   remove: DisassociateDelegationSignerFromDomain {DomainName, Id}
 *   each write returns an OperationId, polled like a name-server change (ADD_DNSSEC / REMOVE_DNSSEC).
 * us-east-1 only; AWS JSON 1.1 errors `{"__type", "message"}` with HTTP 400; a domain that is not in
 * the account is InvalidInput, not 404. Client wiring (lazy SDK, region pin, credentials, retries,
 * shared rate limiter, tracing): sdk.ts. Error mapping: errors.ts.
 *
 * No glue IPs are ever sent: nsbridge delegates to out-of-bailiwick hosts (a hosted zone's awsdns
 * name servers), for which the API takes only the name.
 */
import type { AdapterContext, DnssecOperations, RegistrarAdapter, RegistrarClient } from '../core/types';
import { RegistrarApiError, RegistrarConflictError, RegistrarError, RegistrarValidationError } from '../../core/errors';
import { checkDnskey, checkDs, DnssecRecord, dsFromDnskey, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import type { CallContext } from '../core/respond';
import { formatDuration } from '../../core/duration';
import { OPERATION_BACKOFF, pollSettings, type PollSettings } from '../core/operation-poll';
import { poll } from '../../core/poll';
import { canonicalNameServers } from '../../core/names';
import { info } from './info';
import { BuiltClient, buildClient } from './sdk';
import { awsErrorName, ErrorContext, toRegistrarError } from './errors';
import { DomainDetailAnswer, OperationDetailAnswer, type DnssecKey } from './wire-types';
import { parseAnswer } from '../core/answer';

/** An SDK output without its $metadata: what the answer's body held, for parseAnswer. */
function bodyOf(out: unknown): unknown {
  if (!out || typeof out !== 'object') return out;
  const { $metadata: _metadata, ...rest } = out as Record<string, unknown>;
  return rest;
}

/** GetOperationDetail statuses that end an operation. */
const ENDED = new Set(['SUCCESSFUL', 'ERROR', 'FAILED']);

/** What each StatusFlag asks of a person (GetOperationDetail docs). */
const STATUS_FLAG_ACTION: Record<string, string> = {
  PENDING_ACCEPTANCE: 'the change waits for someone to accept it (e.g. a transfer or ownership change accepted by email)',
  PENDING_CUSTOMER_ACTION: 'the registrant must act: look for an email from Route 53 or the registry about this domain and follow it',
  PENDING_AUTHORIZATION: 'the change waits for authorization: look for an email to the registrant contact and confirm it',
  PENDING_PAYMENT_VERIFICATION: 'AWS is verifying payment for the account: check the billing console and any email from AWS',
  PENDING_SUPPORT_CASE: 'AWS Support must act: check the support case for this domain in the AWS Support console',
};

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = canonicalNameServers(a);
  const y = canonicalNameServers(b);
  return x.length === y.length && x.every((n, i) => n === y[i]);
};


const DNSSEC_OPERATION_FAILED_HINT =
  'Route 53 Domains (or the registry behind it) refused the DS change and the registrant was emailed; check the key (flags 257, algorithm 13 for a Route 53 key-signing key) and that the TLD supports DNSSEC. Run nsbridge ds get to see what the registry holds, fix the cause and run again';

class Route53DomainsClient implements RegistrarClient {
  readonly dnssec: DnssecOperations;

  constructor(
    private readonly built: BuiltClient,
    private readonly ctx: AdapterContext,
    private readonly ops: PollSettings,
  ) {
    this.dnssec = {
      getDnssecRecords: (domain) => this.getDnssecRecords(domain),
      addDnssecRecords: (domain, records) => this.addDnssecRecords(domain, records),
      removeDnssecRecords: (domain, records) => this.removeDnssecRecords(domain, records),
    };
  }

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
      throw toRegistrarError(this.deadlineOr(err), call, extra);
    }
  }

  /** Once the command's deadline (the only signal the SDK gets) has passed, that is the failure, whatever broke. */
  private deadlineOr(err: unknown): unknown {
    return this.ctx.signal?.aborted ? Object.assign(new Error('the command deadline passed'), { name: 'AbortError' }) : err;
  }

  async getNameServers(domain: string): Promise<string[]> {
    const call = { registrar: info.id, operation: 'get name servers', domain };
    const { GetDomainDetailCommand } = this.built.sdk;
    const raw = await this.send<unknown>(call, new GetDomainDetailCommand({ DomainName: domain }));
    const out = parseAnswer(DomainDetailAnswer, bodyOf(raw), { ...call, what: 'a GetDomainDetail answer ({"DomainName": ..., "Nameservers": [...]})' });
    // No Nameservers in a real GetDomainDetail answer: a domain without name servers (e.g. just transferred in).
    return (out.Nameservers ?? []).map((n) => n.Name);
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
      const mapped = toRegistrarError(this.deadlineOr(err), call, { nameServers });
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

  private async getDnssecRecords(domain: string, call: CallContext = { registrar: info.id, operation: 'get DNSSEC records', domain }): Promise<DnssecRecord[]> {
    const { GetDomainDetailCommand } = this.built.sdk;
    const raw = await this.send<unknown>(call, new GetDomainDetailCommand({ DomainName: domain }));
    const out = parseAnswer(DomainDetailAnswer, bodyOf(raw), { ...call, what: 'a GetDomainDetail answer ({"DomainName": ..., "DnssecKeys": [...]})' });
    const keys = (out.DnssecKeys ?? []) as DnssecKey[];
    return keys.map((k) => this.toRecord(call, domain, k));
  }

  /** A DnssecKey -> canonical record: the DS AWS computed (or nsbridge, if it gave none), the DNSKEY when listed, the Id. */
  private toRecord(call: CallContext, domain: string, k: DnssecKey): DnssecRecord {
    try {
      const dnskey =
        typeof k.PublicKey === 'string' && k.PublicKey !== '' && k.Flags !== undefined && k.Algorithm !== undefined
          ? checkDnskey({ flags: k.Flags, protocol: 3, algorithm: k.Algorithm, publicKey: k.PublicKey })
          : undefined;
      const ds =
        k.Digest !== undefined && k.KeyTag !== undefined && k.DigestType !== undefined && k.Algorithm !== undefined
          ? checkDs({ keyTag: k.KeyTag, algorithm: k.Algorithm, digestType: k.DigestType, digest: k.Digest })
          : dnskey
            ? dsFromDnskey(domain, dnskey)
            : undefined;
      if (!ds) throw new InvalidDnssecError('neither a DS (KeyTag, Algorithm, DigestType, Digest) nor a DNSKEY');
      return { ds, ...(dnskey ? { dnskey } : {}), ...(k.Id ? { registrarId: k.Id } : {}) };
    } catch (err) {
      if (!(err instanceof InvalidDnssecError)) throw err;
      throw new RegistrarApiError({
        ...call,
        cause: `GetDomainDetail listed a DNSSEC key nsbridge cannot read (${k.Id ? `Id ${k.Id}: ` : ''}${err.message})`,
        hint: `check it with \`aws route53domains get-domain-detail --region us-east-1 --domain-name ${domain}\`; report it if it looks right there`,
      });
    }
  }

  private async addDnssecRecords(domain: string, records: readonly DnssecRecord[]): Promise<void> {
    const call = { registrar: info.id, operation: 'add DNSSEC record', domain };
    // Every record is checked before the first is sent, so a refusal changes nothing.
    for (const r of records) {
      if (!r.dnskey) {
        throw new RegistrarValidationError({
          ...call,
          cause: 'a DS record without its DNSKEY',
          hint: 'Route 53 Domains takes the DNSKEY (flags, algorithm, public key) and computes the DS itself; give the DNSKEY (for a Route 53 hosted zone: `aws route53 get-dnssec`). Nothing was changed',
        });
      }
    }
    const { AssociateDelegationSignerToDomainCommand } = this.built.sdk;
    for (const record of records) {
      const k = record.dnskey!;
      const command = () => new AssociateDelegationSignerToDomainCommand({ DomainName: domain, SigningAttributes: { Algorithm: k.algorithm, Flags: k.flags, PublicKey: k.publicKey } });
      const submitted = await this.submitDnssec(call, domain, command, async () => (await this.getDnssecRecords(domain, call)).some((h) => sameDnssecRecord(h, record)));
      if (submitted) await this.finishDnssec(call, domain, submitted);
    }
  }

  private async removeDnssecRecords(domain: string, records: readonly DnssecRecord[]): Promise<void> {
    const call = { registrar: info.id, operation: 'remove DNSSEC record', domain };
    const { DisassociateDelegationSignerFromDomainCommand } = this.built.sdk;
    for (const record of records) {
      let id = record.registrarId;
      if (id === undefined) {
        id = (await this.getDnssecRecords(domain, call)).find((h) => sameDnssecRecord(h, record))?.registrarId;
        if (id === undefined) continue; // not there: nothing to remove
      }
      const keyId = id;
      const gone = async () => !(await this.getDnssecRecords(domain, call)).some((h) => h.registrarId === keyId);
      const submitted = await this.submitDnssec(call, domain, () => new DisassociateDelegationSignerFromDomainCommand({ DomainName: domain, Id: keyId }), gone, true);
      if (submitted) await this.finishDnssec(call, domain, submitted);
    }
  }

  /**
   * Submit one DS change and return its OperationId, or undefined when it turns out to be done
   * already. DuplicateRequest (another change of this domain in progress, perhaps our own retried
   * call): wait for that operation, then check `done` and submit once more if it is not.
   * InvalidInput on a removal: the Id may be gone already (a retried call); `done` decides.
   */
  private async submitDnssec(call: CallContext, domain: string, command: () => unknown, done: () => Promise<boolean>, removal = false): Promise<string | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const out = await this.sendRaw<{ OperationId?: string }>(call, command());
        if (!out.OperationId) {
          throw new RegistrarApiError({ ...call, cause: 'the call answered without an OperationId', hint: 'run nsbridge ds get to see whether the change was accepted, then run again' });
        }
        return out.OperationId;
      } catch (err) {
        const mapped = toRegistrarError(this.deadlineOr(err), call);
        const name = awsErrorName(err);
        if (removal && name === 'InvalidInput' && (await done())) return undefined;
        if (name !== 'DuplicateRequest' || attempt > 1 || !(mapped instanceof RegistrarError)) throw mapped;
        const inFlight = await this.findOperationInProgress(domain, ['UPDATE_NAMESERVER', 'ADD_DNSSEC', 'REMOVE_DNSSEC']).catch(() => undefined);
        if (!inFlight) throw mapped;
        this.ctx.log(`route53domains: ${domain}: another change is in progress (operation ${inFlight}); waiting for it first`);
        await this.waitForOperation(domain, inFlight);
        if (await done()) return undefined;
      }
    }
  }

  private async finishDnssec(call: CallContext, domain: string, operationId: string): Promise<void> {
    const end = await this.waitForOperation(domain, operationId);
    if (end.status !== 'SUCCESSFUL') throw this.operationFailed(call, operationId, end, DNSSEC_OPERATION_FAILED_HINT);
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

  private async findOperationInProgress(domain: string, types: readonly string[] = ['UPDATE_NAMESERVER']): Promise<string | undefined> {
    const call = { registrar: info.id, operation: 'wait for operation', domain };
    const { ListOperationsCommand } = this.built.sdk;
    let marker: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const out = await this.send<{ Operations?: { OperationId?: string; DomainName?: string }[]; NextPageMarker?: string }>(
        call,
        new ListOperationsCommand({ Status: ['SUBMITTED', 'IN_PROGRESS'], Type: [...types] as never, MaxItems: 100, ...(marker ? { Marker: marker } : {}) }),
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
    let flagged: string | undefined;
    const outcome = await poll(
      async () => {
        const raw = await this.send<unknown>(
          call,
          new GetOperationDetailCommand({ OperationId: operationId }),
          { operationId, causePrefix: `operation ${operationId} (submitted; it may still complete): ` },
        );
        const out = parseAnswer(OperationDetailAnswer, bodyOf(raw), {
          ...call,
          what: `a GetOperationDetail answer for operation ${operationId} ({"Status": ...})`,
          hint: `the operation was submitted and may still complete; check it with \`aws route53domains get-operation-detail --region us-east-1 --operation-id ${operationId}\``,
        });
        const status: string = out.Status;
        if (!ENDED.has(status) && status !== 'SUBMITTED' && status !== 'IN_PROGRESS') {
          throw new RegistrarApiError({ ...call, cause: `operation ${operationId} has an unknown status "${status}"`, hint: `check it with \`aws route53domains get-operation-detail --region us-east-1 --operation-id ${operationId}\`` });
        }
        if (!ENDED.has(status) && out.StatusFlag && out.StatusFlag !== flagged) {
          flagged = out.StatusFlag;
          this.ctx.log(`route53domains: ${domain}: operation ${operationId} is ${status} with ${flagged}: ${STATUS_FLAG_ACTION[flagged] ?? 'a person must act on it in the Route 53 console'}`);
        }
        return { status, message: out.Message, statusFlag: out.StatusFlag };
      },
      (end) => ENDED.has(end.status),
      {
        timeoutMs: this.ops.timeoutMs,
        intervalMs: this.ops.intervalMs,
        ...OPERATION_BACKOFF,
        signal: this.ctx.signal,
        onProgress: (end, p) => {
          if (p.nextInMs !== undefined && (p.attempt === 1 || p.attempt % 5 === 0)) {
            this.ctx.log(`route53domains: ${domain}: operation ${operationId} is ${end.status}; checking again in ${formatDuration(Math.round(p.nextInMs))} (waited ${formatDuration(p.elapsedMs)} of ${formatDuration(this.ops.timeoutMs)})`);
          }
        },
      },
    );
    if (outcome.done) return outcome.result as OperationEnd;
    const flag = flagged ? ` (${flagged}: ${STATUS_FLAG_ACTION[flagged] ?? 'a person must act on it'})` : '';
    throw new RegistrarApiError({
      ...call,
      cause: `operation ${operationId} is still ${outcome.result.status} after ${formatDuration(outcome.elapsedMs)}${flag}`,
      hint: `the change was submitted and may still complete; check it with \`aws route53domains get-operation-detail --region us-east-1 --operation-id ${operationId}\`, or wait longer with ${this.ops.timeoutEnv} (now ${formatDuration(this.ops.timeoutMs)})`,
    });
  }

  private operationFailed(
    call: CallContext,
    operationId: string,
    end: OperationEnd,
    hint = 'Route 53 Domains (or the registry behind it) refused the change and the registrant was emailed; the name servers must exist and answer for the domain. Nothing changed; fix the cause and run again',
  ): RegistrarError {
    const flag = end.statusFlag ? ` (${end.statusFlag}: ${STATUS_FLAG_ACTION[end.statusFlag] ?? 'a person must act'})` : '';
    return new RegistrarApiError({
      ...call,
      cause: `operation ${operationId} ended ${end.status}: ${end.message ? end.message.split(/\r?\n/)[0] : '(no message)'}${flag}`,
      hint,
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
    const ops = pollSettings(info, ctx.env);
    const built = await buildClient(ctx);
    return new Route53DomainsClient(built, ctx, ops);
  },
};

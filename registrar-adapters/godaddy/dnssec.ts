/**
 * GoDaddy DNSSEC, v2 only (https://developer.godaddy.com/doc/endpoint/domains, v2 "DNSSEC"):
 *   read:   GET    /v2/customers/{customerId}/domains/{domain}?includes=dnssecRecords -> DomainDetailV2
 *   add:    PATCH  /v2/customers/{customerId}/domains/{domain}/dnssecRecords  [DomainDnssec...] -> 202
 *   remove: DELETE /v2/customers/{customerId}/domains/{domain}/dnssecRecords  [DomainDnssec...] -> 202
 *   then:   GET    /v2/customers/{customerId}/domains/{domain}/actions/DNSSEC_CREATE|DNSSEC_DELETE
 *           until SUCCESS (FAILED/CANCELLED: refused, with GoDaddy's reason).
 * DomainDnssec takes the algorithm and digest type by NAME (ECDSAP256SHA256, SHA256): numbers are
 * refused with 422. 409 means another DNSSEC action of the domain is still processing: nsbridge
 * waits (the same growing interval as the action polls), reads again, and sends what is still
 * missing (or still there), so a write whose answer was lost is never sent twice.
 *
 * customerId: every v2 path needs it; no call returns it for "the key's own account". The setting
 * NSBRIDGE_GODADDY_CUSTOMER_ID takes the UUID, or the customer number (shopper id), resolved once
 * per client with GET /v1/shoppers/{number}?includes=customerId; a reseller's
 * NSBRIDGE_GODADDY_SHOPPER_ID is resolved the same way when the setting is not given. Missing
 * altogether: exit 2 before anything is sent, naming the setting.
 *
 * The v2 calls go through the same HTTP client as v1, so they share its retries, the 429
 * `retryAfterSec` hint and the shared 60/min limiter.
 */
import { randomUUID } from 'node:crypto';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { AdapterContext, DnssecOperations } from '../core/types';
import {
  ALGORITHM_NAMES,
  checkDnskey,
  checkDs,
  DIGEST_TYPE_NAMES,
  DnssecRecord,
  dsFromDnskey,
  formatDs,
  InvalidDnssecError,
} from '../../core/dnssec';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { RegistrarApiError, RegistrarConflictError, UsageError } from '../../core/errors';
import { formatDuration } from '../../core/duration';
import { OPERATION_BACKOFF, pollSettings } from '../core/operation-poll';
import { settingEnv } from '../core/types';
import { info } from './info';
import { poll } from '../../core/poll';
import { summarizeBody } from '../../core/redact';
import { ACCESS_DENIED_HINT, AUTH_HINT, detail, retryAfterSec } from './envelope';
import { ActionAnswer, DomainDetailV2Answer, ShopperAnswer, type GoDaddyDomainDnssec, type GoDaddyError } from './wire-types';
import { parseResponse } from '../core/answer';
import { quoteInput } from '../../core/quote';

const CUSTOMER_ID_ENV = 'NSBRIDGE_GODADDY_CUSTOMER_ID';
const OPERATION_TIMEOUT_ENV = settingEnv(info.id, 'OPERATION_TIMEOUT');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The swagger: "shopperId is a number of max length 10 digits". */
const SHOPPER_NUMBER = /^\d{1,10}$/;

/** GoDaddy's DomainDnssec algorithm enum (the swagger's list: no INDIRECT). */
const GODADDY_ALGORITHMS = new Set([
  'RSAMD5', 'DH', 'DSA', 'RSASHA1', 'DSA_NSEC3_SHA1', 'RSASHA1_NSEC3_SHA1', 'RSASHA256', 'RSASHA512',
  'ECC_GOST', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519', 'ED448', 'PRIVATEDNS', 'PRIVATEOID',
]);

type ActionType = 'DNSSEC_CREATE' | 'DNSSEC_DELETE';

export interface DnssecSettings {
  /** The UUID, or a customer number to resolve; undefined when not set. */
  readonly customerId?: { readonly uuid: string } | { readonly number: string };
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
}

export function dnssecSettings(env: NodeJS.ProcessEnv): DnssecSettings {
  const raw = env[CUSTOMER_ID_ENV]?.trim();
  let customerId: DnssecSettings['customerId'];
  if (raw) {
    if (UUID.test(raw)) customerId = { uuid: raw.toLowerCase() };
    else if (SHOPPER_NUMBER.test(raw)) customerId = { number: raw };
    else {
      throw new UsageError(
        `${CUSTOMER_ID_ENV}=${quoteInput(raw)} is neither a GoDaddy customer id (a UUID such as 295e3bc3-b3b9-4d95-aae5-ede41a994d13) nor a customer number (up to 10 digits)`,
      );
    }
  }
  const polling = pollSettings(info, env);
  return {
    customerId,
    timeoutMs: polling.timeoutMs,
    pollIntervalMs: polling.intervalMs,
  };
}

/** A record as GoDaddy takes it: names, not numbers. */
export function toDomainDnssec(record: DnssecRecord): GoDaddyDomainDnssec {
  const algorithm = ALGORITHM_NAMES[record.ds.algorithm];
  if (!algorithm || !GODADDY_ALGORITHMS.has(algorithm)) {
    throw new UsageError(`godaddy: DS "${formatDs(record.ds)}": GoDaddy's DNSSEC API has no name for algorithm ${record.ds.algorithm}`);
  }
  const digestType = DIGEST_TYPE_NAMES[record.ds.digestType];
  if (!digestType) throw new UsageError(`godaddy: DS "${formatDs(record.ds)}": GoDaddy's DNSSEC API has no name for digest type ${record.ds.digestType}`);
  return { algorithm, keyTag: record.ds.keyTag, digestType, digest: record.ds.digest };
}

/**
 * A record as GoDaddy holds it, canonical. GoDaddy may hold a key without DS data (flags and
 * publicKey only, added in its dashboard): its SHA-256 DS is computed, as the registry would.
 */
export function fromDomainDnssec(domain: string, d: GoDaddyDomainDnssec): DnssecRecord {
  if (d.keyTag !== undefined && d.digestType !== undefined && d.digest !== undefined) {
    return { ds: checkDs({ keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, digest: d.digest }) };
  }
  if (d.publicKey && d.flags) {
    const dnskey = checkDnskey({ flags: d.flags === 'KSK' ? 257 : 256, protocol: 3, algorithm: d.algorithm, publicKey: d.publicKey });
    return { ds: dsFromDnskey(domain, dnskey), dnskey };
  }
  throw new InvalidDnssecError(`a DNSSEC record with neither DS data nor a public key: ${JSON.stringify(d)}`);
}

const sameWire = (a: GoDaddyDomainDnssec, b: GoDaddyDomainDnssec) =>
  a.algorithm === b.algorithm && a.keyTag === b.keyTag && a.digestType === b.digestType && a.digest?.toUpperCase() === b.digest?.toUpperCase();

function hintForV2(res: AxiosResponse, write: boolean): string | undefined {
  const code = (res.data as Partial<GoDaddyError> | undefined)?.code;
  if (res.status === 403) {
    return code === 'ACCESS_DENIED'
      ? `${ACCESS_DENIED_HINT}; or ${CUSTOMER_ID_ENV} is not the customer id of the account that holds GODADDY_API_KEY`
      : `the key may not act for this customer id; check ${CUSTOMER_ID_ENV}`;
  }
  // The swagger swaps the descriptions of 400 and 401 on v2: treat both as what they carry.
  if (res.status === 401) return AUTH_HINT;
  if (res.status === 404) return `the domain is not in the GoDaddy account of this customer id (${CUSTOMER_ID_ENV}), or not registered at GoDaddy`;
  if (res.status === 422 && write) {
    return 'GoDaddy refused the DNSSEC records (see the fields); check the DS (key tag, algorithm, digest type, digest) against the zone\'s key-signing key. Nothing was changed';
  }
  return undefined;
}

export interface DnssecDeps {
  readonly http: AxiosInstance;
  readonly ctx: AdapterContext;
  readonly settings: DnssecSettings;
  /** NSBRIDGE_GODADDY_SHOPPER_ID (resellers): resolved to a customer id when the setting is absent. */
  readonly shopperId?: string;
}

export function createDnssecOperations(deps: DnssecDeps): DnssecOperations {
  const { http, ctx, settings } = deps;
  let customerIdPromise: Promise<string> | undefined;

  /** The v2 customer id, looked up at most once per client. */
  function customerId(call: CallContext): Promise<string> {
    if (settings.customerId && 'uuid' in settings.customerId) return Promise.resolve(settings.customerId.uuid);
    const number = settings.customerId?.number ?? (deps.shopperId && SHOPPER_NUMBER.test(deps.shopperId) ? deps.shopperId : undefined);
    if (!number) {
      return Promise.reject(
        new UsageError(
          `godaddy: ${call.operation} ${call.domain}: GoDaddy's DNSSEC API (v2) needs the account's customer id: set ${CUSTOMER_ID_ENV} ` +
            '(registrarSettings.customerId) to the customer number shown in the GoDaddy account menu, or to the customer id UUID',
        ),
      );
    }
    customerIdPromise ??= lookUpCustomerId(call, number);
    return customerIdPromise;
  }

  async function lookUpCustomerId(call: CallContext, number: string): Promise<string> {
    const lookup = { ...call, operation: `${call.operation} (customer id of customer number ${number})` };
    const res = await send(http, { method: 'GET', url: `/v1/shoppers/${encodeURIComponent(number)}`, params: { includes: 'customerId' } }, lookup, retryAfterSec);
    if (!isSuccess(res)) {
      const hint =
        res.status === 401 ? AUTH_HINT
        : res.status === 403 || res.status === 404
          ? `customer number ${number} is not the account of GODADDY_API_KEY; set ${CUSTOMER_ID_ENV} to the customer number shown in the GoDaddy account menu, or to the customer id UUID`
          : undefined;
      throw errorForStatus(res, lookup, { detail: detail(res), hint });
    }
    const id = parseResponse(ShopperAnswer, res, { ...lookup, what: 'a Shopper ({"shopperId": ..., "customerId": ...})', hint: `set ${CUSTOMER_ID_ENV} to the customer id UUID instead` }).customerId;
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new RegistrarApiError({
        ...lookup,
        status: res.status,
        cause: `the shopper answer has no customerId: ${summarizeBody(res.data)}`,
        hint: `set ${CUSTOMER_ID_ENV} to the customer id UUID instead`,
      });
    }
    ctx.debug(`godaddy: customer number ${number} is customer id ${id}`);
    return id.toLowerCase();
  }

  const domainPath = (cid: string, domain: string) => `/v2/customers/${encodeURIComponent(cid)}/domains/${encodeURIComponent(domain)}`;

  async function readWire(call: CallContext, cid: string, domain: string): Promise<GoDaddyDomainDnssec[]> {
    const res = await send(http, { method: 'GET', url: domainPath(cid, domain), params: { includes: 'dnssecRecords' } }, call, retryAfterSec);
    if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintForV2(res, false) });
    // Only a DomainDetailV2 without the list means "none held"; an error envelope never does.
    const body = parseResponse(DomainDetailV2Answer, res, { ...call, what: 'a DomainDetailV2 ({"domain": ..., "dnssecRecords": [...]})' });
    if (body.dnssecRecords === undefined) {
      // 203 = "partially successful": a missing list may just be missing; 200 without it = none held.
      if (res.status === 203) {
        throw new RegistrarApiError({ ...call, status: 203, cause: 'GoDaddy answered partially (203) without dnssecRecords', hint: 'try again later; nothing was changed' });
      }
      return [];
    }
    return body.dnssecRecords as GoDaddyDomainDnssec[];
  }

  function canonical(call: CallContext, domain: string, wire: GoDaddyDomainDnssec[]): DnssecRecord[] {
    return wire.map((d) => {
      try {
        return fromDomainDnssec(domain, d);
      } catch (e) {
        throw new RegistrarApiError({ ...call, cause: `GoDaddy holds a DNSSEC record nsbridge cannot read: ${(e as Error).message}`, hint: 'check the domain\'s DNSSEC page in the GoDaddy dashboard' });
      }
    });
  }

  /**
   * Send one DNSSEC write, then wait for its action. 409 (another action processing): wait, read
   * again, and send only what still needs sending, until the operation timeout.
   */
  async function write(call: CallContext, domain: string, type: ActionType, records: readonly DnssecRecord[]): Promise<void> {
    if (records.length === 0) return;
    let pending = records.map(toDomainDnssec);
    const cid = await customerId(call);
    const started = Date.now();
    const deadline = started + settings.timeoutMs;
    type Sent = { readonly outcome: 'sent'; readonly requestId: string } | { readonly outcome: 'nothing left' } | { readonly outcome: 'conflict'; readonly res: AxiosResponse };
    const attempt = await poll<Sent>(
      async (n) => {
        if (n > 1) {
          // The earlier change may have been this one (an answer lost on the way back): send only what is left.
          const held = await readWire(call, cid, domain);
          pending = type === 'DNSSEC_CREATE' ? pending.filter((p) => !held.some((h) => sameWire(h, p))) : pending.filter((p) => held.some((h) => sameWire(h, p)));
          if (pending.length === 0) return { outcome: 'nothing left' };
        }
        const requestId = randomUUID();
        const res = await send(
          http,
          {
            method: type === 'DNSSEC_CREATE' ? 'PATCH' : 'DELETE',
            url: `${domainPath(cid, domain)}/dnssecRecords`,
            data: pending,
            headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId },
          },
          call,
          retryAfterSec,
        );
        if (res.status === 202 || isSuccess(res)) return { outcome: 'sent', requestId };
        if (res.status !== 409) throw errorForStatus(res, call, { detail: detail(res), hint: hintForV2(res, true) });
        return { outcome: 'conflict', res };
      },
      (r) => r.outcome !== 'conflict',
      {
        timeoutMs: settings.timeoutMs,
        intervalMs: settings.pollIntervalMs,
        ...OPERATION_BACKOFF,
        signal: ctx.signal,
        onProgress: (r, p) => {
          if (r.outcome === 'conflict' && p.attempt === 1 && p.nextInMs !== undefined) {
            ctx.log(`godaddy: ${domain}: another DNSSEC change is still processing (409); waiting for it before sending this one`);
          }
        },
      },
    );
    const r = attempt.result;
    if (r.outcome === 'sent') await waitForAction(call, cid, domain, type, r.requestId, started, deadline);
    else if (r.outcome === 'conflict') {
      throw new RegistrarConflictError({
        ...call,
        status: 409,
        cause: `HTTP 409 ${detail(r.res) ?? summarizeBody(r.res.data)} (still after ${formatDuration(attempt.elapsedMs)})`,
        hint: `another DNSSEC change of the domain is still processing at GoDaddy; wait for it (the domain's DNSSEC page in the GoDaddy dashboard) and run again, or wait longer with ${OPERATION_TIMEOUT_ENV} (now ${formatDuration(settings.timeoutMs)})`,
      });
    }
  }


  /** Poll the action until it ends; only the action carrying our X-Request-Id counts. */
  async function waitForAction(call: CallContext, cid: string, domain: string, type: ActionType, requestId: string, started: number, deadline: number): Promise<void> {
    let lastStatus = 'ACCEPTED';
    let awaitingTold = false;
    const outcome = await poll(
      async () => {
        const res = await send(http, { method: 'GET', url: `${domainPath(cid, domain)}/actions/${type}` }, call, retryAfterSec);
        // UNCONFIRMED: right after the 202 the action may not be listed yet; treat 404 as not started.
        if (res.status === 404) return lastStatus;
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintForV2(res, false) });
        const action = parseResponse(ActionAnswer, res, { ...call, what: 'an Action ({"type": ..., "status": ...})', hint: 'the change may still complete; check later with `nsbridge ds get`' });
        // The most recent action of this type may still be an older one until ours is registered.
        if (action.requestId && action.requestId !== requestId) return lastStatus;
        lastStatus = action.status;
        switch (action.status) {
          case 'SUCCESS':
            return action.status;
          case 'FAILED':
          case 'CANCELLED': {
            const r = action.reason;
            const why = r ? `${r.code}${r.message ? `: ${r.message}` : ''}${r.fields?.length ? ` (${r.fields.map((f) => `${f.path}: ${f.message ?? f.code}`).join('; ')})` : ''}` : '(no reason given)';
            throw new RegistrarApiError({
              ...call,
              cause: `action ${type} ended ${action.status}: ${why}`,
              hint: action.status === 'CANCELLED'
                ? 'the change was cancelled at GoDaddy (in the dashboard or by support); nothing changed, run again to retry'
                : 'GoDaddy (or the registry behind it) refused the DNSSEC change; nothing changed. Check the DS against the zone\'s key-signing key and that the TLD supports it, then run again',
            });
          }
          case 'AWAITING':
            if (!awaitingTold) {
              ctx.log(`godaddy: ${domain}: action ${type} is AWAITING something outside the API (e.g. a confirmation in the GoDaddy account); still waiting`);
              awaitingTold = true;
            }
            break;
          case 'ACCEPTED':
          case 'PENDING':
            break;
          default:
            throw new RegistrarApiError({ ...call, cause: `action ${type} has an unknown status "${String(action.status)}"`, hint: 'check the domain\'s DNSSEC page in the GoDaddy dashboard' });
        }
        return action.status;
      },
      (status) => status === 'SUCCESS',
      {
        timeoutMs: Math.max(0, deadline - Date.now()),
        intervalMs: settings.pollIntervalMs,
        ...OPERATION_BACKOFF,
        waitFirst: true,
        signal: ctx.signal,
        onProgress: (status, p) => {
          if (p.nextInMs !== undefined && (p.attempt === 1 || p.attempt % 5 === 0)) ctx.debug(`godaddy: ${domain}: action ${type} is ${status}; checking again in ${formatDuration(Math.round(p.nextInMs))}`);
        },
      },
    );
    if (outcome.done) return;
    throw new RegistrarApiError({
      ...call,
      cause: `action ${type} is still ${lastStatus} after ${formatDuration(Date.now() - started)}`,
      hint: `GoDaddy accepted the change and may still complete it; check later with \`nsbridge ds get --registrar godaddy --domain ${domain}\`, or wait longer with ${OPERATION_TIMEOUT_ENV} (now ${formatDuration(settings.timeoutMs)})`,
    });
  }

  return {
    async getDnssecRecords(domain) {
      const call = { registrar: 'godaddy', operation: 'get DNSSEC records', domain };
      const cid = await customerId(call);
      return canonical(call, domain, await readWire(call, cid, domain));
    },
    async addDnssecRecords(domain, records) {
      await write({ registrar: 'godaddy', operation: 'add DNSSEC records', domain }, domain, 'DNSSEC_CREATE', records);
    },
    async removeDnssecRecords(domain, records) {
      await write({ registrar: 'godaddy', operation: 'remove DNSSEC records', domain }, domain, 'DNSSEC_DELETE', records);
    },
  };
}

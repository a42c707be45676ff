/**
 * Realtime Register REST API v2 (https://dm.realtimeregister.com/docs/api):
 *   read:  GET  /v2/domains/{domainName}          -> Domain {ns[], dsData[], keyData[], ...}
 *   write: POST /v2/domains/{domainName}/update   {ns} | {dsData} | {keyData}  (fields left out stay)
 *          -> 200 (empty body: done), or 202 with a process -> GET /v2/processes/{id} until COMPLETED
 * Which answer a plain update gets is not settled (the PHP SDK's test and DNSControl expect 200
 * with an empty body; the official API skill says mutating calls are 202 with a processId): both
 * are handled, and the process id is read from the body (`processId` or `id`) or the Location header.
 * Auth `Authorization: ApiKey <key>`. Errors are HTTP statuses with {type, message}
 * (https://dm.realtimeregister.com/docs/api/errors); ObjectDoesNotExist is listed as 400 there and
 * as 404 elsewhere: the type decides. No numeric rate limit is published; 429 is waited out.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { pollSettings, pollUntilDone } from '../core/operation-poll';
import { DomainNotFoundError, RegistrarApiError, RegistrarAuthError, RegistrarConflictError, RegistrarValidationError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { checkDnskey, checkDs, DnssecRecord, dsFromDnskey, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import {
  domainSchema,
  errorSchema,
  processSchema,
  queuedSchema,
  RealtimeRegisterDomain,
  RealtimeRegisterDomainUpdate,
  RealtimeRegisterDsData,
  RealtimeRegisterKeyData,
} from './wire-types';
import * as answer from '../core/answer';

/** Wait before retrying a 429 that names no wait (no limit or Retry-After is documented). */
export const RATE_LIMIT_FALLBACK_MS = 5_000;
const retryAfterMs = (res: AxiosResponse) => (res.status === 429 ? RATE_LIMIT_FALLBACK_MS : undefined);

const AUTH_HINT =
  'Realtime Register did not accept REALTIMEREGISTER_API_KEY; OT&E (NSBRIDGE_REALTIMEREGISTER_SANDBOX=1) and production keys differ';

function detail(res: AxiosResponse): string | undefined {
  const e = errorSchema.safeParse(res.data);
  return e.success ? `${e.data.type}${e.data.message ? `: ${e.data.message}` : ''}` : undefined;
}

/** An answer that is not a success, as the typed error its `type` (or status) means. */
function failure(res: AxiosResponse, call: CallContext, write: boolean) {
  const e = errorSchema.safeParse(res.data);
  const type = e.success ? e.data.type : undefined;
  const base = { ...call, status: res.status, cause: `HTTP ${res.status} ${detail(res) ?? summarizeBody(res.data)}` };
  switch (type) {
    case 'ObjectDoesNotExist':
      // On a write it is one of the values (e.g. a name-server host), not the domain, which was just read.
      return write
        ? new RegistrarValidationError({ ...base, hint: 'Realtime Register does not know something the update names (e.g. a name-server host). Nothing was changed' })
        : new DomainNotFoundError({ ...base, hint: 'the domain is not in this Realtime Register account (OT&E and production are separate)' });
    case 'AuthenticationError':
      return new RegistrarAuthError({ ...base, hint: AUTH_HINT });
    case 'AuthorizationError':
      return new RegistrarAuthError({ ...base, hint: 'the API key may not do this; a customer-scope key is needed for your own domains' });
    case 'ObjectStatusProhibitsOperation':
      return new RegistrarConflictError({ ...base, hint: 'the domain\'s status blocks the update (e.g. a lock or a pending operation); check it in the Realtime Register portal. Nothing was changed' });
    case 'BillableAcknowledgmentNeededException': {
      const items = e.data?.billables?.map((b) => `${b.quantity ?? 1}x ${b.product ?? '?'} ${b.action ?? ''}`.trim()).join(', ');
      return new RegistrarValidationError({
        ...base,
        cause: `${base.cause}${items ? ` (billables: ${items})` : ''}`,
        hint: 'Realtime Register charges for this update; nsbridge never acknowledges charges: make the change in the portal, or contact Realtime Register. Nothing was changed',
      });
    }
    default:
      return errorForStatus(res, call, {
        detail: detail(res),
        hint: res.status === 401 ? AUTH_HINT : write && res.status === 400 ? 'Realtime Register refused the update; name servers must be existing host names. Nothing was changed' : undefined,
      });
  }
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const polling = pollSettings(info, ctx.env);
    const { http } = connect(info, ctx, creds.REALTIMEREGISTER_API_KEY, {
      headers: { Authorization: `ApiKey ${creds.REALTIMEREGISTER_API_KEY}`, Accept: 'application/json' },
      retryAfterMs,
    });
    const path = (domain: string) => `/v2/domains/${encodeURIComponent(domain.toLowerCase())}`;

    /** The answer's body checked against its schema (parseAnswer); another shape quotes the body. */
    function parseAnswer<S extends z.ZodType>(res: AxiosResponse, call: CallContext, schema: S, what: string): z.infer<S> {
      return answer.parseResponse(schema, res, { ...call, what, hint: 'Realtime Register answered in an unexpected shape; try again and report it if it persists' });
    }

    const request = (config: AxiosRequestConfig, call: CallContext) => send(http, config, call, retryAfterMs);

    async function readDomain(domain: string, call: CallContext): Promise<RealtimeRegisterDomain> {
      const res = await request({ method: 'GET', url: path(domain) }, call);
      if (!isSuccess(res)) throw failure(res, call, false);
      return parseAnswer(res, call, domainSchema, 'a domain object');
    }

    /** One update; a 202 is waited for until its process completes. */
    async function update(domain: string, body: RealtimeRegisterDomainUpdate, call: CallContext): Promise<void> {
      const res = await request({ method: 'POST', url: `${path(domain)}/update`, data: body, headers: { 'Content-Type': 'application/json' } }, call);
      if (res.status === 200 || res.status === 204) return;
      if (res.status !== 202) {
        if (!isSuccess(res)) throw failure(res, call, true);
        throw new RegistrarApiError({ ...call, status: res.status, cause: `HTTP ${res.status} (expected 200 or 202): ${summarizeBody(res.data)}`, hint: `check the result with \`nsbridge get --registrar realtimeregister --domain ${domain}\`` });
      }
      const queued = res.data === '' || res.data === undefined ? {} : parseAnswer(res, call, queuedSchema, 'a queued process');
      const fromLocation = /\/v2\/processes\/(\d+)/.exec(String(res.headers?.location ?? ''))?.[1];
      const processId = queued.processId ?? queued.id ?? (fromLocation ? Number(fromLocation) : undefined);
      if (processId === undefined) {
        throw new RegistrarApiError({
          ...call,
          status: 202,
          cause: `the update was queued (HTTP 202) without a process id: ${summarizeBody(res.data)}`,
          hint: `the change may still happen; check with \`nsbridge get --registrar realtimeregister --domain ${domain}\` in a few minutes`,
        });
      }
      await pollUntilDone({
        settings: polling,
        ctx,
        what: `realtimeregister: ${domain}: process ${processId}`,
        check: async () => {
          const r = await request({ method: 'GET', url: `/v2/processes/${processId}` }, call);
          if (!isSuccess(r)) throw failure(r, call, false);
          const p = parseAnswer(r, call, processSchema, 'a process with a status');
          if (p.status === 'COMPLETED') return { done: true };
          if (p.status === 'FAILED' || p.status === 'INVALID' || p.status === 'CANCELLED') {
            const why = p.resultMessage ?? p.message;
            throw new RegistrarValidationError({
              ...call,
              cause: `process ${processId} ended ${p.status}${why ? `: ${why}` : ''}`,
              hint: p.status === 'CANCELLED'
                ? 'the update was cancelled at Realtime Register; nothing changed, run again to retry'
                : 'Realtime Register (or the registry) refused the update; nothing changed. Check the values and the domain in the portal, then run again',
            });
          }
          return { done: false, status: p.status };
        },
        pending: (status, waited) =>
          new RegistrarApiError({
            ...call,
            cause: `process ${processId} is still ${status} after ${Math.round(waited / 1000)}s`,
            hint: `Realtime Register accepted the update and may still complete it (process ${processId} in the portal); check later with \`nsbridge get --registrar realtimeregister --domain ${domain}\`, or wait longer with ${polling.timeoutEnv}`,
          }),
      });
    }

    /** What the domain holds, as records, and which kind it holds. */
    function heldRecords(domain: string, d: RealtimeRegisterDomain, call: CallContext): { kind: 'ds' | 'key' | 'none'; records: DnssecRecord[] } {
      try {
        if (d.keyData?.length) {
          return {
            kind: 'key',
            records: d.keyData.map((k) => {
              const dnskey = checkDnskey({ flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey });
              return { ds: dsFromDnskey(domain, dnskey), dnskey };
            }),
          };
        }
        if (d.dsData?.length) return { kind: 'ds', records: d.dsData.map((s) => ({ ds: checkDs(s) })) };
        return { kind: 'none', records: [] };
      } catch (e) {
        if (!(e instanceof InvalidDnssecError)) throw e;
        throw new RegistrarApiError({ ...call, cause: `Realtime Register holds DNSSEC data nsbridge cannot read (${e.message})`, hint: 'check the domain\'s DNSSEC data in the Realtime Register portal' });
      }
    }

    const dsWire = (r: DnssecRecord): RealtimeRegisterDsData => ({ keyTag: r.ds.keyTag, algorithm: r.ds.algorithm, digestType: r.ds.digestType, digest: r.ds.digest });
    const keyWire = (r: DnssecRecord): RealtimeRegisterKeyData => ({ protocol: r.dnskey!.protocol, flags: r.dnskey!.flags, algorithm: r.dnskey!.algorithm, publicKey: r.dnskey!.publicKey });

    /** Send the whole list in the domain's own kind (the update replaces the list; [] removes all). */
    async function writeRecords(domain: string, kind: 'ds' | 'key' | 'none', records: DnssecRecord[], call: CallContext) {
      await update(domain, kind === 'key' ? { keyData: records.map(keyWire) } : { dsData: records.map(dsWire) }, call);
    }

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        const call = { registrar: info.id, operation: 'get DNSSEC records', domain };
        return heldRecords(domain, await readDomain(domain, call), call).records;
      },
      async addDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'add DNSSEC records', domain };
        const held = heldRecords(domain, await readDomain(domain, call), call);
        const adding = records.filter((r) => !held.records.some((h) => sameDnssecRecord(h, r)));
        if (adding.length === 0) return;
        if (held.kind === 'key' && adding.some((r) => !r.dnskey)) {
          throw new RegistrarValidationError({
            ...call,
            cause: 'the domain holds DNSKEY data (keyData), and DS and DNSKEY data cannot be mixed',
            hint: 'give the key with --dnskey, or remove the DNSKEY data first (nsbridge ds clear). Nothing was changed',
          });
        }
        await writeRecords(domain, held.kind, [...held.records, ...adding], call);
      },
      async removeDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'remove DNSSEC records', domain };
        const held = heldRecords(domain, await readDomain(domain, call), call);
        const kept = held.records.filter((h) => !records.some((r) => sameDnssecRecord(h, r)));
        if (kept.length === held.records.length) return;
        await writeRecords(domain, held.kind, kept, call);
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        return (await readDomain(domain, call)).ns;
      },
      async setNameServers(domain, nameServers) {
        await update(domain, { ns: [...nameServers] }, { registrar: info.id, operation: 'set name servers', domain });
      },
    };
  }),
};

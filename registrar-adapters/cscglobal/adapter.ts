/**
 * CSCDomainManager API v2 (https://www.cscglobal.com/cscglobal/docs/dbs/domainmanager/api-v2/):
 *   read:  GET /dbs/api/v2/domains/{domain}        -> {qualifiedDomainName, nameServers: [...]}
 *   write: PUT /dbs/api/v2/domains/nsmodification  {qualifiedDomainName, nameServers, dnsType: "OTHER_DNS", ...}
 *          -> 200 {result: {status: {code: "SUBMITTED", uuid, ...}}}: an ORDER, completed later.
 * Headers `apikey` and `Authorization: Bearer <user token>` on every call.
 *
 * The order endpoints' paths are UNCONFIRMED, so nsbridge follows an order by re-reading the domain
 * until it shows the new name servers (progress on stderr), bounded by
 * NSBRIDGE_CSCGLOBAL_OPERATION_TIMEOUT; past it the order is reported pending (exit 1) with its id.
 * Any order status but SUBMITTED is a refusal (as DNSControl reads it).
 * Errors use HTTP status codes with {code, description, value} or plain text; a domain outside the
 * account is 404 or 403 (third-party code; UNCONFIRMED which): both are named as such.
 */
import type { AxiosResponse } from 'axios';
import type { z } from 'zod';
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect, retryAfterOn429 } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { RegistrarApiError, RegistrarValidationError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { formatDuration } from '../../core/duration';
import { sameNameServers } from '../../core/names';
import { API_PREFIX, CscNsModification, domainSchema, errorSchema, orderSchema } from './wire-types';
import * as answer from '../core/answer';
import { pollSettings, waitUntilShown } from '../core/operation-poll';

/** No documented wait hint on a 429 without Retry-After: one window of nsbridge's pace and a margin. */
export const THROTTLE_WAIT_MS = 2_000;
const throttleWait = retryAfterOn429(THROTTLE_WAIT_MS);
const OPERATION_TIMEOUT_ENV = 'NSBRIDGE_CSCGLOBAL_OPERATION_TIMEOUT';

/** Check an answer's shape before anything reads it (swap for the kit's helper later). */
function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, call: CallContext, status: number, what: string, write = false): z.infer<S> {
  return answer.parseAnswer(schema, value, {
    ...call,
    status,
    what,
    write,
    hint: write
      ? 'it is not known whether CSC took the order; check the domain\'s orders in CSCDomainManager before running again'
      : 'nsbridge cannot read this answer; nothing was decided from it. Try again later, and check NSBRIDGE_CSCGLOBAL_ENDPOINT if set',
  });
}

function detail(res: AxiosResponse): string | undefined {
  const parsed = errorSchema.safeParse(res.data);
  if (!parsed.success) return undefined;
  const value = parsed.data.value === undefined || parsed.data.value === null ? '' : ` (${summarizeBody(parsed.data.value, 80)})`;
  return `${parsed.data.code}${parsed.data.description ? `: ${parsed.data.description}` : ''}${value}`;
}

function hintFor(res: AxiosResponse, write: boolean): string | undefined {
  if (res.status === 401) return 'CSC did not accept CSCGLOBAL_API_KEY / CSCGLOBAL_USER_TOKEN (the token may have expired); demo and production credentials differ (NSBRIDGE_CSCGLOBAL_SANDBOX)';
  if (res.status === 403 || res.status === 404) return 'the domain is not in this CSC account, or the user of CSCGLOBAL_USER_TOKEN has no permission for it';
  if (res.status === 409) return 'CSC is still processing another order for this domain; run again once it has completed';
  if (write && (res.status === 400 || res.status === 422)) return 'CSC refused the name-server order (each name server must be an existing host name, without a trailing dot); nothing was changed';
  return undefined;
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const { timeoutMs: operationTimeoutMs, intervalMs: pollIntervalMs } = pollSettings(info, ctx.env, { timeoutMs: 15 * 60_000, intervalMs: 30_000 });
    const { http } = connect(info, ctx, creds.CSCGLOBAL_API_KEY, {
      headers: { apikey: creds.CSCGLOBAL_API_KEY!, Authorization: `Bearer ${creds.CSCGLOBAL_USER_TOKEN}`, Accept: 'application/json' },
      retryAfterMs: throttleWait,
    });

    async function readNameServers(call: CallContext, domain: string): Promise<string[]> {
      const res = await send(http, { method: 'GET', url: `${API_PREFIX}/domains/${encodeURIComponent(domain)}` }, call, throttleWait);
      if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, false) });
      const body = parseAnswer(domainSchema, res.data, call, res.status, 'a domain with nameServers');
      return (body.nameServers ?? body.nameservers)!;
    }

    function waitForOrder(call: CallContext, domain: string, nameServers: readonly string[], orderId: string): Promise<void> {
      const order = orderId ? `order ${orderId}` : 'the order';
      return waitUntilShown({
        ctx,
        timeoutMs: operationTimeoutMs,
        intervalMs: pollIntervalMs,
        shows: async () => sameNameServers(await readNameServers(call, domain), nameServers),
        started: `cscglobal: ${domain}: name-server ${order} is SUBMITTED; waiting up to ${formatDuration(operationTimeoutMs)} for CSC to complete it`,
        pending: `cscglobal: ${domain}: name-server ${order} still processing`,
        done: `cscglobal: ${domain}: name-server ${order} is complete`,
        notShown: (waited) =>
          new RegistrarApiError({
            ...call,
            cause: `name-server ${order} was SUBMITTED and the domain still did not show the new name servers after ${waited}`,
            hint: `CSC may still complete it; check the order in CSCDomainManager or later with \`nsbridge get --registrar cscglobal --domain ${domain}\`, or wait longer with ${OPERATION_TIMEOUT_ENV}; do not submit another change meanwhile`,
          }),
      });
    }

    return {
      async getNameServers(domain) {
        return readNameServers({ registrar: info.id, operation: 'get name servers', domain }, domain);
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const data: CscNsModification = {
          qualifiedDomainName: domain,
          nameServers: [...nameServers],
          dnsType: 'OTHER_DNS',
          notifications: { enabled: false, additionalNotificationEmails: [] },
          showPrice: false,
          customFields: [],
        };
        const res = await send(http, { method: 'PUT', url: `${API_PREFIX}/domains/nsmodification`, data, headers: { 'Content-Type': 'application/json' } }, call, throttleWait);
        // 409: an order for the domain is in progress. After an answer that was cut off it may be
        // this very order (the retry meets it): follow it as a SUBMITTED one, bounded the same way.
        if (res.status === 409) {
          ctx.log(`cscglobal: ${domain}: CSC has a name-server order for the domain in progress (409); following it to see whether it is this one`);
          await waitForOrder(call, domain, nameServers, '');
          return;
        }
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, true) });
        const status = parseAnswer(orderSchema, res.data, call, res.status, 'an order status', true).result.status;
        if (status.code !== 'SUBMITTED') {
          throw new RegistrarValidationError({
            ...call,
            status: res.status,
            cause: `the order is ${status.code}${status.message ? `: ${status.message}` : ''}${status.additionalInformation ? ` (${status.additionalInformation})` : ''}`,
            hint: 'CSC did not accept the name-server order; nothing was changed. Check the name servers, and the domain in CSCDomainManager',
          });
        }
        await waitForOrder(call, domain, nameServers, status.uuid ?? '');
      },
    };
  }),
};

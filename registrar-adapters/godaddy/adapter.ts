/**
 * GoDaddy Domains API (https://developer.godaddy.com/doc/endpoint/domains).
 * Name servers, v1 (synchronous):
 *   read:  GET   /v1/domains/{domain}            -> { nameServers: [...] }
 *   write: PATCH /v1/domains/{domain}  { nameServers: [...] } -> 200, empty body
 * DNSSEC, v2 only (asynchronous actions; see dnssec.ts):
 *   read:   GET    /v2/customers/{customerId}/domains/{domain}?includes=dnssecRecords
 *   add:    PATCH  .../dnssecRecords  [DomainDnssec...] -> 202, then actions/DNSSEC_CREATE
 *   remove: DELETE .../dnssecRecords  [DomainDnssec...] -> 202, then actions/DNSSEC_DELETE
 * Auth: `Authorization: sso-key KEY:SECRET`. Errors: { code, message, fields? }. 429 carries
 * `retryAfterSec` in the body (whether a Retry-After header comes too is UNCONFIRMED).
 */
import type { AxiosResponse } from 'axios';
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { errorForStatus, isSuccess, send } from '../core/respond';
import { parseResponse } from '../core/answer';
import { DomainDetailAnswer, DomainListAnswer, type GoDaddyError } from './wire-types';
import { ACCESS_DENIED_HINT, AUTH_HINT, detail, retryAfterSec } from './envelope';
import { createDnssecOperations, dnssecSettings } from './dnssec';

function hintFor(res: AxiosResponse): string | undefined {
  const code = (res.data as Partial<GoDaddyError> | undefined)?.code;
  if (res.status === 403 && code === 'ACCESS_DENIED') {
    return ACCESS_DENIED_HINT;
  }
  if (res.status === 401) return AUTH_HINT;
  if (res.status === 404) return 'the domain is not in this GoDaddy account (or X-Shopper-Id/NSBRIDGE_GODADDY_SHOPPER_ID points at another one)';
  if (res.status === 409) return 'GoDaddy says the domain is not eligible for a name-server change now (registrar hold, protected domain needing 2FA, or a change still in progress); check the domain in the GoDaddy dashboard';
  if (res.status === 422) return 'GoDaddy refused the name servers; they must be registered host names (at least two)';
  return undefined;
}

/** Domains per page of the list call (GoDaddy's `limit`). */
const LIST_PAGE = 1000;

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const shopperId = ctx.env.NSBRIDGE_GODADDY_SHOPPER_ID?.trim();
    // Read (and so validate) the DNSSEC settings up front, like the sandbox flag: a bad value is exit 2.
    const dnssecConfig = dnssecSettings(ctx.env);
    const { http } = connect(info, ctx, creds.GODADDY_API_KEY, {
      headers: {
        Authorization: `sso-key ${creds.GODADDY_API_KEY}:${creds.GODADDY_API_SECRET}`,
        Accept: 'application/json',
        ...(shopperId ? { 'X-Shopper-Id': shopperId } : {}),
      },
      retryAfterMs: retryAfterSec,
    });
    const path = (domain: string) => `/v1/domains/${encodeURIComponent(domain)}`;

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const res = await send(http, { method: 'GET', url: path(domain) }, call, retryAfterSec);
        // 203 = "partially successful, see verifications.status": the name servers are still there.
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res) });
        const answer = parseResponse(DomainDetailAnswer, res, { ...call, what: 'a DomainDetail ({"domain": ..., "nameServers": [...]})' });
        // A domain on GoDaddy's default DNS can come back without the field: an empty set.
        return answer.nameServers ?? [];
      },
      // https://developer.godaddy.com/doc/endpoint/domains#/v1/list: every domain of the shopper,
      // with nameServers only when asked for; paged by `marker` (the last domain of the page).
      batch: {
        async listNameServers() {
          const all = new Map<string, string[]>();
          let marker = '';
          for (;;) {
            const call = { registrar: info.id, operation: 'list domains with name servers', domain: '*' };
            const params = new URLSearchParams({ includes: 'nameServers', limit: String(LIST_PAGE) });
            if (marker) params.set('marker', marker);
            const res = await send(http, { method: 'GET', url: `/v1/domains?${params.toString()}` }, call, retryAfterSec);
            if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res) });
            const page = parseResponse(DomainListAnswer, res, { ...call, what: 'a list of DomainSummary ([{"domain": ..., "nameServers": [...]}])' });
            for (const d of page) if (d.nameServers) all.set(d.domain.toLowerCase(), d.nameServers);
            if (page.length < LIST_PAGE) return all;
            marker = page[page.length - 1]!.domain;
          }
        },
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const res = await send(
          http,
          { method: 'PATCH', url: path(domain), data: { nameServers }, headers: { 'Content-Type': 'application/json' } },
          call,
          retryAfterSec,
        );
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res) });
      },
      dnssec: createDnssecOperations({ http, ctx, settings: dnssecConfig, shopperId }),
    };
  }),
};

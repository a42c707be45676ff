/**
 * DNSimple API v2, registrar delegation (https://developer.dnsimple.com/v2/registrar/delegation/).
 *   account: DNSIMPLE_ACCOUNT, or once per run GET /v2/whoami -> data.account.id
 *   check:   GET /v2/{account}/domains/{domain}                       -> data.state "registered"
 *   read:    GET /v2/{account}/registrar/domains/{domain}/delegation  -> {"data":[...]} (may be [])
 *   write:   PUT same path, body a BARE JSON array                     -> 200 {"data":[...]}
 *   DS:      GET/POST /v2/{account}/domains/{domain}/ds_records (values STRINGS, lowercase keytag;
 *            paged, `pagination.total_pages`), POST -> 201 {"data"}; DELETE .../ds_records/{id} -> 204
 * Auth: `Authorization: Bearer <token>`; Content-Type application/json is sent on every call.
 * Errors: {"message", "errors"?}. 429 {"message":"quota exceeded"} carries no Retry-After: the
 * wait comes from X-RateLimit-Reset (Unix seconds), measured against the answer's own Date
 * header so that a skewed local clock cannot shorten it.
 *
 * Only domains registered with DNSimple have a registrar delegation. Like dnscontrol, the adapter
 * checks the domain's state first (one GET per domain and run, well inside 2400/hour): a
 * hosted-only domain then fails with a message that says so, instead of whatever the delegation
 * endpoint makes of it.
 */
import type { AxiosResponse } from 'axios';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { checkDs, DnssecRecord, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import {
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarConflictError,
  RegistrarError,
  RegistrarUnsupportedError,
  RegistrarValidationError,
  UsageError,
} from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { DelegationAnswer, DomainAnswer, DsListAnswer, WhoamiAnswer, type DnsimpleDsRecord, type DnsimpleDsRecordCreate, type DnsimpleEnvelope, type DnsimpleError } from './wire-types';
import { parseResponse } from '../core/answer';
import { quoteInput } from '../../core/quote';

/** DS records asked for per page (DNSimple's maximum); paging follows pagination.total_pages. */
export const DS_PER_PAGE = 100;
/** A domain has a handful of DS records; this only stops a runaway loop on a broken answer. */
const MAX_DS_PAGES = 50;

/** The wait until X-RateLimit-Reset, by the server's clock (its Date header) when it sent one. */
export function rateLimitResetMs(res: AxiosResponse): number | undefined {
  const reset = Number(res.headers?.['x-ratelimit-reset']);
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const serverNow = Date.parse(String(res.headers?.date ?? ''));
  const now = Number.isNaN(serverNow) ? Date.now() : serverNow;
  return Math.max(0, reset * 1000 - now);
}

function dnsimpleError(res: AxiosResponse): DnsimpleError | undefined {
  const body = res.data as Partial<DnsimpleError> | undefined;
  return body && typeof body === 'object' && typeof body.message === 'string' ? (body as DnsimpleError) : undefined;
}

/** DNSimple's message plus its per-field validation errors. */
function detail(res: AxiosResponse): string | undefined {
  const body = dnsimpleError(res);
  if (!body) return undefined;
  const fields = body.errors && typeof body.errors === 'object'
    ? Object.entries(body.errors).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    : [];
  return fields.length ? `${body.message} (${fields.join('; ')})` : body.message;
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, { DNSIMPLE_TOKEN: token, DNSIMPLE_ACCOUNT: configuredAccount }) => {
    if (configuredAccount !== undefined && !/^\d+$/.test(configuredAccount)) {
      throw new UsageError(`DNSIMPLE_ACCOUNT=${quoteInput(configuredAccount)} is not a DNSimple account id (a number, e.g. 1010, as in dnsimple.com/a/1010/...)`);
    }
    // DNSimple counts per token; the limiter only keeps a short hash of this.
    const { sandbox, http } = connect(info, ctx, configuredAccount ?? token, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      retryAfterMs: (res) => (res.status === 429 ? rateLimitResetMs(res) : undefined),
    });

    let accountLookup: Promise<string> | undefined;
    const registered = new Map<string, Promise<void>>();

    function hintFor(res: AxiosResponse, call: CallContext, account: string | undefined, write: boolean, dnssec = false): string | undefined {
      switch (res.status) {
        case 401:
          return `DNSimple did not accept DNSIMPLE_TOKEN; sandbox and production tokens differ (NSBRIDGE_DNSIMPLE_SANDBOX is ${sandbox ? 'on' : 'off'}), and the token may have been revoked (check the account's API access tokens in the DNSimple dashboard)`;
        case 402:
          return 'the DNSimple account must be in good standing for this (payment required); check its billing in the DNSimple dashboard';
        case 403:
          return `the DNSimple token is not allowed to do this: a scoped token needs the scope in DNSimple's message (registrar:${call.domain}:write to change the delegation); add it to the token, or use an unscoped account token`;
        case 404:
          return account === undefined
            ? undefined
            : `the domain is not in DNSimple account ${account} (${configuredAccount !== undefined ? 'DNSIMPLE_ACCOUNT' : 'the token\'s account, from /v2/whoami'}); check the account id and that DNSIMPLE_TOKEN belongs to that account`;
        case 400:
        case 422:
          if (dnssec) {
            return `DNSimple refused the DS record for ${call.domain}: the key tag, algorithm and digest type must be IANA numbers and the digest hex of the digest type's length, and the domain must be registered with DNSimple. Nothing was changed`;
          }
          return write
            ? `DNSimple refused the name servers for ${call.domain}; each must be an existing host name registered at the registry (2 to 13). Nothing was changed`
            : undefined;
        case 412:
          return 'this needs a feature the DNSimple plan does not include';
        default:
          return undefined;
      }
    }

    const fail = (res: AxiosResponse, call: CallContext, account: string | undefined, write = false, dnssec = false): RegistrarError => {
      if (!dnsimpleError(res) && res.status >= 200 && res.status < 300) {
        return new RegistrarApiError({
          ...call,
          status: res.status,
          cause: `unexpected answer from DNSimple: HTTP ${res.status} ${summarizeBody(res.data)}`,
          hint: write
            ? 'it is not known whether the change was made; run `nsbridge get` to see what DNSimple holds now'
            : 'DNSimple did not answer with its JSON API; try again later, and check NSBRIDGE_DNSIMPLE_ENDPOINT if set',
        });
      }
      return errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, call, account, write, dnssec) });
    };

    /** The account id for paths: DNSIMPLE_ACCOUNT, or the token's account from /v2/whoami (once). */
    function account(call: CallContext): Promise<string> {
      if (configuredAccount !== undefined) return Promise.resolve(configuredAccount);
      accountLookup ??= (async () => {
        const res = await send(http, { method: 'GET', url: '/v2/whoami' }, call, rateLimitResetMs);
        if (res.status !== 200) throw fail(res, call, undefined);
        const acct = parseResponse(WhoamiAnswer, res, { ...call, what: 'a whoami answer ({"data": {"account": ...}})' }).data.account;
        if (!acct || typeof acct.id !== 'number') {
          throw new RegistrarAuthError({
            ...call,
            status: res.status,
            cause: 'DNSIMPLE_TOKEN is a user token, which can act on several accounts (GET /v2/whoami names no account)',
            hint: 'set DNSIMPLE_ACCOUNT to the numeric id of the account that holds the domain (as in dnsimple.com/a/<id>/...), or use an account token',
          });
        }
        return String(acct.id);
      })();
      accountLookup.catch(() => (accountLookup = undefined));
      return accountLookup;
    }

    /** Only domains registered with DNSimple have a registrar delegation: check once per domain. */
    function ensureRegistered(acct: string, domain: string, call: CallContext): Promise<void> {
      let check = registered.get(domain);
      if (!check) {
        check = (async () => {
          const res = await send(http, { method: 'GET', url: `/v2/${acct}/domains/${encodeURIComponent(domain)}` }, call, rateLimitResetMs);
          if (res.status !== 200) throw fail(res, call, acct);
          const state = parseResponse(DomainAnswer, res, { ...call, what: 'a domain ({"data": {"state": ...}})' }).data.state;
          if (state === 'registered') return;
          const details = { ...call, status: res.status };
          if (state === 'hosted') {
            throw new RegistrarUnsupportedError({
              ...details,
              cause: `${domain} is in DNSimple account ${acct} for DNS hosting only (state "hosted"), not registered with DNSimple, so DNSimple holds no delegation for it`,
              hint: 'set the name servers at the registrar the domain is registered with (its own adapter, or --registrar manual), or transfer the domain to DNSimple',
            });
          }
          throw new RegistrarConflictError({
            ...details,
            cause: `${domain} is not registered with DNSimple right now (state "${state}"), so its delegation cannot be read or changed`,
            hint: 'finish (or renew) the registration or transfer in the DNSimple dashboard, then run again',
          });
        })();
        registered.set(domain, check);
        check.catch(() => registered.delete(domain));
      }
      return check;
    }

    const delegationPath = (acct: string, domain: string) => `/v2/${acct}/registrar/domains/${encodeURIComponent(domain)}/delegation`;

    const dsPath = (acct: string, domain: string) => `/v2/${acct}/domains/${encodeURIComponent(domain)}/ds_records`;

    /** Every DS record, page by page up to pagination.total_pages. */
    async function listDs(acct: string, domain: string, call: CallContext): Promise<DnsimpleDsRecord[]> {
      const all: DnsimpleDsRecord[] = [];
      for (let page = 1; page <= MAX_DS_PAGES; page += 1) {
        const res = await send(http, { method: 'GET', url: dsPath(acct, domain), params: { page, per_page: DS_PER_PAGE } }, call, rateLimitResetMs);
        if (res.status !== 200) throw fail(res, call, acct, false, true);
        const list = parseResponse(DsListAnswer, res, { ...call, what: 'a DS record list ({"data": [...], "pagination": ...})' });
        all.push(...(list.data as unknown as DnsimpleDsRecord[]));
        const pages = list.pagination?.total_pages;
        if (typeof pages !== 'number' || page >= pages || list.data.length === 0) return all;
      }
      throw new RegistrarApiError({ ...call, cause: `the DS record list did not end after ${MAX_DS_PAGES} pages`, hint: 'DNSimple answered in an unexpected way; try again, and report it if it persists' });
    }

    /** A record as DNSimple lists it (strings) -> canonical, with its id. */
    function toRecord(call: CallContext, d: DnsimpleDsRecord): DnssecRecord {
      const bad = (why: string) =>
        new RegistrarApiError({ ...call, cause: `DNSimple listed a DS record that nsbridge cannot read (${why})`, hint: 'check the domain\'s DNSSEC page in the DNSimple dashboard; report it if the records look right there' });
      if (typeof d?.id !== 'number' && typeof d?.id !== 'string') throw bad('no id');
      try {
        return { ds: checkDs({ keyTag: d.keytag, algorithm: d.algorithm, digestType: d.digest_type, digest: String(d.digest ?? '') }), registrarId: String(d.id) };
      } catch (err) {
        if (err instanceof InvalidDnssecError) throw bad(`record ${d.id}: ${err.message}`);
        throw err;
      }
    }

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        const call = { registrar: info.id, operation: 'get DNSSEC records', domain };
        const acct = await account(call);
        await ensureRegistered(acct, domain, call);
        return (await listDs(acct, domain, call)).map((d) => toRecord(call, d));
      },
      async addDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'add DNSSEC record', domain };
        const acct = await account(call);
        await ensureRegistered(acct, domain, call);
        for (const { ds, dnskey } of records) {
          // Every value a string, as DNSimple's API takes them. public_key is the KEY data that some
          // TLDs' registries want with the DS (https://developer.dnsimple.com/v2/domains/dnssec/):
          // sent whenever the DNSKEY is known (`ds set --dnskey`); only a DS cannot give it.
          const data: DnsimpleDsRecordCreate = {
            algorithm: String(ds.algorithm),
            digest: ds.digest,
            digest_type: String(ds.digestType),
            keytag: String(ds.keyTag),
            ...(dnskey ? { public_key: dnskey.publicKey } : {}),
          };
          const res = await send<DnsimpleEnvelope<DnsimpleDsRecord>>(http, { method: 'POST', url: dsPath(acct, domain), data }, call, rateLimitResetMs);
          if (res.status === 201) continue;
          // "has already been taken": DNSimple has it, e.g. our own POST retried after its answer was lost.
          const taken = res.status === 400 && /taken/.test(JSON.stringify(dnsimpleError(res)?.errors ?? {}));
          if (taken && (await listDs(acct, domain, call)).some((d) => sameDnssecRecord(toRecord(call, d), { ds }))) continue;
          if (res.status === 400 && !dnskey && dnsimpleError(res)?.errors?.public_key) {
            throw new RegistrarValidationError({
              ...call,
              status: 400,
              cause: `HTTP 400 ${detail(res)}`,
              hint: `the registry of ${domain} wants the key data (public_key) with the DS, which a DS alone cannot give: run \`nsbridge ds set\` with --dnskey "<flags> <protocol> <algorithm> <public key>" (the key-signing key; Route 53 shows it as dnskey_record) instead of, or with, --ds; nothing was changed`,
            });
          }
          throw fail(res, call, acct, true, true);
        }
      },
      async removeDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'remove DNSSEC record', domain };
        const acct = await account(call);
        await ensureRegistered(acct, domain, call);
        let listed: DnssecRecord[] | undefined;
        for (const record of records) {
          let id = record.registrarId;
          if (id === undefined) {
            listed ??= (await listDs(acct, domain, call)).map((d) => toRecord(call, d));
            id = listed.find((l) => sameDnssecRecord(l, record))?.registrarId;
            if (id === undefined) continue; // not there: nothing to remove
          }
          const res = await send(http, { method: 'DELETE', url: `${dsPath(acct, domain)}/${encodeURIComponent(id)}` }, call, rateLimitResetMs);
          if (res.status === 204 || res.status === 200) continue;
          // 404: gone already (e.g. our own DELETE retried).
          if (res.status === 404 && !(await listDs(acct, domain, call)).some((d) => String(d.id) === id)) continue;
          throw fail(res, call, acct, true, true);
        }
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const acct = await account(call);
        await ensureRegistered(acct, domain, call);
        const res = await send(http, { method: 'GET', url: delegationPath(acct, domain) }, call, rateLimitResetMs);
        if (res.status !== 200) throw fail(res, call, acct);
        return parseResponse(DelegationAnswer, res, { ...call, what: 'a delegation ({"data": [...host names]})' }).data;
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const acct = await account(call);
        await ensureRegistered(acct, domain, call);
        const res = await send(http, { method: 'PUT', url: delegationPath(acct, domain), data: [...nameServers] }, call, rateLimitResetMs);
        if (res.status !== 200) throw fail(res, call, acct, true);
        parseResponse(DelegationAnswer, res, { ...call, write: true, what: 'the new delegation ({"data": [...host names]})' });
      },
    };
  }),
};

/**
 * Name.com Core API (https://docs.name.com, /core/v1, launched 2025-05; the default) and its
 * predecessor API v4 (https://www.name.com/api-docs, /v4, kept for its transition period with
 * NSBRIDGE_NAMECOM_API=v4). The paths below are the same under either prefix:
 *   read:  GET  {prefix}/domains/{domain}                  -> Domain {domainName, nameservers?, ...}
 *   write: POST {prefix}/domains/{domain}:setNameservers   {"nameservers": [...]} -> 200 Domain
 * Auth: HTTP Basic <user name>:<token>; the sandbox (api.dev.name.com) wants the user name with
 * `-test`, which nsbridge appends when NSBRIDGE_NAMECOM_SANDBOX is on and it is missing.
 * Errors: {message, details?}. Where the two APIs differ:
 *  - bad credentials: Core 401 {"message":"Unauthorized"}; v4 403 (issue #18; older notes say
 *    401 "Unauthenticated": both are read, and a v4 403 names the credentials first);
 *  - a POST without Content-Type application/json: Core 415, v4 403;
 *  - 429: Core sends X-RateLimit-Reset (Unix seconds) and nsbridge waits until then; v4's hint is
 *    UNCONFIRMED: without one, one second per retry.
 * DNSSEC (DS records, ints except the digest; a record is identified BY ITS DIGEST):
 *   list:   GET    {prefix}/domains/{domain}/dnssec?page=&perPage=  -> {dnssec, nextPage, lastPage}
 *   add:    POST   {prefix}/domains/{domain}/dnssec {domainName, keyTag, algorithm, digestType, digest}
 *   remove: DELETE {prefix}/domains/{domain}/dnssec/{digest} -> {}
 *
 * Things this adapter must not trust (all seen in recordings or documented):
 *  - Content-Type: answers come as text/html with a JSON body, so the body is parsed whatever
 *    the header says;
 *  - fields with default values are left out, so a missing `nameservers` is an empty list;
 *  - the colon in `:setNameservers` must stay literal (axios leaves paths alone; the domain is
 *    encoded on its own).
 *  - ns1-4.name.com come back as the account's ns1xyz.name.com names: reads report what is
 *    stored, and a write whose answer differs from what was sent says which names to use.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { checkDs, DnssecRecord, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import { info } from './info';
import { readBooleanSetting, withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { RegistrarApiError, RegistrarRateLimitError, UsageError } from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { canonicalNameServers, sameNameServers } from '../../core/names';
import { DnssecListAnswer, DomainAnswer, type NamecomDnssec, type NamecomDnssecCreate, type NamecomErrorMessage, type NamecomSetNameserversRequest } from './wire-types';
import { jsonBody, parseResponse } from '../core/answer';

/**
 * The pace nsbridge keeps: half of Name.com's published 20 a second. The shared limiter stamps a
 * request when it may go; under load (ten or more CLI processes starting on a small CI machine)
 * the time from stamp to arrival varies by up to about a second (measured: 2 cores, 15
 * processes), which for a one-second window is the whole window, and 20/s then meets 429s.
 * NSBRIDGE_RATE_LIMIT_NAMECOM overrides it.
 */
export const PACE = { requests: 10, perMs: 1_000 };

/** Name.com counts requests per second (20/s): with no Retry-After, one window is the wait. */
export const RATE_LIMIT_FALLBACK_MS = 1_000;

/** DS records asked for per page; Name.com may send fewer, so paging follows nextPage. */
export const DNSSEC_PER_PAGE = 1000;
/** A domain has a handful of DS records; this only stops a runaway loop on a broken answer. */
const MAX_DNSSEC_PAGES = 50;

/** The Core API's 429 names the end of the window (X-RateLimit-Reset, Unix seconds); else one window. */
const retryAfterMs = (res: AxiosResponse): number | undefined => {
  if (res.status !== 429) return undefined;
  const reset = Number(res.headers?.['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : RATE_LIMIT_FALLBACK_MS;
};

export const API_ENV = 'NSBRIDGE_NAMECOM_API';
/** Path prefix of each API: the Core API (default) or v4 while it lives. */
export const API_PREFIX = { core: '/core/v1', v4: '/v4' } as const;

function apiSetting(env: NodeJS.ProcessEnv): keyof typeof API_PREFIX {
  const raw = env[API_ENV]?.trim().toLowerCase();
  if (!raw || raw === 'core') return 'core';
  if (raw === 'v4') return 'v4';
  throw new UsageError(`${API_ENV}="${env[API_ENV]}" must be core (the Core API, default) or v4 (the older API, during its transition period)`);
}

function detail(res: AxiosResponse): string | undefined {
  const body = jsonBody(res.data) as Partial<NamecomErrorMessage> | undefined;
  if (!body || typeof body !== 'object' || typeof body.message !== 'string') return undefined;
  return body.details ? `${body.message} (${body.details})` : body.message;
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const sandbox = readBooleanSetting(ctx.env, 'NSBRIDGE_NAMECOM_SANDBOX');
    const api = apiSetting(ctx.env);
    const given = creds.NAMECOM_USERNAME!;
    // The sandbox user is always the account user name with -test; accept either form.
    const user = sandbox && !/-test$/i.test(given) ? `${given}-test` : given;
    if (user !== given) ctx.debug(`namecom: sandbox: using user name ${user}`);

    const { http } = connect(info, ctx, user, {
      rateLimit: [PACE, ...(info.extraRateLimits ?? [])],
      headers: {
        Authorization: `Basic ${Buffer.from(`${user}:${creds.NAMECOM_TOKEN}`).toString('base64')}`,
        Accept: 'application/json',
      },
      retryAfterMs,
    });

    const hintFor = (res: AxiosResponse, dnssec = false): string | undefined => {
      switch (res.status) {
        case 401:
          if (!sandbox && /-test$/i.test(user)) {
            return `Name.com did not accept NAMECOM_USERNAME/NAMECOM_TOKEN: "${user}" is a sandbox user name (-test); set NSBRIDGE_NAMECOM_SANDBOX=1 for api.dev.name.com, or use the production user name and token`;
          }
          return (
            `Name.com did not accept NAMECOM_USERNAME ("${user}") with NAMECOM_TOKEN; check both on the API Token Management page ` +
            (sandbox ? '(the sandbox needs the test token, not the production one)' : '(production and test tokens differ; the sandbox is NSBRIDGE_NAMECOM_SANDBOX=1)')
          );
        case 403:
          return api === 'v4'
            ? `Name.com's API v4 refused access: it answers bad credentials with 403, so check NAMECOM_USERNAME ("${user}") and NAMECOM_TOKEN on the API Token Management page first; otherwise the account has two-step verification or the token is limited to other IP addresses`
            : 'Name.com refused this call for the account (permission denied): a token limited to IP addresses only works from those, and accounts with two-step verification cannot use the API; check the account\'s security settings and the API Token Management page';
        case 404:
          return `the domain is not in the Name.com account "${user}"${sandbox ? ' (the sandbox at api.dev.name.com is a separate account)' : ''}`;
        case 400:
        case 422:
          return dnssec
            ? 'Name.com refused the DS record; the registry of the TLD must support DNSSEC, and the key tag, algorithm and digest type must be numbers with a hex digest of matching length'
            : 'Name.com refused the name servers; they must be existing host names, without duplicates';
        default:
          return undefined;
      }
    };

    const request = async <T>(config: AxiosRequestConfig, call: CallContext): Promise<AxiosResponse<T>> => {
      try {
        return await send<T>(http, config, call);
      } catch (err) {
        if (err instanceof RegistrarRateLimitError) {
          throw new RegistrarRateLimitError({
            ...call,
            status: err.status,
            // Not retried (a wait hint longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER): keep saying so.
            cause: err.retried === false ? err.reason : `rate limited (HTTP ${err.status ?? 429}) after retries`,
            hint:
              'Name.com allows 20 requests a second and about 3,000 an hour per account; if this persists the hourly quota is used up: ' +
              'nsbridge already paces both windows, so another client is probably using the same account: wait up to an hour, or deploy fewer domains at once (terraform -parallelism)',
          });
        }
        throw err;
      }
    };

    const unexpected = (call: CallContext, res: AxiosResponse, what: string) =>
      new RegistrarApiError({
        ...call,
        status: res.status,
        cause: `HTTP ${res.status}: ${what}: ${summarizeBody(res.data)}`,
        hint: 'Name.com answered in an unexpected shape; try again, and report it if it persists',
      });

    /**
     * The domain's name servers from a Domain object; absent = none (default values are omitted),
     * but only in an answer that is a Domain (it names the domain): an ErrorMessage is no Domain.
     */
    const nameServersIn = (call: CallContext, res: AxiosResponse, write = false): string[] =>
      parseResponse(DomainAnswer, res, { ...call, write, what: 'a Domain object ({"domainName": ..., "nameservers": [...]})' }).nameservers ?? [];

    // The domain is encoded on its own; the `:setNameservers` colon stays literal.
    const domainPath = (domain: string) => `${API_PREFIX[api]}/domains/${encodeURIComponent(domain)}`;

    const dnssecPath = (domain: string) => `${domainPath(domain)}/dnssec`;
    const dnssecFail = (res: AxiosResponse, call: CallContext) => errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, true) });

    /** Every DS record, page by page while Name.com names a nextPage (absent on the last page). */
    async function listDs(domain: string, call: CallContext): Promise<NamecomDnssec[]> {
      const all: NamecomDnssec[] = [];
      for (let page = 1; page <= MAX_DNSSEC_PAGES; ) {
        const res = await request<unknown>({ method: 'GET', url: dnssecPath(domain), params: { page, perPage: DNSSEC_PER_PAGE } }, call);
        if (!isSuccess(res)) throw dnssecFail(res, call);
        const body = parseResponse(DnssecListAnswer, res, { ...call, what: 'a DS record list ({"dnssec": [...], "nextPage": ...})' });
        // An empty list is left out like every default value.
        all.push(...(body.dnssec ?? []));
        const next = body.nextPage;
        if (next === undefined || next === 0) return all;
        if (typeof next !== 'number' || next <= page) throw unexpected(call, res, `nextPage ${String(next)} does not follow page ${page}`);
        page = next;
      }
      throw new RegistrarApiError({ ...call, cause: `the DS record list did not end after ${MAX_DNSSEC_PAGES} pages`, hint: 'Name.com answered in an unexpected way; try again, and report it if it persists' });
    }

    /** A record as Name.com lists it; missing numbers are zeros left out. Its digest, as sent, is its id. */
    function toRecord(call: CallContext, d: NamecomDnssec): DnssecRecord {
      const bad = (why: string) =>
        new RegistrarApiError({ ...call, cause: `Name.com listed a DS record that nsbridge cannot read (${why})`, hint: 'check the domain\'s DNSSEC records in the Name.com account; report it if they look right there' });
      const [keyTag, algorithm, digestType] = [d.keyTag ?? 0, d.algorithm ?? 0, d.digestType ?? 0];
      if (typeof d.digest !== 'string' || [keyTag, algorithm, digestType].some((n) => typeof n !== 'number')) {
        throw bad('keyTag, algorithm and digestType must be integers and digest a string');
      }
      try {
        return { ds: checkDs({ keyTag, algorithm, digestType, digest: d.digest }), registrarId: d.digest };
      } catch (err) {
        if (err instanceof InvalidDnssecError) throw bad(`digest ${d.digest}: ${err.message}`);
        throw err;
      }
    }

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        const call = { registrar: info.id, operation: 'get DNSSEC records', domain };
        return (await listDs(domain, call)).map((d) => toRecord(call, d));
      },
      async addDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'add DNSSEC record', domain };
        for (const { ds } of records) {
          const data: NamecomDnssecCreate = { domainName: domain, keyTag: ds.keyTag, algorithm: ds.algorithm, digestType: ds.digestType, digest: ds.digest };
          const res = await request<unknown>({ method: 'POST', url: dnssecPath(domain), data, headers: { 'Content-Type': 'application/json' } }, call);
          if (isSuccess(res)) continue;
          // "Duplicate": Name.com already has it, e.g. our own POST retried after its answer was lost.
          if (res.status === 400 && /duplicate/i.test(detail(res) ?? '')) {
            const held = (await listDs(domain, call)).map((d) => toRecord(call, d));
            if (held.some((h) => sameDnssecRecord(h, { ds }))) continue;
          }
          throw dnssecFail(res, call);
        }
      },
      async removeDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'remove DNSSEC record', domain };
        for (const record of records) {
          // Deleted by digest, spelled as Name.com holds it (its case may differ from the canonical one).
          const digest = record.registrarId ?? record.ds.digest;
          const res = await request<unknown>({ method: 'DELETE', url: `${dnssecPath(domain)}/${encodeURIComponent(digest)}` }, call);
          if (isSuccess(res)) continue;
          // 404: gone already (e.g. our own DELETE retried); the re-read also tells a missing domain apart.
          if (res.status === 404 && !(await listDs(domain, call)).some((d) => d.digest === digest)) continue;
          throw dnssecFail(res, call);
        }
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const res = await request<unknown>({ method: 'GET', url: domainPath(domain) }, call);
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res) });
        return nameServersIn(call, res);
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const data: NamecomSetNameserversRequest = { nameservers: [...nameServers] };
        const res = await request<unknown>(
          { method: 'POST', url: `${domainPath(domain)}:setNameservers`, data, headers: { 'Content-Type': 'application/json' } },
          call,
        );
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res) });
        // The answer is the updated Domain. Name.com stores ns1-4.name.com as the account's own
        // ns1xyz.name.com names; say so, since the next run will read those and not the names given.
        const stored = canonicalNameServers(nameServersIn(call, res, true));
        const sent = canonicalNameServers(nameServers);
        if (stored.length > 0 && !sameNameServers(stored, sent)) {
          ctx.log(
            `namecom: ${domain}: Name.com stored ${stored.join(', ')} for ${sent.join(', ')}` +
              ' (ns1-4.name.com become the account\'s own ns1xyz.name.com names); use the stored names in --ns so that re-runs find nothing to change',
          );
        }
      },
    };
  }),
};

/**
 * Gandi v5 Domain API (https://api.gandi.net/docs/domains/).
 *   read:  GET /v5/domain/domains/{domain}/nameservers  -> ["ns1.example.net", ...] (bare array)
 *   write: PUT /v5/domain/domains/{domain}/nameservers  {"nameservers": [...]} -> 2xx {"message": ...}
 * Auth: `Authorization: Bearer <personal access token>`. The deprecated `Apikey` scheme is not
 * offered: PATs are what Gandi issues today, and a PAT sent as `Apikey` is refused.
 * Optional `?sharing_id=<organization id>` (NSBRIDGE_GANDI_SHARING_ID) on every call, as go-gandi
 * does; it is not a secret, and the --verbose tracer drops query strings anyway.
 * Errors: Pyramid error object {code, message, object, cause}, or Cornice's validation envelope
 * {status: "error", errors: [{location, name, description}]}.
 * DNSSEC (§3 "dnskeys"): Gandi takes the DNSKEY, never a DS, and computes keytag and digest itself:
 *   list:   GET    /v5/domain/domains/{domain}/dnskeys?page=&per_page=  (Link rel="next"; else Total-Count)
 *   add:    POST   /v5/domain/domains/{domain}/dnskeys {algorithm, type: "ksk"|"zsk", public_key}
 *   remove: DELETE /v5/domain/domains/{domain}/dnskeys/{id}
 * Rate limit: 1000 requests a minute per IP address. The shape of Gandi's 429 is UNCONFIRMED; no
 * Retry-After is assumed, so without one the client waits RATE_LIMIT_FALLBACK_MS per retry.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { DnssecOperations, RegistrarAdapter } from '../core/types';
import { checkDnskey, checkDs, DnssecRecord, InvalidDnssecError, sameDnssecRecord } from '../../core/dnssec';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { RegistrarApiError, RegistrarRateLimitError, RegistrarValidationError } from '../../core/errors';
import { DnskeysAnswer, NameserversAnswer, type GandiDnskey, type GandiDnskeyCreate, type GandiErrorObject, type GandiMessage, type GandiNameserversUpdate, type GandiValidationError } from './wire-types';
import { parseResponse } from '../core/answer';

/**
 * Wait before retrying a 429 that names no wait. Gandi counts requests per minute per IP and
 * (as far as is known) says nothing about when the window frees up; a quarter of the window means
 * the four default retries span a whole minute, so the last one comes after any one-minute window
 * that was full at the first 429 has moved on. A Retry-After header, if Gandi sends one, wins.
 */
export const RATE_LIMIT_FALLBACK_MS = 15_000;

/** Keys asked for per page of the dnskeys list; Gandi may send fewer, so paging follows Total-Count. */
export const DNSKEYS_PER_PAGE = 100;
/** A domain has a handful of keys; this only stops a runaway loop on a broken answer. */
const MAX_DNSKEY_PAGES = 50;

/** Gandi knows a key's type, not its flags: a KSK has 257 (SEP), a ZSK 256. */
const TYPE_OF_FLAGS: Record<number, GandiDnskeyCreate['type']> = { 257: 'ksk', 256: 'zsk' };
const FLAGS_OF_TYPE: Record<string, number> = { ksk: 257, zsk: 256 };

const retryAfterMs = (res: AxiosResponse): number | undefined => (res.status === 429 ? RATE_LIMIT_FALLBACK_MS : undefined);

/** The rel="next" target of an RFC 8288 Link header, if any. */
export function nextLink(header: string): string | undefined {
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2]!)) return m[1];
  }
  return undefined;
}

function isValidationError(body: unknown): body is GandiValidationError {
  return typeof body === 'object' && body !== null && (body as GandiValidationError).status === 'error' && Array.isArray((body as GandiValidationError).errors);
}

function isErrorObject(body: unknown): body is GandiErrorObject {
  return typeof body === 'object' && body !== null && typeof (body as GandiErrorObject).object === 'string';
}

/** Gandi's own words for a failure, from either envelope. */
function detail(res: AxiosResponse): string | undefined {
  const body: unknown = res.data;
  if (isValidationError(body)) {
    const issues = body.errors.map((e) => `${e.location}${e.name ? ` ${e.name}` : ''}: ${e.description}`).join('; ');
    return `validation error (${issues})`;
  }
  if (isErrorObject(body)) return `${body.object}: ${String(body.message ?? '').replace(/\.$/, '')}`;
  return undefined;
}

function hintFor(res: AxiosResponse, sharingId: string | undefined, dnssec = false): string | undefined {
  switch (res.status) {
    case 401:
      return (
        'Gandi did not accept GANDI_PERSONAL_ACCESS_TOKEN. Personal access tokens expire and cannot be renewed: ' +
        'if this one worked before, it has expired; create a new one (Gandi admin > Organizations > Sharing > Create a token) ' +
        'with permission to manage the domains\' technical configuration. nsbridge sends it as a Bearer token; ' +
        'legacy API keys are not supported. Sandbox tokens only work with NSBRIDGE_GANDI_SANDBOX=1'
      );
    case 403:
      return (
        'the personal access token may not do this for this domain: it needs the permission to manage the domains\' technical configuration, ' +
        'and its resources must include this domain (or the whole organization)' +
        (sharingId
          ? `; NSBRIDGE_GANDI_SHARING_ID (${sharingId}) must be the id of the organization the token belongs to`
          : '; a token only works for the organization it was created in')
      );
    case 404:
      return 'the domain is not in the Gandi organization this personal access token belongs to (check the domain list in the Gandi admin; sandbox tokens see only the sandbox account)';
    case 400:
    case 415:
    case 422:
      return dnssec
        ? 'Gandi refused the DNSKEY; it takes the key itself (flags 257 or 256, an algorithm number and the base64 public key, e.g. from `aws route53 get-dnssec`), not a DS'
        : 'Gandi refused the request; name servers must be existing host names (hosts inside the domain itself need glue records created at Gandi first)';
    default:
      return undefined;
  }
}

/** Still rate limited after the retries: say what Gandi's limit counts. */
function rateLimitError(call: CallContext, err: RegistrarRateLimitError): RegistrarRateLimitError {
  return new RegistrarRateLimitError({
    ...call,
    status: err.status,
    // Not retried (a wait hint longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER): keep saying so.
    cause: err.retried === false ? err.reason : `rate limited (HTTP ${err.status ?? 429}) after retries`,
    hint:
      'Gandi allows 1000 requests a minute per IP address, shared by every program and token behind that address ' +
      '(CI runners behind one NAT count together); try again in a minute, or run fewer domains at once (terraform -parallelism)',
  });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const sharingId = ctx.env.NSBRIDGE_GANDI_SHARING_ID?.trim() || undefined;
    // Gandi counts per IP, not per token: every token used from this machine shares one window.
    const { http } = connect(info, ctx, 'per-ip', {
      headers: {
        Authorization: `Bearer ${creds.GANDI_PERSONAL_ACCESS_TOKEN}`,
        Accept: 'application/json',
      },
      retryAfterMs,
    });
    const path = (domain: string) => `/v5/domain/domains/${encodeURIComponent(domain)}/nameservers`;
    const params = sharingId ? { sharing_id: sharingId } : undefined;
    const request = async <T>(config: AxiosRequestConfig, call: CallContext) => {
      try {
        return await send<T>(http, config, call);
      } catch (err) {
        throw err instanceof RegistrarRateLimitError ? rateLimitError(call, err) : err;
      }
    };

    const keysPath = (domain: string) => `/v5/domain/domains/${encodeURIComponent(domain)}/dnskeys`;
    const dnssecFail = (res: AxiosResponse, call: CallContext) => errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, sharingId, true) });

    /**
     * Every key, page by page. Gandi's own client follows the `Link` header's rel="next"
     * (https://api.gandi.net/docs/reference/ "Pagination"); only its path and query are used, so
     * NSBRIDGE_GANDI_ENDPOINT keeps applying, and a link to anything but this list is not followed.
     * Without a Link header, Total-Count (or an empty page) says when the list is over. A page
     * that repeats (a next link already followed, or keys all listed before) stops the loop.
     */
    async function listKeys(domain: string, call: CallContext): Promise<GandiDnskey[]> {
      const keys: GandiDnskey[] = [];
      const ids = new Set<string>();
      const followed = new Set<string>();
      const repeated = (why: string) =>
        new RegistrarApiError({ ...call, cause: `Gandi's DNSSEC key list repeats itself (${why})`, hint: 'Gandi answered in an unexpected way; nothing was changed; try again, and report it if it persists' });
      let config: AxiosRequestConfig = { method: 'GET', url: keysPath(domain), params: { ...params, page: 1, per_page: DNSKEYS_PER_PAGE } };
      for (let n = 1, page = 1; n <= MAX_DNSKEY_PAGES; n += 1) {
        const res = await request<unknown>(config, call);
        if (!isSuccess(res)) throw dnssecFail(res, call);
        const pageKeys = parseResponse(DnskeysAnswer, res, { ...call, what: 'a JSON array of DNSSEC keys' }) as unknown as GandiDnskey[];
        const pageIds = pageKeys.map((k) => String((k as { id?: unknown }).id));
        if (pageKeys.length > 0 && pageIds.every((id) => ids.has(id))) throw repeated(`page ${n} holds only keys already listed`);
        pageIds.forEach((id) => ids.add(id));
        keys.push(...pageKeys);
        const link = res.headers?.link;
        if (typeof link === 'string' && link.trim() !== '') {
          const next = nextLink(link);
          if (!next) return keys;
          const url = new URL(next, 'https://api.gandi.net');
          if (url.pathname !== keysPath(domain)) throw new RegistrarApiError({ ...call, status: res.status, cause: `the next page link points elsewhere (${url.pathname})`, hint: 'Gandi answered in an unexpected way; nothing was changed; try again, and report it if it persists' });
          const target = `${url.pathname}${url.search}`;
          if (followed.has(target)) throw repeated(`the next page link ${target} was followed before`);
          followed.add(target);
          config = { method: 'GET', url: target };
          continue;
        }
        const total = Number(res.headers?.['total-count']);
        // Without Total-Count, only an empty page says the list is over.
        if (pageKeys.length === 0 || (Number.isInteger(total) && keys.length >= total)) return keys;
        page += 1;
        config = { method: 'GET', url: keysPath(domain), params: { ...params, page, per_page: DNSKEYS_PER_PAGE } };
      }
      throw new RegistrarApiError({ ...call, cause: `the DNSSEC key list did not end after ${MAX_DNSKEY_PAGES} pages`, hint: 'Gandi answered in an unexpected way; try again, and report it if it persists' });
    }

    /** A key as Gandi lists it -> a canonical record: Gandi's DS always, the DNSKEY when it has the public key. */
    function toRecord(call: CallContext, key: GandiDnskey): DnssecRecord {
      const k = key as Partial<Record<keyof GandiDnskey, unknown>>;
      const bad = (why: string) =>
        new RegistrarApiError({ ...call, cause: `Gandi listed a DNSSEC key that nsbridge cannot read (${why})`, hint: 'check the domain\'s DNSSEC keys in the Gandi admin; report it if they look right there' });
      if (typeof k.id !== 'number' && typeof k.id !== 'string') throw bad('no id');
      if (typeof k.keytag !== 'number' || typeof k.algorithm !== 'number' || typeof k.digest_type !== 'number' || typeof k.digest !== 'string') {
        throw bad(`key ${String(k.id)}: keytag, algorithm and digest_type must be integers and digest a string`);
      }
      try {
        const ds = checkDs({ keyTag: k.keytag, algorithm: k.algorithm, digestType: k.digest_type, digest: k.digest });
        const flags = typeof k.type === 'string' ? FLAGS_OF_TYPE[k.type] : undefined;
        // Type "none" (or a key without public_key) gives no flags to rebuild the DNSKEY from: DS only.
        if (typeof k.public_key === 'string' && k.public_key !== '' && flags !== undefined) {
          return { ds, dnskey: checkDnskey({ flags, protocol: 3, algorithm: k.algorithm, publicKey: k.public_key }), registrarId: String(k.id) };
        }
        return { ds, registrarId: String(k.id) };
      } catch (err) {
        if (err instanceof InvalidDnssecError) throw bad(`key ${String(k.id)}: ${err.message}`);
        throw err;
      }
    }

    const dnssec: DnssecOperations = {
      async getDnssecRecords(domain) {
        const call = { registrar: info.id, operation: 'get DNSSEC records', domain };
        return (await listKeys(domain, call)).map((k) => toRecord(call, k));
      },
      async addDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'add DNSSEC record', domain };
        // Every record is checked before the first is sent, so a refusal changes nothing.
        const bodies = records.map((r): GandiDnskeyCreate => {
          const type = r.dnskey ? TYPE_OF_FLAGS[r.dnskey.flags] : undefined;
          if (!r.dnskey || !type) {
            throw new RegistrarValidationError({
              ...call,
              cause: r.dnskey ? `DNSKEY flags ${r.dnskey.flags} are neither 257 (KSK) nor 256 (ZSK)` : 'a DS record without its DNSKEY',
              hint: 'Gandi takes the DNSKEY of a key-signing key (flags 257) or zone-signing key (flags 256) and computes the DS itself; give the DNSKEY. Nothing was changed',
            });
          }
          return { algorithm: r.dnskey.algorithm, type, public_key: r.dnskey.publicKey };
        });
        for (const data of bodies) {
          const res = await request<Partial<GandiMessage>>(
            { method: 'POST', url: keysPath(domain), params, data, headers: { 'Content-Type': 'application/json' } },
            call,
          );
          if (isSuccess(res)) continue;
          // 409: Gandi already has this key, e.g. our own POST retried after its answer was lost.
          if (res.status === 409 && (await listKeys(domain, call)).some((k) => k.public_key === data.public_key)) {
            ctx.debug(`gandi: ${domain}: the DNSKEY was already there`);
            continue;
          }
          throw dnssecFail(res, call);
        }
      },
      async removeDnssecRecords(domain, records) {
        const call = { registrar: info.id, operation: 'remove DNSSEC record', domain };
        let listed: DnssecRecord[] | undefined;
        for (const record of records) {
          let id = record.registrarId;
          if (id === undefined) {
            listed ??= (await listKeys(domain, call)).map((k) => toRecord(call, k));
            id = listed.find((l) => sameDnssecRecord(l, record))?.registrarId;
            if (id === undefined) continue; // not there: nothing to remove
          }
          const res = await request<unknown>({ method: 'DELETE', url: `${keysPath(domain)}/${encodeURIComponent(id)}`, params }, call);
          if (isSuccess(res)) continue;
          // 404: the key is gone already (e.g. our own DELETE retried); anything else is a failure.
          if (res.status === 404 && !(await listKeys(domain, call)).some((k) => String(k.id) === id)) continue;
          throw dnssecFail(res, call);
        }
      },
    };

    return {
      dnssec,
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const res = await request<unknown>({ method: 'GET', url: path(domain), params }, call);
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, sharingId) });
        // The one endpoint that answers with a bare array rather than an object.
        return parseResponse(NameserversAnswer, res, { ...call, what: 'a JSON array of name-server host names' });
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const data: GandiNameserversUpdate = { nameservers: [...nameServers] };
        const res = await request<Partial<GandiMessage>>(
          { method: 'PUT', url: path(domain), params, data, headers: { 'Content-Type': 'application/json' } },
          call,
        );
        // Gandi documents no exact success status (202 is what is seen); any 2xx means accepted.
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, sharingId) });
        const message = typeof res.data === 'object' && res.data !== null ? res.data.message : undefined;
        ctx.debug(`gandi: ${domain}: HTTP ${res.status}${message ? `: ${message}` : ''}`);
      },
    };
  }),
};

/**
 * Porkbun JSON API v3 (https://porkbun.com/api/json/v3/documentation).
 *   read:  POST /domain/getNs/{domain}    {apikey, secretapikey}       -> {status:"SUCCESS", ns:[...]}
 *   write: POST /domain/updateNs/{domain} {apikey, secretapikey, ns}   -> {status:"SUCCESS"}
 * DNSSEC (DS records at the registry, since early 2025):
 *   read:   POST /dns/getDnssecRecords/{domain}      -> {status, records: {"<keyTag>": {keyTag, alg, digestType, digest}}}
 *   add:    POST /dns/createDnssecRecord/{domain}    {apikey, secretapikey, keyTag, alg, digestType, digest} (strings)
 *   remove: POST /dns/deleteDnssecRecord/{domain}/{keyTag}
 * Porkbun lists records keyed by key tag and deletes them by key tag, so it can tell apart only
 * one DS per key tag: two DS records with the same key tag (the same key with two digest types,
 * or two keys whose tags collide) could not be listed or deleted separately. nsbridge therefore
 * keeps one DS per key tag: a new DS whose key tag is already held replaces the held one (delete
 * the tag, then create), removing a DS deletes its tag only while the tag still holds that DS,
 * and two DS records with one key tag in one change are refused (exit 2) before anything is sent.
 * Credentials travel in the JSON body of every call, never in the URL (the tracer prints URLs).
 * Errors: HTTP 400 {status:"ERROR", message} ("Invalid API key. (002)", "Invalid domain.", ...). A
 * domain whose "API Access" switch is off answers "Domain is not opted in to API access." (the
 * real text); older answers said "Invalid domain." for it too, so that hint names both causes.
 *
 * "Slow down" comes in three shapes, all told to the HTTP client (never retried here):
 *  - HTTP 503 with openresty's HTML page (dnscontrol #3225, bacon #45), no Retry-After;
 *  - an AWS WAF challenge: HTTP 202 + `x-amzn-waf-action` + a non-JSON body (dnscontrol PR #3019).
 *    A 2xx, so it must never pass for a successful write: only HTTP 200 with
 *    {"status":"SUCCESS"} is a success here;
 *  - HTTP 429 with Retry-After (newer API; UNCONFIRMED).
 * The first two carry no wait hint, so the client is told to wait one rate-limit window and a
 * margin (THROTTLE_WAIT_MS): the shared limiter then holds every nsbridge process of this key off
 * for that long, instead of each one hammering a limit of 1 request per second.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { AdapterContext, DnssecOperations, RegistrarAdapter } from '../core/types';
import { info } from './info';
import { withCredentials } from '../core/environment';
import { connect, retryAfterHeaderMs } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import * as errors from '../../core/errors';
import { summarizeBody } from '../../core/redact';
import { checkDnskey, checkDs, DnssecRecord, formatDs, sameDnssecRecord } from '../../core/dnssec';
import { parseResponse } from '../core/answer';
import {
  GetDnssecAnswer,
  GetNsAnswer,
  type PorkbunAuth,
  type PorkbunCreateDnssecRequest,
  type PorkbunDnssecRecord,
  type PorkbunError,
  type PorkbunUpdateNsRequest,
} from './wire-types';

/** Wait after a hintless "slow down": one window of Porkbun's 1 request/second and a margin (dnscontrol waits >= 1.2 s). */
const THROTTLE_WAIT_MS = Math.round((info.rateLimit?.perMs ?? 1_000) * 1.2);

/** Porkbun's "slow down" answers: 429, the openresty 503 page, any AWS WAF action (challenge, captcha). */
function isThrottled(res: AxiosResponse): boolean {
  return res.status === 429 || res.status === 503 || res.headers?.['x-amzn-waf-action'] !== undefined;
}

function throttleWaitMs(res: AxiosResponse): number | undefined {
  if (!isThrottled(res)) return undefined;
  return retryAfterHeaderMs(res) ?? THROTTLE_WAIT_MS;
}

function porkbunError(res: AxiosResponse): PorkbunError | undefined {
  const body = res.data as Partial<PorkbunError> | undefined;
  return body && typeof body === 'object' && body.status === 'ERROR' ? (body as PorkbunError) : undefined;
}

/** Porkbun's own words: message, code, and its hint when the newer envelope has one. */
function detail(body: PorkbunError): string {
  const parts = [body.message?.trim() || '(no message)'];
  if (body.code) parts.push(`[${body.code}]`);
  if (body.next_action?.hint) parts.push(`(${body.next_action.hint})`);
  return parts.join(' ');
}

type ErrorKind = 'credentials' | 'domain' | 'apiAccess' | 'ip' | 'domainScope';

/**
 * Which of Porkbun's documented refusals this is. The classic envelope has no machine-readable
 * code (every refusal is HTTP 400 with a message), so the recorded messages are recognised here.
 * This only picks the error class and the hint of the one-line error; retries and writes are
 * never decided on message text (those follow status and headers in the HTTP client).
 */
function kindOf(body: PorkbunError): ErrorKind | undefined {
  const code = body.code ?? '';
  if (/^(INVALID_API_KEYS?_\d+|MISSING_SECRETAPIKEY|MISSING_APIKEY|API_KEY_REQUIRED)$/.test(code)) return 'credentials';
  if (code === 'INVALID_DOMAIN') return 'domain';
  if (code === 'IP_NOT_ALLOWED') return 'ip';
  if (code === 'DOMAIN_NOT_ALLOWED') return 'domainScope';
  const message = (body.message ?? '').trim();
  if (/^Invalid API key\./i.test(message)) return 'credentials';
  if (/not opted in to API access/i.test(message)) return 'apiAccess';
  if (/^Invalid domain\.?$/i.test(message)) return 'domain';
  return undefined;
}

const HINTS: Record<ErrorKind, string> = {
  credentials:
    'Porkbun did not accept PORKBUN_API_KEY / PORKBUN_SECRET_API_KEY; check both (pk1_... and sk1_..., from porkbun.com/account/api) and that the key has not been deleted',
  domain:
    'Porkbun says "Invalid domain." both when the domain is not in the account of PORKBUN_API_KEY and when the domain\'s "API Access" switch is off: ' +
    'in the Porkbun dashboard (Domain Management), open the domain\'s Details and turn "API Access" on, and check that the key belongs to the account that holds the domain',
  apiAccess:
    'the domain\'s "API Access" switch is off: in the Porkbun dashboard (Domain Management), open the domain\'s Details and turn "API Access" on',
  ip: 'the Porkbun API key only works from allowed IP addresses; allow this machine\'s address for the key at porkbun.com/account/api',
  domainScope: 'the Porkbun API key is limited to other domains; allow this domain for the key at porkbun.com/account/api',
};

/** What a refused write was about: its hint for a 400, and the command that shows the state. */
interface WriteKind {
  readonly refused: string;
  readonly check: string;
}

const NS_WRITE: WriteKind = {
  refused: 'Porkbun refused the name servers; each must be an existing host name registered at the registry (2 to 13 of them). Nothing was changed',
  check: 'nsbridge get',
};

const DNSSEC_WRITE: WriteKind = {
  refused: 'Porkbun refused the DS record; check it (key tag, algorithm, digest type, digest) against the zone\'s key-signing key, and that the TLD\'s registry takes DS records. Nothing was changed by this call',
  check: 'nsbridge ds get',
};

/** Anything but HTTP 200 with {"status":"SUCCESS"} is a failure: name it. */
function failure(res: AxiosResponse, call: CallContext, write: WriteKind | false): errors.RegistrarError {
  const body = porkbunError(res);
  if (!body) {
    // HTML, an unexpected 2xx (a WAF page without its header), or broken JSON.
    return new errors.RegistrarApiError({
      ...call,
      status: res.status,
      cause: `unexpected answer from Porkbun: HTTP ${res.status} ${summarizeBody(res.data)}`,
      hint: write
        ? `it is not known whether the change was made; run \`${write.check}\` to see what Porkbun holds now, and check NSBRIDGE_PORKBUN_ENDPOINT if set`
        : 'Porkbun did not answer with its JSON API; try again later, and check NSBRIDGE_PORKBUN_ENDPOINT if set',
    });
  }
  const kind = kindOf(body);
  const base = { ...call, status: res.status, cause: `HTTP ${res.status} ${detail(body)}` };
  if (kind === 'credentials' || kind === 'apiAccess' || kind === 'ip' || kind === 'domainScope') return new errors.RegistrarAuthError({ ...base, hint: HINTS[kind] });
  if (kind === 'domain') return new errors.DomainNotFoundError({ ...base, hint: HINTS.domain });
  if (write && res.status === 400) return new errors.RegistrarValidationError({ ...base, hint: write.refused });
  return errorForStatus(res, call, { detail: detail(body) });
}

function isSuccess(res: AxiosResponse): boolean {
  const body = res.data as { status?: unknown } | undefined;
  return res.status === 200 && typeof body === 'object' && body !== null && body.status === 'SUCCESS';
}

export const adapter: RegistrarAdapter = {
  info,
  createClient: withCredentials(info, (ctx, creds) => {
    const auth: PorkbunAuth = { apikey: creds.PORKBUN_API_KEY!, secretapikey: creds.PORKBUN_SECRET_API_KEY! };
    // Porkbun counts per API key; the limiter hashes this, the key itself is not stored.
    const { baseURL, http } = connect(info, ctx, auth.apikey, {
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      isRateLimited: isThrottled,
      retryAfterMs: throttleWaitMs,
    });
    if (/^https?:\/\/(www\.)?porkbun\.com(\/|$)/i.test(baseURL)) {
      ctx.log('porkbun: NSBRIDGE_PORKBUN_ENDPOINT points at porkbun.com, which stopped serving the API on 2024-12-01; use https://api.porkbun.com/api/json/v3');
    }
    const path = (op: 'getNs' | 'updateNs', domain: string) => `/domain/${op}/${encodeURIComponent(domain)}`;

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const res = await send(http, { method: 'POST', url: path('getNs', domain), data: auth }, call, throttleWaitMs);
        if (!isSuccess(res)) throw failure(res, call, false);
        // As sent (.de answers with trailing dots); the CLI canonicalises.
        return parseResponse(GetNsAnswer, res, { ...call, what: 'a getNs answer ({"status": "SUCCESS", "ns": [...]})' }).ns;
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const data: PorkbunUpdateNsRequest = { ...auth, ns: [...nameServers] };
        const res = await send(http, { method: 'POST', url: path('updateNs', domain), data }, call, throttleWaitMs);
        if (!isSuccess(res)) throw failure(res, call, NS_WRITE);
      },
      dnssec: dnssecOperations(http, auth, ctx),
    };
  }),
};

/**
 * Porkbun's records, canonical. `records` is an object keyed by key tag with string values; when
 * empty its shape is UNCONFIRMED, so `{}`, `[]` and a list of records are all accepted.
 */
export function parsePorkbunDnssec(records: unknown): DnssecRecord[] {
  if (records === undefined || records === null) return [];
  if (typeof records !== 'object') throw new Error(`"records" is neither an object nor a list: ${summarizeBody(records)}`);
  const entries: [string | undefined, unknown][] = Array.isArray(records)
    ? records.map((r) => [undefined, r])
    : Object.entries(records as Record<string, unknown>);
  return entries.map(([tag, value]) => {
    if (typeof value !== 'object' || value === null) throw new Error(`record ${tag ?? ''} is not an object: ${summarizeBody(value)}`);
    const r = value as Partial<Record<keyof PorkbunDnssecRecord, unknown>>;
    const ds = checkDs({
      keyTag: String(r.keyTag ?? tag ?? ''),
      algorithm: String(r.alg ?? ''),
      digestType: String(r.digestType ?? ''),
      digest: String(r.digest ?? ''),
    });
    let dnskey;
    if (r.keyDataFlags && r.keyDataProtocol && r.keyDataAlgo && r.keyDataPubKey) {
      try {
        dnskey = checkDnskey({ flags: String(r.keyDataFlags), protocol: String(r.keyDataProtocol), algorithm: String(r.keyDataAlgo), publicKey: String(r.keyDataPubKey) });
      } catch {
        dnskey = undefined; // key data the registry kept but nsbridge cannot read: the DS still identifies the record
      }
    }
    return { ds, ...(dnskey ? { dnskey } : {}), registrarId: String(ds.keyTag) };
  });
}

function dnssecOperations(http: AxiosInstance, auth: PorkbunAuth, ctx: AdapterContext): DnssecOperations {
  const dnsPath = (op: string, domain: string, keyTag?: number) =>
    `/dns/${op}/${encodeURIComponent(domain)}${keyTag === undefined ? '' : `/${keyTag}`}`;
  /** What Porkbun holds, as last read or written by this client (one run of the CLI). */
  const held = new Map<string, DnssecRecord[]>();

  async function read(call: CallContext, domain: string): Promise<DnssecRecord[]> {
    const res = await send(http, { method: 'POST', url: dnsPath('getDnssecRecords', domain), data: auth }, call, throttleWaitMs);
    if (!isSuccess(res)) throw failure(res, call, false);
    const body = parseResponse(GetDnssecAnswer, res, { ...call, what: 'a getDnssecRecords answer ({"status": "SUCCESS", "records": ...})' });
    let records: DnssecRecord[];
    try {
      records = parsePorkbunDnssec(body.records);
    } catch (e) {
      throw new errors.RegistrarApiError({ ...call, status: res.status, cause: `unexpected DNSSEC records from Porkbun: ${(e as Error).message}`, hint: 'check the domain\'s DNSSEC section in the Porkbun dashboard' });
    }
    held.set(domain, records);
    return records;
  }

  const current = async (call: CallContext, domain: string) => held.get(domain) ?? read(call, domain);

  async function deleteTag(call: CallContext, domain: string, keyTag: number): Promise<void> {
    const res = await send(http, { method: 'POST', url: dnsPath('deleteDnssecRecord', domain, keyTag), data: auth }, call, throttleWaitMs);
    if (!isSuccess(res)) throw failure(res, call, DNSSEC_WRITE);
    held.set(domain, (held.get(domain) ?? []).filter((r) => r.ds.keyTag !== keyTag));
  }

  return {
    async getDnssecRecords(domain) {
      return read({ registrar: info.id, operation: 'get DNSSEC records', domain }, domain);
    },

    async addDnssecRecords(domain, records) {
      const call = { registrar: info.id, operation: 'add DNSSEC records', domain };
      for (const r of records) {
        const twin = records.find((o) => o !== r && o.ds.keyTag === r.ds.keyTag);
        if (twin) {
          throw new errors.UsageError(
            `porkbun: add DNSSEC records ${domain}: Porkbun keeps one DS record per key tag (it lists and deletes them by key tag), and key tag ${r.ds.keyTag} is given twice ("${formatDs(r.ds)}" and "${formatDs(twin.ds)}"); give one DS per key (digest type 2, SHA-256); nothing was changed`,
          );
        }
      }
      for (const r of records) {
        const before = (await current(call, domain)).find((h) => h.ds.keyTag === r.ds.keyTag);
        if (before && sameDnssecRecord(before, r)) continue;
        if (before) {
          ctx.log(`porkbun: ${domain}: key tag ${r.ds.keyTag} holds DS "${formatDs(before.ds)}"; Porkbun keeps one DS per key tag, so it is replaced by "${formatDs(r.ds)}"`);
          await deleteTag(call, domain, r.ds.keyTag);
        }
        const data: PorkbunCreateDnssecRequest = {
          ...auth,
          keyTag: String(r.ds.keyTag),
          alg: String(r.ds.algorithm),
          digestType: String(r.ds.digestType),
          digest: r.ds.digest,
          // Registries that want the key itself get it when nsbridge knows it; the rest ignore it.
          ...(r.dnskey
            ? { keyDataFlags: String(r.dnskey.flags), keyDataProtocol: String(r.dnskey.protocol), keyDataAlgo: String(r.dnskey.algorithm), keyDataPubKey: r.dnskey.publicKey }
            : {}),
        };
        const res = await send(http, { method: 'POST', url: dnsPath('createDnssecRecord', domain), data }, call, throttleWaitMs);
        if (!isSuccess(res)) {
          throw failure(res, call, before
            ? { refused: `Porkbun refused the DS record after nsbridge deleted the DS it replaces ("${formatDs(before.ds)}", the same key tag): the domain no longer has that one either; check the new record and run again`, check: DNSSEC_WRITE.check }
            : DNSSEC_WRITE);
        }
        held.set(domain, [...(held.get(domain) ?? []), { ...r, registrarId: String(r.ds.keyTag) }]);
      }
    },

    async removeDnssecRecords(domain, records) {
      const call = { registrar: info.id, operation: 'remove DNSSEC records', domain };
      for (const r of records) {
        const now = (await current(call, domain)).find((h) => h.ds.keyTag === r.ds.keyTag);
        // Gone already, or the tag now holds a DS added in this run (which replaced this one).
        if (!now || !sameDnssecRecord(now, r)) {
          ctx.debug(`porkbun: ${domain}: key tag ${r.ds.keyTag} no longer holds "${formatDs(r.ds)}"; nothing to delete`);
          continue;
        }
        await deleteTag(call, domain, r.ds.keyTag);
      }
    },
  };
}

/**
 * Porkbun JSON API v3 (shared/reference/registrar-apis.md §4).
 *   read:  POST /domain/getNs/{domain}    {apikey, secretapikey}       -> {status:"SUCCESS", ns:[...]}
 *   write: POST /domain/updateNs/{domain} {apikey, secretapikey, ns}   -> {status:"SUCCESS"}
 * Credentials travel in the JSON body of every call, never in the URL (the tracer prints URLs).
 * Errors: HTTP 400 {status:"ERROR", message} ("Invalid API key. (002)", "Invalid domain.", ...).
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
import type { AxiosResponse } from 'axios';
import type { AdapterContext, RegistrarAdapter, RegistrarClient } from '../core/types';
import { info } from './info';
import { readCredentials, resolveEndpoint } from '../core/environment';
import { createHttpClient, retryAfterHeaderMs } from '../core/http';
import { CallContext, errorForStatus, send } from '../core/respond';
import {
  DomainNotFoundError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarError,
  RegistrarValidationError,
} from '../core/errors';
import { summarizeBody } from '../core/redact';
import type { PorkbunAuth, PorkbunError, PorkbunGetNsResponse, PorkbunUpdateNsRequest } from './wire-types';

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

type ErrorKind = 'credentials' | 'domain' | 'ip' | 'domainScope';

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
  if (/^Invalid domain\.?$/i.test(message) || /not opted in to API access/i.test(message)) return 'domain';
  return undefined;
}

const HINTS: Record<ErrorKind, string> = {
  credentials:
    'Porkbun did not accept PORKBUN_API_KEY / PORKBUN_SECRET_API_KEY; check both (pk1_... and sk1_..., from porkbun.com/account/api) and that the key has not been deleted',
  domain:
    'Porkbun says "Invalid domain." both when the domain is not in the account of PORKBUN_API_KEY and when the domain\'s "API Access" switch is off: ' +
    'in the Porkbun dashboard (Domain Management), open the domain\'s Details and turn "API Access" on, and check that the key belongs to the account that holds the domain',
  ip: 'the Porkbun API key only works from allowed IP addresses; allow this machine\'s address for the key at porkbun.com/account/api',
  domainScope: 'the Porkbun API key is limited to other domains; allow this domain for the key at porkbun.com/account/api',
};

/** Anything but HTTP 200 with {"status":"SUCCESS"} is a failure: name it. */
function failure(res: AxiosResponse, call: CallContext, write: boolean): RegistrarError {
  const body = porkbunError(res);
  if (!body) {
    // HTML, an unexpected 2xx (a WAF page without its header), or broken JSON.
    return new RegistrarApiError({
      ...call,
      status: res.status,
      cause: `unexpected answer from Porkbun: HTTP ${res.status} ${summarizeBody(res.data)}`,
      hint: write
        ? 'it is not known whether the change was made; run `nsbridge get` to see what Porkbun holds now, and check NSBRIDGE_PORKBUN_ENDPOINT if set'
        : 'Porkbun did not answer with its JSON API; try again later, and check NSBRIDGE_PORKBUN_ENDPOINT if set',
    });
  }
  const kind = kindOf(body);
  const base = { ...call, status: res.status, cause: `HTTP ${res.status} ${detail(body)}` };
  if (kind === 'credentials' || kind === 'ip' || kind === 'domainScope') return new RegistrarAuthError({ ...base, hint: HINTS[kind] });
  if (kind === 'domain') return new DomainNotFoundError({ ...base, hint: HINTS.domain });
  if (write && res.status === 400) {
    return new RegistrarValidationError({
      ...base,
      hint: 'Porkbun refused the name servers; each must be an existing host name registered at the registry (2 to 13 of them). Nothing was changed',
    });
  }
  return errorForStatus(res, call, { detail: detail(body) });
}

function isSuccess(res: AxiosResponse): boolean {
  const body = res.data as { status?: unknown } | undefined;
  return res.status === 200 && typeof body === 'object' && body !== null && body.status === 'SUCCESS';
}

export const adapter: RegistrarAdapter = {
  info,
  createClient(ctx: AdapterContext): RegistrarClient {
    const creds = readCredentials(info, ctx.env);
    const baseURL = resolveEndpoint(info, ctx.env);
    if (/^https?:\/\/(www\.)?porkbun\.com(\/|$)/i.test(baseURL)) {
      ctx.log('porkbun: NSBRIDGE_PORKBUN_ENDPOINT points at porkbun.com, which stopped serving the API on 2024-12-01; use https://api.porkbun.com/api/json/v3');
    }
    const auth: PorkbunAuth = { apikey: creds.PORKBUN_API_KEY!, secretapikey: creds.PORKBUN_SECRET_API_KEY! };
    const http = createHttpClient({
      info,
      baseURL,
      ctx,
      // Porkbun counts per API key; the limiter hashes this, the key itself is not stored.
      accountIdentity: `${baseURL} ${auth.apikey}`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      isRateLimited: isThrottled,
      retryAfterMs: throttleWaitMs,
    });
    const path = (op: 'getNs' | 'updateNs', domain: string) => `/domain/${op}/${encodeURIComponent(domain)}`;

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const res = await send<PorkbunGetNsResponse>(http, { method: 'POST', url: path('getNs', domain), data: auth }, call, throttleWaitMs);
        if (!isSuccess(res)) throw failure(res, call, false);
        if (!Array.isArray(res.data.ns) || res.data.ns.some((n) => typeof n !== 'string')) {
          throw new RegistrarApiError({ ...call, status: res.status, cause: `the answer has no "ns" list: ${summarizeBody(res.data)}` });
        }
        // As sent (.de answers with trailing dots); the CLI canonicalises.
        return res.data.ns;
      },
      async setNameServers(domain, nameServers) {
        const call = { registrar: info.id, operation: 'set name servers', domain };
        const data: PorkbunUpdateNsRequest = { ...auth, ns: [...nameServers] };
        const res = await send(http, { method: 'POST', url: path('updateNs', domain), data }, call, throttleWaitMs);
        if (!isSuccess(res)) throw failure(res, call, true);
      },
    };
  },
};

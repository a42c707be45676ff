/**
 * Gandi v5 Domain API (shared/reference/registrar-apis.md §3).
 *   read:  GET /v5/domain/domains/{domain}/nameservers  -> ["ns1.example.net", ...] (bare array)
 *   write: PUT /v5/domain/domains/{domain}/nameservers  {"nameservers": [...]} -> 2xx {"message": ...}
 * Auth: `Authorization: Bearer <personal access token>`. The deprecated `Apikey` scheme is not
 * offered: PATs are what Gandi issues today, and a PAT sent as `Apikey` is refused.
 * Optional `?sharing_id=<organization id>` (NSBRIDGE_GANDI_SHARING_ID) on every call, as go-gandi
 * does; it is not a secret, and the --verbose tracer drops query strings anyway.
 * Errors: Pyramid error object {code, message, object, cause}, or Cornice's validation envelope
 * {status: "error", errors: [{location, name, description}]}.
 * Rate limit: 1000 requests a minute per IP address. The shape of Gandi's 429 is UNCONFIRMED; no
 * Retry-After is assumed, so without one the client waits RATE_LIMIT_FALLBACK_MS per retry.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { AdapterContext, RegistrarAdapter, RegistrarClient } from '../core/types';
import { info } from './info';
import { readCredentials, resolveEndpoint } from '../core/environment';
import { createHttpClient } from '../core/http';
import { CallContext, errorForStatus, isSuccess, send } from '../core/respond';
import { RegistrarApiError, RegistrarRateLimitError } from '../core/errors';
import { summarizeBody } from '../core/redact';
import type { GandiErrorObject, GandiMessage, GandiNameserversUpdate, GandiValidationError } from './wire-types';

/**
 * Wait before retrying a 429 that names no wait. Gandi counts requests per minute per IP and
 * (as far as is known) says nothing about when the window frees up; a quarter of the window means
 * the four default retries span a whole minute, so the last one comes after any one-minute window
 * that was full at the first 429 has moved on. A Retry-After header, if Gandi sends one, wins.
 */
export const RATE_LIMIT_FALLBACK_MS = 15_000;

const retryAfterMs = (res: AxiosResponse): number | undefined => (res.status === 429 ? RATE_LIMIT_FALLBACK_MS : undefined);

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

function hintFor(res: AxiosResponse, sharingId: string | undefined): string | undefined {
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
      return 'Gandi refused the request; name servers must be existing host names (hosts inside the domain itself need glue records created at Gandi first)';
    default:
      return undefined;
  }
}

function unexpected(call: CallContext, res: AxiosResponse, what: string): RegistrarApiError {
  return new RegistrarApiError({
    ...call,
    status: res.status,
    cause: `HTTP ${res.status}: ${what}: ${summarizeBody(res.data)}`,
    hint: 'Gandi answered in an unexpected shape; nothing was changed by nsbridge, try again and report it if it persists',
  });
}

/** Still rate limited after the retries: say what Gandi's limit counts. */
function rateLimitError(call: CallContext, err: RegistrarRateLimitError): RegistrarRateLimitError {
  return new RegistrarRateLimitError({
    ...call,
    status: err.status,
    cause: `rate limited (HTTP ${err.status ?? 429}) after retries`,
    hint:
      'Gandi allows 1000 requests a minute per IP address, shared by every program and token behind that address ' +
      '(CI runners behind one NAT count together); try again in a minute, or run fewer domains at once (terraform -parallelism)',
  });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient(ctx: AdapterContext): RegistrarClient {
    const creds = readCredentials(info, ctx.env);
    const baseURL = resolveEndpoint(info, ctx.env);
    const sharingId = ctx.env.NSBRIDGE_GANDI_SHARING_ID?.trim() || undefined;
    const http = createHttpClient({
      info,
      baseURL,
      ctx,
      // Gandi counts per IP, not per token: every token used from this machine shares one window.
      accountIdentity: `${baseURL} per-ip`,
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

    return {
      async getNameServers(domain) {
        const call = { registrar: info.id, operation: 'get name servers', domain };
        const res = await request<unknown>({ method: 'GET', url: path(domain), params }, call);
        if (!isSuccess(res)) throw errorForStatus(res, call, { detail: detail(res), hint: hintFor(res, sharingId) });
        // The one endpoint that answers with a bare array rather than an object.
        const body = res.data;
        if (!Array.isArray(body) || body.some((n) => typeof n !== 'string')) {
          throw unexpected(call, res, 'expected a JSON array of name-server host names');
        }
        return body as string[];
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
  },
};

/**
 * Turning HTTP outcomes into typed errors, in one place (Cloudflare's APIError.generate).
 * Adapters call `send` for every request and `errorForStatus` for answers they do not accept;
 * they only add the registrar's own wording and hints.
 */
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { isAxiosError } from 'axios';
import {
  DomainNotFoundError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarConflictError,
  RegistrarError,
  RegistrarNetworkError,
  RegistrarRateLimitError,
  RegistrarValidationError,
} from '../../core/errors';
import { describeNetworkError, retryAfterHeaderMs } from './http';
import { summarizeBody } from '../../core/redact';
import { formatDuration } from '../../core/duration';

export interface CallContext {
  readonly registrar: string;
  readonly operation: string;
  readonly domain: string;
}

/**
 * Send a request through a client from createHttpClient. Returns the response for any status the
 * client did not treat as retryable; throws a RegistrarError when there was no answer, or when
 * "slow down" / transient answers outlasted the retries.
 */
export async function send<T = unknown>(
  client: AxiosInstance,
  config: AxiosRequestConfig,
  call: CallContext,
  retryAfterMs?: (res: AxiosResponse) => number | undefined,
): Promise<AxiosResponse<T>> {
  try {
    return await client.request<T>(config);
  } catch (err) {
    if (err instanceof RegistrarError) throw err;
    if (isAxiosError(err) && err.response) {
      const res = err.response;
      if (err.code === 'ERR_RATE_LIMITED') {
        const wait = retryAfterHeaderMs(res) ?? retryAfterMs?.(res);
        throw new RegistrarRateLimitError({
          ...call,
          status: res.status,
          cause: `rate limited (HTTP ${res.status}${wait !== undefined ? `, retry after ${formatDuration(wait)}` : ''}) after retries`,
          hint: 'another job may be using the same account; run fewer domains at once (terraform -parallelism) or try again later',
        });
      }
      throw new RegistrarApiError({
        ...call,
        status: res.status,
        cause: `HTTP ${res.status} ${summarizeBody(res.data)} (still failing after retries)`,
        hint: 'the registrar is having trouble; try again later, nothing was changed by the failed call',
      });
    }
    throw new RegistrarNetworkError({
      ...call,
      cause: describeNetworkError(err),
      hint: 'check network access to the registrar API (and NSBRIDGE_*_ENDPOINT if set)',
    });
  }
}

export interface StatusMeaning {
  /** The registrar's error code and message, e.g. `NOT_FOUND: Domain x not found for shopper`. */
  readonly detail?: string;
  readonly hint?: string;
}

/** Map an unaccepted answer to the typed error its status means. */
export function errorForStatus(res: AxiosResponse, call: CallContext, meaning: StatusMeaning = {}): RegistrarError {
  const detail = meaning.detail ?? summarizeBody(res.data);
  const base = { ...call, status: res.status, cause: `HTTP ${res.status} ${detail}` };
  switch (res.status) {
    case 401:
      return new RegistrarAuthError({ ...base, hint: meaning.hint ?? 'the credentials were rejected; check them' });
    case 403:
      return new RegistrarAuthError({ ...base, hint: meaning.hint ?? 'the credentials are not allowed to do this' });
    case 404:
      return new DomainNotFoundError({ ...base, hint: meaning.hint ?? 'the domain is not in this registrar account' });
    case 409:
      return new RegistrarConflictError({ ...base, hint: meaning.hint ?? 'the domain is in a state that blocks this change' });
    case 400:
    case 422:
      return new RegistrarValidationError({ ...base, hint: meaning.hint ?? 'the registrar refused the request' });
    case 429:
      return new RegistrarRateLimitError({ ...base, hint: meaning.hint ?? 'rate limited' });
    default:
      return new RegistrarApiError({ ...base, hint: meaning.hint });
  }
}

export const isSuccess = (res: AxiosResponse) => res.status >= 200 && res.status < 300;

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
import { describeNetworkError, FAILURE, failureFacts, retryAfterHeaderMs } from './http';
import { RateLimiterLockError } from './rate-limit';
import { summarizeBody } from '../../core/redact';
import { formatDuration } from '../../core/duration';

export interface CallContext {
  readonly registrar: string;
  readonly operation: string;
  readonly domain: string;
  /**
   * Whether this call's requests change something at the registrar, where the HTTP method does not
   * say so (APIs whose writes are GET requests: Dynadot's set_ns, NameSilo's changeNameServers).
   */
  readonly writes?: boolean;
}

/**
 * Whether a failed request may have changed something at the registrar: what the call says, else
 * any method but GET/HEAD, unless the operation is a read sent as POST (Porkbun's getNs, Namecheap's getList).
 */
export function mayHaveWritten(config: AxiosRequestConfig, call: CallContext): boolean {
  if (call.writes !== undefined) return call.writes;
  const method = String(config.method ?? 'GET').toUpperCase();
  return method !== 'GET' && method !== 'HEAD' && !/^(get|list|read|check|verify)\b/i.test(call.operation);
}

/** What to say about a failed request that may have reached the registrar: a write may have landed. */
export const WRITE_UNKNOWN_HINT =
  'the write may have landed before the failure; run the same command again: it reads first, so a re-run converges without writing twice';

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
    const write = mayHaveWritten(config, call);
    if (err instanceof RateLimiterLockError) {
      throw new RegistrarApiError({ ...call, cause: err.message, hint: err.hint });
    }
    if (isAxiosError(err) && err.response) {
      const res = err.response;
      if (err.code === FAILURE.rateLimited) {
        const wait = retryAfterHeaderMs(res) ?? retryAfterMs?.(res);
        const facts = failureFacts(err);
        const tooLong = facts.hintTooLongMs;
        throw new RegistrarRateLimitError({
          ...call,
          status: res.status,
          retried: tooLong === undefined,
          cause:
            tooLong !== undefined
              ? `rate limited (HTTP ${res.status}, retry after ${formatDuration(tooLong)}); not retried: the wait is longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER (${formatDuration(facts.maxRetryAfterMs ?? 0)})`
              : `rate limited (HTTP ${res.status}${wait !== undefined ? `, retry after ${formatDuration(wait)}` : ''}) after retries`,
          hint:
            tooLong !== undefined
              ? `try again after ${formatDuration(tooLong)}, or raise NSBRIDGE_HTTP_MAX_RETRY_AFTER to wait for it`
              : 'another job may be using the same account; run fewer domains at once (terraform -parallelism) or try again later',
        });
      }
      throw new RegistrarApiError({
        ...call,
        status: res.status,
        cause: `HTTP ${res.status} ${summarizeBody(res.data)} (still failing after retries)`,
        hint: write
          ? `the registrar is having trouble; ${WRITE_UNKNOWN_HINT}`
          : 'the registrar is having trouble; try again later, nothing was changed by the failed call',
      });
    }
    const code = isAxiosError(err) ? err.code : undefined;
    throw new RegistrarNetworkError({
      ...call,
      cause: describeNetworkError(err) + (code === FAILURE.deadline ? '' : ' (still failing after retries)'),
      hint:
        code === FAILURE.deadline
          ? `raise NSBRIDGE_DEADLINE if the registrar is just slow${write ? `; ${WRITE_UNKNOWN_HINT}` : '; nothing was changed'}`
          : write
            ? WRITE_UNKNOWN_HINT
            : 'check network access to the registrar API (and NSBRIDGE_*_ENDPOINT if set); nothing was changed',
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

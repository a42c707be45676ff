/**
 * The one axios client factory every adapter uses (cloudflare-typescript's client.ts, octokit's
 * retry + throttling plugins, as one place):
 *  - a wall-clock deadline per try, body included (axios's own `timeout` stops counting once the
 *    headers are in, so a body that trickles in a byte at a time would never end a try), and the
 *    command's overall deadline (AdapterContext.signal, NSBRIDGE_DEADLINE) over every try and
 *    every backoff;
 *  - an answer cut off mid-body (status line in, then a reset) counts as NO answer: axios rejects
 *    it with the partial `response` attached, which must not pass for a status answer;
 *  - bounded retries (axios-retry) with exponential backoff and jitter on network errors,
 *    timeouts, 408, 429 and 5xx, plus whatever the adapter calls "slow down" (Namecheap's 405,
 *    Porkbun's 503 page); never on 400/401/403/404/422;
 *  - the registrar's retry hint honoured: `Retry-After` (seconds or date) or an adapter-supplied
 *    hint such as GoDaddy's `retryAfterSec` body field;
 *  - the shared cross-process rate limiter (rate-limit.ts) before every attempt;
 *  - `--verbose` request tracing, redacted.
 * Name-server writes are idempotent (they replace the whole set), so PUT/PATCH/POST are retried.
 *
 * Tunables (environment): NSBRIDGE_HTTP_TIMEOUT (default 30s, per try, body included), NSBRIDGE_HTTP_RETRIES (default 4),
 * NSBRIDGE_HTTP_RETRY_BASE (default 500ms), NSBRIDGE_HTTP_MAX_RETRY_AFTER (default 120s: a longer
 * hint fails at once, naming the wait, instead of hanging a CI job), NSBRIDGE_RATE_LIMIT_<ID>
 * (e.g. `60/min`, or `off`).
 */
import axios, { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig, isAxiosError } from 'axios';
import axiosRetry from 'axios-retry';
import type { AdapterContext, RegistrarInfo } from './types';
import { parseRateLimits, RateLimit, SharedRateLimiter } from './rate-limit';
import { resolveEndpoint } from './environment';
import { formatDuration, parseDuration } from '../../core/duration';
import { UsageError } from '../../core/errors';
import { quoteInput } from '../../core/quote';

export interface HttpClientOptions {
  readonly info: RegistrarInfo;
  readonly baseURL: string;
  readonly ctx: AdapterContext;
  /** Who the requests are counted against, e.g. the API key: hashed into the limiter's key. */
  readonly accountIdentity: string;
  readonly headers?: Record<string, string>;
  /** This answer means "slow down" (default: status 429). */
  readonly isRateLimited?: (res: AxiosResponse) => boolean;
  /** The registrar's wait hint in ms, beyond the standard Retry-After header. */
  readonly retryAfterMs?: (res: AxiosResponse) => number | undefined;
  /** This answer is a passing fault worth another try (default: 408 and 5xx). */
  readonly isTransient?: (res: AxiosResponse) => boolean;
  /** Rate limit(s) to use instead of the registrar info's (adapters that pace below the published figure). */
  readonly rateLimit?: RateLimit | readonly RateLimit[];
}

export interface HttpSettings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly maxRetryAfterMs: number;
}

export function httpSettings(env: NodeJS.ProcessEnv): HttpSettings {
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name}=${quoteInput(raw)} must be a whole number >= 0`);
    return n;
  };
  const dur = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    try {
      return parseDuration(raw);
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message}`);
    }
  };
  return {
    timeoutMs: dur('NSBRIDGE_HTTP_TIMEOUT', 30_000),
    retries: num('NSBRIDGE_HTTP_RETRIES', 4),
    retryBaseMs: dur('NSBRIDGE_HTTP_RETRY_BASE', 500),
    maxRetryAfterMs: dur('NSBRIDGE_HTTP_MAX_RETRY_AFTER', 120_000),
  };
}

/** Retry-After: delta-seconds or an HTTP date. */
export function retryAfterHeaderMs(res: AxiosResponse | undefined): number | undefined {
  const raw = res?.headers?.['retry-after'];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(String(raw));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * A `retryAfterMs` for a registrar whose throttle answer is a 429 (or what `isThrottle` also
 * calls one): its Retry-After, else `fallbackMs`.
 */
export const retryAfterOn429 =
  (fallbackMs: number, isThrottle?: (res: AxiosResponse) => boolean) =>
  (res: AxiosResponse): number | undefined =>
    res.status === 429 || isThrottle?.(res) ? (retryAfterHeaderMs(res) ?? fallbackMs) : undefined;

const NEVER_RETRY = new Set([400, 401, 403, 404, 422]);

/** Longest single backoff between tries (before jitter); a registrar's own hint may be longer. */
export const MAX_BACKOFF_MS = 8_000;

/**
 * The one backoff formula: `baseMs` doubled per retry (retry 1 waits about `baseMs`), capped at
 * `capMs`, with +-25% jitter so that ten processes that failed together do not retry together.
 * The HTTP client and the AWS SDK's retry strategy (route53domains/sdk.ts) both use it.
 */
export function backoffMs(retry: number, baseMs: number, capMs = MAX_BACKOFF_MS, random: () => number = Math.random): number {
  const plain = Math.min(baseMs * 2 ** Math.max(0, retry - 1), capMs);
  return Math.round(plain * (0.75 + random() * 0.5));
}

/**
 * Codes of the failures this client makes up (besides axios's own network codes), read by
 * respond.ts `send` to word the one-line error.
 */
export const FAILURE = {
  /** "Slow down" outlasted the retries, or its hint was longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER. */
  rateLimited: 'ERR_RATE_LIMITED',
  /** A transient status (5xx, 408, the adapter's own) outlasted the retries. */
  transient: 'ERR_TRANSIENT',
  /** The status line came, then the connection broke before the body was complete. */
  cutOff: 'ERR_ANSWER_CUT_OFF',
  /** No complete answer (headers and body) within NSBRIDGE_HTTP_TIMEOUT. */
  tryTimeout: 'ERR_TRY_TIMEOUT',
  /** The command's overall deadline (NSBRIDGE_DEADLINE) passed: no further try. */
  deadline: 'ERR_DEADLINE',
} as const;

/** What this client records on a config for the try in flight. */
interface TryState {
  startedAt: number;
  timer?: NodeJS.Timeout;
  attempt: AbortController;
}

type ConfigWithTry = InternalAxiosRequestConfig & { nsbridgeTry?: TryState };

function endTry(config: ConfigWithTry | undefined): TryState | undefined {
  const state = config?.nsbridgeTry;
  if (state?.timer) clearTimeout(state.timer);
  return state;
}

/**
 * Extra facts on the error `send` sees: the status of a cut-off answer, the hint that was too long.
 */
export interface FailureFacts {
  partialStatus?: number;
  hintTooLongMs?: number;
  maxRetryAfterMs?: number;
  timeoutMs?: number;
}

export function failureFacts(error: unknown): FailureFacts {
  return ((error as { nsbridge?: FailureFacts })?.nsbridge ?? {}) as FailureFacts;
}

export function createHttpClient(opts: HttpClientOptions): AxiosInstance {
  const settings = httpSettings(opts.ctx.env);
  const id = opts.info.id;
  const isRateLimited = (res: AxiosResponse) => res.status === 429 || (opts.isRateLimited?.(res) ?? false);
  const isTransient = (res: AxiosResponse) =>
    opts.isTransient ? opts.isTransient(res) : res.status === 408 || res.status >= 500;
  const hintMs = (res: AxiosResponse | undefined) =>
    res ? (retryAfterHeaderMs(res) ?? opts.retryAfterMs?.(res)) : undefined;

  const limiter = makeLimiter(opts);

  const client = axios.create({
    baseURL: opts.baseURL,
    // Also the socket idle timeout; the wall-clock deadline per try is set up below.
    timeout: settings.timeoutMs,
    headers: { 'User-Agent': 'nsbridge', ...opts.headers },
    // Adapters decide what an answer means; only "slow down"/transient answers become errors here,
    // so that axios-retry sees them. Everything else is returned for the adapter to map.
    validateStatus: () => true,
    // Keep the raw text: some registrars send HTML or XML, some send JSON with the wrong type.
    transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
    maxRedirects: 0,
  });

  const deadline = opts.ctx.signal;
  const deadlineError = (config: InternalAxiosRequestConfig) => new AxiosError('the command deadline passed', FAILURE.deadline, config);

  client.interceptors.request.use(async (config: InternalAxiosRequestConfig) => {
    if (deadline?.aborted) throw deadlineError(config);
    try {
      if (limiter) await limiter.acquire(deadline);
    } catch (e) {
      // The limiter gives up with the deadline's own reason: word it like every other deadline.
      if (deadline?.aborted) throw deadlineError(config);
      throw e;
    }
    if (deadline?.aborted) throw deadlineError(config);
    // One controller per try: the timer bounds the whole exchange (connect, headers, body).
    const attempt = new AbortController();
    const state: TryState = { startedAt: Date.now(), attempt };
    state.timer = setTimeout(() => attempt.abort(), settings.timeoutMs);
    state.timer.unref?.();
    (config as ConfigWithTry).nsbridgeTry = state;
    config.signal = deadline ? AbortSignal.any([attempt.signal, deadline]) : attempt.signal;
    opts.ctx.debug(`${id}: -> ${String(config.method).toUpperCase()} ${redactUrl(config.url ?? '')}`);
    return config;
  });
  // First response interceptor: ends the try's timer and tells a failed exchange apart from an
  // answer. Runs before the status check below and before axios-retry (registration order).
  client.interceptors.response.use(
    (res) => {
      endTry(res.config as ConfigWithTry);
      return res;
    },
    (error: unknown) => {
      if (!isAxiosError(error) || !error.config) throw error;
      const config = error.config as ConfigWithTry;
      const state = endTry(config);
      const facts: FailureFacts = {};
      let code = error.code;
      let message = error.message;
      if (deadline?.aborted) {
        code = FAILURE.deadline;
        message = 'the command deadline passed';
      } else if (state?.attempt.signal.aborted) {
        code = FAILURE.tryTimeout;
        message = `no complete answer within ${formatDuration(settings.timeoutMs)}`;
        facts.timeoutMs = settings.timeoutMs;
        if (error.response) facts.partialStatus = error.response.status;
      } else if (error.response) {
        // The status line arrived, the body did not: a network failure, not an answer.
        code = FAILURE.cutOff;
        message = `connection broken in the middle of the answer (${error.code ?? error.message})`;
        facts.partialStatus = error.response.status;
      } else {
        throw error;
      }
      const replaced = new AxiosError(message, code, config, error.request);
      (replaced as { nsbridge?: FailureFacts }).nsbridge = facts;
      throw replaced;
    },
  );
  client.interceptors.response.use(async (res) => {
    const started = (res.config as ConfigWithTry).nsbridgeTry?.startedAt ?? Date.now();
    opts.ctx.debug(`${id}: <- ${res.status} ${redactUrl(res.config.url ?? '')} (${Date.now() - started} ms)`);
    if (isRateLimited(res)) {
      const wait = hintMs(res);
      if (limiter && wait !== undefined) await limiter.blockUntil(Date.now() + wait);
      throw new AxiosError(`rate limited (${res.status})`, FAILURE.rateLimited, res.config, res.request, res);
    }
    if (isTransient(res) && !NEVER_RETRY.has(res.status)) {
      throw new AxiosError(`transient ${res.status}`, FAILURE.transient, res.config, res.request, res);
    }
    return res;
  });

  axiosRetry(client, {
    retries: settings.retries,
    shouldResetTimeout: true,
    retryCondition: (error) => {
      if (error.code === FAILURE.deadline || deadline?.aborted) return false;
      const res = error.response;
      if (!res) return true; // network error, reset, cut-off answer, timeout: no answer at all
      if (NEVER_RETRY.has(res.status) && !isRateLimited(res)) return false;
      if (isRateLimited(res)) {
        const wait = hintMs(res);
        // A hint longer than we are willing to wait: fail now and say so, do not hang CI.
        if (wait !== undefined && wait > settings.maxRetryAfterMs) {
          (error as { nsbridge?: FailureFacts }).nsbridge = { hintTooLongMs: wait, maxRetryAfterMs: settings.maxRetryAfterMs };
          return false;
        }
        return true;
      }
      return isTransient(res);
    },
    retryDelay: (retryCount, error) => Math.max(hintMs(error.response) ?? 0, backoffMs(retryCount, settings.retryBaseMs)),
    onRetry: (retryCount, error, config) => {
      // The backoff must end early only for the command deadline, not because the last try's own
      // timer fired (axios-retry skips the wait when config.signal is already aborted).
      config.signal = deadline;
      const facts = failureFacts(error);
      const what = error.response
        ? `HTTP ${error.response.status}`
        : error.code === FAILURE.cutOff
          ? `answer cut off (HTTP ${facts.partialStatus ?? '?'}, body incomplete)`
          : error.code === FAILURE.tryTimeout
            ? `no complete answer within ${formatDuration(settings.timeoutMs)}`
            : (error.code ?? error.message);
      opts.ctx.log(`${id}: ${what}; retrying (${retryCount}/${settings.retries})`);
    },
  });
  return client;
}

function makeLimiter(opts: HttpClientOptions): SharedRateLimiter | undefined {
  const explicit = opts.rateLimit === undefined ? undefined : Array.isArray(opts.rateLimit) ? opts.rateLimit : [opts.rateLimit as RateLimit];
  const limits = rateLimitsFor(opts.info, opts.ctx.env, explicit);
  if (!limits) return undefined;
  return new SharedRateLimiter(
    limits,
    SharedRateLimiter.keyFor(opts.info.id, opts.accountIdentity),
    opts.ctx.env.NSBRIDGE_RATE_LIMIT_DIR || undefined,
  );
}

/**
 * The windows one registrar account is paced to: NSBRIDGE_RATE_LIMIT_<ID> when set (one window,
 * a comma list, or `off`), else `explicit` (an adapter pacing below the published figure), else
 * the registrar info's rateLimit + extraRateLimits. Undefined: no pacing.
 */
export function rateLimitsFor(
  info: RegistrarInfo,
  env: NodeJS.ProcessEnv,
  explicit?: readonly RateLimit[],
): RateLimit[] | undefined {
  const envName = `NSBRIDGE_RATE_LIMIT_${info.id.toUpperCase()}`;
  const override = env[envName];
  if (override) {
    try {
      const parsed = parseRateLimits(override);
      return parsed === 'off' ? undefined : parsed;
    } catch (e) {
      throw new UsageError(`${envName}: ${(e as Error).message}`);
    }
  }
  const limits = explicit ?? [...(info.rateLimit ? [info.rateLimit] : []), ...(info.extraRateLimits ?? [])];
  return limits.length ? limits.map((l) => ({ requests: l.requests, perMs: l.perMs })) : undefined;
}

/** Query strings may carry keys (Namecheap): never trace them. */
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?...`;
}

/** What an axios error without a response was: for messages. */
export function describeNetworkError(error: unknown): string {
  const e = error as AxiosError;
  const facts = failureFacts(error);
  if (e?.code === FAILURE.cutOff) return `connection reset in the middle of the answer (HTTP ${facts.partialStatus ?? '?'} arrived, its body did not)`;
  if (e?.code === FAILURE.tryTimeout) {
    return `no complete answer within ${facts.timeoutMs !== undefined ? formatDuration(facts.timeoutMs) : 'the timeout'} (NSBRIDGE_HTTP_TIMEOUT, per try, body included)`;
  }
  if (e?.code === FAILURE.deadline) return 'the command deadline (NSBRIDGE_DEADLINE) passed before the registrar answered';
  if (e?.code === 'ECONNABORTED' || e?.code === 'ETIMEDOUT') return 'no answer before the timeout (NSBRIDGE_HTTP_TIMEOUT)';
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ECONNRESET' || e?.code === 'ERR_SOCKET_CONNECTION_RESET') return 'connection reset by the server';
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return 'the API host name does not resolve';
  return e?.code ? `network error ${e.code}` : `network error: ${e?.message ?? String(error)}`;
}

/** An adapter's line to its registrar: where it points, and the one HTTP client for it. */
export interface Connection {
  /** NSBRIDGE_<ID>_ENDPOINT, else the sandbox when NSBRIDGE_<ID>_SANDBOX is on, else production. */
  readonly baseURL: string;
  /** The registrar's own sandbox is the endpoint (an override is never taken for it). */
  readonly sandbox: boolean;
  readonly http: AxiosInstance;
}

/**
 * How every adapter's createClient starts: the endpoint, and the HTTP client whose requests are
 * counted (rate limiter) against `account` at that endpoint: the API key, the user, or `per-ip`
 * for a registrar that counts per address. The options are the registrar's own answers' rules.
 */
export function connect(
  info: RegistrarInfo,
  ctx: AdapterContext,
  account: string,
  options: Omit<HttpClientOptions, 'info' | 'baseURL' | 'ctx' | 'accountIdentity'> = {},
): Connection {
  const baseURL = resolveEndpoint(info, ctx.env);
  const http = createHttpClient({ ...options, info, baseURL, ctx, accountIdentity: `${baseURL} ${account}` });
  return { baseURL, sandbox: baseURL === info.sandboxEndpoint, http };
}

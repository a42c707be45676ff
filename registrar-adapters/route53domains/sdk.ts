/**
 * The AWS SDK v3 client for Route 53 Domains, built the nsbridge way:
 *  - loaded LAZILY (dynamic import, only from createClient), so `nsbridge --help` and every other
 *    registrar never evaluate it (the bundle keeps it in a closure until first use);
 *  - region pinned to us-east-1, the only region the API exists in, whatever AWS_REGION says;
 *  - endpoint: AWS_ENDPOINT_URL_ROUTE_53_DOMAINS, validated here (exit 2 when it is not a URL);
 *    the SDK (3.1138) also honours it and AWS_ENDPOINT_URL itself, we read ours from ctx.env so a
 *    bad value is a usage error rather than a confusing network error;
 *  - credentials: the SDK's standard chain, RESOLVED BEFORE ANY REQUEST, so "no credentials" is a
 *    usage error (exit 2) with nothing sent, and the limiter knows whose account it is counting;
 *  - retries: the SDK decides WHAT is retryable (its standard classification: throttling errors,
 *    timeouts, connection resets, 500/502/503/504, clock-skew-corrected signatures), nsbridge
 *    decides HOW MANY and HOW LONG, with the same settings and backoff as core/http.ts
 *    (NSBRIDGE_HTTP_RETRIES, NSBRIDGE_HTTP_RETRY_BASE, NSBRIDGE_HTTP_MAX_RETRY_AFTER,
 *    NSBRIDGE_HTTP_TIMEOUT per attempt);
 *  - the shared cross-process rate limiter (core/rate-limit.ts) and `--verbose` tracing as one SDK
 *    middleware that runs before signing on EVERY attempt, retries and polls included.
 */
import type { Route53DomainsClient, Route53DomainsClientConfig } from '@aws-sdk/client-route-53-domains';
import type { AdapterContext } from '../core/types';
import { NsbridgeError, RegistrarAuthError, UsageError } from '../../core/errors';
import type { CallContext } from '../core/respond';
import { backoffMs, httpSettings, HttpSettings, MAX_BACKOFF_MS, rateLimitsFor } from '../core/http';
import { SharedRateLimiter } from '../core/rate-limit';
import { formatDuration } from '../../core/duration';
import { info } from './info';
import { SIGNING_REGION } from './wire-types';

export type Sdk = typeof import('@aws-sdk/client-route-53-domains');

export const ENDPOINT_ENV = 'AWS_ENDPOINT_URL_ROUTE_53_DOMAINS';
/** The SDK's own base delay for throttling errors (Retry.throttlingDelay in @smithy/core 3.41). */
const THROTTLING_BASE_MS = 1_000;
const MAX_THROTTLING_BACKOFF_MS = 20_000;

/**
 * Load the SDK. The only place it is imported as a value. A `require`, not `import()`: the CLI
 * bundle serves an adapter's packages to its `require` (scripts/build.js), while a dynamic import
 * would look for node_modules next to the bundle, which a synthesized stack does not have.
 */
export function loadSdk(): Promise<Sdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Promise.resolve(require('@aws-sdk/client-route-53-domains') as Sdk);
}

export interface BuiltClient {
  readonly sdk: Sdk;
  readonly client: Route53DomainsClient;
  readonly settings: HttpSettings;
  /** Where requests go, for messages (no secrets in it). */
  readonly endpointLabel: string;
  /** Resolve credentials and set up the account's rate limiter; once, before the first request. */
  readonly ready: (call: CallContext) => Promise<void>;
}

/** AWS_ENDPOINT_URL_ROUTE_53_DOMAINS, checked; undefined = the SDK's default resolution. */
export function endpointOverride(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[ENDPOINT_ENV]?.trim();
  if (!raw) return undefined;
  // The SDK's switch to ignore configured endpoints applies to ours too.
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim() ?? '')) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${ENDPOINT_ENV}="${raw}" is not a URL (e.g. http://127.0.0.1:5000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${ENDPOINT_ENV}="${raw}" must be an http:// or https:// URL`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * Static keys half set is a usage error we can name precisely; everything else (profiles, SSO,
 * web identity, container and instance roles) is the SDK chain's business.
 */
function checkStaticKeys(env: NodeJS.ProcessEnv): void {
  if (env.AWS_PROFILE?.trim()) return; // the SDK uses the profile and ignores static keys then
  const id = env.AWS_ACCESS_KEY_ID?.trim();
  const secret = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (id && !secret) {
    throw new UsageError('route53domains: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or use AWS_PROFILE instead');
  }
  if (secret && !id) {
    throw new UsageError('route53domains: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both, or use AWS_PROFILE instead');
  }
}

const NO_CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE ' +
  '(a profile in ~/.aws/config; for SSO run `aws sso login` first), or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (CI OIDC)';

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** What the SDK's retry middleware hands the strategy (RetryErrorInfo in @smithy/types). */
interface RetryErrorInfo {
  error?: unknown;
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

class Token implements RetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * A RetryStrategyV2 for the SDK's retry middleware. Bounded by NSBRIDGE_HTTP_RETRIES; backoff
 * NSBRIDGE_HTTP_RETRY_BASE doubled per retry (cap 8 s) with +-25 % jitter, like core/http.ts.
 * Throttling waits at least the SDK's own throttling base (1 s, doubled per retry) but without
 * the SDK's full jitter, which can draw 0 ms and so retry a throttled call at once; a throttle also
 * holds every nsbridge process of the account off (SharedRateLimiter.blockUntil). A retry hint
 * (Retry-After / x-amz-retry-after, which Route 53 Domains is not known to send) is honoured, and
 * one longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER fails at once instead of hanging a CI job.
 */
export class BoundedRetryStrategy {
  /** Set once the account is known (after credentials resolve). */
  limiter?: SharedRateLimiter;

  constructor(
    private readonly settings: HttpSettings,
    private readonly log: (message: string) => void,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retry = token.getRetryCount() + 1;
    const throttled = errorInfo.errorType === 'THROTTLING';
    // SERVER_ERROR (a 5xx the SDK does not call transient, e.g. 501) and CLIENT_ERROR are final.
    // Throwing here makes the middleware throw the request's own error.
    if (!throttled && errorInfo.errorType !== 'TRANSIENT') throw new Error('not retryable');
    if (retry > this.settings.retries) throw new Error('retries exhausted');
    const hintMs = errorInfo.retryAfterHint ? Math.max(0, errorInfo.retryAfterHint.getTime() - Date.now()) : undefined;
    if (hintMs !== undefined && hintMs > this.settings.maxRetryAfterMs) throw new Error('retry hint too long');
    const backoff = backoffMs(retry, this.settings.retryBaseMs, MAX_BACKOFF_MS);
    const floor = throttled ? Math.min(THROTTLING_BASE_MS * 2 ** (retry - 1), MAX_THROTTLING_BACKOFF_MS) * (1 + Math.random() * 0.25) : 0;
    const delay = Math.round(Math.max(hintMs ?? 0, backoff, floor));
    if (throttled && this.limiter) await this.limiter.blockUntil(Date.now() + delay);
    this.log(`route53domains: ${describeRetryCause(errorInfo.error)}; retrying (${retry}/${this.settings.retries})`);
    return new Token(retry, delay);
  }

  recordSuccess(_token: RetryToken): void {
    /* no retry quota: each nsbridge process is short-lived and bounded by NSBRIDGE_HTTP_RETRIES */
  }
}

function describeRetryCause(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  if (e?.code === TRY_TIMEOUT_CODE) return firstLine(e.message ?? 'no complete answer in time');
  // A 2xx that failed anyway: the body broke off (the SDK saw the status, then a reset).
  if (status !== undefined && status >= 200 && status < 300) return `answer cut off (HTTP ${status}, body incomplete)`;
  if (status !== undefined) return `HTTP ${status}${e?.name && e.name !== 'Error' ? ` ${e.name}` : ''}`;
  return e?.code ?? e?.name ?? 'network error';
}


interface RequestHandlerLike {
  handle(request: unknown, options?: { abortSignal?: AbortSignal; [key: string]: unknown }): Promise<{ response: { body?: unknown } }>;
}

/** name TimeoutError: the SDK classifies it as transient (retried); code: errors.ts words it. */
export const TRY_TIMEOUT_CODE = 'ERR_TRY_TIMEOUT';
function tryTimeoutError(ms: number): Error {
  return Object.assign(new Error(`no complete answer within ${formatDuration(ms)}`), { name: 'TimeoutError', code: TRY_TIMEOUT_CODE, timeoutMs: ms });
}

/**
 * The SDK's request handler with a wall-clock limit per attempt: the timer runs from the request
 * until the body has been read (the SDK reads it after `handle` resolves) and then destroys the
 * body with a TimeoutError, so a trickling answer ends the attempt and is retried.
 */
function withTryDeadline(inner: RequestHandlerLike, timeoutMs: number, deadline?: AbortSignal): RequestHandlerLike {
  const handle: RequestHandlerLike['handle'] = async (request, options = {}) => {
    const attempt = new AbortController();
    let body: { destroy(err: Error): void; destroyed?: boolean; once(ev: string, fn: () => void): void } | undefined;
    const timer = setTimeout(() => {
      const err = tryTimeoutError(timeoutMs);
      if (body && !body.destroyed) body.destroy(err);
      attempt.abort(err);
    }, timeoutMs);
    timer.unref?.();
    const signals = [attempt.signal, options.abortSignal, deadline].filter((x): x is AbortSignal => x !== undefined);
    try {
      const out = await inner.handle(request, { ...options, abortSignal: AbortSignal.any(signals) });
      const b = out.response.body as typeof body;
      if (b && typeof b.once === 'function' && typeof b.destroy === 'function') {
        body = b;
        b.once('close', () => clearTimeout(timer));
      } else {
        clearTimeout(timer);
      }
      return out;
    } catch (e) {
      clearTimeout(timer);
      if (attempt.signal.aborted && !deadline?.aborted) throw tryTimeoutError(timeoutMs);
      throw e;
    }
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'handle') return handle;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Whose quota the requests count against. Route 53 quotas are per AWS account; temporary keys
 * (SSO, assumed roles) differ per process, so prefer the account id, then the profile or role,
 * and only then the access key id. Hashed by SharedRateLimiter.keyFor, never stored in clear.
 */
function accountIdentity(env: NodeJS.ProcessEnv, creds: { accessKeyId: string; accountId?: string }, endpoint: string): string {
  const who =
    (creds.accountId && `account:${creds.accountId}`) ||
    (env.AWS_PROFILE?.trim() && `profile:${env.AWS_PROFILE.trim()}`) ||
    (env.AWS_ROLE_ARN?.trim() && `role:${env.AWS_ROLE_ARN.trim()}`) ||
    `key:${creds.accessKeyId}`;
  return `${endpoint} ${who}`;
}

/**
 * Build the client. Every setting is checked here (exit 2, before the SDK is even loaded);
 * credentials are resolved by `ready()`, which the adapter awaits before its first request.
 */
export async function buildClient(ctx: AdapterContext): Promise<BuiltClient> {
  const settings = httpSettings(ctx.env);
  const endpoint = endpointOverride(ctx.env);
  const limit = rateLimitsFor(info, ctx.env);
  checkStaticKeys(ctx.env);

  const sdk = await loadSdk();
  const strategy = new BoundedRetryStrategy(settings, ctx.log);
  const config: Route53DomainsClientConfig = {
    region: SIGNING_REGION,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: settings.retries + 1,
    retryStrategy: strategy as unknown as Route53DomainsClientConfig['retryStrategy'],
    // requestTimeout alone only logs a warning in @smithy/node-http-handler 4.x; throwOnRequestTimeout
    // makes it the per-attempt timeout NSBRIDGE_HTTP_TIMEOUT promises (a TimeoutError, retried).
    requestHandler: { requestTimeout: settings.timeoutMs, connectionTimeout: settings.timeoutMs, throwOnRequestTimeout: true },
    customUserAgent: 'nsbridge',
    // SDK warnings (e.g. both AWS_PROFILE and static keys set) go to stderr the nsbridge way: one
    // redacted line each. The SDK's request logging (info/debug) stays off; --verbose has its own.
    logger: {
      trace: () => {},
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => ctx.log(`route53domains: AWS SDK: ${args.map(String).join(' ').replace(/\s+/g, ' ').trim()}`),
      error: () => {},
    },
  };
  const client = withoutNodeVersionNotice(() => new sdk.Route53DomainsClient(config));
  // The SDK's requestTimeout is a socket idle timeout, which a body trickling in never trips: each
  // attempt also gets nsbridge's wall-clock limit, body included, and the command's deadline.
  const resolved = client.config as unknown as { requestHandler: RequestHandlerLike };
  resolved.requestHandler = withTryDeadline(resolved.requestHandler, settings.timeoutMs, ctx.signal);
  // For messages and the limiter key: the SDK itself may still take AWS_ENDPOINT_URL (all services).
  const endpointLabel = endpoint ?? (ctx.env.AWS_ENDPOINT_URL?.trim() || info.productionEndpoint!);

  client.middlewareStack.addRelativeTo(
    ((next: (args: unknown) => Promise<{ response: { statusCode?: number } }>, context: { commandName?: string }) =>
      async (args: unknown) => {
        if (strategy.limiter) await strategy.limiter.acquire(ctx.signal);
        const started = Date.now();
        const op = context.commandName?.replace(/Command$/, '') ?? 'request';
        ctx.debug(`route53domains: -> POST ${endpointLabel}/ ${op}`);
        try {
          const result = await next(args);
          ctx.debug(`route53domains: <- ${result.response.statusCode ?? '?'} ${op} (${Date.now() - started} ms)`);
          return result;
        } catch (err) {
          const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
          ctx.debug(`route53domains: <- ${e.$metadata?.httpStatusCode ?? 'no answer'} ${e.name ?? 'error'} ${op} (${Date.now() - started} ms)`);
          throw err;
        }
      }) as never,
    { name: 'nsbridgeLimitAndTrace', relation: 'before', toMiddleware: 'httpSigningMiddleware', override: true },
  );

  let resolving: Promise<void> | undefined;
  const ready = (call: CallContext): Promise<void> =>
    (resolving ??= (async () => {
      let creds: { accessKeyId: string; accountId?: string };
      try {
        creds = await client.config.credentials();
      } catch (err) {
        throw credentialsError(err, call);
      }
      if (limit) {
        strategy.limiter = new SharedRateLimiter(
          limit,
          SharedRateLimiter.keyFor(info.id, accountIdentity(ctx.env, creds, endpointLabel)),
          ctx.env.NSBRIDGE_RATE_LIMIT_DIR || undefined,
        );
      }
    })());
  return { sdk, client, settings, endpointLabel, ready };
}

/**
 * No source in the chain had credentials: bad usage, nothing was sent (exit 2). A source that was
 * configured but failed (STS refused the role, an identity provider answered with an error) is an
 * authentication failure at AWS (exit 1).
 */
function credentialsError(err: unknown, call: CallContext): NsbridgeError {
  const e = err as { name?: string; message?: string };
  const why = firstLine(e?.message ?? String(err));
  if (e?.name === 'CredentialsProviderError' || e?.name === 'TokenProviderError') {
    return new UsageError(`route53domains: no usable AWS credentials (${why}): ${NO_CREDENTIALS_HINT}`);
  }
  return new RegistrarAuthError({
    ...call,
    cause: `could not obtain AWS credentials: ${e?.name ?? 'Error'}: ${why}`,
    hint: 'check the credential source in use (AWS_PROFILE and its role or SSO session, AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE); nothing was sent to Route 53 Domains',
  });
}

/**
 * On Node < 22 the SDK prints a notice that SDK versions published after January 2027 will need
 * Node 22. The SDK is pinned and bundled into nsbridge, so the notice is not actionable for its
 * users, and it would break the one-line stderr contract. It is switched off only while the client
 * is constructed (the SDK checks once, there), and only if the user did not set it themselves.
 */
function withoutNodeVersionNotice<T>(make: () => T): T {
  const name = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const before = process.env[name];
  if (before !== undefined) return make();
  process.env[name] = 'true';
  try {
    return make();
  } finally {
    delete process.env[name];
  }
}

export function firstLine(text: string, max = 300): string {
  const line = String(text).split(/\r?\n/)[0]!.trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

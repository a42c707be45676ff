/**
 * Typed errors (cloudflare-typescript's APIError family, octokit's redacted RequestError).
 * Every registrar failure names the registrar, the operation and the domain, and says what to do:
 *   nsbridge: godaddy: set name servers example.com: 401 UNABLE_TO_AUTHENTICATE: check GODADDY_API_KEY ...
 * `exitCode` is the CLI contract: 2 = bad usage or input (nothing was sent), 1 = the registrar,
 * the network or DNS failed.
 */

const BRAND = Symbol.for('nsbridge.NsbridgeError');

export abstract class NsbridgeError extends Error {
  abstract readonly exitCode: 1 | 2;

  /**
   * Recognised by a symbol, not `instanceof` (as aws-cdk's errors are): each registrar adapter is
   * bundled and loaded on its own (scripts/build.js), with its own copy of these classes.
   */
  get [BRAND](): true {
    return true;
  }

  static isNsbridgeError(e: unknown): e is NsbridgeError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Bad usage or bad input, found before anything is sent to a registrar. */
export class UsageError extends NsbridgeError {
  readonly exitCode = 2 as const;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class MissingCredentialsError extends UsageError {
  constructor(
    readonly registrar: string,
    readonly variables: readonly string[],
  ) {
    super(
      `${registrar}: missing credentials: set ${variables.join(' and ')} in the environment ` +
        `(credentials are read from the environment only, never from domains.yaml)`,
    );
    this.name = 'MissingCredentialsError';
  }
}

export type Operation = 'get name servers' | 'set name servers' | 'wait for operation' | 'release delegation';

export interface RegistrarErrorDetails {
  readonly registrar: string;
  readonly operation: Operation | string;
  readonly domain: string;
  /** What went wrong, in the registrar's own terms where useful (status, code, message). */
  readonly cause: string;
  /** What the user can do about it. */
  readonly hint?: string;
  readonly status?: number;
  /** False when nsbridge gave up without retrying (e.g. a wait hint longer than allowed). */
  readonly retried?: boolean;
}

/** A failure at the registrar, the network or DNS. Message: `<registrar>: <operation> <domain>: <cause>: <hint>`. */
export class RegistrarError extends NsbridgeError {
  readonly exitCode = 1 as const;
  readonly registrar: string;
  readonly operation: string;
  readonly domain: string;
  readonly status?: number;
  readonly hint?: string;
  /** The cause part of the message, for adapters that re-word the hint. */
  readonly reason: string;
  readonly retried?: boolean;
  constructor(details: RegistrarErrorDetails) {
    super(
      `${details.registrar}: ${details.operation} ${details.domain}: ${details.cause}` +
        (details.hint ? `: ${details.hint}` : ''),
    );
    this.name = new.target.name;
    this.registrar = details.registrar;
    this.operation = details.operation;
    this.domain = details.domain;
    this.status = details.status;
    this.hint = details.hint;
    this.reason = details.cause;
    this.retried = details.retried;
  }
}

/** Credentials rejected, expired, or not allowed (401/403, IP not whitelisted, API access off). */
export class RegistrarAuthError extends RegistrarError {}
/** The domain is not in this account (or the API cannot see it). */
export class DomainNotFoundError extends RegistrarError {}
/** Still rate limited after the allowed retries. */
export class RegistrarRateLimitError extends RegistrarError {}
/** The registrar refused the input (e.g. unregistered name servers, too few of them). */
export class RegistrarValidationError extends RegistrarError {}
/** Any other answer we cannot act on (5xx after retries, unexpected bodies). */
export class RegistrarApiError extends RegistrarError {}
/** No answer: connection refused or reset, DNS failure, timeout. */
export class RegistrarNetworkError extends RegistrarError {}
/** The registrar cannot do this at all (Cloudflare Registrar, no API). */
export class RegistrarUnsupportedError extends RegistrarError {}
/** The domain is in a state that blocks the change (locked, protected, pending operation). */
export class RegistrarConflictError extends RegistrarError {}

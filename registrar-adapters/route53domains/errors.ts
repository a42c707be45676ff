/**
 * AWS SDK errors -> the RegistrarError family, with Route 53 Domains' own hints.
 * Control flow uses the error's type name (the AWS JSON `__type`, which the SDK puts in `name`)
 * and HTTP status, never its message text. Messages from AWS are cut to their first line: an
 * InvalidSignatureException carries the canonical request, which can include a session token.
 */
import {
  DomainNotFoundError,
  NsbridgeError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarConflictError,
  RegistrarError,
  RegistrarErrorDetails,
  RegistrarNetworkError,
  RegistrarRateLimitError,
  RegistrarValidationError,
} from '../../core/errors';
import { WRITE_UNKNOWN_HINT, type CallContext } from '../core/respond';
import { firstLine, ENDPOINT_ENV, TRY_TIMEOUT_CODE } from './sdk';

/** The SDK's own list of throttling error names (@smithy/core retry THROTTLING_ERROR_CODES), plus 429. */
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'LimitExceededException',
]);

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ETIMEDOUT: 'no answer before the timeout (NSBRIDGE_HTTP_TIMEOUT)',
  ENOTFOUND: 'the API host name does not resolve',
  EAI_AGAIN: 'the API host name does not resolve',
  EHOSTUNREACH: 'the API host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** The IAM action behind each call, for AccessDenied hints. */
const IAM_ACTION: Record<string, string> = {
  'get name servers': 'route53domains:GetDomainDetail',
  'set name servers': 'route53domains:UpdateDomainNameservers',
  'wait for operation': 'route53domains:GetOperationDetail',
  'get DNSSEC records': 'route53domains:GetDomainDetail',
  'add DNSSEC record': 'route53domains:AssociateDelegationSignerToDomain',
  'remove DNSSEC record': 'route53domains:DisassociateDelegationSignerFromDomain',
};

const isDnssec = (call: CallContext) => /DNSSEC/.test(call.operation);

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export interface ErrorContext {
  /** The name servers being set, to explain refusals (glue for in-domain hosts). */
  readonly nameServers?: readonly string[];
  readonly operationId?: string;
  readonly causePrefix?: string;
}

export function awsErrorName(err: unknown): string | undefined {
  return (err as SdkErrorLike | undefined)?.name;
}

type Ctor = new (details: RegistrarErrorDetails) => RegistrarError;
type Classified = [Ctor, RegistrarErrorDetails];

/**
 * Map an SDK error (or an nsbridge error, returned as it is) to the typed error it means.
 * `extra.causePrefix` is put in front of the cause, e.g. the operation id a failed poll was about.
 */
export function toRegistrarError(err: unknown, call: CallContext, extra: ErrorContext = {}): NsbridgeError {
  if (err instanceof NsbridgeError) return err;
  const [Class, details] = classify(err, call, extra);
  return new Class(extra.causePrefix ? { ...details, cause: `${extra.causePrefix}${details.cause}` } : details);
}

function classify(err: unknown, call: CallContext, extra: ErrorContext): Classified {
  const e = (err ?? {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const text = firstLine(e.message ?? String(err));
  const detail = `${name}: ${text}`;
  const at = (s: number | undefined) => (s !== undefined ? `HTTP ${s} ` : '');
  const base = { ...call, status, cause: `${at(status)}${detail}` };
  const attempts = e.$metadata?.attempts ?? 1;
  const retries = attempts > 1 ? ` (after ${attempts} attempts)` : '';

  // Could this call have changed something at AWS before it failed?
  const write = !/^(get|list|read|check|verify|wait)\b/i.test(call.operation);
  // The only signal the CLI gives the SDK is the command's deadline.
  if (name === 'AbortError') {
    return [RegistrarNetworkError, {
      ...call,
      cause: 'the command deadline (NSBRIDGE_DEADLINE) passed before Route 53 Domains answered',
      hint: `raise NSBRIDGE_DEADLINE if AWS is just slow${write ? `; ${WRITE_UNKNOWN_HINT}` : '; nothing was changed'}`,
    }];
  }
  // The per-attempt wall clock (sdk.ts withTryDeadline), and a 2xx whose body broke off: no answer.
  const tryTimeout = e.code === TRY_TIMEOUT_CODE;
  const cutOff = !tryTimeout && status !== undefined && status >= 200 && status < 300 && (e.message === 'aborted' || (e.code !== undefined && e.code in NETWORK_CODES));
  if (tryTimeout || cutOff) {
    return [RegistrarNetworkError, {
      ...call,
      cause:
        (tryTimeout
          ? `${text} (NSBRIDGE_HTTP_TIMEOUT, per try, body included)`
          : `connection reset in the middle of the answer (HTTP ${status} arrived, its body did not)`) + retries,
      hint: write ? WRITE_UNKNOWN_HINT : `check network access to route53domains.us-east-1.amazonaws.com (and ${ENDPOINT_ENV} if set); nothing was changed`,
    }];
  }

  if (status === undefined) {
    const why = (e.code && NETWORK_CODES[e.code]) || (name === 'TimeoutError' ? NETWORK_CODES.ETIMEDOUT : undefined);
    if (why || e.code) {
      return [RegistrarNetworkError, {
        ...call,
        cause: `${why ?? `network error ${e.code}`}${retries}`,
        hint:
          `check network access to route53domains.us-east-1.amazonaws.com (and ${ENDPOINT_ENV} if set)` +
          (write ? `; ${WRITE_UNKNOWN_HINT} (and waits for a change still in progress)` : ''),
      }];
    }
  }

  // A 2xx the SDK could not read: a body that is not the AWS JSON it expects.
  if (status !== undefined && status >= 200 && status < 300) {
    return [RegistrarApiError, {
      ...call,
      status,
      cause: `HTTP ${status} with an answer that is not valid AWS JSON (${text})`,
      hint: `Route 53 Domains (or a proxy in between, see ${ENDPOINT_ENV}) sent something unexpected; try again later`,
    }];
  }

  switch (name) {
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
      return [RegistrarAuthError, {
        ...base,
        hint: 'AWS does not know this access key: check which credentials are in use (AWS_ACCESS_KEY_ID or AWS_PROFILE; `aws sts get-caller-identity`) and that temporary keys come with their AWS_SESSION_TOKEN',
      }];
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
      return [RegistrarAuthError, {
        ...base,
        hint: 'the request signature was refused: check that AWS_SECRET_ACCESS_KEY belongs to AWS_ACCESS_KEY_ID (or the keys of AWS_PROFILE) and that the system clock is right',
      }];
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'RequestExpired':
      return [RegistrarAuthError, {
        ...base,
        hint: 'the temporary credentials have expired: refresh them (`aws sso login`, or re-run the CI step that assumes the role)',
      }];
    case 'AccessDeniedException':
    case 'AccessDenied':
      return [RegistrarAuthError, {
        ...base,
        hint: `allow ${IAM_ACTION[call.operation] ?? 'route53domains:*'} for these credentials in IAM (nsbridge needs route53domains:GetDomainDetail, UpdateDomainNameservers, GetOperationDetail and ListOperations, and for nsbridge ds AssociateDelegationSignerToDomain and DisassociateDelegationSignerFromDomain); the API lives only in us-east-1, so a policy limited by aws:RequestedRegion must allow us-east-1`,
      }];
    case 'InvalidInput':
      return invalidInput(base, call, extra);
    case 'UnsupportedTLD':
      return [RegistrarValidationError, {
        ...base,
        hint: 'Route 53 Domains does not support this TLD, so the domain cannot be registered with it; use the adapter of the registrar that holds the domain',
      }];
    case 'TLDRulesViolation':
      if (isDnssec(call)) {
        return [RegistrarValidationError, {
          ...base,
          hint: 'the TLD\'s registry does not take DS records through Route 53 Domains (check the TLD\'s page in the Route 53 documentation for DNSSEC support); nothing was changed',
        }];
      }
      return [RegistrarValidationError, {
        ...base,
        hint: 'the TLD\'s registry rules refuse this change (some registries check that every name server answers for the domain first); check the TLD\'s page in the Route 53 documentation',
      }];
    case 'DnssecLimitExceeded':
      return [RegistrarValidationError, {
        ...base,
        hint: 'the domain already has as many DS records as Route 53 Domains allows; nsbridge adds new keys before removing old ones, so remove an old key first (nsbridge ds set with only the keys to keep, or remove it in the Route 53 console), then add the new one',
      }];
    case 'DuplicateRequest':
      return [RegistrarConflictError, {
        ...base,
        hint: 'another change for this domain (name servers or DNSSEC) is still in progress; wait for it to end (`aws route53domains list-operations --region us-east-1 --status SUBMITTED IN_PROGRESS`) and run again',
      }];
    case 'OperationLimitExceeded':
      return [RegistrarRateLimitError, {
        ...base,
        hint: 'too many Route 53 Domains operations are in progress in this account; let them finish (`aws route53domains list-operations --region us-east-1`) or run fewer domains at once (terraform -parallelism)',
      }];
    case 'TLDInMaintenance':
      return [RegistrarApiError, { ...base, hint: 'the TLD\'s registry is in maintenance; try again later, nothing was changed' }];
    default:
      break;
  }
  if (THROTTLING.has(name) || status === 429) {
    return [RegistrarRateLimitError, {
      ...base,
      cause: `${at(status)}${detail} (${attempts > 1 ? `still rate limited after ${attempts} attempts` : 'rate limited'})`,
      hint: 'another job may be using the same AWS account; run fewer domains at once (terraform -parallelism), lower NSBRIDGE_RATE_LIMIT_ROUTE53DOMAINS, or try again later',
    }];
  }
  if (status !== undefined && status >= 500) {
    return [RegistrarApiError, {
      ...base,
      cause: `${at(status)}${detail}${attempts > 1 ? ` (still failing after ${attempts} attempts)` : ''}`,
      hint: 'Route 53 Domains is having trouble; try again later, nothing was changed by the failed call',
    }];
  }
  if (status === 401 || status === 403) {
    return [RegistrarAuthError, { ...base, hint: 'AWS refused these credentials; check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE' }];
  }
  return [RegistrarApiError, { ...base, hint: 'Route 53 Domains refused the request; see the message above' }];
}

function invalidInput(base: RegistrarErrorDetails, call: CallContext, extra: ErrorContext): Classified {
  if (call.operation === 'get name servers') {
    // The domain passed nsbridge's own syntax checks, so InvalidInput here means "not yours".
    return [DomainNotFoundError, {
      ...base,
      hint: 'the domain is not registered with Route 53 Domains in this AWS account (Route 53 Domains answers InvalidInput, not 404): check the account (`aws sts get-caller-identity`) and `aws route53domains list-domains --region us-east-1`; a domain registered elsewhere needs that registrar\'s adapter',
    }];
  }
  if (call.operation === 'set name servers') {
    const inDomain = (extra.nameServers ?? []).filter((ns) => ns === call.domain || ns.endsWith(`.${call.domain}`));
    const glue = inDomain.length
      ? `; ${inDomain.join(', ')} ${inDomain.length > 1 ? 'are' : 'is'} inside ${call.domain} and would need glue IPs, which nsbridge does not send`
      : '';
    return [RegistrarValidationError, {
      ...base,
      hint: `Route 53 Domains refused the name servers: they must be existing host names that resolve (for a Route 53 hosted zone, its four awsdns name servers)${glue}`,
    }];
  }
  if (call.operation === 'get DNSSEC records') {
    return [DomainNotFoundError, {
      ...base,
      hint: 'the domain is not registered with Route 53 Domains in this AWS account (Route 53 Domains answers InvalidInput, not 404): check the account (`aws sts get-caller-identity`) and `aws route53domains list-domains --region us-east-1`',
    }];
  }
  if (call.operation === 'add DNSSEC record') {
    return [RegistrarValidationError, {
      ...base,
      hint: 'Route 53 Domains refused the DNSKEY: it takes flags 257 (KSK) or 256 (ZSK), an IANA algorithm number (13 for a Route 53 key-signing key) and the base64 public key, once per key; the domain must be in this account. Nothing was changed',
    }];
  }
  if (call.operation === 'remove DNSSEC record') {
    return [RegistrarValidationError, {
      ...base,
      hint: 'Route 53 Domains has no DS record with this Id for the domain (or the domain is not in this account); run nsbridge ds get to see what it holds',
    }];
  }
  return [RegistrarApiError, {
    ...base,
    hint: `Route 53 Domains no longer knows operation ${extra.operationId ?? '(unknown)'}; check the domain with \`aws route53domains get-domain-detail --region us-east-1 --domain-name ${call.domain}\``,
  }];
}

/**
 * Namecheap's numbered errors -> nsbridge's typed errors, with a hint in Namecheap's own terms.
 * Numbers only, never the text: the same text can come with different numbers and the text of
 * registry errors is the registry's. Sources: Namecheap's API docs
 * (https://www.namecheap.com/support/api/error-codes/, and the getInfo and setCustom pages) and go-namecheap-sdk's docs mirror for the 50xxxxx "unknown exceptions".
 */
import type { CallContext } from '../core/respond';
import {
  DomainNotFoundError,
  RegistrarApiError,
  RegistrarAuthError,
  RegistrarError,
  RegistrarErrorDetails,
  RegistrarValidationError,
} from '../../core/errors';
import { ERR, NamecheapEnvelope } from './wire-types';

/** Who is asking (all public values: never the key). */
export interface AccountFacts {
  readonly apiUser: string;
  readonly userName: string;
  readonly clientIp: string;
}

type Kind = 'auth' | 'notFound' | 'validation' | 'api';
type Hint = (facts: AccountFacts, call: CallContext) => string;

const API_ACCESS =
  'API access must be on in Profile > Tools > Namecheap API Access (production allows it only to eligible accounts: ' +
  '$50+ balance, 20+ domains, or $50+ spent in the last 2 years)';

const keyHint: Hint = (f) =>
  `Namecheap did not accept NAMECHEAP_API_KEY for API user "${f.apiUser}" (NAMECHEAP_API_USER), or API access is off: ` +
  `${API_ACCESS}; sandbox and production keys differ (NSBRIDGE_NAMECHEAP_SANDBOX)`;

const whitelistHint: Hint = (f) =>
  `add ${f.clientIp} to the API whitelist (Profile > Tools > Namecheap API Access > Whitelisted IPs; IPv4 only, no ranges) ` +
  'and set NAMECHEAP_CLIENT_IP to the public IPv4 address these requests really leave from (a CI runner needs a fixed egress IP); ' +
  'the sandbox has its own whitelist';

const lockedHint = (what: string): Hint => () => `${what} at Namecheap; contact Namecheap support`;

const userNameHint: Hint = (f) =>
  `API user "${f.apiUser}" may not act for NAMECHEAP_USER_NAME "${f.userName}"; leave NAMECHEAP_USER_NAME unset to act as the API user itself`;

const notInAccount: Hint = (f, call) =>
  `${call.domain} is not in the Namecheap account "${f.userName}" (NAMECHEAP_USER_NAME, which defaults to NAMECHEAP_API_USER); ` +
  'sandbox domains live in the separate sandbox account (NSBRIDGE_NAMECHEAP_SANDBOX)';

const strippedHint: Hint = () =>
  'the request reached Namecheap without its parameters; a proxy in front of NSBRIDGE_NAMECHEAP_ENDPOINT may drop POST bodies';

const registryHint =
  'the registry behind Namecheap refused the name servers: each must be an existing, registered host name ' +
  '(check the spelling, and that glue records exist for name servers inside the domain itself); if they are right, try again later';

const TABLE: Record<string, { kind: Kind; hint: Hint }> = {
  [ERR.API_KEY_INVALID]: { kind: 'auth', hint: keyHint },
  [ERR.UNSUPPORTED_AUTH]: { kind: 'auth', hint: keyHint },
  [ERR.API_USER_VALIDATION]: { kind: 'auth', hint: keyHint },
  [ERR.REQUEST_IP_INVALID]: { kind: 'auth', hint: whitelistHint },
  [ERR.CLIENT_IP_INVALID]: { kind: 'auth', hint: whitelistHint },
  [ERR.REQUEST_IP_LOCKED]: { kind: 'auth', hint: (f) => `the whitelisted IP ${f.clientIp} is disabled or locked at Namecheap; check Profile > Tools > Namecheap API Access or contact Namecheap support` },
  [ERR.CLIENT_IP_LOCKED]: { kind: 'auth', hint: (f) => `the whitelisted IP ${f.clientIp} is disabled or locked at Namecheap; check Profile > Tools > Namecheap API Access or contact Namecheap support` },
  [ERR.API_USER_LOCKED]: { kind: 'auth', hint: lockedHint('the API user is disabled or locked') },
  [ERR.USER_NAME_LOCKED]: { kind: 'auth', hint: lockedHint('the account in NAMECHEAP_USER_NAME is disabled or locked') },
  [ERR.DECLINED_PAYMENTS]: { kind: 'auth', hint: lockedHint('the account is locked after too many declined payments') },
  [ERR.LOGIN_ATTEMPTS]: { kind: 'auth', hint: () => 'the account is locked after too many login attempts; wait before trying again, or contact Namecheap support' },
  [ERR.USER_NAME_UNAUTHORIZED]: { kind: 'auth', hint: userNameHint },
  [ERR.USER_NAME_NOT_AVAILABLE]: { kind: 'auth', hint: userNameHint },
  [ERR.ACCESS_DENIED]: {
    kind: 'auth',
    hint: (f, call) =>
      `Namecheap denied user "${f.userName}" access to ${call.domain}; check that the domain is in that account ` +
      '(NAMECHEAP_USER_NAME, default NAMECHEAP_API_USER) and not only shared with it',
  },
  [ERR.API_USER_MISSING]: { kind: 'api', hint: strippedHint },
  [ERR.API_KEY_MISSING]: { kind: 'api', hint: strippedHint },
  [ERR.COMMAND_MISSING]: { kind: 'api', hint: strippedHint },
  [ERR.CLIENT_IP_MISSING]: { kind: 'api', hint: strippedHint },
  [ERR.DOMAIN_NOT_FOUND]: { kind: 'notFound', hint: notInAccount },
  [ERR.DOMAIN_NOT_ASSOCIATED]: { kind: 'notFound', hint: notInAccount },
  [ERR.DOMAIN_NOT_WITH_ENOM]: { kind: 'notFound', hint: notInAccount },
  // getInfo: "Domain is invalid" (also what a domain outside the account gets); setCustom: "Edit
  // permission for domain is not supported".
  [ERR.DOMAIN_INVALID]: {
    kind: 'notFound',
    hint: (f, call) =>
      call.operation === 'set name servers'
        ? `user "${f.userName}" may not edit ${call.domain}'s name servers (a domain shared without modification rights, or not in this account); ` +
          'act as the owning account with NAMECHEAP_USER_NAME'
        : notInAccount(f, call),
  },
  [ERR.ENOM_ERROR]: { kind: 'validation', hint: () => registryHint },
  [ERR.ENOM_UNKNOWN]: { kind: 'validation', hint: () => registryHint },
  [ERR.NAMESERVER_LIST]: { kind: 'api', hint: () => 'Namecheap could not read the domain\'s name-server list; try again later' },
};

/** Namecheap's "Unknown exceptions": a server error inside an HTTP 200, worth a bounded retry. */
export const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([ERR.UNKNOWN_GETINFO, ERR.UNKNOWN_5050169, ERR.UNKNOWN_5050900]);

const TRANSIENT_HINT =
  'Namecheap had an internal error; run the same command again later (it reads first and writes only if the name servers still differ)';

export function describeMessages(envelope: NamecheapEnvelope): string {
  if (envelope.errors.length === 0) return `Status="${envelope.status}" without an <Error>`;
  return envelope.errors.map((e) => `${e.number || '(no number)'} ${e.text || '(no text)'}`).join('; ');
}

/** The typed error for an envelope whose Status is not OK. */
export function errorFromEnvelope(envelope: NamecheapEnvelope, call: CallContext, facts: AccountFacts, status: number): RegistrarError {
  const cause = `Namecheap error ${describeMessages(envelope)}`;
  const known = envelope.errors.map((e) => TABLE[e.number]).find((t) => t !== undefined);
  const transient = envelope.errors.some((e) => TRANSIENT_ERRORS.has(e.number));
  const details: RegistrarErrorDetails = {
    ...call,
    status,
    cause,
    hint: known
      ? known.hint(facts, call)
      : transient
        ? TRANSIENT_HINT
        : 'Namecheap refused the request; look the error number up in Namecheap\'s API documentation',
  };
  switch (known?.kind) {
    case 'auth':
      return new RegistrarAuthError(details);
    case 'notFound':
      return new DomainNotFoundError(details);
    case 'validation':
      return new RegistrarValidationError(details);
    default:
      return new RegistrarApiError(details);
  }
}

/** Still an "unknown exception" after the retries. */
export function transientExhausted(envelope: NamecheapEnvelope, call: CallContext): RegistrarError {
  return new RegistrarApiError({ ...call, status: 200, cause: `Namecheap error ${describeMessages(envelope)} (still failing after retries)`, hint: TRANSIENT_HINT });
}

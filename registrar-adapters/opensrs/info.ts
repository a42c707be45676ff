import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * OpenSRS (Tucows) reseller API, XML over HTTPS ("XCP"): https://domains.opensrs.guide/docs/overview.
 * Resellers only. Every request is a POST of an OPS_envelope to `/` on port 55443, signed with
 * X-Username + X-Signature (double MD5 of body and private key). Commands are sent in the
 * "without end-user credentials" form (the domain in the attributes, no cookie).
 *
 * `credentials`: OPENSRS_USERNAME is public: the reseller username is sent in a header and names the account in messages.
 *
 * `rateLimit`: OpenSRS publishes no figure, only the throttle answer (response 300 "Exceeded max
 * command rate"); nsbridge paces itself at 2 per second per reseller (UNCONFIRMED) and waits on a
 * 300.
 */
export const info = loadRegistrarInfo(facts);

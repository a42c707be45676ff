import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * GoDaddy Domains API v1 for name servers, v2 for DNSSEC. Docs: https://developer.godaddy.com/doc/endpoint/domains.
 * Since ~May 2024 production management APIs need an account with 10+ domains or a Discount
 * Domain Club – Premier Membership plan (developer.godaddy.com/getstarted): others get 403 ACCESS_DENIED on every call. OTE (sandbox) is not gated.
 *
 * DNSSEC exists only in v2, whose paths carry a customerId (a UUID, not the numeric shopper id /
 * customer number). No call returns it for "the key's own account", so it is a setting:
 * NSBRIDGE_GODADDY_CUSTOMER_ID, the UUID, or the customer number, which nsbridge turns into the
 * UUID once per run with GET /v1/shoppers/{number}?includes=customerId. Resellers acting on a
 * sub-account may leave it unset: NSBRIDGE_GODADDY_SHOPPER_ID is resolved the same way. Name
 * servers stay on v1, which needs none of this.
 */
export const info = loadRegistrarInfo(facts);

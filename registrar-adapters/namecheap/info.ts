import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Namecheap XML API. Docs: https://www.namecheap.com/support/api/methods/.
 * One endpoint (`.../xml.response`), the operation picked by `Command`; ApiUser, ApiKey, UserName
 * and ClientIp on every call; the calling IPv4 address must be whitelisted; errors are HTTP 200
 * with Status="ERROR"; throttling is HTTP 405.
 *
 * `productionEndpoint` is the full URL: NSBRIDGE_NAMECHEAP_ENDPOINT replaces all of it, path
 * included.
 */
export const info = loadRegistrarInfo(facts);

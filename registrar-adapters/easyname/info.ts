import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * easyname REST API (enabled and documented in the account: https://my.easyname.com/en/account/api;
 * behaviour as DNSControl's easyname provider uses it: https://docs.dnscontrol.org/provider/easyname).
 * Read: GET /domain (every domain with nameserver1..6). Write: POST /domain/{id}/nameserverchange
 * with a signed body. Auth: X-User-ApiKey + X-User-Authentication (a hash of the user id and
 * e-mail formatted into the authentication salt).
 */
export const info = loadRegistrarInfo(facts);

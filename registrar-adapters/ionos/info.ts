import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * IONOS Hosting Developer API, Domains (https://developer.hosting.ionos.com/docs/domains).
 * Read: GET /domains/v1/domainitems?name= (id lookup), GET /domains/v1/domainitems/{id}/nameservers.
 * Write: PUT the same path {"type":"CUSTOM","nameservers":[{"name":...}]} -> 202 Accepted; the
 * change is applied later, so nsbridge reads the name servers back until they show the new set.
 * Auth: X-API-Key: <prefix>.<secret> (https://developer.hosting.ionos.com/docs/getstarted).
 */
export const info = loadRegistrarInfo(facts);

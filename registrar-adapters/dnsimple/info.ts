import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * DNSimple API v2 registrar delegation. Docs: https://developer.dnsimple.com/v2/registrar/delegation/.
 * Account-scoped paths (/v2/{account}/...); only domains registered with DNSimple have a
 * registrar delegation; 429 answers carry no Retry-After, only X-RateLimit-Reset.
 */
export const info = loadRegistrarInfo(facts);

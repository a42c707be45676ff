import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Openprovider REST API v1beta (https://docs.openprovider.com/doc/all). Reseller accounts only.
 * Token login (POST /v1beta/auth/login), then the domain is found by name and changed by its id.
 * DNSSEC keys travel in the same domain update, as DNSKEYs: Openprovider computes the DS.
 * Limits: https://support.openprovider.eu/hc/en-us/articles/218390187-API-Limits
 */
export const info = loadRegistrarInfo(facts);

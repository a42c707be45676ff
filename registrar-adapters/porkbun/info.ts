import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Porkbun JSON API v3. Docs: https://porkbun.com/api/json/v3/documentation.
 * Every call is a POST with the keys in the JSON body; each domain needs its own "API Access"
 * switch turned on; the rate limit is not in the API documentation (support: 1 request/second).
 */
export const info = loadRegistrarInfo(facts);

import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Internet.bs reseller/registrar API (https://internetbs.net/ResellerRegistrarDomainNameAPI/):
 * form parameters ApiKey + Password on every call (POSTed: never in a URL), ResponseFormat=JSON,
 * and the outcome in the body's `status` (SUCCESS, PENDING or FAILURE) of an HTTP 200.
 */
export const info = loadRegistrarInfo(facts);

import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Dynadot Advanced Domain API ("api3"): every call is a GET of /api3.json with `key` and
 * `command` in the query (the key travels in the URL), errors come inside HTTP 200.
 * https://www.dynadot.com/domain/api-commands
 */
export const info = loadRegistrarInfo(facts);

import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * hosting.de JSON API (https://www.hosting.de/api/), also run by white-label partners (e.g.
 * https://partner.http.net) with the same paths: set NSBRIDGE_HOSTINGDE_ENDPOINT to their origin.
 * Every call is a POST with the API key in the body (`authToken`); answers are an envelope with
 * status success | pending | error, always HTTP 200.
 */
export const info = loadRegistrarInfo(facts);

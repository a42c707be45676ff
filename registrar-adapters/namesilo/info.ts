import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * NameSilo API: every operation is a GET of /api/{operation}?version=1&type=json&key=K (the key
 * travels in the URL), errors come inside HTTP 200 as reply.code. https://www.namesilo.com/api-reference
 *
 * No `rateLimit`: no published request limit (UNCONFIRMED): no pacing by default;
 * NSBRIDGE_RATE_LIMIT_NAMESILO sets one.
 */
export const info = loadRegistrarInfo(facts);

import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * CentralNic Reseller (CNR, formerly RRPproxy / Key-Systems). One form-POST endpoint,
 * /api/call.cgi, the operation in `s_command` (StatusDomain, ModifyDomain); credentials `s_login`
 * and `s_pw` in the POST body; every answer, errors too, is HTTP 200 plain text with a return code.
 * https://kb.centralnicreseller.com/api/api-commands/api-command-reference
 *
 * No `rateLimit`: no published request limit (kb return codes list only 422 "abuse detected" and 521 "too
 * many sessions"): no pacing by default; NSBRIDGE_RATE_LIMIT_CNR sets one.
 */
export const info = loadRegistrarInfo(facts);

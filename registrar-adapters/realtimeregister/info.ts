import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Realtime Register REST API v2 (https://dm.realtimeregister.com/docs/api). Reseller accounts.
 * Auth `Authorization: ApiKey <key>`. Name servers and DNSSEC data are changed with one call,
 * POST /v2/domains/{domain}/update, answered 200 (done) or 202 with a process to poll.
 */
export const info = loadRegistrarInfo(facts);

import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Gandi v5 Domain API. Docs: https://api.gandi.net/docs/domains/.
 * Read: GET /v5/domain/domains/{domain}/nameservers (a bare JSON array). Write: PUT same path
 * {"nameservers": [...]}. Auth: `Authorization: Bearer <personal access token>` only.
 */
export const info = loadRegistrarInfo(facts);

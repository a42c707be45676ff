import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * CSC Global, CSCDomainManager API v2 (https://www.cscglobal.com/cscglobal/docs/dbs/domainmanager/api-v2/):
 * headers `apikey` + `Authorization: Bearer <user token>`; paths under /dbs/api/v2. A name-server
 * change is an order (PUT /dbs/api/v2/domains/nsmodification -> SUBMITTED) that completes later.
 */
export const info = loadRegistrarInfo(facts);

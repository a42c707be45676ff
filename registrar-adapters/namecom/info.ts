import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Name.com Core API (https://docs.name.com, /core/v1; the default since it replaced v4 in 2025-05)
 * and API v4 (https://www.name.com/api-docs, /v4) while v4 remains: NSBRIDGE_NAMECOM_API=v4.
 * Read: GET {prefix}/domains/{domain} (Domain object, `nameservers`). Write: POST
 * {prefix}/domains/{domain}:setNameservers {"nameservers": [...]} -> 200 with the full Domain.
 * Auth: HTTP Basic <user name>:<API token>.
 */
export const info = loadRegistrarInfo(facts);

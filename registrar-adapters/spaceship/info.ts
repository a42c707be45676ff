import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Spaceship public API (https://docs.spaceship.dev/): X-Api-Key + X-Api-Secret headers,
 * GET /api/v1/domains/{domain} (name servers in `nameservers.hosts`), PUT .../nameservers.
 *
 * `rateLimit` is per DOMAIN, not per account: nsbridge keeps one limiter window per domain
 * (adapter.ts).
 */
export const info = loadRegistrarInfo(facts);

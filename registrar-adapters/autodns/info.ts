import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * AutoDNS / InterNetX Domainrobot JSON API (https://help.internetx.com/display/APIXMLEN/JSON+API+Basics,
 * spec: https://github.com/InterNetX/php-domainrobot-sdk src/Lib/specs.json). Basic auth plus the
 * X-Domainrobot-Context header; GET /v1/domain/{name} to read, PUT /v1/domain/{name} to update
 * (a job nsbridge waits for). DNSSEC keys (DNSKEY) travel in the same domain update.
 */
export const info = loadRegistrarInfo(facts);

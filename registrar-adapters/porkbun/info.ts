import { can, cannot, RegistrarInfo } from '../core/types';

/**
 * Porkbun JSON API v3. Docs: https://porkbun.com/api/json/v3/documentation.
 * Every call is a POST with the keys in the JSON body; each domain needs its own "API Access"
 * switch turned on; the rate limit is not in the API documentation (support: 1 request/second).
 */
export const info: RegistrarInfo = {
  id: 'porkbun',
  name: 'Porkbun',
  productionEndpoint: 'https://api.porkbun.com/api/json/v3',
  credentials: [
    { env: 'PORKBUN_API_KEY', description: 'API key (pk1_...), created at porkbun.com/account/api' },
    { env: 'PORKBUN_SECRET_API_KEY', description: 'Secret API key (sk1_...) shown once when the key is created' },
  ],
  settings: [],
  capabilities: {
    readNameServers: can('POST /domain/getNs/{domain} (keys in the JSON body)'),
    setNameServers: can('POST /domain/updateNs/{domain} {ns:[...]}; the domain\'s "API Access" switch must be on'),
    sandbox: cannot(
      'Porkbun has no sandbox for the domain API; test against a throw-away domain, or point NSBRIDGE_PORKBUN_ENDPOINT at a proxy or emulator',
      'https://porkbun.com/api/json/v3/documentation',
    ),
    dnssec: can(
      'POST /dns/getDnssecRecords, /dns/createDnssecRecord (DS values as strings) and /dns/deleteDnssecRecord/{domain}/{keyTag}; one DS per key tag; the domain\'s "API Access" switch must be on',
    ),
    asyncOperations: cannot('updateNs answers once the change is made; there is no operation to poll'),
  },
  rateLimit: {
    requests: 1,
    perMs: 1_000,
    source: 'Porkbun support, quoted in nrdcg/porkbun #3 (2023) and jungaretti/bacon #45 (2024): 1 request per second per API key; not in the API documentation',
  },
  quirks: [
    'Each domain must have "API Access" switched on (dashboard, Domain Management, the domain\'s Details); otherwise every call on it answers "Domain is not opted in to API access." (older answers said "Invalid domain.", as for a domain not in the account).',
    'Every call, reads included, is a POST with the keys in the JSON body; keys never appear in URLs.',
    'Throttling (about 1 request per second per key) shows up as an HTML 503 page from openresty or an AWS WAF challenge (HTTP 202, x-amzn-waf-action), not JSON; nsbridge waits and retries both, and never takes a 202 for a successful write.',
    'Some TLDs (.de) return name servers with a trailing dot; nsbridge normalises them.',
    'The old API host porkbun.com/api/json/v3 stopped working on 2024-12-01; the IPv4-only host api-ipv4.porkbun.com can be set with NSBRIDGE_PORKBUN_ENDPOINT.',
    'DNSSEC records are listed as an object keyed by key tag with string values, and deleted by key tag: Porkbun can hold one DS per key tag, so a new DS with a held key tag replaces the old one, and two DS records with one key tag are refused.',
  ],
  docs: 'https://porkbun.com/api/json/v3/documentation',
  dnssecInput: 'ds',
};

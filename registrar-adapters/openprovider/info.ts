import { can, cannot, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * Openprovider REST API v1beta (https://docs.openprovider.com/doc/all). Reseller accounts only.
 * Token login (POST /v1beta/auth/login), then the domain is found by name and changed by its id.
 * DNSSEC keys travel in the same domain update, as DNSKEYs: Openprovider computes the DS.
 * Limits: https://support.openprovider.eu/hc/en-us/articles/218390187-API-Limits
 */
export const info: RegistrarInfo = {
  id: 'openprovider',
  name: 'Openprovider',
  productionEndpoint: 'https://api.openprovider.eu',
  sandboxEndpoint: 'https://api.cte.openprovider.eu',
  credentials: [
    { env: 'OPENPROVIDER_USERNAME', description: 'Openprovider (reseller) user name; CTE and production accounts differ', public: true },
    { env: 'OPENPROVIDER_PASSWORD', description: 'Password of that user; nsbridge exchanges it for a bearer token at every run (POST /v1beta/auth/login)' },
  ],
  settings: [
    sandboxSetting('openprovider', 'Use the CTE test environment (api.cte.openprovider.eu), which has its own accounts and stricter limits'),
  ],
  capabilities: {
    readNameServers: can('GET /v1beta/domains?domain_name_pattern=&extension= for the id, then GET /v1beta/domains/{id}'),
    setNameServers: can('PUT /v1beta/domains/{id} {name_servers:[{name, seq_nr}]}'),
    sandbox: can('CTE: api.cte.openprovider.eu, separate account'),
    dnssec: can('DNSKEYs in the domain update: PUT /v1beta/domains/{id} {dnssec_keys:[{flags, protocol, alg, pub_key}], is_dnssec_enabled}'),
    asyncOperations: cannot('the domain update answers when Openprovider has accepted it; no job or task to poll is documented'),
  },
  rateLimit: {
    requests: 300,
    perMs: 300_000,
    source: 'Openprovider support "API Limits": 300 identical calls per 300 s (CTE: 50 per 100 s), counted here for all calls',
  },
  quirks: [
    'The API is for reseller accounts; a login failure says code 196.',
    'nsbridge logs in once per run and sends the token as a bearer token; it logs in again once if Openprovider says the token is no longer valid.',
    'Over 300 identical calls in 300 s (CTE: 50 per 100 s) get the IP address blacklisted (10005 Access denied) until it is removed in the control panel; nsbridge paces below that.',
    'Over 100 failed logins an hour (CTE: 50 per 50 s) block logins for 20 minutes (code 50).',
    'Name servers and DNSSEC keys are changed with the domain id, which nsbridge looks up by name first.',
    'DNSSEC takes the DNSKEY (flags 257, protocol 3, algorithm, public key), not a DS.',
  ],
  docs: 'https://docs.openprovider.com/doc/all',
  dnssecInput: 'dnskey',
};

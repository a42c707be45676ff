import { can, cannot, RegistrarInfo } from '../core/types';

/** Namecheap XML API. Facts: shared/reference/registrar-apis.md §2. */
export const info: RegistrarInfo = {
  id: 'namecheap',
  name: 'Namecheap',
  productionEndpoint: 'https://api.namecheap.com/xml.response',
  sandboxEndpoint: 'https://api.sandbox.namecheap.com/xml.response',
  credentials: [
    { env: 'NAMECHEAP_API_USER', description: 'ApiUser', public: true },
    { env: 'NAMECHEAP_API_KEY', description: 'ApiKey (Profile > Tools > Namecheap API Access)' },
    { env: 'NAMECHEAP_USER_NAME', description: 'UserName; defaults to the API user', optional: true, defaultFrom: 'NAMECHEAP_API_USER', public: true },
    { env: 'NAMECHEAP_CLIENT_IP', description: 'ClientIp: the whitelisted IPv4 address the calls come from', public: true },
  ],
  settings: [
    { key: 'sandbox', env: 'NSBRIDGE_NAMECHEAP_SANDBOX', type: 'boolean', description: 'Use api.sandbox.namecheap.com (separate account and key)' },
  ],
  capabilities: {
    readNameServers: can('namecheap.domains.getInfo'),
    setNameServers: can('namecheap.domains.dns.setCustom'),
    sandbox: can('api.sandbox.namecheap.com, separate account'),
    dnssec: cannot('the Namecheap API has no DNSSEC methods (Namecheap staff, 2024)'),
    asyncOperations: cannot('setCustom is synchronous'),
  },
  rateLimit: { requests: 20, perMs: 60_000, source: 'Namecheap support: 20/min, 700/hour, 8000/day per user' },
  quirks: [
    'The calling IPv4 address must be on the account\'s API whitelist and be passed as NAMECHEAP_CLIENT_IP.',
    'Errors come back as HTTP 200 with Status="ERROR"; throttling is HTTP 405.',
    'API access needs an eligible account (balance, domain count or spend).',
  ],
  docs: 'https://www.namecheap.com/support/api/methods/domains-dns/set-custom/',
};

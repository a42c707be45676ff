import { can, cannot, RegistrarInfo } from '../core/types';

/** DNSimple API v2 registrar delegation. Facts: shared/reference/registrar-apis.md §6. */
export const info: RegistrarInfo = {
  id: 'dnsimple',
  name: 'DNSimple',
  productionEndpoint: 'https://api.dnsimple.com',
  sandboxEndpoint: 'https://api.sandbox.dnsimple.com',
  credentials: [
    { env: 'DNSIMPLE_TOKEN', description: 'Account API token' },
    { env: 'DNSIMPLE_ACCOUNT', description: 'Numeric account id; looked up with /v2/whoami when unset', optional: true, public: true },
  ],
  settings: [
    { key: 'sandbox', env: 'NSBRIDGE_DNSIMPLE_SANDBOX', type: 'boolean', description: 'Use api.sandbox.dnsimple.com (separate account)' },
  ],
  capabilities: {
    readNameServers: can('GET /v2/{account}/registrar/domains/{domain}/delegation'),
    setNameServers: can('PUT /v2/{account}/registrar/domains/{domain}/delegation'),
    sandbox: can('api.sandbox.dnsimple.com'),
    dnssec: cannot('not implemented yet'),
    asyncOperations: cannot('delegation PUT is synchronous'),
  },
  rateLimit: { requests: 2400, perMs: 3_600_000, source: 'DNSimple API docs: 2400 requests per hour' },
  quirks: ['Only domains registered at DNSimple have a registrar delegation; hosted-only domains do not.'],
  docs: 'https://developer.dnsimple.com/v2/registrar/delegation/',
};

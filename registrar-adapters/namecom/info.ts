import { can, cannot, RegistrarInfo } from '../core/types';

/** Name.com API v4. Facts: shared/reference/registrar-apis.md §5. */
export const info: RegistrarInfo = {
  id: 'namecom',
  name: 'Name.com',
  productionEndpoint: 'https://api.name.com',
  sandboxEndpoint: 'https://api.dev.name.com',
  credentials: [
    { env: 'NAMECOM_USERNAME', description: 'Account user name (append -test for the sandbox)', public: true },
    { env: 'NAMECOM_TOKEN', description: 'API token (production and test tokens differ)' },
  ],
  settings: [
    { key: 'sandbox', env: 'NSBRIDGE_NAMECOM_SANDBOX', type: 'boolean', description: 'Use api.dev.name.com (user name with -test, test token)' },
  ],
  capabilities: {
    readNameServers: can('GET /v4/domains/{domain}'),
    setNameServers: can('POST /v4/domains/{domain}:setNameservers'),
    sandbox: can('api.dev.name.com'),
    dnssec: cannot('not implemented yet'),
    asyncOperations: cannot('setNameservers is synchronous'),
  },
  rateLimit: { requests: 20, perMs: 1_000, source: 'third-party clients: 20 requests/second, 3000/hour per account' },
  quirks: [
    'POST without Content-Type: application/json is refused with 403.',
    'Accounts with two-step verification cannot use the API.',
    'ns1-4.name.com are stored as account-specific ns1xyz.name.com names.',
  ],
  docs: 'https://www.name.com/api-docs',
};

import { can, cannot, RegistrarInfo } from '../core/types';

/** Gandi v5 Domain API. Facts: shared/reference/registrar-apis.md §3. */
export const info: RegistrarInfo = {
  id: 'gandi',
  name: 'Gandi',
  productionEndpoint: 'https://api.gandi.net',
  sandboxEndpoint: 'https://api.sandbox.gandi.net',
  credentials: [
    { env: 'GANDI_PERSONAL_ACCESS_TOKEN', description: 'Personal access token with domain management permission (PATs expire)' },
  ],
  settings: [
    { key: 'sandbox', env: 'NSBRIDGE_GANDI_SANDBOX', type: 'boolean', description: 'Use api.sandbox.gandi.net (separate sandbox account and token)' },
    { key: 'sharingId', env: 'NSBRIDGE_GANDI_SHARING_ID', type: 'string', description: 'Organization id (sharing_id) the domain belongs to' },
  ],
  capabilities: {
    readNameServers: can('GET /v5/domain/domains/{domain}/nameservers'),
    setNameServers: can('PUT /v5/domain/domains/{domain}/nameservers'),
    sandbox: can('api.sandbox.gandi.net'),
    dnssec: cannot('not implemented yet (Gandi takes DNSKEY public keys)'),
    asyncOperations: cannot('no operation id is returned'),
  },
  rateLimit: { requests: 1000, perMs: 60_000, source: 'Gandi API reference: 1000 requests per minute per IP' },
  quirks: ['Personal access tokens expire and cannot be renewed: an expired token gives 401, create a new one.'],
  docs: 'https://api.gandi.net/docs/domains/',
};

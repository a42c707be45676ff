import { can, cannot, RegistrarInfo } from '../core/types';

/** Porkbun JSON API v3. Facts: shared/reference/registrar-apis.md §4. */
export const info: RegistrarInfo = {
  id: 'porkbun',
  name: 'Porkbun',
  productionEndpoint: 'https://api.porkbun.com/api/json/v3',
  credentials: [
    { env: 'PORKBUN_API_KEY', description: 'API key (pk1_...)' },
    { env: 'PORKBUN_SECRET_API_KEY', description: 'Secret API key (sk1_...)' },
  ],
  settings: [],
  capabilities: {
    readNameServers: can('POST /domain/getNs/{domain}'),
    setNameServers: can('POST /domain/updateNs/{domain}'),
    sandbox: cannot('Porkbun has no public sandbox'),
    dnssec: cannot('not implemented yet'),
    asyncOperations: cannot('updateNs is synchronous'),
  },
  rateLimit: { requests: 1, perMs: 1_000, source: 'Porkbun support: 1 request per second per API key' },
  quirks: [
    'Each domain must have "API Access" switched on in the Porkbun dashboard, or calls fail with "Invalid domain."',
    'Throttling shows up as HTTP 503 HTML pages or an AWS WAF challenge (202), not JSON.',
    'Some TLDs return name servers with a trailing dot.',
  ],
  docs: 'https://porkbun.com/api/json/v3/documentation',
};

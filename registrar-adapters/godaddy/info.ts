import { can, cannot, RegistrarInfo } from '../core/types';

/**
 * GoDaddy Domains API v1. Facts: shared/reference/registrar-apis.md §1.
 * Since ~May 2024 production management APIs need an account with 10+ domains or a Discount
 * Domain Club plan: others get 403 ACCESS_DENIED on every call. OTE (sandbox) is not gated.
 */
export const info: RegistrarInfo = {
  id: 'godaddy',
  name: 'GoDaddy',
  productionEndpoint: 'https://api.godaddy.com',
  sandboxEndpoint: 'https://api.ote-godaddy.com',
  credentials: [
    { env: 'GODADDY_API_KEY', description: 'API key (developer.godaddy.com/keys); OTE and production keys differ' },
    { env: 'GODADDY_API_SECRET', description: 'API secret paired with the key' },
  ],
  settings: [
    { key: 'sandbox', env: 'NSBRIDGE_GODADDY_SANDBOX', type: 'boolean', description: 'Use the OTE test environment (api.ote-godaddy.com)' },
    { key: 'shopperId', env: 'NSBRIDGE_GODADDY_SHOPPER_ID', type: 'string', description: 'Resellers only: act on a sub-account (X-Shopper-Id)' },
  ],
  capabilities: {
    readNameServers: can('GET /v1/domains/{domain}'),
    setNameServers: can('PATCH /v1/domains/{domain}'),
    sandbox: can('OTE: api.ote-godaddy.com, separate keys'),
    dnssec: cannot('not implemented yet (GoDaddy takes DS records through the v2 API)'),
    asyncOperations: cannot('v1 PATCH is synchronous from the caller\'s view'),
  },
  rateLimit: { requests: 60, perMs: 60_000, source: 'GoDaddy API docs: 60 requests per minute' },
  quirks: [
    'Production API access needs 10+ domains or a Discount Domain Club plan since 2024; otherwise every call is 403 ACCESS_DENIED.',
    'Protected or high-value domains need 2FA for name-server changes, which the API cannot do (409).',
    '429 answers carry retryAfterSec in the JSON body; nsbridge waits that long.',
  ],
  docs: 'https://developer.godaddy.com/doc/endpoint/domains',
};

import { can, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * GoDaddy Domains API v1 for name servers, v2 for DNSSEC. Docs: https://developer.godaddy.com/doc/endpoint/domains.
 * Since ~May 2024 production management APIs need an account with 10+ domains or a Discount
 * Domain Club – Premier Membership plan (developer.godaddy.com/getstarted): others get 403 ACCESS_DENIED on every call. OTE (sandbox) is not gated.
 *
 * DNSSEC exists only in v2, whose paths carry a customerId (a UUID, not the numeric shopper id /
 * customer number). No call returns it for "the key's own account", so it is a setting:
 * NSBRIDGE_GODADDY_CUSTOMER_ID, the UUID, or the customer number, which nsbridge turns into the
 * UUID once per run with GET /v1/shoppers/{number}?includes=customerId. Resellers acting on a
 * sub-account may leave it unset: NSBRIDGE_GODADDY_SHOPPER_ID is resolved the same way. Name
 * servers stay on v1, which needs none of this.
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
    sandboxSetting('godaddy', 'Use the OTE test environment (api.ote-godaddy.com)'),
    { key: 'shopperId', env: 'NSBRIDGE_GODADDY_SHOPPER_ID', type: 'string', description: 'Resellers only: act on a sub-account (X-Shopper-Id)' },
    {
      key: 'customerId',
      env: 'NSBRIDGE_GODADDY_CUSTOMER_ID',
      type: 'string',
      description:
        'DNSSEC only (v2 API): the account\'s customer id (a UUID), or its customer number (the shopper id shown in the account menu), which nsbridge looks up with GET /v1/shoppers/{number}?includes=customerId',
    },
    ...operationSettings('godaddy', {
      timeout: 'How long to wait for a DNSSEC_CREATE/DNSSEC_DELETE action to end, e.g. 10m (default) or 30m',
      pollInterval: 'First wait before checking a DNSSEC action again, growing 1.5x per check up to 30s (default 2s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET /v1/domains/{domain}'),
    setNameServers: can('PATCH /v1/domains/{domain}'),
    sandbox: can('OTE: api.ote-godaddy.com, separate keys'),
    dnssec: can(
      'v2 only: GET /v2/customers/{customerId}/domains/{domain}?includes=dnssecRecords, PATCH/DELETE .../dnssecRecords (DS with algorithm and digest type by name); needs NSBRIDGE_GODADDY_CUSTOMER_ID',
    ),
    asyncOperations: can(
      'DNSSEC changes are v2 actions (202): nsbridge polls DNSSEC_CREATE/DNSSEC_DELETE until SUCCESS (NSBRIDGE_GODADDY_OPERATION_TIMEOUT); name-server changes use the synchronous v1 PATCH',
    ),
  },
  rateLimit: { requests: 60, perMs: 60_000, source: 'GoDaddy API docs: 60 requests per minute' },
  quirks: [
    'Production API access needs 10+ domains or a Discount Domain Club – Premier Membership plan (the portal\'s name; the basic plan is not enough) since 2024; otherwise every call is 403 ACCESS_DENIED.',
    'Protected or high-value domains need 2FA for name-server changes, which the API cannot do (409).',
    '429 answers carry retryAfterSec in the JSON body; nsbridge waits that long.',
    'DNSSEC is only in the v2 API, whose paths need the customer id (a UUID): set NSBRIDGE_GODADDY_CUSTOMER_ID to it, or to the customer number, which nsbridge looks up (GET /v1/shoppers/{number}?includes=customerId).',
    'The v2 DNSSEC API takes the algorithm and digest type by name (ECDSAP256SHA256, SHA256), not by number; nsbridge translates.',
    'DNSSEC changes are asynchronous actions (202): nsbridge waits until the DNSSEC_CREATE/DNSSEC_DELETE action says SUCCESS and reports FAILED or CANCELLED with GoDaddy\'s reason.',
    'One DNSSEC action per domain at a time: a change while another is processing is answered 409, and nsbridge waits for it and tries again.',
    'The v2 calls count against the same 60 requests per minute.',
  ],
  docs: 'https://developer.godaddy.com/doc/endpoint/domains',
  dnssecInput: 'ds',
};

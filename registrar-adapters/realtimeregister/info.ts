import { can, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * Realtime Register REST API v2 (https://dm.realtimeregister.com/docs/api). Reseller accounts.
 * Auth `Authorization: ApiKey <key>`. Name servers and DNSSEC data are changed with one call,
 * POST /v2/domains/{domain}/update, answered 200 (done) or 202 with a process to poll.
 */
export const info: RegistrarInfo = {
  id: 'realtimeregister',
  name: 'Realtime Register',
  productionEndpoint: 'https://api.yoursrs.com',
  sandboxEndpoint: 'https://api.yoursrs-ote.com',
  credentials: [
    { env: 'REALTIMEREGISTER_API_KEY', description: 'API key (customer scope) from the Realtime Register portal; OT&E and production keys differ' },
  ],
  settings: [
    sandboxSetting('realtimeregister', 'Use the OT&E test environment (api.yoursrs-ote.com), which has its own account and key'),
    ...operationSettings('realtimeregister', {
      timeout: 'How long to wait for a queued update (a 202 process) to complete, e.g. 10m (default)',
      pollInterval: 'First wait before checking a queued update again, growing 1.5x per check up to 30s (default 2s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET /v2/domains/{domain} -> ns'),
    setNameServers: can('POST /v2/domains/{domain}/update {ns}'),
    sandbox: can('OT&E: api.yoursrs-ote.com, separate account and key'),
    dnssec: can('dsData (DS) or keyData (DNSKEY) in POST /v2/domains/{domain}/update; a domain holds one kind or the other'),
    asyncOperations: can('an update answered 202 is a process: nsbridge polls GET /v2/processes/{id} until COMPLETED (NSBRIDGE_REALTIMEREGISTER_OPERATION_TIMEOUT)'),
  },
  quirks: [
    'Domain names are lower case only; nsbridge sends them so.',
    'An update is answered 200 when done, or 202 with a process that nsbridge waits for; FAILED, INVALID or CANCELLED processes are reported with their reason.',
    'A domain holds DS data or DNSKEY data, never both; nsbridge keeps whichever kind the domain already has (DS for a domain without any).',
    'A billable update is refused with BillableAcknowledgmentNeededException; nsbridge never acknowledges charges and reports them instead.',
    'A domain that is not in the account is ObjectDoesNotExist (HTTP 400 in the error list, 404 in other documents); both are read as "not in this account".',
    'No numeric rate limit is published; 429 TooManyRequests is waited out.',
  ],
  docs: 'https://dm.realtimeregister.com/docs/api',
  dnssecInput: 'ds',
};

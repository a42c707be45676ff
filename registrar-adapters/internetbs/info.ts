import { can, cannot, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * Internet.bs reseller/registrar API (https://internetbs.net/ResellerRegistrarDomainNameAPI/):
 * form parameters ApiKey + Password on every call (POSTed: never in a URL), ResponseFormat=JSON,
 * and the outcome in the body's `status` (SUCCESS, PENDING or FAILURE) of an HTTP 200.
 */
export const info: RegistrarInfo = {
  id: 'internetbs',
  name: 'Internet.bs',
  productionEndpoint: 'https://api.internet.bs',
  sandboxEndpoint: 'https://testapi.internet.bs',
  credentials: [
    { env: 'INTERNET_BS_API_KEY', description: 'API key (ApiKey), issued when API access is requested from Internet.bs; the test API takes the public key "testapi"' },
    { env: 'INTERNET_BS_PASSWORD', description: 'API password (Password) paired with the key; the test API takes "testpass"' },
  ],
  settings: [
    sandboxSetting('internetbs', 'Use the test API (testapi.internet.bs) with its public demo credentials'),
    ...operationSettings('internetbs', {
      timeout: 'How long to wait for a PENDING name-server update to show in /Domain/Info, e.g. 10m (default)',
      pollInterval: 'Wait between /Domain/Info reads while an update is PENDING (default 15s)',
    }),
  ],
  capabilities: {
    readNameServers: can('POST /Domain/Info -> nameserver[]'),
    setNameServers: can('POST /Domain/Update Ns_list=a,b (comma-separated)'),
    sandbox: can('test API: testapi.internet.bs, public demo credentials testapi / testpass'),
    dnssec: cannot(
      'Internet.bs documents no DS or DNSKEY command in its API; set DS records in the Internet.bs control panel',
      'https://internetbs.net/ResellerRegistrarDomainNameAPI/',
    ),
    asyncOperations: can(
      '/Domain/Update may answer PENDING (the registry is still processing): nsbridge re-reads /Domain/Info until the change shows (NSBRIDGE_INTERNETBS_OPERATION_TIMEOUT), else reports it pending',
    ),
  },
  rateLimit: { requests: 1, perMs: 1_000, source: 'UNCONFIRMED: Internet.bs publishes no rate limit or throttle answer; nsbridge paces at 1 request per second' },
  quirks: [
    'API access must be requested from Internet.bs and the calling IP address allow-listed before the keys work.',
    'Every answer is HTTP 200; failures are status "FAILURE" with a numeric code in the JSON body (107002: invalid key or password), which nsbridge reads as errors.',
    'An update can answer PENDING while the registry processes it: nsbridge re-reads /Domain/Info until the new name servers show.',
    'The test API (NSBRIDGE_INTERNETBS_SANDBOX=1) takes the public credentials testapi / testpass.',
    'No DNSSEC command in the API: DS records are set in the control panel.',
  ],
  docs: 'https://internetbs.net/ResellerRegistrarDomainNameAPI/',
};

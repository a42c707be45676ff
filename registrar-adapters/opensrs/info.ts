import { can, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * OpenSRS (Tucows) reseller API, XML over HTTPS ("XCP"): https://domains.opensrs.guide/docs/overview.
 * Resellers only. Every request is a POST of an OPS_envelope to `/` on port 55443, signed with
 * X-Username + X-Signature (double MD5 of body and private key). Commands are sent in the
 * "without end-user credentials" form (the domain in the attributes, no cookie).
 */
export const info: RegistrarInfo = {
  id: 'opensrs',
  name: 'OpenSRS',
  productionEndpoint: 'https://rr-n1-tor.opensrs.net:55443',
  sandboxEndpoint: 'https://horizon.opensrs.net:55443',
  credentials: [
    // The reseller username is sent in a header and names the account in messages: not a secret.
    { env: 'OPENSRS_USERNAME', description: 'Reseller username (X-Username); Horizon (test) has its own', public: true },
    { env: 'OPENSRS_API_KEY', description: 'Private key generated in the Reseller Control Panel (signs every request); Horizon has its own' },
  ],
  settings: [
    sandboxSetting('opensrs', 'Use the Horizon test environment (horizon.opensrs.net:55443), with its own username, key and IP allow-list'),
    ...operationSettings('opensrs', {
      timeout: 'How long to wait for a change submitted to an asynchronous registry (response 250) to show, e.g. 10m (default)',
      pollInterval: 'Wait between reads while a change submitted to an asynchronous registry is pending (default 15s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET DOMAIN type=nameservers -> nameserver_list'),
    setNameServers: can('ADVANCED_UPDATE_NAMESERVERS op_type=assign; every name server must already exist at the registry'),
    sandbox: can('Horizon OT&E: horizon.opensrs.net:55443, separate username, key and IP allow-list'),
    dnssec: can('GET_DNSSEC_INFO / SET_DNSSEC_INFO with DS records (key_tag, algorithm, digest_type, digest); SET replaces the whole set'),
    asyncOperations: can(
      'response 250 (submitted to an asynchronous registry): nsbridge re-reads the domain until the change shows (NSBRIDGE_OPENSRS_OPERATION_TIMEOUT), else reports it pending',
    ),
  },
  // OpenSRS publishes no figure, only the throttle answer (response 300 "Exceeded max command
  // rate"); nsbridge paces itself at 2 per second per reseller (UNCONFIRMED) and waits on a 300.
  rateLimit: { requests: 2, perMs: 1_000, source: 'UNCONFIRMED: OpenSRS publishes no rate; nsbridge paces at 2/s and honours response 300 "Exceeded max command rate" (domains.opensrs.guide/docs/codes)' },
  quirks: [
    'Reseller accounts only; the calling IP address must be on the reseller\'s API allow-list (otherwise HTTP 401), and changes to the list take up to 15 minutes.',
    'Horizon (NSBRIDGE_OPENSRS_SANDBOX=1) has its own username, private key and IP allow-list.',
    'Errors come inside HTTP 200 (is_success=0 with a response_code); nsbridge reads them as errors.',
    'ADVANCED_UPDATE_NAMESERVERS does not create hosts: each name server must already exist at the registry (OpenSRS answers "not found at the registry" otherwise; add it with registry_add_ns or in the control panel); nsbridge does not create hosts.',
    'Some registries are asynchronous (response 250); .IT keeps showing the old name servers until its tests pass: nsbridge re-reads until the change shows, within NSBRIDGE_OPENSRS_OPERATION_TIMEOUT.',
    'OpenSRS does not offer the name-server command for .DK domains: nsbridge refuses the change before sending it (change .DK name servers in the OpenSRS control panel).',
    'SET_DNSSEC_INFO replaces the whole DS set: nsbridge reads, then writes the full list (adds before removes on a key roll).',
  ],
  docs: 'https://domains.opensrs.guide/docs/overview',
  dnssecInput: 'ds',
};

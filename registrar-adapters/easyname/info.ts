import { can, cannot, operationSettings, RegistrarInfo } from '../core/types';

/**
 * easyname REST API (enabled and documented in the account: https://my.easyname.com/en/account/api;
 * behaviour as DNSControl's easyname provider uses it: https://docs.dnscontrol.org/provider/easyname).
 * Read: GET /domain (every domain with nameserver1..6). Write: POST /domain/{id}/nameserverchange
 * with a signed body. Auth: X-User-ApiKey + X-User-Authentication (a hash of the user id and
 * e-mail formatted into the authentication salt).
 */
export const info: RegistrarInfo = {
  id: 'easyname',
  name: 'easyname',
  productionEndpoint: 'https://api.easyname.com',
  credentials: [
    { env: 'EASYNAME_USERID', description: 'Numeric user id of the easyname account (shown on the API page); not secret', public: true },
    { env: 'EASYNAME_EMAIL', description: 'E-mail address the easyname account logs in with; not secret', public: true },
    { env: 'EASYNAME_APIKEY', description: 'API key from my.easyname.com/en/account/api (API access must be enabled there)' },
    { env: 'EASYNAME_AUTHSALT', description: 'API authentication salt from the same page (a format with two %s, for the user id and the e-mail)' },
    { env: 'EASYNAME_SIGNSALT', description: 'API signing salt from the same page, used to sign every change' },
  ],
  settings: [
    ...operationSettings('easyname', {
      timeout: 'How long to wait for a name-server change easyname answered "pending" to show, e.g. 10m (default)',
      pollInterval: 'Wait between reads of the domain list while a change is pending (default 5s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET /domain: every domain of the account with nameserver1..nameserver6'),
    setNameServers: can('POST /domain/{id}/nameserverchange {data:{nameserver1..6}, timestamp, signature}; at most 6 name servers'),
    sandbox: cannot('easyname has no sandbox; point NSBRIDGE_EASYNAME_ENDPOINT at a proxy or emulator to test', 'https://my.easyname.com/en/account/api'),
    dnssec: cannot(
      'easyname\'s API has no DNSSEC or DS calls (only domains, contacts, DNS records and name servers); set DS records in the easyname control panel',
      'https://my.easyname.com/en/account/api',
    ),
    asyncOperations: can('a change answered "pending" is read back from GET /domain until the new set shows (NSBRIDGE_EASYNAME_OPERATION_TIMEOUT)'),
  },
  rateLimit: {
    requests: 60,
    perMs: 60_000,
    source: 'UNCONFIRMED: easyname publishes no limit; nsbridge keeps to one request a second',
  },
  quirks: [
    'Errors come inside HTTP 200: the body\'s status.type is "success", "pending" or an error with status.code and status.message; nsbridge reads the body, not the HTTP status.',
    'At most 6 name servers per domain; more are refused before anything is written.',
    'Every change is signed: the name servers and a Unix timestamp, with EASYNAME_SIGNSALT inserted in the middle, hashed (MD5 hex, then base64); the clock of the machine running nsbridge must be right.',
    'EASYNAME_AUTHSALT is a format with two %s (user id, then e-mail); one without exactly two is refused before anything is sent.',
    'There is no call for one domain: nsbridge reads the whole domain list and picks the domain (its numeric id is needed for the change).',
  ],
  docs: 'https://my.easyname.com/en/account/api',
};

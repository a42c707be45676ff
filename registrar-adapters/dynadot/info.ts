import { can, cannot, RegistrarInfo } from '../core/types';

/**
 * Dynadot Advanced Domain API ("api3"): every call is a GET of /api3.json with `key` and
 * `command` in the query (the key travels in the URL), errors come inside HTTP 200.
 * https://www.dynadot.com/domain/api-commands
 * Pure data: no imports beyond core/types.
 */
export const info: RegistrarInfo = {
  id: 'dynadot',
  name: 'Dynadot',
  productionEndpoint: 'https://api.dynadot.com',
  credentials: [{ env: 'DYNADOT_API_KEY', description: 'API key (Tools > API in the Dynadot account); it travels in the URL query, nsbridge never prints it' }],
  settings: [],
  capabilities: {
    readNameServers: can('command=get_ns -> NsContent.Host0..Host12'),
    setNameServers: can('command=add_ns for each new host (the account\'s server list), then command=set_ns ns0..ns12'),
    sandbox: cannot(
      'the api3 API has no sandbox (Dynadot\'s RESTful API chooses test or live mode by the key, api3 does not); test with a throw-away domain, or point NSBRIDGE_DYNADOT_ENDPOINT at a proxy or emulator',
      'https://www.dynadot.com/domain/api-commands',
    ),
    dnssec: cannot(
      'Dynadot\'s api3 can set (set_dnssec) and clear DNSSEC, but has no documented command to read the DS records back, so nsbridge could not see what is held, keep runs idempotent, or roll a key without a gap: enter the DS in the Dynadot dashboard (domain > DNSSEC), or use --registrar manual, which prints it',
      'https://www.dynadot.com/domain/api-commands',
    ),
    asyncOperations: cannot('set_ns answers once the change is made; there is nothing to poll'),
  },
  rateLimit: {
    requests: 60,
    perMs: 60_000,
    source: 'dynadot.com/domain/api-commands: regular accounts 1 thread, 60 requests/minute (bulk 600, super bulk 6000: raise with NSBRIDGE_RATE_LIMIT_DYNADOT)',
  },
  quirks: [
    'The API key travels in the URL query of every call (api3 has no other way); nsbridge never traces query strings and masks the key in every message.',
    'set_ns only takes name servers already in the account\'s server list: nsbridge first adds each new one with add_ns (harmless when it is already there).',
    'Errors come back as HTTP 200 with ResponseCode -1 and an Error text; a wrong key answers a bare {"Response":{"ResponseCode":"-1","Error":"invalid key"}}.',
    'Only one request per key is processed at a time, 60 per minute on regular accounts: nsbridge paces its processes to that; bulk accounts can raise it with NSBRIDGE_RATE_LIMIT_DYNADOT.',
    'No DNSSEC through nsbridge: api3 cannot read DS records back; `nsbridge ds` refuses Dynadot (exit 2, nothing sent).',
  ],
  docs: 'https://www.dynadot.com/domain/api-commands',
};

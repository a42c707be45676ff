import { can, cannot, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * NameSilo API: every operation is a GET of /api/{operation}?version=1&type=json&key=K (the key
 * travels in the URL), errors come inside HTTP 200 as reply.code. https://www.namesilo.com/api-reference
 * Pure data: no imports beyond core/types.
 */
export const info: RegistrarInfo = {
  id: 'namesilo',
  name: 'NameSilo',
  productionEndpoint: 'https://www.namesilo.com',
  sandboxEndpoint: 'https://sandbox.namesilo.com',
  credentials: [{ env: 'NAMESILO_API_KEY', description: 'API key (account > API Manager); it travels in the URL query, nsbridge never prints it; sandbox keys differ' }],
  settings: [
    sandboxSetting('namesilo', 'Use sandbox.namesilo.com (a separate sandbox account and key)'),
  ],
  capabilities: {
    readNameServers: can('GET /api/getDomainInfo -> reply.nameservers'),
    setNameServers: can('GET /api/changeNameServers ns1..ns13 (2 to 13)'),
    sandbox: can('sandbox.namesilo.com, separate account and key (ote.namesilo.com through NSBRIDGE_NAMESILO_ENDPOINT)'),
    dnssec: can('GET /api/dnsSecListRecords, dnsSecAddRecord and dnsSecDeleteRecord (DS: digest, keyTag, digestType, alg)'),
    asyncOperations: cannot('changeNameServers and the dnsSec operations answer once done; there is nothing to poll'),
  },
  // No published request limit (UNCONFIRMED): no pacing by default; NSBRIDGE_RATE_LIMIT_NAMESILO sets one.
  quirks: [
    'Every call is a GET with the API key in the URL query (version=1&type=json&key=...); nsbridge never traces query strings and masks the key in every message.',
    'Errors come back as HTTP 200 with reply.code other than 300 (e.g. 200 "Domain is not active, or does not belong to this user").',
    'getDomainInfo returns name servers upper-case; nsbridge compares them case-insensitively.',
    'changeNameServers takes 2 to 13 name servers (ns1..ns13); an answer of 301 (NameSilo used its own name servers instead) is reported as a failure.',
    'DNSSEC takes DS records (dnsSecAddRecord digest, keyTag, digestType, alg) and deletes them by value.',
    'The sandbox (NSBRIDGE_NAMESILO_SANDBOX) is a separate account with its own key.',
  ],
  docs: 'https://www.namesilo.com/api-reference',
  dnssecInput: 'ds',
};

import { can, cannot, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * CSC Global, CSCDomainManager API v2 (https://www.cscglobal.com/cscglobal/docs/dbs/domainmanager/api-v2/):
 * headers `apikey` + `Authorization: Bearer <user token>`; paths under /dbs/api/v2. A name-server
 * change is an order (PUT /dbs/api/v2/domains/nsmodification -> SUBMITTED) that completes later.
 */
export const info: RegistrarInfo = {
  id: 'cscglobal',
  name: 'CSC Global',
  productionEndpoint: 'https://apis.cscglobal.com',
  sandboxEndpoint: 'https://apis-ote.cscglobal.com',
  credentials: [
    { env: 'CSCGLOBAL_API_KEY', description: 'API key (apikey header), arranged through the CSC account manager' },
    { env: 'CSCGLOBAL_USER_TOKEN', description: 'User token (Authorization: Bearer) of the CSCDomainManager user the API acts as' },
  ],
  settings: [
    sandboxSetting('cscglobal', 'Use the CSC demo environment (apis-ote.cscglobal.com)'),
    ...operationSettings('cscglobal', {
      timeout: 'How long to wait for a name-server order to complete (the domain to show the new name servers), e.g. 15m (default)',
      pollInterval: 'Wait between reads while a name-server order is processing (default 30s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET /dbs/api/v2/domains/{domain} -> nameServers'),
    setNameServers: can('PUT /dbs/api/v2/domains/nsmodification (an order, SUBMITTED, completed later)'),
    sandbox: can('demo environment apis-ote.cscglobal.com (access arranged with CSC)'),
    dnssec: cannot(
      'CSC\'s API has a dsrecords endpoint group, but its paths and fields are not published in a form nsbridge could confirm; set DS records in CSCDomainManager',
      'https://www.cscglobal.com/cscglobal/docs/dbs/domainmanager/api-v2/',
    ),
    asyncOperations: can(
      'the nsmodification order is SUBMITTED and processed later (minutes): nsbridge re-reads the domain until the new name servers show (NSBRIDGE_CSCGLOBAL_OPERATION_TIMEOUT), else reports the order pending',
    ),
  },
  rateLimit: { requests: 1, perMs: 1_000, source: 'UNCONFIRMED: CSC publishes no rate limit; nsbridge paces at 1 request per second and honours 429 Retry-After' },
  quirks: [
    'API access (key and user token) is arranged per account through the CSC account manager.',
    'A name-server change is an order: CSC answers SUBMITTED and completes it later (typically 5-7 minutes); nsbridge waits for the domain to show the new set and otherwise reports the order pending with its id.',
    'Further edits of the domain are blocked while an order is processing.',
    'Name servers are sent without a trailing dot, and dnsType OTHER_DNS (third-party DNS).',
    'No DNSSEC through nsbridge: CSC\'s DS endpoints are not published in a confirmed form.',
  ],
  docs: 'https://www.cscglobal.com/cscglobal/docs/dbs/domainmanager/api-v2/',
};

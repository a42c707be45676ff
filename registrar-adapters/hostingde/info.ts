import { can, cannot, operationSettings, RegistrarInfo } from '../core/types';

/**
 * hosting.de JSON API (https://www.hosting.de/api/), also run by white-label partners (e.g.
 * https://partner.http.net) with the same paths: set NSBRIDGE_HOSTINGDE_ENDPOINT to their origin.
 * Every call is a POST with the API key in the body (`authToken`); answers are an envelope with
 * status success | pending | error, always HTTP 200.
 */
export const info: RegistrarInfo = {
  id: 'hostingde',
  name: 'hosting.de',
  productionEndpoint: 'https://secure.hosting.de',
  credentials: [
    { env: 'HOSTINGDE_API_KEY', description: 'API key (authToken) from the hosting.de control panel, with rights for the domain API' },
  ],
  settings: [
    ...operationSettings('hostingde', {
      timeout: 'How long to wait for an asynchronous domain job (domainUpdate, dnsSecKeyModify) to finish, e.g. 10m (default)',
      pollInterval: 'First wait before checking a job again, growing 1.5x per check up to 30s (default 2s)',
    }),
  ],
  capabilities: {
    readNameServers: can('domain/v1/json/domainsFind (filter DomainName) -> nameservers[{name, ips}]'),
    setNameServers: can('domain/v1/json/domainUpdate with the whole domain object and the new nameservers (fields left out are reset)'),
    sandbox: cannot('hosting.de publishes no sandbox; white-label instances are other origins (NSBRIDGE_HOSTINGDE_ENDPOINT)'),
    dnssec: can('domain/v1/json/dnsSecKeysList and dnsSecKeyModify {add, remove} with DNSKEY keyData'),
    asyncOperations: can('domainUpdate and dnsSecKeyModify answer "pending": nsbridge polls jobsFind (JobServerTransactionId) until the job is successful'),
  },
  quirks: [
    'Errors come as HTTP 200 with status "error" and a list of codes; nsbridge reads them as errors.',
    'domainUpdate resets every optional field that is left out, so nsbridge reads the domain and sends the whole object back with only the name servers changed.',
    'Updates are asynchronous jobs: nsbridge waits until jobsFind says successful (NSBRIDGE_HOSTINGDE_OPERATION_TIMEOUT).',
    'DNSSEC takes the DNSKEY (flags, protocol 3, algorithm, public key), not a DS.',
    'Code 10205 (blocked by a running update) is waited out and retried.',
    'No rate limit is published.',
  ],
  docs: 'https://www.hosting.de/api/',
  dnssecInput: 'dnskey',
};

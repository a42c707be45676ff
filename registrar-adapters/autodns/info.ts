import { can, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * AutoDNS / InterNetX Domainrobot JSON API (https://help.internetx.com/display/APIXMLEN/JSON+API+Basics,
 * spec: https://github.com/InterNetX/php-domainrobot-sdk src/Lib/specs.json). Basic auth plus the
 * X-Domainrobot-Context header; GET /v1/domain/{name} to read, PUT /v1/domain/{name} to update
 * (a job nsbridge waits for). DNSSEC keys (DNSKEY) travel in the same domain update.
 */
export const info: RegistrarInfo = {
  id: 'autodns',
  name: 'AutoDNS (InterNetX)',
  productionEndpoint: 'https://api.autodns.com',
  sandboxEndpoint: 'https://api.demo.autodns.com',
  credentials: [
    { env: 'AUTODNS_API_USER', description: 'AutoDNS user name (demo and live users differ)', public: true },
    { env: 'AUTODNS_API_PASSWORD', description: 'Password of that user' },
    {
      env: 'AUTODNS_CONTEXT',
      description: 'AutoDNS context of the user (X-Domainrobot-Context); 4 (the live system) when unset, 1 for the test context',
      optional: true,
      public: true,
    },
  ],
  settings: [
    sandboxSetting('autodns', 'Use the AutoDNS demo system (api.demo.autodns.com, X-Domainrobot-Demo: true), which has its own users'),
    ...operationSettings('autodns', {
      timeout: 'How long to wait for the job of a domain update to end, e.g. 10m (default)',
      pollInterval: 'First wait before checking a job again, growing 1.5x per check up to 30s (default 2s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET /v1/domain/{name} -> data[0].nameServers[].name'),
    setNameServers: can('PUT /v1/domain/{name} with the domain object as read and the new nameServers'),
    sandbox: can('demo system: api.demo.autodns.com, separate users'),
    dnssec: can('dnssecData (DNSKEY: flags, protocol 3, algorithm, publicKey) in PUT /v1/domain/{name}; [] removes every key'),
    asyncOperations: can('a domain update creates a job: nsbridge polls GET /v1/job/{id} until SUCCESS (NSBRIDGE_AUTODNS_OPERATION_TIMEOUT)'),
  },
  rateLimit: { requests: 3, perMs: 1_000, source: 'InterNetX help "JSON API basics": 3 requests per second per IP address' },
  quirks: [
    'Every request carries X-Domainrobot-Context (AUTODNS_CONTEXT, 4 by default); a wrong context looks like wrong credentials.',
    'Whether a domain update resets fields left out is not documented, so nsbridge sends the domain object it just read back with only the name servers (or DNSSEC keys) changed.',
    'Domain updates are jobs: nsbridge waits for SUCCESS and reports FAILED or CANCELED with the messages; an update is never sent twice.',
    'DNSSEC takes the DNSKEY (flags 257, protocol 3, algorithm, public key), not a DS.',
    'Accounts with 2FA need X-Domainrobot-2FA-Token, which nsbridge cannot provide: use an API user without 2FA.',
    '3 requests per second per IP address; nsbridge paces below it.',
  ],
  docs: 'https://help.internetx.com/display/APIXMLEN/JSON+API+Basics',
  dnssecInput: 'dnskey',
};

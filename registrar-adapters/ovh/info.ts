import { can, cannot, operationSettings, RegistrarInfo } from '../core/types';

/**
 * OVHcloud API v1 (https://eu.api.ovh.com/console/ , guides https://help.ovhcloud.com/csm/en-gb-api-getting-started-ovhcloud-api
 * and https://help.ovhcloud.com/csm/en-domain-names-api-dns). Origins only: every path, /1.0
 * included, is written in adapter.ts, so NSBRIDGE_OVH_ENDPOINT keeps the real paths.
 * The production origin depends on the account's region (OVH_ENDPOINT, as go-ovh and the ovh
 * CLI name it): eu (default), ca or us; `productionEndpoint` is the EU one.
 */
export const OVH_ORIGINS: Readonly<Record<string, string>> = {
  'ovh-eu': 'https://eu.api.ovh.com',
  'ovh-ca': 'https://ca.api.ovh.com',
  'ovh-us': 'https://api.us.ovhcloud.com',
};

export const info: RegistrarInfo = {
  id: 'ovh',
  name: 'OVHcloud',
  productionEndpoint: OVH_ORIGINS['ovh-eu'],
  credentials: [
    { env: 'OVH_APPLICATION_KEY', description: 'Application key (create one at https://eu.api.ovh.com/createApp/, or ca./us. for those regions)' },
    { env: 'OVH_APPLICATION_SECRET', description: 'Application secret paired with the application key; only used to sign requests, never sent' },
    {
      env: 'OVH_CONSUMER_KEY',
      description:
        'Consumer key, validated by opening its validationUrl, with access rules GET /domain/*, PUT /domain/*, POST /domain/* (or narrower: GET/PUT /domain/*, POST /domain/*/nameServers/update, POST /domain/*/dsRecord)',
    },
  ],
  settings: [
    {
      key: 'endpoint',
      env: 'OVH_ENDPOINT',
      type: 'string',
      description: 'The OVHcloud API region of the account: ovh-eu (default, eu.api.ovh.com), ovh-ca (ca.api.ovh.com) or ovh-us (api.us.ovhcloud.com)',
    },
    ...operationSettings('ovh', {
      timeout: 'How long to wait for a DomainDnsUpdate/DomainDsUpdate task to end, e.g. 15m (default) or 30m; OVH says most take 5-10 minutes',
      pollInterval: 'First wait before checking a task again, growing 1.5x per check up to 30s (default 5s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET /1.0/domain/{domain}/nameServer (ids), then GET .../nameServer/{id} for each host; servers marked toDelete are left out'),
    setNameServers: can(
      'PUT /1.0/domain/{domain} {"nameServerType":"external"} when the domain is on OVH\'s hosted DNS, then POST /1.0/domain/{domain}/nameServers/update {"nameServers":[{"host"}]}',
    ),
    sandbox: cannot('OVHcloud has no sandbox or test API; use a throw-away domain in a real account (reads and no-op runs change nothing)'),
    dnssec: can(
      'GET /1.0/domain/{domain}/dsRecord (ids) and .../dsRecord/{id}; POST /1.0/domain/{domain}/dsRecord {"keys":[...]} replaces every key. OVH takes the DNSKEY (flags, algorithm, public key, key tag), not a DS',
    ),
    asyncOperations: can(
      'name-server and DNSSEC changes are tasks (DomainDnsUpdate, DomainDsUpdate): nsbridge polls GET /1.0/domain/{domain}/task/{id} until done (NSBRIDGE_OVH_OPERATION_TIMEOUT) and reports error/cancelled with OVH\'s comment',
    ),
  },
  quirks: [
    'Requests are signed ("$1$" + SHA-1) with the OVH server\'s clock: nsbridge reads GET /1.0/auth/time once per run and signs with its offset, so a wrong local clock does not matter.',
    'The consumer key must be validated (its validationUrl opened by a person) and carry access rules for /domain/*; otherwise every call is 403.',
    'OVH_ENDPOINT picks the region (ovh-eu, ovh-ca, ovh-us); keys of one region do not work in another.',
    'A domain on OVH\'s own DNS (nameServerType "hosted") cannot take other name servers: nsbridge switches it to "external" first, and says so.',
    'Name-server and DNSSEC changes are tasks that usually finish in 5-10 minutes; nsbridge waits for "done" and reports a task that ends in "error" with OVH\'s comment.',
    'DNSSEC takes the DNSKEY of the key-signing key (flags 257), not a DS; one POST replaces every key, so nsbridge always sends the whole set.',
    'No published rate limit; a 429 carries no retry hint nsbridge relies on, so it waits 2 s before each retry unless Retry-After says otherwise.',
  ],
  docs: 'https://eu.api.ovh.com/console/?section=%2Fdomain&branch=v1',
  dnssecInput: 'dnskey',
};

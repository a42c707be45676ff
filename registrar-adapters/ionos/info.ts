import { can, cannot, operationSettings, RegistrarInfo } from '../core/types';

/**
 * IONOS Hosting Developer API, Domains (https://developer.hosting.ionos.com/docs/domains).
 * Read: GET /domains/v1/domainitems?name= (id lookup), GET /domains/v1/domainitems/{id}/nameservers.
 * Write: PUT the same path {"type":"CUSTOM","nameservers":[{"name":...}]} -> 202 Accepted; the
 * change is applied later, so nsbridge reads the name servers back until they show the new set.
 * Auth: X-API-Key: <prefix>.<secret> (https://developer.hosting.ionos.com/docs/getstarted).
 */
export const info: RegistrarInfo = {
  id: 'ionos',
  name: 'IONOS',
  productionEndpoint: 'https://api.hosting.ionos.com',
  credentials: [
    {
      env: 'IONOS_API_KEY',
      description: 'API key from developer.hosting.ionos.com/keys, written as <public prefix>.<secret> (the two parts joined by a dot)',
    },
  ],
  settings: [
    ...operationSettings('ionos', {
      timeout: 'How long to wait after IONOS accepted a name-server change (202) for it to show, e.g. 10m (default) or 30m',
      pollInterval: 'Wait between reads of the name servers while an accepted change is pending (default 5s)',
    }),
  ],
  capabilities: {
    readNameServers: can('GET /domains/v1/domainitems?name= for the domain id, then GET /domains/v1/domainitems/{id}/nameservers'),
    setNameServers: can('PUT /domains/v1/domainitems/{id}/nameservers {"type":"CUSTOM","nameservers":[{"name"}]} -> 202 Accepted'),
    sandbox: cannot('IONOS has no sandbox for the Domains API; point NSBRIDGE_IONOS_ENDPOINT at a proxy or emulator to test', 'https://developer.hosting.ionos.com/docs/domains'),
    dnssec: cannot(
      'IONOS\'s public Domains API documentation shows only a dnsSecEnabled flag, no confirmed way to read or set DS records; set them in the IONOS Control Panel',
      'https://developer.hosting.ionos.com/docs/domains',
    ),
    asyncOperations: can('the name-server PUT answers 202 Accepted; nsbridge reads the name servers back until they show the new set (NSBRIDGE_IONOS_OPERATION_TIMEOUT)'),
  },
  rateLimit: {
    requests: 25,
    perMs: 60_000,
    source: 'UNCONFIRMED: IONOS publishes no figure for the Domains API; third-party clients pace themselves at 25 requests per minute',
  },
  quirks: [
    'IONOS_API_KEY is the public prefix and the secret joined by a dot ("prefix.secret"), as the developer portal shows them; one without the dot is refused before anything is sent.',
    'The API works with domain ids (UUIDs): nsbridge looks the id up by name first (the name filter matches substrings, so it picks the exact name).',
    'A name-server change is answered 202 Accepted and applied later: nsbridge reads the name servers back until they show the new set, and reports the change as still pending (exit 1) after NSBRIDGE_IONOS_OPERATION_TIMEOUT.',
    'Gateway errors (bad key, throttling) are {"message"}; errors from the Domains service are a list of {"code","message"}.',
  ],
  docs: 'https://developer.hosting.ionos.com/docs/domains',
};

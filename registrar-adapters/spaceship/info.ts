import { can, cannot, RegistrarInfo } from '../core/types';

/**
 * Spaceship public API (https://docs.spaceship.dev/): X-Api-Key + X-Api-Secret headers,
 * GET /api/v1/domains/{domain} (name servers in `nameservers.hosts`), PUT .../nameservers.
 */
export const info: RegistrarInfo = {
  id: 'spaceship',
  name: 'Spaceship',
  productionEndpoint: 'https://spaceship.dev',
  credentials: [
    { env: 'SPACESHIP_API_KEY', description: 'API key from the Spaceship API Manager (scopes domains:read and domains:write)' },
    { env: 'SPACESHIP_API_SECRET', description: 'API secret shown with the key in the API Manager' },
  ],
  settings: [],
  capabilities: {
    readNameServers: can('GET /api/v1/domains/{domain} -> nameservers.hosts'),
    setNameServers: can('PUT /api/v1/domains/{domain}/nameservers {provider: "custom", hosts: [...]} (2 to 12 hosts)'),
    sandbox: cannot('Spaceship has no sandbox for its API; test with a throw-away domain, or point NSBRIDGE_SPACESHIP_ENDPOINT at a proxy or emulator', 'https://docs.spaceship.dev/'),
    dnssec: cannot('Spaceship\'s API has no DS or DNSKEY endpoint; set DS records in the Spaceship dashboard', 'https://docs.spaceship.dev/'),
    asyncOperations: cannot('the name-server PUT answers once the change is made; only registrations, renewals, restores and transfers are asynchronous'),
  },
  // Per DOMAIN, not per account: nsbridge keeps one limiter window per domain (adapter.ts).
  rateLimit: { requests: 5, perMs: 300_000, source: 'Spaceship OpenAPI (docs.spaceship.dev): domain GET and name-server PUT 5 per domain per 300 s' },
  quirks: [
    'The domain read and the name-server update are limited to 5 requests per domain per 5 minutes (a get plus a set is 2); nsbridge paces each domain under it across processes.',
    'API keys are scoped: the key needs domains:read and domains:write.',
    'Spaceship takes 2 to 12 name servers; more is refused before anything is changed.',
    'A domain on Spaceship\'s own DNS (provider "basic") may list no hosts; nsbridge reports it as having none, and a set moves it to custom name servers.',
    'No DNSSEC endpoint in the API: DS records are set in the dashboard.',
  ],
  docs: 'https://docs.spaceship.dev/',
};

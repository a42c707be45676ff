import { can, cannot, RegistrarInfo } from '../core/types';

/**
 * Name.com API v4. Facts: shared/reference/registrar-apis.md §5.
 * Read: GET /v4/domains/{domain} (Domain object, `nameservers`). Write: POST
 * /v4/domains/{domain}:setNameservers {"nameservers": [...]} -> 200 with the full Domain.
 * Auth: HTTP Basic <user name>:<API token>.
 */
export const info: RegistrarInfo = {
  id: 'namecom',
  name: 'Name.com',
  productionEndpoint: 'https://api.name.com',
  sandboxEndpoint: 'https://api.dev.name.com',
  credentials: [
    {
      env: 'NAMECOM_USERNAME',
      description: 'Account user name (not secret); in the sandbox nsbridge appends -test when it is missing',
      public: true,
    },
    { env: 'NAMECOM_TOKEN', description: 'API token from the API Token Management page (production and test tokens differ)' },
  ],
  settings: [
    {
      key: 'sandbox',
      env: 'NSBRIDGE_NAMECOM_SANDBOX',
      type: 'boolean',
      description: 'Use api.dev.name.com: the test token, and the user name with -test (appended by nsbridge when missing)',
    },
  ],
  capabilities: {
    readNameServers: can('GET /v4/domains/{domain} (the Domain object; no nameservers field when there are none)'),
    setNameServers: can('POST /v4/domains/{domain}:setNameservers (literal colon) -> 200 with the full Domain'),
    sandbox: can('api.dev.name.com, with the -test user name and the test token'),
    dnssec: can('GET/POST /v4/domains/{domain}/dnssec {domainName, keyTag, algorithm, digestType, digest} (integers but the digest), DELETE .../dnssec/{digest}'),
    asyncOperations: cannot('setNameservers is synchronous: the answer already holds the new name servers'),
  },
  rateLimit: {
    requests: 20,
    perMs: 1_000,
    source:
      'docs.name.com API reference: "rate-limited to 20 requests/second"; third-party clients also quote 3,000 requests/hour per account (not on the official pages); nsbridge paces at 10/second (see quirks)',
  },
  extraRateLimits: [{ requests: 3000, perMs: 3_600_000, source: 'third-party clients: 3,000 requests/hour per account (UNCONFIRMED)' }],
  quirks: [
    'POST without Content-Type: application/json is refused with 403 (nsbridge always sends it).',
    'Accounts with two-step verification cannot use the API, and a token limited to IP addresses only works from those: both answer 403 (third-party reports).',
    'ns1-4.name.com are stored as account-specific ns1xyz.name.com names: nsbridge reports what is stored; put those names in --ns for re-runs to be no-ops (with ns1.name.com... every run writes again, harmlessly, and nsbridge names the names to use).',
    'nsbridge paces Name.com at 10 requests a second, half the published 20, because the delay between pacing and arrival under load is as long as the one-second window.',
    'Besides 20 requests a second, Name.com is said to allow 3,000 an hour per account: nsbridge paces both windows.',
    'A 429 carries no Retry-After that nsbridge relies on: it waits one second (the per-second window) before each retry.',
    'Answers may come with Content-Type text/html although the body is JSON; fields with default values (false, "", 0, empty lists) are left out.',
    'The :setNameservers verb has a literal colon in the path that must not be URL-encoded.',
    'DNSSEC takes DS records (key tag, algorithm, digest type as numbers, the digest as hex); a DS record is identified and deleted by its digest.',
  ],
  docs: 'https://www.name.com/api-docs',
  dnssecInput: 'ds',
};

import { can, cannot, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * Name.com Core API (https://docs.name.com, /core/v1; the default since it replaced v4 in 2025-05)
 * and API v4 (https://www.name.com/api-docs, /v4) while v4 remains: NSBRIDGE_NAMECOM_API=v4.
 * Read: GET {prefix}/domains/{domain} (Domain object, `nameservers`). Write: POST
 * {prefix}/domains/{domain}:setNameservers {"nameservers": [...]} -> 200 with the full Domain.
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
    sandboxSetting('namecom', 'Use api.dev.name.com: the test token, and the user name with -test (appended by nsbridge when missing)'),
    {
      key: 'api',
      env: 'NSBRIDGE_NAMECOM_API',
      type: 'string',
      description: 'core (default): the Core API, /core/v1; v4: the older API v4, /v4, only while Name.com keeps it for its transition period',
    },
  ],
  capabilities: {
    readNameServers: can('GET /core/v1/domains/{domain} (v4: /v4/...; the Domain object; no nameservers field when there are none)'),
    setNameServers: can('POST /core/v1/domains/{domain}:setNameservers (literal colon) -> 200 with the full Domain'),
    sandbox: can('api.dev.name.com, with the -test user name and the test token'),
    dnssec: can('GET/POST /core/v1/domains/{domain}/dnssec {domainName, keyTag, algorithm, digestType, digest} (integers but the digest), DELETE .../dnssec/{digest}'),
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
    'nsbridge uses the Core API (/core/v1) by default; NSBRIDGE_NAMECOM_API=v4 selects the older API v4 while Name.com keeps it.',
    'Bad credentials are 401 on the Core API but 403 on v4, where 403 also means two-step verification or an IP-restricted token.',
    'POST without Content-Type: application/json is refused (Core 415, v4 403); nsbridge always sends it.',
    'Accounts with two-step verification cannot use the API, and a token limited to IP addresses only works from those: both answer 403 (third-party reports).',
    'ns1-4.name.com are stored as account-specific ns1xyz.name.com names: nsbridge reports what is stored; put those names in --ns for re-runs to be no-ops (with ns1.name.com... every run writes again, harmlessly, and nsbridge names the names to use).',
    'nsbridge paces Name.com at 10 requests a second, half the published 20, because the delay between pacing and arrival under load is as long as the one-second window.',
    'Besides 20 requests a second, Name.com is said to allow 3,000 an hour per account: nsbridge paces both windows.',
    'A Core API 429 carries X-RateLimit-Reset (Unix seconds), which nsbridge waits for; without it (v4) it waits one second, the per-second window.',
    'Answers may come with Content-Type text/html although the body is JSON; fields with default values (false, "", 0, empty lists) are left out.',
    'The :setNameservers verb has a literal colon in the path that must not be URL-encoded.',
    'DNSSEC takes DS records (key tag, algorithm, digest type as numbers, the digest as hex); a DS record is identified and deleted by its digest.',
  ],
  docs: 'https://www.name.com/api-docs',
  dnssecInput: 'ds',
};

import { can, cannot, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * DNSimple API v2 registrar delegation. Docs: https://developer.dnsimple.com/v2/registrar/delegation/.
 * Account-scoped paths (/v2/{account}/...); only domains registered with DNSimple have a
 * registrar delegation; 429 answers carry no Retry-After, only X-RateLimit-Reset.
 */
export const info: RegistrarInfo = {
  id: 'dnsimple',
  name: 'DNSimple',
  productionEndpoint: 'https://api.dnsimple.com',
  sandboxEndpoint: 'https://api.sandbox.dnsimple.com',
  credentials: [
    { env: 'DNSIMPLE_TOKEN', description: 'API access token (an account token; a user token also needs DNSIMPLE_ACCOUNT); sandbox and production tokens differ' },
    {
      env: 'DNSIMPLE_ACCOUNT',
      description: 'Numeric account id (as in dnsimple.com/a/<id>/...); when unset it is looked up once per run with GET /v2/whoami, which works for account tokens only',
      optional: true,
      public: true,
    },
  ],
  settings: [
    sandboxSetting('dnsimple', 'Use the sandbox, api.sandbox.dnsimple.com (separate account and token at sandbox.dnsimple.com; registrations are simulated)'),
  ],
  capabilities: {
    readNameServers: can('GET /v2/{account}/registrar/domains/{domain}/delegation, after checking the domain is registered with DNSimple'),
    setNameServers: can('PUT /v2/{account}/registrar/domains/{domain}/delegation with a bare JSON array; domains registered with DNSimple only'),
    sandbox: can('api.sandbox.dnsimple.com (NSBRIDGE_DNSIMPLE_SANDBOX=1), with its own account and token'),
    dnssec: can('GET/POST /v2/{account}/domains/{domain}/ds_records {algorithm, digest, digest_type, keytag} (all strings) -> 201, DELETE .../ds_records/{id} -> 204; domains registered with DNSimple only'),
    asyncOperations: cannot('the delegation PUT answers once the change is made (it can take a few seconds)'),
  },
  rateLimit: {
    requests: 2400,
    perMs: 3_600_000,
    source: 'DNSimple API v2 docs (developer.dnsimple.com/v2/#rate-limiting): 2400 authenticated requests per hour, X-RateLimit-* headers on every answer',
  },
  quirks: [
    'Some TLDs\' registries want the key data (public_key) with a DS: nsbridge sends it whenever the DNSKEY is known (ds set --dnskey); with only --ds such a TLD is refused, and the message says to give --dnskey.',
    'Only domains registered with DNSimple have a registrar delegation; a domain DNSimple only hosts DNS for (state "hosted") is refused with a message saying so.',
    'Every path carries the account id: set DNSIMPLE_ACCOUNT, or nsbridge asks /v2/whoami once per run (user tokens name no account there and need DNSIMPLE_ACCOUNT).',
    'Scoped tokens need registrar:<domain>:write for the change (403 "Permission Denied. Required Scope: ...").',
    'Over the limit, 429 "quota exceeded" carries no Retry-After; nsbridge waits until X-RateLimit-Reset, or fails at once naming the wait when that is longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER.',
    'Each run makes one extra read (the domain\'s state) before reading the delegation, as dnscontrol does.',
    'DNSSEC takes DS records, every value as a string; only create them yourself when the domain is registered with DNSimple but signed by another DNS provider (DNSimple-hosted signing manages its own).',
  ],
  docs: 'https://developer.dnsimple.com/v2/registrar/delegation/',
  dnssecInput: 'ds',
};

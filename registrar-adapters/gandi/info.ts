import { can, cannot, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * Gandi v5 Domain API. Docs: https://api.gandi.net/docs/domains/.
 * Read: GET /v5/domain/domains/{domain}/nameservers (a bare JSON array). Write: PUT same path
 * {"nameservers": [...]}. Auth: `Authorization: Bearer <personal access token>` only.
 */
export const info: RegistrarInfo = {
  id: 'gandi',
  name: 'Gandi',
  productionEndpoint: 'https://api.gandi.net',
  sandboxEndpoint: 'https://api.sandbox.gandi.net',
  credentials: [
    {
      env: 'GANDI_PERSONAL_ACCESS_TOKEN',
      description:
        'Personal access token (Gandi admin > Organizations > Sharing > Create a token) for the organization that owns the domain, ' +
        'with permission to manage the domains\' technical configuration. PATs expire and cannot be renewed. ' +
        'Legacy API keys (Apikey) are deprecated and not supported. Sandbox tokens are separate.',
    },
  ],
  settings: [
    sandboxSetting('gandi', 'Use api.sandbox.gandi.net (a separate sandbox account, and a token created in the Gandi Sandbox admin)'),
    {
      key: 'sharingId',
      env: 'NSBRIDGE_GANDI_SHARING_ID',
      type: 'string',
      description:
        'Organization id sent as ?sharing_id= on every call; optional (a PAT is already tied to one organization), must be that organization\'s id when set',
    },
  ],
  capabilities: {
    readNameServers: can('GET /v5/domain/domains/{domain}/nameservers (bare JSON array)'),
    setNameServers: can('PUT /v5/domain/domains/{domain}/nameservers {"nameservers": [...]}; any 2xx is success'),
    sandbox: can('api.sandbox.gandi.net, with a separate sandbox account and token'),
    dnssec: can(
      'GET/POST /v5/domain/domains/{domain}/dnskeys {algorithm, type: ksk|zsk, public_key}, DELETE .../dnskeys/{id}; Gandi takes the DNSKEY and computes the DS (SHA-256) itself',
    ),
    asyncOperations: cannot(
      'the PUT answers with a message and no operation id, so there is nothing to poll; Gandi may apply the change in the background, so a read right after can still show the old set (a re-run then writes again, harmlessly)',
    ),
  },
  rateLimit: {
    requests: 1000,
    perMs: 60_000,
    source:
      'api.gandi.net/docs/reference: "a maximum of 1000 requests per minute from the same IP address" (an older copy said 30); counted per IP, so every token on one machine shares it',
  },
  quirks: [
    'Personal access tokens expire and cannot be renewed: an expired token gives 401, create a new one.',
    'A token without the technical-configuration permission, or restricted to other domains, gets 403; a domain outside the token\'s organization gets 404.',
    'The rate limit (1000 requests a minute) is per IP address, shared by every token used from the same machine or NAT.',
    'Gandi\'s 429 carries no retry hint that nsbridge relies on: it waits 15 s (a quarter of the one-minute window) before each retry unless a Retry-After header says otherwise.',
    'Setting name servers answers 202 with a message and no operation id; the change may take a moment to show in reads.',
    'DNSSEC needs the DNSKEY (flags 257 or 256, algorithm, public key), not a DS: Gandi computes the key tag and a SHA-256 digest itself.',
    'Gandi stores a key\'s type (ksk or zsk), not its flags: only flags 257 and 256 can be sent.',
  ],
  docs: 'https://api.gandi.net/docs/domains/',
  dnssecInput: 'dnskey',
};

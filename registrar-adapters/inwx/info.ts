import { can, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * INWX DomRobot JSON-RPC API (https://www.inwx.com/en/help/apidoc). One URL per system, the method
 * in the body: POST /jsonrpc/ (trailing slash included) at the origins below; the OT&E test system
 * is a separate system with separate accounts.
 */
export const info: RegistrarInfo = {
  id: 'inwx',
  name: 'INWX',
  productionEndpoint: 'https://api.domrobot.com',
  sandboxEndpoint: 'https://api.ote.domrobot.com',
  credentials: [
    { env: 'INWX_USERNAME', description: 'INWX account (or sub-account) user name; OT&E accounts are separate', public: true },
    { env: 'INWX_PASSWORD', description: 'Password of that account (INWX has no API keys)' },
    {
      env: 'INWX_SHARED_SECRET',
      description: 'Only for accounts with two-factor login: the base32 TOTP secret shown when 2FA was set up; nsbridge computes the code for account.unlock',
      optional: true,
    },
  ],
  settings: [
    sandboxSetting('inwx', 'Use the OT&E test system (api.ote.domrobot.com), which has its own accounts'),
    ...operationSettings('inwx', {
      timeout: 'How long to wait for a change INWX answered 1001 (pending at the registry) to show, e.g. 10m (default)',
      pollInterval: 'First wait before reading a pending change again, growing 1.5x per read up to 30s (default 5s)',
    }),
  ],
  capabilities: {
    readNameServers: can('JSON-RPC domain.info {domain} -> resData.ns'),
    setNameServers: can('JSON-RPC domain.update {domain, ns}: 1000 done, 1001 pending at the registry (nsbridge reads domain.info until it shows the new set)'),
    sandbox: can('OT&E: api.ote.domrobot.com, with a separate OT&E account'),
    dnssec: can(
      'dnssec.listkeys {domainName}, dnssec.adddnskey {domainName, dnskey | ds} (the DNSKEY when given, INWX then computes the digest; else the DS), dnssec.deletednskey {key}',
    ),
    asyncOperations: can(
      '1001 "pending" answers carry no operation id: nsbridge reads the domain (or its keys) again until the change shows (NSBRIDGE_INWX_OPERATION_TIMEOUT)',
    ),
  },
  quirks: [
    'Every answer is HTTP 200: the outcome is the body\'s code (1000 done, 1001 pending at the registry, 2303 not in the account); nsbridge reads the code, never the status.',
    'Login is a session: account.login sets the domrobot cookie, nsbridge logs out when it is done; with two-factor login it also sends account.unlock with a TOTP code from INWX_SHARED_SECRET.',
    'INWX has no API keys: the account password is the credential; a sub-account limited to the domains is the safer choice.',
    'OT&E (NSBRIDGE_INWX_SANDBOX=1) is a separate system with its own accounts and domains.',
    'DNSSEC: INWX takes a DNSKEY (and computes the DS) or a DS; nsbridge sends the DNSKEY when it has one.',
    'No published rate limit; a 2502 "session limit exceeded" answer (or HTTP 429) is waited out for 2 s and retried.',
  ],
  docs: 'https://www.inwx.com/en/help/apidoc',
  dnssecInput: 'ds',
};

import { can, cannot, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * CentralNic Reseller (CNR, formerly RRPproxy / Key-Systems). One form-POST endpoint,
 * /api/call.cgi, the operation in `s_command` (StatusDomain, ModifyDomain); credentials `s_login`
 * and `s_pw` in the POST body; every answer, errors too, is HTTP 200 plain text with a return code.
 * https://kb.centralnicreseller.com/api/api-commands/api-command-reference
 * Pure data: no imports beyond core/types.
 */
export const info: RegistrarInfo = {
  id: 'cnr',
  name: 'CentralNic Reseller',
  productionEndpoint: 'https://api.rrpproxy.net',
  sandboxEndpoint: 'https://api-ote.rrpproxy.net',
  credentials: [
    { env: 'CNR_USERNAME', description: 'Reseller login (s_login); a role user is written login!role', public: true },
    { env: 'CNR_PASSWORD', description: 'Password of that login (s_pw); the OT&E system has its own' },
  ],
  settings: [
    sandboxSetting('cnr', 'Use the OT&E test system (api-ote.rrpproxy.net), with its own login and password'),
  ],
  capabilities: {
    readNameServers: can('StatusDomain -> property[NAMESERVER][n]'),
    setNameServers: can('ModifyDomain NAMESERVER0..NAMESERVER12 (replaces the set; at most 13)'),
    sandbox: can('OT&E: api-ote.rrpproxy.net, separate credentials'),
    dnssec: can(
      'StatusDomain -> property[DNSSECDSDATA][n] (DS) and property[DNSSEC][n] (DNSKEY); ModifyDomain DNSSECDSDATA0.. with the full set, DNSSECDELALL=1 to remove all',
    ),
    asyncOperations: cannot('ModifyDomain answers code 200 once the registry accepted the change; there is nothing to poll'),
  },
  // No published request limit (kb return codes list only 422 "abuse detected" and 521 "too many
  // sessions"): no pacing by default; NSBRIDGE_RATE_LIMIT_CNR sets one.
  quirks: [
    'Every answer is HTTP 200 plain text; the outcome is its `code` (200 success, 4xx temporary, 5xx permanent): nsbridge reads the code, never the HTTP status alone.',
    'Temporary codes 420/421/423 are retried; 422 ("abuse detected", the account is briefly locked) is treated as throttling: nsbridge waits 3 s before each retry and pauses its other processes too.',
    'A domain outside the account answers 545 (entity reference not found) or 531 (authorization failed); 530 means the login or password is wrong, 535 that the calling IP is not allowed.',
    'ModifyDomain takes at most 13 name servers (NAMESERVER0..12); name servers inside the domain itself need host objects (AddNameserver) first, which nsbridge does not create.',
    'DNSSEC: ModifyDomain replaces the whole DS/DNSKEY set, so nsbridge always sends every record the domain keeps (DS as DNSSECDSDATA#, keys held as DNSKEY as DNSSEC#) and DNSSECDELALL=1 to remove the last.',
    'The OT&E system (NSBRIDGE_CNR_SANDBOX) has separate credentials and domains.',
  ],
  docs: 'https://kb.centralnicreseller.com/api/api-commands/api-command-reference',
  dnssecInput: 'ds',
};

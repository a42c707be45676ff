import { can, cannot, operationSettings, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * Joker.com DMAPI (https://joker.com/faq/books/reseller-documentation-en/chapter/dmapi ,
 * https://dmapi.joker.com/docs/DMAPI-ext.txt): POST /request/<name> with form variables at the
 * origins below; OT&E (resellers) is a separate copy of the system.
 */
export const info: RegistrarInfo = {
  id: 'joker',
  name: 'Joker.com',
  productionEndpoint: 'https://dmapi.joker.com',
  sandboxEndpoint: 'https://dmapi.ote.joker.com',
  credentials: [
    {
      env: 'JOKER_API_KEY',
      description: 'DMAPI API key (Joker.com > My Profile > Manage API keys); or set JOKER_USERNAME and JOKER_PASSWORD instead',
      optional: true,
    },
    { env: 'JOKER_USERNAME', description: 'Joker.com user name, with JOKER_PASSWORD, when no JOKER_API_KEY is set', optional: true, public: true },
    { env: 'JOKER_PASSWORD', description: 'Joker.com password, with JOKER_USERNAME, when no JOKER_API_KEY is set', optional: true },
  ],
  settings: [
    sandboxSetting('joker', 'Use the OT&E test system (dmapi.ote.joker.com; resellers, separate accounts)'),
    ...operationSettings('joker', {
      timeout: 'How long to wait for a domain-modify (its Proc-ID) to be completed, e.g. 10m (default)',
      pollInterval: 'First wait before asking for the result of a Proc-ID again, growing 1.5x per check up to 30s (default 5s)',
    }),
  ],
  capabilities: {
    readNameServers: can('query-whois domain=<domain> -> domain.nservers.nserver.handle lines'),
    setNameServers: can('domain-modify domain=<domain> ns-list=a:b:... (replaces the set) -> Proc-ID, then result-retrieve until Completion-Status ack'),
    sandbox: can('OT&E: dmapi.ote.joker.com, for resellers, with separate accounts'),
    dnssec: cannot(
      'Joker.com\'s DMAPI can write DS records (domain-modify dnssec=1 ds-1..ds-6) but documents no request that reads them back, so nsbridge cannot read first, plan the change, or tell what `ds clear` would remove; enter the DS in the Joker.com dashboard (the domain\'s DNSSEC page), or use --registrar manual, which prints the record to enter',
      'https://joker.com/faq/books/reseller-documentation-en/chapter/dmapi',
    ),
    asyncOperations: can(
      'domain-modify answers with a Proc-ID: nsbridge asks result-retrieve Proc-ID=<id> until Completion-Status is ack (done) or nack (refused, with the registry\'s reason), up to NSBRIDGE_JOKER_OPERATION_TIMEOUT',
    ),
  },
  quirks: [
    'DMAPI answers are plain text ("Key: value" header lines, an empty line, a body); a failure can come as HTTP 200 with Status-Code and Error lines, and nsbridge reads those, not the HTTP status.',
    'Login is a session: nsbridge logs in with the API key (or user name and password), sends the Auth-Sid with every request in the POST form (never in a URL), and logs out when done; sessions end after an hour idle, and nsbridge logs in again once if one ends mid-run.',
    'query-whois reads what the registry holds for any domain registered through Joker.com, not only this account\'s: a domain of another Joker.com account reads fine and fails only at the change.',
    'Name-server changes are asynchronous (Proc-ID): nsbridge waits for Completion-Status ack and reports nack with the registry\'s reason.',
    'DMAPI is meant for resellers; whether retail accounts may use it is not documented.',
    'No DNSSEC through nsbridge: DMAPI cannot read DS records back (see capabilities).',
    'No published rate limit; a 2502 "session limit exceeded" answer (or HTTP 429) is waited out for 2 s and retried.',
  ],
  docs: 'https://joker.com/faq/books/reseller-documentation-en/chapter/dmapi',
};

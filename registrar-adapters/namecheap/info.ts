import { can, cannot, RegistrarInfo, sandboxSetting } from '../core/types';

/**
 * Namecheap XML API. Docs: https://www.namecheap.com/support/api/methods/.
 * One endpoint (`.../xml.response`), the operation picked by `Command`; ApiUser, ApiKey, UserName
 * and ClientIp on every call; the calling IPv4 address must be whitelisted; errors are HTTP 200
 * with Status="ERROR"; throttling is HTTP 405. Pure data: no imports beyond core/types.
 */
export const info: RegistrarInfo = {
  id: 'namecheap',
  name: 'Namecheap',
  // The full URL: NSBRIDGE_NAMECHEAP_ENDPOINT replaces all of it, path included.
  productionEndpoint: 'https://api.namecheap.com/xml.response',
  sandboxEndpoint: 'https://api.sandbox.namecheap.com/xml.response',
  credentials: [
    {
      env: 'NAMECHEAP_API_USER',
      description: 'ApiUser: the Namecheap user the API key belongs to',
      public: true,
    },
    {
      env: 'NAMECHEAP_API_KEY',
      description: 'ApiKey (Profile > Tools > Namecheap API Access); sandbox and production keys differ',
    },
    {
      env: 'NAMECHEAP_USER_NAME',
      description: 'UserName: the account the command acts on; defaults to NAMECHEAP_API_USER',
      optional: true,
      defaultFrom: 'NAMECHEAP_API_USER',
      public: true,
    },
    {
      env: 'NAMECHEAP_CLIENT_IP',
      description: 'ClientIp: the public IPv4 address the calls come from, which must be on the API whitelist',
      public: true,
    },
  ],
  settings: [
    sandboxSetting('namecheap', 'Use api.sandbox.namecheap.com (separate sign-up, account, API key and IP whitelist)'),
  ],
  capabilities: {
    readNameServers: can('namecheap.domains.getInfo (DnsDetails/Nameserver), by DomainName'),
    setNameServers: can('namecheap.domains.dns.setCustom, by SLD + TLD split at the public suffix; one comma-separated Nameservers value of at most 1200 characters'),
    sandbox: can('api.sandbox.namecheap.com: separate sign-up at sandbox.namecheap.com, own key and whitelist'),
    dnssec: cannot(
      'the Namecheap API has no DNSSEC/DS methods (Namecheap staff confirmed the limitation is in the API itself, Feb 2024): enter the DS on the domain\'s DNSSEC section in the Namecheap dashboard (Domain List > Manage > Advanced DNS), or use --registrar manual, which prints the record to enter',
      'https://github.com/namecheap/terraform-provider-namecheap/issues/83',
    ),
    asyncOperations: cannot('setCustom is synchronous: the answer says Updated="true" or fails'),
  },
  rateLimit: {
    requests: 20,
    perMs: 60_000,
    source: 'Namecheap support (Sept 2017, quoted in DNSControl): 20/min, 700/hour, 8000/day per user; not in the API docs',
  },
  extraRateLimits: [
    { requests: 700, perMs: 3_600_000, source: 'Namecheap support: 700/hour per user' },
    { requests: 8000, perMs: 86_400_000, source: 'Namecheap support: 8000/day per user' },
  ],
  quirks: [
    'The API must be switched on in Profile > Tools > Namecheap API Access, which production allows only to eligible accounts ($50+ balance, 20+ domains, or $50+ spent in the last 2 years).',
    'Every call must come from an IPv4 address on the account\'s API whitelist (no ranges, not editable through the API) and name it in NAMECHEAP_CLIENT_IP; CI runners need a fixed egress IP.',
    'Errors come back as HTTP 200 with Status="ERROR" and numbered <Error> elements; nsbridge maps the numbers, never the text.',
    'Throttling is HTTP 405, not 429, with no retry hint: nsbridge waits 5 s (DNSControl\'s interval) before each retry and pauses its other processes too.',
    'nsbridge paces all three windows (20/min, 700/hour, 8000/day) across its processes: a deploy of more than ~350 domains (two requests each) waits for the hourly window instead of being throttled.',
    'While a domain uses Namecheap\'s own DNS (IsUsingOurDNS), nsbridge reports the name servers getInfo lists (dns1/dns2.registrar-servers.com, or pdns* for PremiumDNS).',
    'Switching to custom name servers stops Namecheap URL forwarding, email forwarding and dynamic DNS for the domain.',
    'setCustom takes SLD and TLD split at the public suffix (example.co.uk: SLD example, TLD co.uk); getInfo takes the whole DomainName.',
    'Unregistered or invalid name servers are refused by the registry behind Namecheap (error 3031510 or 3050900, with the registry\'s text).',
    'No DNSSEC through the API: `nsbridge ds` refuses Namecheap (exit 2, nothing sent); enter the DS in the dashboard (Advanced DNS, DNSSEC) or use --registrar manual, which prints it.',
  ],
  docs: 'https://www.namecheap.com/support/api/methods/domains-dns/set-custom/',
};

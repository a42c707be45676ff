import { cannot, RegistrarInfo } from '../core/types';

export const LINK = 'https://developers.cloudflare.com/registrar/faq/#can-i-change-my-nameservers';

const REASON =
  'Cloudflare Registrar only allows Cloudflare\'s own name servers; to delegate to Route 53 the domain must be transferred to another registrar';

/**
 * Cloudflare Registrar: no custom name servers. Docs: https://developers.cloudflare.com/registrar/faq/
 * (Cloudflare's registrar FAQ: "No, you need to use Cloudflare's nameservers ... you'll need to
 * move your domain to another Registrar"). The registrar API documents only auto_renew, locked
 * and privacy for a domain; a 2020 `name_servers` field is undocumented today (UNCONFIRMED whether
 * ignored or refused), so nsbridge never tries it.
 */
export const info: RegistrarInfo = {
  id: 'cloudflare',
  name: 'Cloudflare Registrar',
  // No credentials: nsbridge refuses before anything would be sent, so none are ever needed.
  credentials: [],
  settings: [],
  capabilities: {
    readNameServers: cannot('the registrar API has no name-server field (the name servers are always Cloudflare\'s)', LINK),
    setNameServers: cannot(REASON, LINK),
    sandbox: cannot('Cloudflare offers no registrar sandbox'),
    dnssec: cannot(
      'Cloudflare Registrar signs only Cloudflare-hosted zones: it publishes a DS only for a zone that Cloudflare DNS serves and signs itself, and has no API or field for the DS of a zone signed elsewhere (such as Route 53)',
      'https://developers.cloudflare.com/registrar/get-started/enable-dnssec/',
    ),
    asyncOperations: cannot('there is no name-server operation to wait for'),
  },
  quirks: [
    REASON + '.',
    'Alternative without a transfer: keep DNS at Cloudflare and delegate only a subdomain to Route 53 with NS records in the Cloudflare zone.',
    'Transfers into Cloudflare need the domain active on Cloudflare DNS first, and its name servers must stay Cloudflare\'s.',
    'If the registrant email is not verified within about 15 days, the name servers are switched to ns1/ns2.emailverification.info.',
  ],
  docs: LINK,
};

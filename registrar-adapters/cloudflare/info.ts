import { cannot, RegistrarInfo } from '../core/types';

const REASON =
  'Cloudflare Registrar only allows Cloudflare\'s own name servers; to delegate to Route 53 the domain must be transferred to another registrar';
const LINK = 'https://developers.cloudflare.com/registrar/faq/#can-i-change-my-nameservers';

/** Cloudflare Registrar: no custom name servers. Facts: shared/reference/registrar-apis.md §10. */
export const info: RegistrarInfo = {
  id: 'cloudflare',
  name: 'Cloudflare Registrar',
  credentials: [],
  settings: [],
  capabilities: {
    readNameServers: cannot('the registrar API has no name-server field', LINK),
    setNameServers: cannot(REASON, LINK),
    sandbox: cannot('no sandbox'),
    dnssec: cannot('Cloudflare manages DNSSEC only for Cloudflare-signed zones', LINK),
    asyncOperations: cannot('nothing to wait for'),
  },
  quirks: [REASON + '.'],
  docs: LINK,
};

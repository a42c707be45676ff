import { loadRegistrarInfo } from '../core/info-file';
import facts from './info.json';

/**
 * Cloudflare Registrar: no custom name servers. Docs: https://developers.cloudflare.com/registrar/faq/
 * (Cloudflare's registrar FAQ: "No, you need to use Cloudflare's nameservers ... you'll need to
 * move your domain to another Registrar"). The registrar API documents only auto_renew, locked
 * and privacy for a domain; a 2020 `name_servers` field is undocumented today (UNCONFIRMED whether
 * ignored or refused), so nsbridge never tries it.
 *
 * No credentials: nsbridge refuses before anything would be sent, so none are ever needed.
 */
export const info = loadRegistrarInfo(facts);

/** Cloudflare's FAQ answer that it allows only its own name servers (the refusal's link). */
export const LINK = facts.docs;

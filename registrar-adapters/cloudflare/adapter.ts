/**
 * Cloudflare Registrar (https://developers.cloudflare.com/registrar/faq/): a domain registered there must use
 * Cloudflare's own name servers; neither the API nor the dashboard can delegate it elsewhere.
 * There is nothing to call, so this adapter needs no credentials, sends nothing, and refuses every
 * read and write with an error that says what to do instead (exit 1: the registrar cannot do it).
 */
import type { RegistrarAdapter, RegistrarClient } from '../core/types';
import { RegistrarUnsupportedError } from '../../core/errors';
import { info, LINK } from './info';

function refuse(operation: 'get name servers' | 'set name servers', domain: string): never {
  throw new RegistrarUnsupportedError({
    registrar: info.id,
    operation,
    domain,
    cause:
      'Cloudflare Registrar only allows Cloudflare\'s own name servers, and has no API to read or change them',
    hint:
      `to delegate ${domain} to Route 53, transfer it to another registrar first (for example Route 53 Domains, then use --registrar route53domains), ` +
      `or keep DNS at Cloudflare and delegate only a subdomain with NS records in the Cloudflare zone; see ${LINK}`,
  });
}

export const adapter: RegistrarAdapter = {
  info,
  createClient(): RegistrarClient {
    return {
      async getNameServers(domain) {
        return refuse('get name servers', domain);
      },
      async setNameServers(domain) {
        return refuse('set name servers', domain);
      },
    };
  },
};

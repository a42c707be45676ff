/**
 * Namecheap's dns.* commands take the domain as SLD + TLD, split at the PUBLIC SUFFIX (tldts, ICANN
 * section): example.co.uk -> SLD example, TLD co.uk; never "split at the first dot".
 */
import { parse } from 'tldts';
import { UsageError } from '../../core/errors';

export interface SldTld {
  readonly sld: string;
  readonly tld: string;
}

/**
 * Split a registrable domain (already normalised: ASCII, lower case, no trailing dot). A name
 * below a registrable domain (www.example.com) or a bare public suffix (co.uk) is not something
 * Namecheap registers: a usage error, found before anything is sent.
 */
export function splitDomain(domain: string): SldTld {
  const p = parse(domain, { allowPrivateDomains: false });
  if (!p.publicSuffix || !p.domainWithoutSuffix || p.domain !== domain) {
    const registrable = p.domain && p.domain !== domain ? `; the registered domain is ${p.domain}` : '';
    throw new UsageError(
      `namecheap: "${domain}" is not a registrable domain under the public suffix list${registrable} ` +
        '(Namecheap takes the domain as SLD + TLD, e.g. example.co.uk -> example + co.uk)',
    );
  }
  return { sld: p.domainWithoutSuffix, tld: p.publicSuffix };
}

/**
 * The steps a person follows at a registrar's web UI. Menu names are as these dashboards showed
 * them in 2025-2026 and can change; the name-server list is what matters and is printed exactly.
 */

import { ALGORITHM_NAMES, DIGEST_TYPE_NAMES, DnssecRecord } from '../../core/dnssec';

type Wording = { title: string; steps: string[] };

function wordingFor(registrar: string, domain: string): Wording {
  switch (registrar.toLowerCase()) {
    case 'squarespace':
    case 'google':
    case 'google-domains':
      return {
        title: 'Squarespace Domains (formerly Google Domains) has no API for name servers',
        steps: [
          'Sign in at https://account.squarespace.com/domains',
          `Open ${domain}, then DNS > Domain Nameservers`,
          'Choose "Use custom nameservers"',
          'Enter each name server below (one per field), remove any others, and Save',
          'If DNSSEC is on for the domain at Squarespace, turn it off first (the old DS would break resolution)',
        ],
      };
    case 'godaddy':
    case 'godaddy-web':
      return {
        title: 'GoDaddy web dashboard (for accounts without Domains API access)',
        steps: [
          'Sign in at https://dcc.godaddy.com/control/portfolio',
          `Select ${domain}, then DNS > Nameservers > Change Nameservers`,
          'Choose "I\'ll use my own nameservers"',
          'Enter each name server below, remove any others, and Save (GoDaddy may ask for a 2FA confirmation)',
        ],
      };
    case 'hover':
      return {
        title: 'Hover has no API for name servers',
        steps: [
          'Sign in at https://www.hover.com/control_panel',
          `Open ${domain}, then the Overview tab > Nameservers > Edit`,
          'Enter each name server below, remove any others, and Save',
        ],
      };
    default:
      return {
        title: `${registrar} is managed by hand`,
        steps: [
          `Sign in to the dashboard of ${registrar} (the registrar that holds ${domain})`,
          `Find the name-server (or "DNS servers", "delegation") settings of ${domain}`,
          'Choose custom name servers, enter each name server below, remove any others, and save',
        ],
      };
  }
}

export function stepsFor(registrar: string, domain: string, nameServers: readonly string[]): string[] {
  const w = wordingFor(registrar, domain);
  return [
    `manual: ACTION NEEDED for ${domain}: ${w.title}.`,
    ...w.steps.map((s, i) => `manual:   ${i + 1}. ${s}`),
    'manual:   Name servers to enter (exactly these, in any order):',
    ...nameServers.map((ns) => `manual:     ${ns}`),
  ];
}

/**
 * The DS (DNSSEC) steps. Dashboards differ in menu names and in whether they ask for the DS
 * digest or the DNSKEY public key; every field is printed, so whichever form the dashboard shows
 * can be filled in.
 */
type DsWording = { title: string; where: string[] };

function dsWordingFor(registrar: string, domain: string): DsWording {
  switch (registrar.toLowerCase()) {
    case 'squarespace':
    case 'google':
    case 'google-domains':
      return {
        title: 'Squarespace Domains (formerly Google Domains) has no API for DNSSEC',
        where: ['Sign in at https://account.squarespace.com/domains', `Open ${domain}, then DNS > DNSSEC`],
      };
    case 'godaddy':
    case 'godaddy-web':
      return {
        title: 'GoDaddy web dashboard (for accounts without Domains API access)',
        where: ['Sign in at https://dcc.godaddy.com/control/portfolio', `Select ${domain}, then Domain Settings > DNSSEC (DS Records)`],
      };
    case 'hover':
      return {
        title: 'Hover has no API for DNSSEC',
        where: ['Sign in at https://www.hover.com/control_panel', `Open ${domain}, then the Advanced tab > DNSSEC`],
      };
    default:
      return {
        title: `${registrar} is managed by hand`,
        where: [
          `Sign in to the dashboard of ${registrar} (the registrar that holds ${domain})`,
          `Find the DNSSEC (or "DS records", "delegation signer") settings of ${domain}`,
        ],
      };
  }
}

export function dsStepsFor(registrar: string, domain: string, action: 'add' | 'remove', records: readonly DnssecRecord[]): string[] {
  const w = dsWordingFor(registrar, domain);
  const steps =
    action === 'add'
      ? [
          ...w.where,
          `Add ${records.length === 1 ? 'this DS record' : `these ${records.length} DS records`} (keep any other DS record there for now: a key roll adds the new key before the old one goes), and save`,
          'If the dashboard asks for the public key (DNSKEY) instead of the digest, enter the DNSKEY fields below',
        ]
      : [...w.where, `Delete ${records.length === 1 ? 'this DS record' : `these ${records.length} DS records`} (match the key tag and the digest), keep any other, and save`];
  const lines = [
    `manual: ACTION NEEDED for ${domain}: ${w.title}.`,
    ...steps.map((s, i) => `manual:   ${i + 1}. ${s}`),
    `manual:   DS record${records.length === 1 ? '' : 's'} to ${action === 'add' ? 'add' : 'delete'} (exactly these values):`,
  ];
  for (const r of records) {
    const d = r.ds;
    lines.push(
      `manual:     Key tag: ${d.keyTag}   Algorithm: ${d.algorithm} (${ALGORITHM_NAMES[d.algorithm] ?? 'see IANA'})   Digest type: ${d.digestType} (${DIGEST_TYPE_NAMES[d.digestType] ?? 'see IANA'})`,
      `manual:     Digest: ${d.digest}`,
    );
    if (r.dnskey && action === 'add') {
      const k = r.dnskey;
      lines.push(`manual:     DNSKEY: Flags: ${k.flags}   Protocol: ${k.protocol}   Algorithm: ${k.algorithm}`, `manual:     Public key: ${k.publicKey}`);
    }
    lines.push(`manual:     (zone-file form: ${domain}. IN DS ${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest})`);
  }
  return lines;
}

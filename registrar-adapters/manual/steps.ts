/**
 * The steps a person follows at a registrar's web UI. Menu names are as these dashboards showed
 * them in 2025-2026 and can change; the name-server list is what matters and is printed exactly.
 */

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

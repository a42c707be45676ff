import { can, cannot, RegistrarInfo } from '../core/types';

/**
 * Registrars with no API (Squarespace, which took over Google Domains; Hover; any other):
 * nsbridge prints the exact steps and waits, bounded, until the delegation is seen in DNS.
 */
export const info: RegistrarInfo = {
  id: 'manual',
  name: 'Manual (Squarespace, Hover, any registrar without an API)',
  credentials: [],
  settings: [
    { key: 'registrarName', env: 'NSBRIDGE_MANUAL_REGISTRAR', type: 'string', description: 'Who holds the domain: squarespace, godaddy-web, hover or any name (tailors the printed steps)' },
    { key: 'waitTimeout', env: 'NSBRIDGE_MANUAL_TIMEOUT', type: 'string', description: 'How long to wait for a change (name servers or DS) to appear in DNS, e.g. 30m (default 15m; 0 = do not wait)' },
  ],
  capabilities: {
    readNameServers: can('reads the delegation from DNS, not from the registrar'),
    setNameServers: cannot('a person makes the change in the registrar\'s web UI; nsbridge prints the steps and waits for it'),
    sandbox: cannot('not applicable'),
    dnssec: can('prints the DS record(s) to enter at the registrar and waits until the parent zone serves them; reads the DS from DNS'),
    asyncOperations: can('waits until the new delegation is visible in DNS'),
  },
  dnssecInput: 'ds',
  quirks: ['Squarespace Domains (ex Google Domains) and Hover have no public API for name servers.'],
};

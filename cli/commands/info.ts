/** `registrars`: what each registrar supports, from the adapters' capability data. */
import type { Command } from 'commander';
import type { Output } from '../output';
import { REGISTRARS } from '../../registrar-adapters/catalog';

export function registerInfoCommands(program: Command, out: Output): void {
  program
    .command('registrars')
    .description('list the registrars, their credentials, settings and capabilities')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        out.json(Object.values(REGISTRARS));
        return;
      }
      for (const info of Object.values(REGISTRARS)) {
        const set = info.capabilities.setNameServers;
        out.stdout(`${info.id.padEnd(15)} ${info.name}\n`);
        out.stdout(`  set name servers: ${set.supported ? 'yes' : `no: ${set.reason}`}\n`);
        if (info.credentials.length) out.stdout(`  credentials: ${info.credentials.map((c) => c.env + (c.optional ? ' (optional)' : '')).join(', ')}\n`);
        if (info.settings.length) out.stdout(`  settings: ${info.settings.map((s) => `${s.key} (${s.env})`).join(', ')}\n`);
      }
    });
}

/**
 * `dnssec-advance-check`: may the scheduled job apply this plan without a person? Yes when every
 * planned change is a DNSSEC roll-out step (review/dnssec-pending.ts, changesBeyondRollout).
 * Reads `<engine> show -json <planfile>` output; exit 0 yes, 3 no (the other changes listed).
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import type { Output } from '../output';
import { UsageError } from '../../core/errors';
import { quoteInput } from '../../core/quote';
import { changesBeyondRollout } from '../../review/dnssec-pending';
import { EXIT_CHANGES } from './plan';

export function registerDnssecAdvanceCommand(program: Command, out: Output): void {
  program
    .command('dnssec-advance-check')
    .description('exit 0 when a plan (show -json) holds DNSSEC roll-out steps only, so a scheduled job may apply it')
    .requiredOption('--plan <file>', 'the output of `tofu show -json <planfile>` (or terraform)')
    .addHelpText('after', `\nExit: 0 only roll-out steps (or nothing); ${EXIT_CHANGES} other changes (listed: they wait for the deploy job); 2 bad input.`)
    .action((opts: { plan: string }) => {
      let plan: { resource_changes?: [] };
      try {
        plan = JSON.parse(fs.readFileSync(opts.plan, 'utf8')) as { resource_changes?: [] };
      } catch (e) {
        throw new UsageError(`dnssec-advance-check: --plan ${quoteInput(opts.plan)} is not a readable JSON plan (${(e as Error).message}); write it with \`tofu show -json <planfile> > plan.json\``);
      }
      const others = changesBeyondRollout(plan);
      if (others.length === 0) {
        out.stdout('only DNSSEC roll-out steps: the scheduled job may apply this plan\n');
        return;
      }
      out.stdout(`changes beyond the DNSSEC roll-out (they wait for the deploy job, with its approval):\n${others.map((o) => `  ${o}\n`).join('')}`);
      out.exitCode = EXIT_CHANGES;
    });
}

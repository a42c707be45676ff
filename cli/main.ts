/**
 * The nsbridge CLI. Terraform's local-exec provisioners run it once per domain, so it must start
 * fast: this file imports only commander and pure data; a command's module, and registrar code,
 * load on demand.
 *
 * Contract (stable; other tools and tests depend on it):
 *   exit 0  done
 *   exit 1  the registrar, the network or DNS failed; one line on stderr:
 *           nsbridge: <registrar>: <operation> <domain>: <cause and what to do>
 *   exit 2  bad usage or input; nothing was sent anywhere
 *   exit 3  `plan --expect-no-changes` only: something would change or has drifted
 */
import { Command, CommanderError, Option } from 'commander';

import { NsbridgeError } from '../core/errors';
import type { Output } from './output';
import { ENVIRONMENT_HELP } from './help';
import { CommandDeadline } from './deadline';

type Register = (program: Command, out: Output) => void;

/**
 * The command modules, in the order `--help` lists their commands, with the top-level commands
 * each registers. A module is loaded (`require`, which the bundle runs on first call) only when
 * its command runs, or when all are needed: help, an unknown command. A run of one command so
 * compiles and initialises that command's code alone, not every command's libraries.
 * __tests__/cli/dispatch.test.ts checks that `commands` is what each module really registers.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMAND_MODULES: readonly { readonly commands: readonly string[]; readonly load: () => Register }[] = [
  { commands: ['release'], load: () => (require('./commands/release') as typeof import('./commands/release')).registerReleaseCommand },
  { commands: ['get', 'set'], load: () => (require('./commands/delegation') as typeof import('./commands/delegation')).registerDelegationCommands },
  { commands: ['ds'], load: () => (require('./commands/ds') as typeof import('./commands/ds')).registerDsCommands },
  { commands: ['verify'], load: () => (require('./commands/verify') as typeof import('./commands/verify')).registerVerifyCommand },
  { commands: ['plan'], load: () => (require('./commands/plan') as typeof import('./commands/plan')).registerPlanCommand },
  { commands: ['apply'], load: () => (require('./commands/apply') as typeof import('./commands/apply')).registerApplyCommand },
  {
    commands: ['dnssec-advance-check'],
    load: () => (require('./commands/dnssec-advance') as typeof import('./commands/dnssec-advance')).registerDnssecAdvanceCommand,
  },
  {
    commands: ['terraform-external'],
    load: () => (require('./commands/terraform-external') as typeof import('./commands/terraform-external')).registerTerraformExternalCommand,
  },
  { commands: ['registrars'], load: () => (require('./commands/info') as typeof import('./commands/info')).registerInfoCommands },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The top-level options that take no value: anything else starting with "-" is left to commander. */
const PROGRAM_FLAGS = new Set(['--verbose', '--version', '-h', '--help']);

/** The modules a run needs: the one that registers argv's command, or all of them. */
export function modulesFor(argv: readonly string[]): typeof COMMAND_MODULES {
  const name = argv.find((a) => !PROGRAM_FLAGS.has(a));
  const owner = COMMAND_MODULES.find((m) => name !== undefined && m.commands.includes(name));
  return owner ? [owner] : COMMAND_MODULES;
}

export async function run(argv: string[], out: Output): Promise<number> {
  const program = new Command('nsbridge')
    .description('Point a domain\'s delegation at its name servers, at whatever registrar holds it.')
    .version(process.env.NSBRIDGE_VERSION ?? '0.1.0', '--version', 'print the version')
    .addOption(new Option('--verbose', 'trace every registrar request on stderr (secrets redacted)'))
    .showHelpAfterError('(run nsbridge --help or nsbridge <command> --help)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });

  for (const m of modulesFor(argv)) m.load()(program, out);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });
  }

  try {
    out.deadline = CommandDeadline.fromEnv(process.env, (message) => {
      out.error(message);
      process.exit(1);
    });
    await program.parseAsync(argv, { from: 'user' });
    return out.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exitCode 0; parse errors are bad usage: 2.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (NsbridgeError.isNsbridgeError(err)) {
      out.error(err.message);
      return err.exitCode;
    }
    out.error(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  } finally {
    out.deadline?.dispose();
  }
}

/**
 * The nsbridge CLI. Terraform's local-exec provisioners run it once per domain, so it must start
 * fast: this file imports only commander and pure data; registrar code loads on demand.
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
import { Output } from './output';
import { registerDelegationCommands } from './commands/delegation';
import { registerReleaseCommand } from './commands/release';
import { registerDsCommands } from './commands/ds';
import { registerInfoCommands } from './commands/info';
import { registerVerifyCommand } from './commands/verify';
import { registerTerraformExternalCommand } from './commands/terraform-external';
import { registerPlanCommand } from './commands/plan';
import { registerApplyCommand } from './commands/apply';
import { ENVIRONMENT_HELP } from './help';
import { CommandDeadline } from './deadline';

export async function run(argv: string[], out: Output): Promise<number> {
  const program = new Command('nsbridge')
    .description('Point a domain\'s delegation at its name servers, at whatever registrar holds it.')
    .version(process.env.NSBRIDGE_VERSION ?? '0.1.0', '--version', 'print the version')
    .addOption(new Option('--verbose', 'trace every registrar request on stderr (secrets redacted)'))
    .showHelpAfterError('(run nsbridge --help or nsbridge <command> --help)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });

  registerReleaseCommand(program, out);
  registerDelegationCommands(program, out);
  registerDsCommands(program, out);
  registerVerifyCommand(program, out);
  registerPlanCommand(program, out);
  registerApplyCommand(program, out);
  registerTerraformExternalCommand(program, out);
  registerInfoCommands(program, out);
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

/**
 * `nsbridge apply`: applies saved plan files exactly as reviewed, one per stack, and refuses a
 * stale one. The engine itself refuses a plan whose state changed since planning ("Saved plan is
 * stale": OpenTofu and Terraform compare the state's lineage and serial recorded in the plan);
 * this turns that into the one-line error of the CLI contract, with what to do.
 *
 *   nsbridge apply cdktf.out/stacks/production/plan.tfplan [more plan files...]
 *
 * Each plan file is applied in its own directory (the stack directory it was made in, initialised
 * with `init`). Stacks are applied in the order given; the first failure stops the rest.
 * A plan from another stack's state or made by another engine version is refused the same way.
 * Exit: 0 all applied; 2 a stale, foreign or unreadable plan (nothing of it applied); 1 the apply failed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { Output } from '../output';
import { NsbridgeError, UsageError } from '../../core/errors';
import { engineBinary } from '../../review/plan-file';

/** What the engines print for a plan made against an older state (both say it the same way). */
const STALE = /Saved plan is stale/;
/** A plan made by another engine version (both engines refuse it, naming both versions). */
const OTHER_ENGINE = /plan\s+file\s+was\s+created\s+by\s+(\S+\s+[^,\s]+),\s+but\s+this\s+is\s+([^;\s]+);/;
/** A plan made against another stack's state (another lineage). */
const OTHER_STATE = /Saved\s+plan\s+does\s+not\s+match\s+the\s+given\s+state/;
/** A plan file from another configuration, another engine version, or a damaged one. */
const UNREADABLE = /Failed to (read|load) (the given |"[^"]*" as a )?plan|plan file (was created|cannot be applied)|not a valid plan|Invalid plan file|zip: not a valid zip file/i;

class ApplyFailedError extends NsbridgeError {
  readonly exitCode = 1 as const;
  constructor(message: string) {
    super(message);
    this.name = 'ApplyFailedError';
  }
}

function run(engine: string, args: string[], cwd: string, out: Output): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const relay = (d: Buffer) => {
      output += d.toString('utf8');
      out.stderr(d.toString('utf8'));
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (e) => reject(new UsageError(`cannot run ${engine}: ${e.message} (set NSBRIDGE_TERRAFORM_BINARY or TERRAFORM_BINARY_NAME)`)));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export function registerApplyCommand(program: Command, out: Output): void {
  program
    .command('apply')
    .description('apply saved plan files exactly as reviewed (one per stack, each in its stack directory); refuse a stale plan')
    .argument('<planfile...>', 'plan files made by `tofu plan -out=<file>` in their stack directories')
    .addHelpText('after', '\nExit: 0 applied; 2 a stale or unreadable plan (nothing applied: plan again and review the new plan); 1 the apply failed.')
    .action(async (files: string[]) => {
      out.verbose = Boolean(program.opts().verbose);
      const engine = engineBinary(process.env);
      for (const f of files) if (!fs.existsSync(f)) throw new UsageError(`plan file ${f} not found: download the plan job's artifact into the same paths`);
      for (const file of files) {
        const dir = path.dirname(path.resolve(file));
        const stack = path.basename(dir);
        out.log(`applying ${file} (stack ${stack})`);
        const r = await run(engine, ['apply', '-input=false', '-no-color', path.basename(file)], dir, out);
        if (r.code === 0) continue;
        if (STALE.test(r.output)) {
          throw new UsageError(
            `${file}: stale plan: the state of stack ${stack} changed after this plan was made (another deploy ran); nothing of it was applied. Plan again, review the new plan, then deploy it`,
          );
        }
        const otherEngine = OTHER_ENGINE.exec(r.output);
        if (otherEngine) {
          throw new UsageError(
            `${file}: made by ${otherEngine[1]}, but ${engine} is ${otherEngine[2]}; nothing of it was applied. Apply it with the engine version that made it (the pipelines pin one), or plan again`,
          );
        }
        if (OTHER_STATE.test(r.output)) {
          throw new UsageError(
            `${file}: made from another configuration than stack ${stack} (its state has another lineage); nothing of it was applied. Apply each plan in the stack directory it was made in, or plan again`,
          );
        }
        if (UNREADABLE.test(r.output)) {
          throw new UsageError(`${file}: ${engine} cannot apply this plan file (another configuration, another engine version, or damaged); nothing of it was applied. Plan again with the pipeline's engine version`);
        }
        throw new ApplyFailedError(`${file}: ${engine} apply failed for stack ${stack} (exit ${r.code}); the output above says what; later stacks were not applied`);
      }
    });
}

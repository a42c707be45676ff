/**
 * `nsbridge plan`: the review report. Read-only at every registrar and in the state.
 *
 * Exit: 0 report printed; with --expect-no-changes, 3 when anything would change or has drifted
 * and 1 when a registrar could not be read (no-change cannot be asserted); 2 bad usage (or a
 * configuration the app refuses).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import type { Output } from '../output';
import { UsageError } from '../../core/errors';
import { readSynthesized } from '../../review/synthesized';
import { planReport } from '../../review/plan';
import { formatReport, hasBlocked, hasChanges, REPORT_FORMATS, ReportFormat } from '../../review/format';
import { checkPlanMatchesStack, readSavedPlan, SavedPlan } from '../../review/plan-file';
import { reviewIsEmpty, reviewPlan } from '../../review/dns-review';
import { formatReview } from '../../review/dns-format';
import { quoteInput } from '../../core/quote';
import { dnssecPendingOfApp, formatDnssecPending } from '../../review/dnssec-pending';

/** Exit code of --expect-no-changes when something would change (1 and 2 are taken by the CLI contract). */
export const EXIT_CHANGES = 3;

/** Runs the app command of cdktf.json with the config, the way `cdktf synth` does. */
function synthesize(config: string | undefined, outdir: string, out: Output): void {
  const cdktfJson = path.resolve('cdktf.json');
  if (!fs.existsSync(cdktfJson)) throw new UsageError(`--config: no cdktf.json in ${process.cwd()}: run nsbridge plan from the project directory`);
  const app = (JSON.parse(fs.readFileSync(cdktfJson, 'utf8')) as { app?: string }).app;
  if (!app) throw new UsageError(`${cdktfJson} has no "app" command`);
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  if (config) {
    if (!fs.existsSync(config)) throw new UsageError(`--config: ${config} not found`);
    env.NSBRIDGE_CONFIG = path.resolve(config);
  }
  out.debug(`synthesizing with "${app}" into ${outdir}`);
  const r = spawnSync(app, { shell: true, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new UsageError(`synth failed (${app}):\n${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
  }
}

export function registerPlanCommand(program: Command, out: Output): void {
  program
    .command('plan')
    .description('report, for every delegation of the app: registrar, current and desired name servers, and what a deploy does (read-only)')
    .option('--config <file>', 'synthesize this domains.yaml first (with cdktf.json\'s app command); default: read --out as synthesized, or synthesize domains.yaml when it is missing')
    .option('--out <dir>', 'the synthesized app (cdktf\'s outdir)', 'cdktf.out')
    .option('--stack <name...>', 'only these stacks')
    .addOption(new Option('--format <format>', 'table for a terminal, markdown for a pull-request comment, json for machines').choices([...REPORT_FORMATS]).default('table'))
    .option('--expect-no-changes', `exit ${EXIT_CHANGES} when anything would change or has drifted, 1 when a registrar cannot be read (for a scheduled drift job)`)
    .option('--plan <planfile...>', 'review saved plans instead (`tofu show -json` output, or the plan file itself, read in its stack directory): the whole DNS change, per domain')
    .option('--artifact <where>', 'with --plan --format markdown: where the whole review is when the comment must be cut (e.g. the job artifact\'s URL)')
    .option('--concurrency <n>', 'registrar reads at once (each registrar is paced by its rate limit anyway)', '4')
    .addHelpText(
      'after',
      '\nActions: none | set (a deploy sets it) | drift (changed at the registrar by hand: a deploy will not undo it; the report gives the fix)' +
        '\n         | release (retired: the next deploy runs the destroy policy) | blocked (the registrar could not be read: the reason says why)' +
        '\nThe zones\' real name servers and what nsbridge last set come from the Terraform state: a local state file, or' +
        '\n`terraform show -json` in an initialised stack directory (run `npx cdktf diff` first). Nothing is ever written.' +
        `\nExit: 0 report printed; with --expect-no-changes ${EXIT_CHANGES} changes or drift, 1 a registrar could not be read; 2 bad usage.`,
    )
    .action(async (opts: { config?: string; out: string; stack?: string[]; format: ReportFormat; expectNoChanges?: boolean; concurrency: string; plan?: string[]; artifact?: string }) => {
      out.verbose = Boolean(program.opts().verbose);
      if (opts.plan) {
        const review = reviewPlan(mergePlans(opts.plan.map((f) => readPlanOf(f, opts, out))));
        out.stdout(formatReview(review, opts.format, { artifact: opts.artifact }));
        if (opts.expectNoChanges && !reviewIsEmpty(review)) out.exitCode = EXIT_CHANGES;
        return;
      }
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency: ${quoteInput(opts.concurrency)} is not a whole number from 1 to 64`);
      const outdir = path.resolve(opts.out);
      if (opts.config || !fs.existsSync(path.join(outdir, 'manifest.json'))) synthesize(opts.config, outdir, out);
      const app = readSynthesized(outdir, opts.stack ?? []);
      const report = await planReport(app, { env: process.env, log: (m) => out.log(m), debug: (m) => out.debug(m), secret: (v) => out.redactor.add(v), concurrency, signal: out.deadline?.signal });
      out.stdout(formatReport(report, opts.format));
      // DNSSEC roll-out steps a later deploy does (the JSON report keeps its shape).
      if (opts.format !== 'json') out.stdout(formatDnssecPending(dnssecPendingOfApp(app, process.env)));
      if (opts.expectNoChanges) {
        if (hasBlocked(report)) out.exitCode = 1;
        else if (hasChanges(report)) out.exitCode = EXIT_CHANGES;
      }
    });
}

/**
 * One saved plan. A binary plan file is read in the directory of its stack; with --stack (one) and
 * the synthesized app at --out, the plan is checked to come from that stack's configuration.
 */
function readPlanOf(file: string, opts: { out: string; stack?: string[] }, out: Output): SavedPlan {
  const outdir = path.resolve(opts.out);
  const stack = opts.stack?.length === 1 ? opts.stack[0]! : undefined;
  const stackDir = stack ? path.join(outdir, 'stacks', stack) : undefined;
  const plan = readSavedPlan(file, { env: process.env, workDir: stackDir && fs.existsSync(stackDir) ? stackDir : undefined });
  const tfJson = stackDir ? path.join(stackDir, 'cdk.tf.json') : undefined;
  if (stack && tfJson && fs.existsSync(tfJson)) {
    const tf = JSON.parse(fs.readFileSync(tfJson, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    const addresses = new Set(Object.entries(tf.resource ?? {}).flatMap(([type, blocks]) => Object.keys(blocks).map((n) => `${type}.${n}`)));
    checkPlanMatchesStack(plan, addresses, file, stack);
  } else out.debug(`${file}: not checked against a synthesized stack (give --stack <name> with --out)`);
  return plan;
}

/** Plans of several stacks reviewed as one (their addresses are distinct: construct ids hash the path). */
function mergePlans(plans: SavedPlan[]): SavedPlan {
  if (plans.length === 1) return plans[0]!;
  return {
    formatVersion: plans[0]!.formatVersion,
    engineVersion: plans[0]!.engineVersion,
    resourceChanges: plans.flatMap((p) => p.resourceChanges),
    configuration: new Map(plans.flatMap((p) => [...p.configuration])),
  };
}

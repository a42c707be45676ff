/**
 * The nsbridge CDKTF app: reads domains.yaml (or the file $NSBRIDGE_CONFIG names), validates all
 * of it, then synthesizes one Terraform stack per entry of `stacks:` into cdktf.out.
 *
 * Run through `npx cdktf synth` (cdktf.json's app command, scripts/app.js) or directly with
 * `node scripts/app.js`. Needs no credentials and no terraform/tofu binary: see DomainsStack for
 * where the Terraform version requirement went.
 */
import { App } from 'cdktf';
// Types only: the loader (YAML parser, zod) is required lazily, so that scripts/app.js can run it
// on a worker thread while this module loads cdktf (config/worker.ts).
import type { NsbridgeConfig } from './config/load';
import type { WorkerResult } from './config/worker';
// The YAML app is a consumer of the construct library: its public entry point, plus the
// version-gated fast synthesis that only the app uses (modules/cdktf-internals/).
import { NsbridgeValidationError } from './modules';
import { fastSynthesis, FastSynthesis } from './modules/cdktf-internals/fast-synthesis';

export interface BuildOptions {
  /** @default - $CDKTF_OUTDIR (set by the cdktf CLI), else "cdktf.out" */
  readonly outdir?: string;
  /** @default - dist/nsbridge.js of this package */
  readonly cliBundlePath?: string;
  /** @default - fastSynthesis(process.env) */
  readonly synthesis?: FastSynthesis;
}

/** One stack per entry of the configuration (not synthesized yet). */
export function buildApp(config: NsbridgeConfig, options: BuildOptions = {}): App {
  // stackTraces: false keeps construct stack traces out of the metadata: they are never read by
  // Terraform, and capturing one per resource costs measurable time at 1,000 domains.
  const app = new App({ outdir: options.outdir, stackTraces: false });
  const { Stack } = options.synthesis ?? fastSynthesis(process.env);
  for (const stack of config.stacks) {
    new Stack(app, stack.name, { ...stack.props, cliBundlePath: options.cliBundlePath });
  }
  return app;
}

/**
 * Synthesize a loaded configuration, or report why it could not be loaded. Returns the process
 * exit code: 0 done, 2 invalid configuration (nothing written), 1 anything else.
 */
export function synthesize(result: WorkerResult, env: NodeJS.ProcessEnv = process.env): number {
  if (!result.ok) {
    if ('message' in result) {
      process.stderr.write(`nsbridge: invalid configuration\n${result.message}\n`);
      return 2;
    }
    process.stderr.write(`nsbridge: could not load the configuration\n${result.crash}\n`);
    return 1;
  }
  const synthesis = fastSynthesis(env);
  if (synthesis.warning) process.stderr.write(`nsbridge: warning: ${synthesis.warning}\n`);
  try {
    buildApp(result.config, { synthesis }).synth();
  } catch (err) {
    if (NsbridgeValidationError.is(err)) {
      process.stderr.write(`nsbridge: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return 0;
}

/** Load (on this thread), validate, synthesize: `node dist/main.js`. */
export function main(env: NodeJS.ProcessEnv = process.env): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConfigError, configPath, loadConfig } = require('./config/load') as typeof import('./config/load');
  let result: WorkerResult;
  try {
    result = { ok: true, config: loadConfig(configPath(env)) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    result = { ok: false, message: err.message };
  }
  return synthesize(result, env);
}

if (require.main === module) process.exitCode = main();

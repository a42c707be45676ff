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
import { DomainsStack } from './modules/domains-stack';
import { NsbridgeValidationError } from './modules/errors';

export interface BuildOptions {
  /** @default - $CDKTF_OUTDIR (set by the cdktf CLI), else "cdktf.out" */
  readonly outdir?: string;
  /** @default - dist/nsbridge.js of this package */
  readonly cliBundlePath?: string;
}

/**
 * The stacks the app builds from domains.yaml.
 *
 * cdktf's `prepareStack()` resolves every token of the stack one extra time (a "preparing" pass)
 * only to find references to OTHER stacks and turn them into remote-state lookups. Stacks built
 * from domains.yaml never reference each other (each has its own provider, backend and zones), so
 * that pass is pure cost: about a third of the synth time at 1,000 domains. The other thing it
 * does, adding a default backend, is not needed either: DomainsStack always configures one.
 * The test "app output equals cdktf's standard synthesis" keeps this honest.
 */
export class ConfiguredDomainsStack extends DomainsStack {
  public override prepareStack(): void {
    // Intentionally empty: see above.
  }
}

/** One stack per entry of the configuration (not synthesized yet). */
export function buildApp(config: NsbridgeConfig, options: BuildOptions = {}): App {
  // stackTraces: false keeps construct stack traces out of the metadata: they are never read by
  // Terraform, and capturing one per resource costs measurable time at 1,000 domains.
  const app = new App({ outdir: options.outdir, stackTraces: false });
  for (const stack of config.stacks) {
    new ConfiguredDomainsStack(app, stack.name, { ...stack.props, cliBundlePath: options.cliBundlePath });
  }
  return app;
}

/**
 * cdktf captures a full JavaScript stack trace for every token it creates (each generated resource
 * creates about ten for its attribute references), only to print it if that token later fails to
 * resolve. For 1,000 domains that is ~30,000 captures and most of the construction time. The app
 * turns it off (set NSBRIDGE_SYNTH_TRACES=1 to keep them when debugging a token error); the
 * construct library leaves it alone. `captureStackTrace` is looked up on the module's exports at
 * each call, so replacing the export is enough.
 */
function disableTokenCreationTraces(env: NodeJS.ProcessEnv): void {
  if (env.NSBRIDGE_SYNTH_TRACES === '1') return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];
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
  disableTokenCreationTraces(env);
  try {
    buildApp(result.config).synth();
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

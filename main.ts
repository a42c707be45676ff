/**
 * The nsbridge CDKTF app: reads domains.yaml (or the file $NSBRIDGE_CONFIG names), validates all
 * of it, then synthesizes one Terraform stack per entry of `stacks:` into cdktf.out.
 *
 * Run through `npx cdktf synth` (cdktf.json's app command, scripts/app.js) or directly with
 * `node scripts/app.js`. Needs no credentials and no terraform/tofu binary: see DomainsStack for
 * where the Terraform version requirement went.
 */
import { App, Token } from 'cdktf';
import type { IConstruct } from 'constructs';
// Types only: the loader (YAML parser, zod) is required lazily, so that scripts/app.js can run it
// on a worker thread while this module loads cdktf (config/worker.ts).
import type { NsbridgeConfig } from './config/load';
import type { WorkerResult } from './config/worker';
// The YAML app is a consumer of the construct library: only its public entry point.
import { DomainsStack, NsbridgeValidationError } from './modules';

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

  /**
   * cdktf's standard rendering, with a faster token resolver for the duration of the call (see
   * `resolveFast`). The swap is scoped to this stack's rendering, so other stacks (and the test
   * that compares this output with cdktf's standard synthesis) use cdktf's own resolver.
   */
  public override toTerraform(): any {
    return withFastResolve(() => super.toTerraform());
  }
}

/**
 * Run `render` with cdktf's internal `resolve(scope, obj)` (lib/_tokens, which TerraformStack
 * calls for every element and for the merged tree) replaced by `resolveFast`. cdktf reads that
 * export at each call, so replacing it is enough; it is put back before returning.
 */
export function withFastResolve<T>(render: () => T): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tokens = require('cdktf/lib/_tokens') as { resolve: ResolveFn };
  const original = tokens.resolve;
  const strings = new Map<string, unknown>(); // per rendering: see resolveFast
  tokens.resolve = (scope, obj, preparing = false) => (preparing ? original(scope, obj, true) : resolveFast(scope, obj, original, strings));
  try {
    return render();
  } finally {
    tokens.resolve = original;
  }
}

type ResolveFn = (scope: IConstruct, obj: unknown, preparing?: boolean) => any;

/** cdktf's test for strings that may hold encoded number tokens (lib/tokens/private/encoding.ts). */
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;

/**
 * The same result as cdktf's `resolve(scope, obj)`, much faster on what a stack mostly is: plain
 * JSON without tokens. cdktf's resolver builds a context object and a path array for every value
 * of the tree, and the stack renders every element and then the whole merged tree again: at
 * 1,000 domains that was over half of the synth. Here, plain objects, arrays, booleans and strings
 * and numbers that cannot hold a token are copied as they are (undefined entries dropped, as cdktf
 * does); anything that can (a token marker, a number cdktf may have encoded, an object that is
 * not a plain object, a map-token key) is handed to cdktf's resolver, whole. What cdktf would
 * reject (the map-token placeholder values) goes to cdktf too, so it is rejected the same way.
 * "the app output is identical to cdktf's standard synthesis" (main.test.ts) keeps this honest.
 */
function resolveFast(scope: IConstruct, obj: unknown, original: ResolveFn, strings: Map<string, unknown>): any {
  const walk = (x: unknown): unknown => {
    switch (typeof x) {
      case 'undefined':
        return undefined;
      case 'boolean':
        return x;
      case 'string': {
        if (!(x.includes('TfToken[') || NUMBER_TOKEN.test(x) || x === Token.STRING_MAP_TOKEN_VALUE || x === Token.ANY_MAP_TOKEN_VALUE)) return x;
        // The same token string recurs (a zone's id in each of its records, a provider in each data
        // source): resolved from the top with no context, it resolves the same way every time.
        if (strings.has(x)) return strings.get(x);
        const resolved = original(scope, x);
        strings.set(x, resolved);
        return resolved;
      }
      case 'number':
        return x === Token.NUMBER_MAP_TOKEN_VALUE || Token.isUnresolved(x) ? original(scope, x) : x;
      case 'object': {
        if (x === null) return null;
        if (Array.isArray(x)) {
          // List tokens are resolved at the list level: hand the whole list over.
          if (x.some((e) => (typeof e === 'string' && e.includes('TfToken[')) || (typeof e === 'number' && Token.isUnresolved(e)))) {
            return original(scope, x);
          }
          const out: unknown[] = [];
          for (const e of x) {
            const r = walk(e);
            if (r !== undefined) out.push(r);
          }
          return out;
        }
        const proto = Object.getPrototypeOf(x);
        if ((proto !== Object.prototype && proto !== null) || typeof (x as { resolve?: unknown }).resolve === 'function') {
          return original(scope, x); // a token (IResolvable), a Lazy, or anything else cdktf knows how to treat
        }
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(x)) {
          if (key.includes('TfToken[')) return original(scope, x);
          const r = walk((x as Record<string, unknown>)[key]);
          if (r !== undefined) out[key] = r;
        }
        return out;
      }
      default:
        return original(scope, x); // functions: cdktf's error
    }
  };
  return walk(obj);
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

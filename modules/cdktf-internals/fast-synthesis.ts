/**
 * Every place nsbridge reaches into cdktf's internals, and nowhere else. Each makes synthesis of
 * many domains much faster (about 2.7x less CPU at 1,000 domains, see docs/performance.md
 * figures) and is checked against cdktf's standard synthesis by the tests, but internals change
 * without notice (CDK Terrain, the maintained fork, has already changed some), so all of them are
 * gated on the cdktf version they were verified with. Any other version gets cdktf's standard
 * synthesis and one warning: slower, never wrong.
 *
 * The one entry point for the app is `fastSynthesis()`. version-checks.ts serves the constructs
 * under the same gate (gate.ts).
 */
import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { DomainsStack } from '../domains-stack';
import { cdktfVersion, fastPathsVerified } from './gate';

export interface FastSynthesis {
  /** The stack class to build the app's stacks with. */
  readonly Stack: typeof DomainsStack;
  /** Whether the fast paths are on. */
  readonly fast: boolean;
  /** Why they are off, when the user did not turn them off. */
  readonly warning?: string;
}

/**
 * The app's synthesis: fast where verified (NSBRIDGE_FAST_SYNTH=0 turns it off), cdktf's standard
 * synthesis otherwise. Call once, before any construct is created.
 */
export function fastSynthesis(env: NodeJS.ProcessEnv = process.env, version = cdktfVersion()): FastSynthesis {
  if (env.NSBRIDGE_FAST_SYNTH === '0') return { Stack: DomainsStack, fast: false };
  const verified = fastPathsVerified(version);
  if (!verified.ok) {
    return { Stack: DomainsStack, fast: false, warning: `${verified.reason}: using cdktf's standard synthesis (correct, slower); set NSBRIDGE_FAST_SYNTH=0 to silence this` };
  }
  if (env.NSBRIDGE_SYNTH_TRACES !== '1') disableTokenCreationTraces();
  return { Stack: FastDomainsStack, fast: true };
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
class FastDomainsStack extends DomainsStack {
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

/**
 * cdktf captures a full JavaScript stack trace for every token it creates (each generated resource
 * creates about ten for its attribute references), only to print it if that token later fails to
 * resolve. For 1,000 domains that is ~30,000 captures and most of the construction time. The app
 * turns it off (set NSBRIDGE_SYNTH_TRACES=1 to keep them when debugging a token error); the
 * construct library leaves it alone. `captureStackTrace` is looked up on the module's exports at
 * each call, so replacing the export is enough.
 */
function disableTokenCreationTraces(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];
}

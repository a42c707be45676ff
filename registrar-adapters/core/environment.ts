/**
 * Reading credentials, settings and endpoints from the environment, the only place they come from.
 */
import type { AdapterContext, RegistrarClient, RegistrarInfo } from './types';
import { MissingCredentialsError, UsageError } from '../../core/errors';
import { quoteInput } from '../../core/quote';

/**
 * The registrar's credentials from env. Throws MissingCredentialsError naming every missing
 * variable (before anything is sent). Optional credentials fall back to `defaultFrom`.
 */
export function readCredentials(info: RegistrarInfo, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const spec of info.credentials) {
    const value = env[spec.env];
    if (value !== undefined && value.trim() !== '') out[spec.env] = value.trim();
    else if (spec.defaultFrom && env[spec.defaultFrom]?.trim()) out[spec.env] = env[spec.defaultFrom]!.trim();
    else if (!spec.optional) missing.push(spec.env);
  }
  if (missing.length > 0) throw new MissingCredentialsError(info.id, missing);
  return out;
}

/**
 * How an adapter's `createClient` starts (`createClient: withCredentials(info, (ctx, creds) => ...)`):
 * the credentials are read first, so a missing one is refused (exit 2, naming the variable) before
 * the adapter can build anything or send a request.
 */
export function withCredentials(
  info: RegistrarInfo,
  createClient: (ctx: AdapterContext, credentials: Readonly<Record<string, string>>) => RegistrarClient,
): (ctx: AdapterContext) => RegistrarClient {
  return (ctx) => createClient(ctx, readCredentials(info, ctx.env));
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

/** A boolean setting from env (`1/true/yes/on`, `0/false/no/off`); anything else is a usage error. */
export function readBooleanSetting(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined) return false;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new UsageError(`${name}=${quoteInput(raw)} is not a boolean; use 1/true or 0/false`);
}

/**
 * Base URL: NSBRIDGE_<ID>_ENDPOINT (sandboxes, proxies, tests) wins, then the sandbox when
 * NSBRIDGE_<ID>_SANDBOX is on, then production. A trailing slash is removed.
 */
export function resolveEndpoint(info: RegistrarInfo, env: NodeJS.ProcessEnv): string {
  const sandboxName = `NSBRIDGE_${info.id.toUpperCase()}_SANDBOX`;
  // Read (and so validate) the sandbox flag even when an override wins.
  const sandbox = readBooleanSetting(env, sandboxName);
  const overrideName = `NSBRIDGE_${info.id.toUpperCase()}_ENDPOINT`;
  const override = env[overrideName]?.trim();
  if (override) {
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      throw new UsageError(`${overrideName}=${quoteInput(override)} is not a URL (e.g. http://127.0.0.1:8101)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`${overrideName}=${quoteInput(override)} must be an http:// or https:// URL`);
    }
    return override.replace(/\/+$/, '');
  }
  if (sandbox) {
    if (!info.sandboxEndpoint) throw new UsageError(`${sandboxName} is set but ${info.name} has no sandbox`);
    return info.sandboxEndpoint;
  }
  if (!info.productionEndpoint) throw new UsageError(`${info.name} has no API endpoint`);
  return info.productionEndpoint;
}

/**
 * Registrar ids and their non-secret settings, checked against the registrar catalog
 * (registrar-adapters/catalog.ts, pure data). Shared by the `RegistrarDelegation` construct and the
 * YAML loader. No cdktf import.
 *
 * Settings travel to the CLI as environment variables of the provisioner (the catalog names one
 * variable per setting); credentials never do: they are inherited from the environment of the
 * process that runs Terraform, so they never reach the configuration, the plan or the state.
 */
import { REGISTRAR_IDS, REGISTRARS, isRegistrarId } from '../registrar-adapters/catalog';
import type { RegistrarId, SettingSpec } from '../registrar-adapters/core/types';
import * as E from './errors';
import type { Problem } from './record-values';

export type { RegistrarId };
export { REGISTRAR_IDS, isRegistrarId };

/** Non-secret registrar settings, keyed as in the catalog (`sandbox`, `shopperId`, ...). */
export type RegistrarSettings = Readonly<Record<string, string | boolean>>;

/**
 * Problems with a registrar id: unknown, or a registrar that cannot point a domain elsewhere
 * (Cloudflare Registrar only accepts Cloudflare's own name servers). `manual` is fine: a person
 * makes the change and the CLI waits for it.
 */
export function checkRegistrarId(id: unknown): string[] {
  if (!isRegistrarId(id)) return [E.unknownRegistrar(id, REGISTRAR_IDS)];
  const caps = REGISTRARS[id].capabilities;
  if (id !== 'manual' && !caps.setNameServers.supported) {
    return [E.registrarCannotDelegate(id, caps.setNameServers.reason)];
  }
  return [];
}

const normalise = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const CREDENTIAL_WORDS = /(secret|token|password|passwd|apikey|accesskey|privatekey|credential)/;

/** Problems with `settings` for registrar `id` (paths are the setting keys). */
export function checkRegistrarSettings(id: RegistrarId, settings: Readonly<Record<string, unknown>>): Problem[] {
  const info = REGISTRARS[id];
  const specs = new Map(info.settings.map((s) => [s.key, s]));
  const credentialVars = info.credentials.filter((c) => !c.public).map((c) => c.env);
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(settings)) {
    const spec = specs.get(key);
    if (!spec) {
      // A credential pasted into the file is worse than a typo: say where it must go instead.
      const k = normalise(key);
      const looksSecret = CREDENTIAL_WORDS.test(k) || info.credentials.some((c) => normalise(c.env).endsWith(k) && k.length >= 3);
      problems.push({
        path: [key],
        message: looksSecret ? E.credentialInSettings(id, key, credentialVars) : E.unknownRegistrarSetting(id, key, [...specs.keys()]),
      });
      continue;
    }
    if (typeof value !== spec.type) problems.push({ path: [key], message: E.registrarSettingType(id, key, spec.type, value) });
  }
  return problems;
}

/** Booleans go to the CLI as 1/0, the form its environment parsing documents (NSBRIDGE_GODADDY_SANDBOX=1). */
export function settingValueForEnv(value: string | boolean): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : value;
}

/** The catalog entry of each given setting, in a stable (sorted) order. */
export function settingSpecs(id: RegistrarId, settings: RegistrarSettings): { spec: SettingSpec; value: string | boolean }[] {
  const byKey = new Map(REGISTRARS[id].settings.map((s) => [s.key, s]));
  return Object.keys(settings)
    .sort()
    .map((key) => ({ spec: byKey.get(key)!, value: settings[key]! }))
    .filter((e) => e.spec !== undefined);
}

/**
 * A registrar's facts are data: registrar-adapters/<id>/info.json (endpoints, credential
 * variables, settings, capabilities with reasons, rate limit, quirks; the shape is
 * info-schema.ts). This turns one file into the `RegistrarInfo` the rest of nsbridge reads.
 * The file names the standard settings by their descriptions only, so their keys and variables
 * follow one rule: NSBRIDGE_<ID>_SANDBOX, NSBRIDGE_<ID>_OPERATION_TIMEOUT, NSBRIDGE_<ID>_POLL_INTERVAL.
 */
import type { RegistrarFacts } from './info-schema';
import { settingEnv, type RegistrarId, type RegistrarInfo, type SettingSpec } from './types';

/**
 * `facts` is the parsed info.json. It is not checked here (the library carries no zod): the
 * tests check every file against the schema, naming the file and field that do not fit.
 */
export function loadRegistrarInfo(facts: object): RegistrarInfo {
  const file = facts as RegistrarFacts;
  // Spread first, then replace: `settings` keeps its place among the keys (`nsbridge registrars --json`).
  return { ...file, settings: settingSpecs(file.id, file.settings) };
}

function settingSpecs(id: RegistrarId, settings: RegistrarFacts['settings']): SettingSpec[] {
  const specs: SettingSpec[] = [];
  if (settings.sandbox) {
    // The adapter talks to `sandboxEndpoint` when it is on.
    specs.push({ key: 'sandbox', env: settingEnv(id, 'SANDBOX'), type: 'boolean', description: settings.sandbox });
  }
  specs.push(...(settings.own ?? []));
  if (settings.operation) {
    // Read by `pollSettings` in operation-poll.ts: how long to wait for a change, and how long between looks.
    specs.push(
      { key: 'operationTimeout', env: settingEnv(id, 'OPERATION_TIMEOUT'), type: 'string', description: settings.operation.timeout },
      { key: 'pollInterval', env: settingEnv(id, 'POLL_INTERVAL'), type: 'string', description: settings.operation.pollInterval },
    );
  }
  return specs;
}

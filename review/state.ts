/**
 * Terraform state, read-only, for `nsbridge plan`: the zones' real name servers, what each bridge
 * last set, and which retired domains still wait for their release.
 *
 * Two ways, cheapest first:
 *  - a local backend: the state file itself (JSON, format version 4), no engine needed;
 *  - any other backend (S3): `<engine> show -json` in the stack's working directory, which needs
 *    the directory initialised (`cdktf diff` or `cdktf deploy` does that), and the backend's
 *    credentials. The engine is $NSBRIDGE_TERRAFORM_BINARY, else cdktf's $TERRAFORM_BINARY_NAME,
 *    else terraform.
 * When neither works the report says so, and zones count as not yet created.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Resource values by address (root module only: nsbridge stacks have no modules). */
export type StateValues = ReadonlyMap<string, Record<string, any>>;

export type StateReading = { ok: true; values: StateValues; source: string } | { ok: false; reason: string };

interface RawStateV4 {
  version: number;
  resources?: { mode: string; type: string; name: string; module?: string; instances: { index_key?: unknown; attributes: Record<string, any> }[] }[];
}

/**
 * A dynamically typed attribute (terraform_data's `input`, `output`, `triggers_replace`) is stored
 * in the state file as { value, type }; `show -json` prints the value alone. Same shape for both.
 */
function unwrapDynamic(attributes: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(attributes)) {
    const dynamic = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 2 && 'value' in v && 'type' in v;
    out[k] = dynamic ? v.value : v;
  }
  return out;
}

function fromRawState(raw: RawStateV4): Map<string, Record<string, any>> {
  const values = new Map<string, Record<string, any>>();
  for (const r of raw.resources ?? []) {
    if (r.mode !== 'managed' || r.module) continue;
    for (const i of r.instances) {
      const attributes = r.type === 'terraform_data' ? unwrapDynamic(i.attributes) : i.attributes;
      values.set(`${r.type}.${r.name}${i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`}`, attributes);
    }
  }
  return values;
}

export function engineBinary(env: NodeJS.ProcessEnv): string {
  return env.NSBRIDGE_TERRAFORM_BINARY || env.TERRAFORM_BINARY_NAME || 'terraform';
}

export function readState(
  stackDir: string,
  backend: { type: string; config: Record<string, unknown> } | undefined,
  env: NodeJS.ProcessEnv,
): StateReading {
  if (!backend || backend.type === 'local') {
    const file = path.resolve(stackDir, String(backend?.config.path ?? 'terraform.tfstate'));
    if (!fs.existsSync(file)) return { ok: true, values: new Map(), source: `${file} (not created yet: nothing deployed)` };
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawStateV4;
    if (raw.version !== 4) return { ok: false, reason: `${file}: state format version ${raw.version}, expected 4` };
    return { ok: true, values: fromRawState(raw), source: file };
  }
  if (!fs.existsSync(path.join(stackDir, '.terraform'))) {
    return { ok: false, reason: `${backend.type} state not read: ${stackDir} is not initialised (run \`npx cdktf diff\` first)` };
  }
  const engine = engineBinary(env);
  const r = spawnSync(engine, ['show', '-json', '-no-color'], { cwd: stackDir, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
    return { ok: false, reason: `${backend.type} state not read: \`${engine} show -json\` failed: ${why}` };
  }
  const shown = JSON.parse(r.stdout || '{}') as { values?: { root_module?: { resources?: { address: string; mode: string; values: Record<string, any> }[] } } };
  const values = new Map<string, Record<string, any>>();
  for (const res of shown.values?.root_module?.resources ?? []) if (res.mode === 'managed') values.set(res.address, res.values);
  return { ok: true, values, source: `${engine} show -json (${backend.type} backend)` };
}

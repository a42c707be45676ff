/**
 * A saved Terraform/OpenTofu plan, as `<engine> show -json <planfile>` prints it, read and checked
 * before anything is rendered from it. The format is documented at
 * https://developer.hashicorp.com/terraform/internals/json-format and
 * https://opentofu.org/docs/internals/json-format/ (the same for both engines, format 1.x).
 *
 * Bad input is a UsageError (exit 2) that names the file and says what to do: not JSON, not a plan
 * (a state file, another JSON), a truncated plan, a format newer than this reader (major > 1), a
 * plan that failed (errored), or a binary plan file the engine cannot read (made by a newer engine,
 * corrupt, or for another configuration).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../core/errors';

/** The actions of one change, as the JSON lists them. */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete';

export interface ResourceChange {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: PlanAction[];
    readonly before: Record<string, any> | null;
    readonly after: Record<string, any> | null;
    readonly after_unknown?: Record<string, any> | boolean;
    readonly replace_paths?: unknown[];
  };
  /** e.g. "replace_because_cannot_update", "replace_by_request", "replace_by_triggers". */
  readonly action_reason?: string;
}

export interface ConfigResource {
  readonly address: string;
  readonly expressions?: Record<string, { references?: string[]; constant_value?: unknown }>;
}

export interface SavedPlan {
  readonly formatVersion: string;
  /** The engine version that made it (`terraform_version`: OpenTofu writes its own version there too). */
  readonly engineVersion?: string;
  readonly resourceChanges: ResourceChange[];
  /** Root-module resource blocks of the configuration, by address (no instance keys). */
  readonly configuration: ReadonlyMap<string, ConfigResource>;
}

/** The highest plan JSON major version this reader understands. */
export const SUPPORTED_FORMAT_MAJOR = 1;

/** The engine `show -json` runs with: the same choice as review/state.ts. */
export const engineBinary = (env: NodeJS.ProcessEnv): string => env.NSBRIDGE_TERRAFORM_BINARY || env.TERRAFORM_BINARY_NAME || 'terraform';

/**
 * Reads `file`: plan JSON as is, or a binary plan file (a zip) through `<engine> show -json` in
 * `workDir` (the stack directory the plan was made in, which holds the providers it needs).
 */
export function readSavedPlan(file: string, opts: { env: NodeJS.ProcessEnv; workDir?: string }): SavedPlan {
  if (!fs.existsSync(file)) throw new UsageError(`--plan: ${file} not found`);
  const bytes = fs.readFileSync(file);
  if (bytes.length === 0) throw new UsageError(`--plan: ${file} is empty: make it again with \`tofu plan -out=plan.tfplan\` and \`tofu show -json plan.tfplan\``);
  let text: string;
  if (bytes.subarray(0, 2).toString('latin1') === 'PK') text = showJson(file, opts);
  else text = bytes.toString('utf8');
  return parsePlanJson(text, file);
}

function showJson(file: string, opts: { env: NodeJS.ProcessEnv; workDir?: string }): string {
  const engine = engineBinary(opts.env);
  const cwd = opts.workDir ?? path.dirname(path.resolve(file));
  const r = spawnSync(engine, ['show', '-json', '-no-color', path.resolve(file)], { cwd, env: opts.env, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new UsageError(`--plan: cannot run \`${engine} show -json\` for ${file}: ${r.error.message} (set NSBRIDGE_TERRAFORM_BINARY, or give the JSON from \`tofu show -json\`)`);
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout).replace(/[╷│╵]/g, '').replace(/\s+/g, ' ').trim();
    throw new UsageError(`--plan: ${engine} cannot read the plan file ${file} in ${cwd}: ${why} (a plan file is read by the engine version that made it, in its stack directory after init; otherwise plan again)`);
  }
  return r.stdout;
}

/** Parses and checks plan JSON; `name` is what messages call it. */
export function parsePlanJson(text: string, name: string): SavedPlan {
  let doc: Record<string, any>;
  try {
    doc = JSON.parse(text) as Record<string, any>;
  } catch (err) {
    // Node names the position of the failure; at the very end of the text, the text was cut off.
    const at = /position (\d+)/.exec((err as Error).message);
    const truncated = /Unexpected end|unterminated|end of JSON/i.test((err as Error).message) || (at !== null && Number(at[1]) >= text.trimEnd().length);
    throw new UsageError(
      `--plan: ${name} is not plan JSON (${truncated ? 'it ends in the middle: truncated' : (err as Error).message}): give the output of \`tofu show -json <planfile>\` or the plan file itself`,
    );
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`--plan: ${name} is not plan JSON (not an object)`);
  const format = typeof doc.format_version === 'string' ? doc.format_version : undefined;
  if (!format) throw new UsageError(`--plan: ${name} has no format_version: not the output of \`show -json\``);
  const major = Number(format.split('.')[0]);
  if (!Number.isInteger(major) || major > SUPPORTED_FORMAT_MAJOR) {
    throw new UsageError(`--plan: ${name} is plan JSON format ${format}, made by a newer engine than this nsbridge reads (format ${SUPPORTED_FORMAT_MAJOR}.x): upgrade nsbridge, or plan with the engine version the pipeline pins`);
  }
  if (!('planned_values' in doc) && !('resource_changes' in doc)) {
    throw new UsageError(`--plan: ${name} is not a plan (no planned_values or resource_changes${'values' in doc ? ': it looks like state' : ''}): give \`show -json\` of a plan file`);
  }
  if (doc.errored === true) throw new UsageError(`--plan: ${name} is a plan that failed (errored): fix the plan's errors and plan again`);
  if (doc.resource_changes !== undefined && !Array.isArray(doc.resource_changes)) throw new UsageError(`--plan: ${name}: resource_changes is not a list`);
  const resourceChanges = ((doc.resource_changes ?? []) as ResourceChange[]).filter((c) => {
    if (!c || typeof c.address !== 'string' || !c.change || !Array.isArray(c.change.actions)) {
      throw new UsageError(`--plan: ${name}: a resource change without address or actions: the file is damaged; make it again`);
    }
    return true;
  });
  const configuration = new Map<string, ConfigResource>();
  for (const r of (doc.configuration?.root_module?.resources ?? []) as ConfigResource[]) configuration.set(r.address, r);
  const engineVersion = typeof doc.terraform_version === 'string' ? doc.terraform_version : undefined;
  return { formatVersion: format, engineVersion, resourceChanges, configuration };
}

/**
 * A plan made from another configuration than the synthesized stack: some resource the plan
 * changes has no block in the stack. `stackResources` are the stack's addresses (type.name).
 */
export function checkPlanMatchesStack(plan: SavedPlan, stackResources: ReadonlySet<string>, planName: string, stack: string): void {
  const strays = plan.resourceChanges
    .filter((c) => !c.change.actions.every((a) => a === 'no-op'))
    .map((c) => blockAddress(c.address))
    .filter((a) => !stackResources.has(a) && !a.startsWith('data.'));
  // Deleted blocks are legitimately absent from the configuration; a plan of another configuration
  // also has creates and updates that the stack does not know.
  const created = plan.resourceChanges
    .filter((c) => c.change.actions.includes('create') || c.change.actions.includes('update'))
    .map((c) => blockAddress(c.address))
    .filter((a) => !stackResources.has(a) && !a.startsWith('data.'));
  if (created.length > 0 && strays.length > 0) {
    throw new UsageError(
      `--plan: ${planName} was made from another configuration than stack ${stack}: ${created.length} resource(s) it creates or updates are not in the stack (e.g. ${created[0]}): plan again from this stack's directory`,
    );
  }
}

/** `aws_route53_record.x["a"]` -> `aws_route53_record.x` (instance keys dropped; root module only). */
export const blockAddress = (address: string): string => address.replace(/\[[^\]]*\]$/, '');

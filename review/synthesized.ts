/**
 * The delegations of a synthesized app, read from cdktf.out: what `nsbridge plan` compares with
 * the registrars. Reading the synthesized JSON (not domains.yaml) means the report covers exactly
 * what Terraform will apply, whatever built the stacks (domains.yaml, or a TypeScript app using
 * the constructs).
 *
 * A delegation is recognised by its bridge: a `terraform_data` whose `triggers_replace` holds
 * `domain`, `registrar` and `name_servers` (modules/registrar-delegation.ts). Retired domains are
 * recognised by their release guard with `count = 0`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalNameServers } from '../core/names';
import { isRegistrarId } from '../registrar-adapters/catalog';
import type { RegistrarId } from '../registrar-adapters/core/types';
import { UsageError } from '../core/errors';

export interface SynthesizedDelegation {
  readonly stack: string;
  /** Absolute path of the stack's working directory (cdktf.out/stacks/<name>). */
  readonly stackDir: string;
  /** Terraform address of the bridge, e.g. terraform_data.examplecom_delegation_bridge_12EF70AF. */
  readonly address: string;
  readonly domain: string;
  readonly registrar: RegistrarId;
  /** Non-secret settings by environment variable (what the bridge's provisioner gets). */
  readonly settings: Record<string, string>;
  /** Literal name servers (canonical), when the configuration gives them. */
  readonly nameServers?: string[];
  /** The Route 53 zone whose name servers are delegated to, when they come from one. */
  readonly zoneAddress?: string;
  /** The expression, when the name servers are neither literal nor a zone's. */
  readonly expression?: string;
  /** Where plans read the current delegation (the plan-time read's `source`; "registrar" before it existed). */
  readonly source: 'dns' | 'registrar';
  /** Whether a deploy repairs drift (the bridge has the `repair` trigger). */
  readonly repairDrift: boolean;
}

export interface RetiredRelease {
  readonly stack: string;
  readonly stackDir: string;
  /** Address of the release guard (count = 0 in configuration; an instance in state until released). */
  readonly address: string;
}

export interface SynthesizedApp {
  readonly delegations: SynthesizedDelegation[];
  readonly retired: RetiredRelease[];
  /** Backend of each stack, by stack name, as written in cdk.tf.json. */
  readonly backends: Record<string, { type: string; config: Record<string, unknown> }>;
}

const ZONE_REF = /aws_route53_zone\.([A-Za-z0-9_-]+)\.name_servers/;

interface Manifest {
  stacks: Record<string, { name: string; synthesizedStackPath: string; workingDirectory: string }>;
}

export function readSynthesized(outdir: string, onlyStacks: readonly string[] = []): SynthesizedApp {
  const manifestPath = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new UsageError(`${manifestPath} not found: run \`npx cdktf synth\` first, or give --config to synthesize here`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
  const unknown = onlyStacks.filter((s) => !manifest.stacks[s]);
  if (unknown.length > 0) throw new UsageError(`unknown stack ${unknown.join(', ')}; stacks: ${Object.keys(manifest.stacks).join(', ')}`);

  const delegations: SynthesizedDelegation[] = [];
  const retired: RetiredRelease[] = [];
  const backends: SynthesizedApp['backends'] = {};
  for (const stack of Object.values(manifest.stacks)) {
    if (onlyStacks.length > 0 && !onlyStacks.includes(stack.name)) continue;
    const stackDir = path.resolve(outdir, stack.workingDirectory);
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8')) as Record<string, any>;
    const backend = Object.entries<Record<string, unknown>>(tf.terraform?.backend ?? {})[0];
    if (backend) backends[stack.name] = { type: backend[0], config: backend[1] };
    // The stack's plan-time reads (modules/delegation-reads.ts): each lists the domains it answers for.
    const dnsDomains = new Set<string>();
    for (const read of Object.values<Record<string, any>>(tf.data?.external ?? {})) {
      if (read.query?.source === 'dns' && typeof read.query.domains === 'string') for (const d of read.query.domains.split(',')) dnsDomains.add(d);
    }
    const sourceOf = (domain: string): 'dns' | 'registrar' => (dnsDomains.has(domain) ? 'dns' : 'registrar');
    for (const [id, r] of Object.entries<Record<string, any>>(tf.resource?.terraform_data ?? {})) {
      const t = r.triggers_replace;
      if (r.count === 0 && /_release_[0-9A-F]{8}$/.test(id)) {
        retired.push({ stack: stack.name, stackDir, address: `terraform_data.${id}` });
        continue;
      }
      if (!t || typeof t.domain !== 'string' || typeof t.registrar !== 'string' || t.name_servers === undefined) continue;
      if (!isRegistrarId(t.registrar)) continue;
      const base = {
        stack: stack.name,
        stackDir,
        address: `terraform_data.${id}`,
        domain: t.domain,
        registrar: t.registrar,
        settings: (t.settings ?? {}) as Record<string, string>,
        source: sourceOf(t.domain),
        repairDrift: typeof t.repair === 'string',
      };
      if (Array.isArray(t.name_servers)) delegations.push({ ...base, nameServers: canonicalNameServers(t.name_servers) });
      else {
        const zone = ZONE_REF.exec(String(t.name_servers));
        delegations.push(zone ? { ...base, zoneAddress: `aws_route53_zone.${zone[1]}` } : { ...base, expression: String(t.name_servers) });
      }
    }
  }
  return { delegations, retired, backends };
}

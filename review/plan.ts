/**
 * `nsbridge plan`: for every delegation of the synthesized app, what the registrar holds now (or,
 * with `delegationSource: dns`, what the parent zone publishes: no registrar request), what
 * the stacks want, and what a deploy will do about it. Registrars are only read (`getNameServers`)
 * and state is only read (review/state.ts); the one file written is the shared rate limiter's
 * window (registrar-adapters/core/rate-limit.ts), which paces those reads.
 *
 * Actions:
 *   none     the registrar already delegates to the desired name servers
 *   set      a deploy will set them (new domain, new zone, or a configuration change)
 *   drift    the state says nsbridge set the desired name servers, but the registrar now holds
 *            others (changed by hand): the next deploy sets them again (the plan replaces the
 *            bridge), unless the domain has `repairDrift: false`; the repair command also does
 *   release  a retired domain whose destroy policy runs at the next deploy
 *   blocked  the registrar could not be read (the reason says what to do)
 */
import { canonicalNameServers, sameNameServers } from '../core/names';
import { REGISTRARS } from '../registrar-adapters/catalog';
import type { RegistrarId } from '../registrar-adapters/core/types';
import { repairCommand } from './drift';
import { CurrentDelegation, delegationReader, mapLimited, ReadOptions } from './current-delegation';
import { readState, StateReading } from './state';
import type { SynthesizedApp, SynthesizedDelegation } from './synthesized';

export type Action = 'none' | 'set' | 'drift' | 'release' | 'blocked';

export interface PlanRow {
  readonly stack: string;
  readonly domain: string;
  readonly registrar: RegistrarId | string;
  readonly registrarName: string;
  /** What the registrar holds now; undefined when it could not be read (blocked) or was not read (release). */
  readonly current?: string[];
  /** What the stacks want; undefined when it is a new zone's (known after apply). */
  readonly desired?: string[];
  /** Where `desired` comes from, in words. */
  readonly desiredFrom: string;
  readonly action: Action;
  readonly reason: string;
  /** For drift: the one command that puts it right. */
  readonly fix?: string;
}

export interface PlanReport {
  readonly rows: PlanRow[];
  /** Stacks whose state could not be read, with why (their zones count as new). */
  readonly stateProblems: { stack: string; reason: string }[];
}

export interface PlanOptions extends ReadOptions {
  /** Registrar reads in flight at once (the shared rate limiter paces each registrar). */
  readonly concurrency?: number;
}

interface Desired {
  nameServers?: string[];
  from: string;
  /** What the bridge in state last set (undefined: never applied). */
  applied?: string[];
}

function desiredOf(d: SynthesizedDelegation, state: StateReading): Desired {
  const bridge = state.ok ? state.values.get(d.address) : undefined;
  const appliedRaw = bridge?.triggers_replace?.name_servers;
  const applied = Array.isArray(appliedRaw) ? canonicalNameServers(appliedRaw) : undefined;
  if (d.nameServers) return { nameServers: d.nameServers, from: 'configuration', applied };
  if (d.zoneAddress) {
    const zone = state.ok ? state.values.get(d.zoneAddress) : undefined;
    const ns = zone?.name_servers;
    if (Array.isArray(ns) && ns.length > 0) return { nameServers: canonicalNameServers(ns), from: `zone ${zone!.name ?? d.domain} (${zone!.zone_id ?? d.zoneAddress})`, applied };
    return { from: `new zone ${d.domain}: its name servers are known after apply`, applied };
  }
  return { from: `${d.expression} (not known before apply)`, applied };
}

async function rowFor(d: SynthesizedDelegation, state: StateReading, read: (d: SynthesizedDelegation) => Promise<CurrentDelegation>): Promise<PlanRow> {
  const desired = desiredOf(d, state);
  const base = { stack: d.stack, domain: d.domain, registrar: d.registrar, registrarName: REGISTRARS[d.registrar].name, desired: desired.nameServers, desiredFrom: desired.from };
  const answer = await read(d);
  if (!answer.ok) return { ...base, action: 'blocked', reason: answer.reason };
  const current = answer.nameServers;
  if (!desired.nameServers) return { ...base, current, action: 'set', reason: desired.from };
  if (sameNameServers(current, desired.nameServers)) return { ...base, current, action: 'none', reason: 'the registrar delegates to the desired name servers' };
  if (desired.applied && sameNameServers(desired.applied, desired.nameServers)) {
    return {
      ...base,
      current,
      action: 'drift',
      reason: d.repairDrift
        ? 'nsbridge set these name servers, and they were changed at the registrar since: the next deploy sets them again (repairDrift)'
        : 'nsbridge set these name servers, and they were changed at the registrar since: a deploy will not change them back (repairDrift: false)',
      fix: repairCommand(d.registrar, d.domain, desired.nameServers, d.settings),
    };
  }
  const why = desired.applied ? 'the desired name servers changed' : 'not delegated by nsbridge yet';
  return { ...base, current, action: 'set', reason: `${why}: the next deploy sets them` };
}

export async function planReport(app: SynthesizedApp, opts: PlanOptions): Promise<PlanReport> {
  const states = new Map<string, StateReading>();
  const stateOf = (stack: string, stackDir: string): StateReading => {
    let s = states.get(stack);
    if (!s) {
      s = readState(stackDir, app.backends[stack], opts.env);
      if (s.ok) opts.debug(`state of ${stack}: ${s.source}`);
      states.set(stack, s);
    }
    return s;
  };
  const read = delegationReader(opts);
  const rows = await mapLimited(app.delegations, opts.concurrency ?? 4, (d) => rowFor(d, stateOf(d.stack, d.stackDir), read));

  for (const r of app.retired) {
    const guard = stateOf(r.stack, r.stackDir);
    const input = guard.ok ? (guard.values.get(r.address)?.input as Record<string, any> | undefined) : undefined;
    if (!input) continue; // released already (or never deployed): nothing left to do
    const registrar = String(input.registrar);
    rows.push({
      stack: r.stack,
      domain: String(input.domain),
      registrar,
      registrarName: (REGISTRARS as Record<string, { name: string }>)[registrar]?.name ?? registrar,
      desired: input.policy === 'restore' && input.previous ? canonicalNameServers(String(input.previous).split(',')) : undefined,
      desiredFrom: `destroy policy "${input.policy}"`,
      action: 'release',
      reason: `retired: the next deploy runs its destroy policy "${input.policy}", then deletes its zone`,
    });
  }
  rows.sort((a, b) => a.stack.localeCompare(b.stack) || a.domain.localeCompare(b.domain));
  const stateProblems = [...states.entries()].flatMap(([stack, s]) => (s.ok ? [] : [{ stack, reason: s.reason }]));
  return { rows, stateProblems };
}

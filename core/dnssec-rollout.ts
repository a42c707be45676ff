/**
 * The DNSSEC roll-out rules: enable, double-DS key roll and disable, as a state machine whose state
 * (a `RolloutRecord`) is kept between deploys, the way BIND's dnssec-policy, Knot DNS and
 * OpenDNSSEC run rollovers: each step happens when its precondition holds, and no step waits
 * longer than its limit: when a precondition is not met yet, the step returns the record with what
 * is pending and the earliest moment it can be safe, and a later run continues.
 *
 * Phases (RFC 7583 3.3.2, double-DS; RFC 6781 4.1.2 for turning DNSSEC off):
 *   steady      the registrar holds `target`; nothing to do (drift is put back)
 *   introduce   every name server must serve the DNSKEY of each new key; then the registrar gets
 *               target + retiring (adds only: the old DS stays next to the new one)
 *   await-new   every parent server must serve each new DS; then, if a key retires, the earliest
 *               removal is that moment + the DS TTL (and the new DNSKEY's TTL since it was seen),
 *               so no resolver can still hold a DS RRset or DNSKEY RRset without the new key
 *   hold-new    until then: pending "remove old DS ... after <time>"
 *   remove-old  the registrar gets target only (the DS TTL is read before, for disable's hold)
 *   await-gone  no parent server may serve a retiring DS any more; then a roll releases the old
 *               key (it may be deleted now); a disable holds for the DS TTL first
 *   drain       (disable) until then: pending "stop signing and delete key ... after <time>"
 *
 * Nothing here deletes a key: the result says which keys are released (no parent serves their
 * DS and every hold has passed), and only those. The ports are a small interface so that the rules
 * run in milliseconds against a fake clock and fake DNS (__tests__/core/dnssec-rollout.test.ts).
 */
import { WaitOutcome, waitBounded, humanDuration } from './bounded-wait';
import {
  describeDsView,
  DnssecRecord,
  dnssecRecordJson,
  DsView,
  dsStandsFor,
  parseDnskey,
  parseDs,
  planDnssec,
  sameDnssecRecord,
  shortDs,
} from './dnssec';
import type { Clock } from './poll';

export type RolloutPhase = 'steady' | 'introduce' | 'await-new' | 'hold-new' | 'remove-old' | 'await-gone' | 'drain';

/** A record as JSON ("<keyTag> <alg> <digestType> <digest>", DNSKEY when known): fits Terraform state. */
export interface RecordJson {
  readonly ds: string;
  readonly dnskey?: string;
}

/** What is kept between runs (in Terraform state). Flat and JSON-ready. */
export interface RolloutRecord {
  readonly phase: RolloutPhase;
  /** The DS records the roll-out leads to; [] = DNSSEC off. */
  readonly target: RecordJson[];
  /** Records being retired (a roll's old key; every key on disable). */
  readonly retiring: RecordJson[];
  /** When this roll-out began (ISO): its deadline counts from here. */
  readonly startedAt?: string;
  /** When every name server was first seen serving the new keys (ISO), and their DNSKEY TTL (s). */
  readonly keysSeenAt?: string;
  readonly keyTtl?: number;
  /** The earliest moment the next step is safe (ISO). */
  readonly notBefore?: string;
  /** The DS TTL the parent served for the retiring records, read before their removal (s). */
  readonly dsTtl?: number;
}

export interface ParentReading {
  /** The parent zone, e.g. "com". */
  readonly zone: string;
  readonly views: DsView[];
}

export interface ZoneReading {
  /** Name servers that do not serve every wanted DNSKEY yet (empty: all do). */
  readonly awaiting: string[];
  readonly detail?: string;
  /** The DNSKEY TTL the servers gave (s). */
  readonly ttl?: number;
  /** How many name servers were asked. */
  readonly total?: number;
}

/** What the rules read and change; the CLI builds it from the registrar adapter and DNS. */
export interface RolloutPorts {
  /** The registrar's DS records for the domain (a RegistrarClient's DnssecOperations, bound to it). */
  readonly registrar: {
    get(): Promise<DnssecRecord[]>;
    add(records: readonly DnssecRecord[]): Promise<void>;
    remove(records: readonly DnssecRecord[]): Promise<void>;
  };
  /** Every parent-zone server's DS RRset for the domain, now. Throws when DNS cannot be read. */
  readonly parent: () => Promise<ParentReading>;
  /** Which name servers do not serve the DNSKEYs of `records` yet. */
  readonly zone: (records: readonly DnssecRecord[]) => Promise<ZoneReading>;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

export interface RolloutOptions {
  readonly domain: string;
  /** For lines and messages, e.g. "godaddy". */
  readonly registrar: string;
  /** The longest the run may wait, all its waits together (default 15 min). */
  readonly limitMs: number;
  readonly intervalMs: number;
  /** A roll-out pending longer than this (from its start) is reported as failed. */
  readonly deadlineMs: number;
  readonly progressEveryMs?: number;
}

export interface Pending {
  /** The next step, in words: "remove old DS 12345 13 2 ABCD1234... after 2026-12-08T10:00:00.000Z". */
  readonly step: string;
  /** The earliest moment it can be safe, when known (ISO). */
  readonly notBefore?: string;
  /** Servers not there yet, when the step waits for DNS. */
  readonly awaiting?: string[];
}

export interface StepResult {
  /** Keep this for the next run. */
  readonly record: RolloutRecord;
  /** The registrar holds the target and nothing is pending. */
  readonly done: boolean;
  readonly pending?: Pending;
  /** Past the deadline: why (nothing unsafe was done; the step stays pending). */
  readonly failed?: string;
  /** Keys no parent server serves a DS for and whose holds have passed: they may be deleted now. */
  readonly released: RecordJson[];
  readonly waits: WaitOutcome[];
  readonly added: RecordJson[];
  readonly removed: RecordJson[];
  /** Records this phase needs at the registrar that it did not hold (removed by hand): put back. */
  readonly drift: RecordJson[];
}

/** A new target while another roll-out is under way: it must finish first. */
export class RolloutInProgressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RolloutInProgressError';
  }
}

export const toJson = (r: DnssecRecord): RecordJson => dnssecRecordJson(r);
export const fromJson = (r: RecordJson): DnssecRecord => (r.dnskey ? { ds: parseDs(r.ds), dnskey: parseDnskey(r.dnskey) } : { ds: parseDs(r.ds) });
const short = (rs: readonly RecordJson[]) => rs.map((r) => `DS ${shortDs(parseDs(r.ds))}`).join(', ') || 'no DS';
const sameSet = (a: readonly DnssecRecord[], b: readonly DnssecRecord[]) =>
  a.length === b.length && a.every((x) => b.some((y) => sameDnssecRecord(x, y))) && b.every((y) => a.some((x) => sameDnssecRecord(x, y)));
const minus = (a: readonly DnssecRecord[], b: readonly DnssecRecord[]) => a.filter((x) => !b.some((y) => sameDnssecRecord(x, y)));
const iso = (ms: number) => new Date(ms).toISOString();

/** The record of a domain nsbridge has not rolled anything for yet: steady at what the registrar holds. */
export const steadyAt = (target: readonly DnssecRecord[]): RolloutRecord => ({ phase: 'steady', target: target.map(toJson), retiring: [] });

/** What the next step of a record is, for plans ("remove old DS ... after ..."); undefined when steady. */
export function describePending(record: RolloutRecord): Pending | undefined {
  const retiring = short(record.retiring);
  const target = short(record.target);
  switch (record.phase) {
    case 'steady':
      return undefined;
    case 'introduce':
      return { step: `publish ${target} once every name server serves its key` };
    case 'await-new':
      return { step: `confirm every parent server serves ${target}` };
    case 'hold-new':
      return { step: `remove old ${retiring} after ${record.notBefore}`, notBefore: record.notBefore };
    case 'remove-old':
      return { step: `remove ${retiring} at the registrar` };
    case 'await-gone':
      return { step: `delete the key of ${retiring} once no parent server serves it` };
    case 'drain':
      return { step: `stop signing and delete the key of ${retiring} after ${record.notBefore}`, notBefore: record.notBefore };
  }
}

/**
 * A new target is refused while a roll-out is under way (two rolls at once could retire a key
 * whose DS is still cached). Returns the message, or undefined when the change may start.
 */
export function goalConflict(domain: string, record: RolloutRecord | undefined, goal: readonly DnssecRecord[]): string | undefined {
  if (!record || record.phase === 'steady') return undefined;
  if (sameSet(goal, record.target.map(fromJson))) return undefined;
  const pending = describePending(record)!;
  return (
    `${domain}: a DNSSEC change is under way (from ${short(record.retiring)} to ${short(record.target)}; next: ${pending.step}), ` +
    `and another was asked for (${short(goal.map(toJson))}); keep the key settings as they are until it completes ` +
    '(nsbridge plan shows the pending step and when; the scheduled pipeline job advances it), then change them'
  );
}

/**
 * Run the roll-out towards `goal` as far as its preconditions allow now, each wait bounded by
 * `limitMs`. `prior` undefined: nsbridge has no record for the domain; what the registrar holds
 * counts as the steady state.
 */
export async function advanceRollout(goal: readonly DnssecRecord[], prior: RolloutRecord | undefined, ports: RolloutPorts, opts: RolloutOptions): Promise<StepResult> {
  const { domain, clock } = { domain: opts.domain, clock: ports.clock };
  const label = `${opts.registrar}: ${domain}`;
  const waits: WaitOutcome[] = [];
  const added: RecordJson[] = [];
  const removed: RecordJson[] = [];
  const drift: RecordJson[] = [];
  let released: RecordJson[] = [];
  // One budget for the whole run: however many waits it takes, it ends by then.
  const endAt = clock.now() + opts.limitMs;
  const waitOptions = () => ({ limitMs: Math.max(0, endAt - clock.now()), intervalMs: opts.intervalMs, clock, log: ports.log, label, progressEveryMs: opts.progressEveryMs });

  const held = await ports.registrar.get();
  let record: RolloutRecord = prior ?? steadyAt(held);
  const conflict = goalConflict(domain, record, goal);
  if (conflict) throw new RolloutInProgressError(conflict);
  if (record.phase === 'steady' && !sameSet(goal, record.target.map(fromJson))) {
    const old = record.target.map(fromJson);
    record = { phase: 'introduce', target: goal.map(toJson), retiring: minus(old, goal).map(toJson), startedAt: iso(clock.now()) };
  }
  const target = record.target.map(fromJson);
  const retiring = record.retiring.map(fromJson);
  const fresh = minus(target, retiring);

  /** Make the registrar hold exactly `wanted`: adds before removes; a missing record we had written is drift. */
  let current = held;
  const write = async (wanted: readonly DnssecRecord[], expectHeld: boolean) => {
    const plan = planDnssec(current, wanted);
    if (expectHeld) drift.push(...plan.add.map(toJson));
    if (plan.add.length) {
      await ports.registrar.add(plan.add);
      added.push(...plan.add.map(toJson));
    }
    if (plan.remove.length) {
      await ports.registrar.remove(plan.remove);
      removed.push(...plan.remove.map(toJson));
    }
    if (plan.changed) current = [...plan.keep, ...plan.add];
  };
  const parentCheck = (what: string, matches: (v: DsView) => boolean) =>
    waitBounded(
      what,
      async () => {
        const p = await ports.parent();
        const awaiting = p.views.filter((v) => !matches(v)).map((v) => v.server);
        return { done: p.views.length > 0 && awaiting.length === 0, awaiting, detail: p.views.filter((v) => !matches(v)).map(describeDsView).join('; ') || undefined };
      },
      waitOptions(),
    );
  const servesAll = (v: DsView, rs: readonly DnssecRecord[]) => v.ok && rs.every((r) => v.ds.some((d) => dsStandsFor(domain, d, r)));
  const servesNone = (v: DsView, rs: readonly DnssecRecord[]) => v.ok && !v.ds.some((d) => rs.some((r) => dsStandsFor(domain, d, r)));
  const pendingResult = (pending: Pending): StepResult => {
    const overdue = record.startedAt !== undefined && clock.now() - Date.parse(record.startedAt) > opts.deadlineMs;
    const failed = overdue
      ? `${label}: the DNSSEC change started ${record.startedAt} is still pending after its deadline (${humanDuration(opts.deadlineMs)}): ${pending.step}` +
        `${pending.awaiting?.length ? `; not yet at ${pending.awaiting.join(', ')}` : ''}; nothing unsafe was done; check the registrar (nsbridge ds get) and the parent (dig DS), or ask the registrar`
      : undefined;
    return { record, done: false, pending, ...(failed ? { failed } : {}), released, waits, added, removed, drift };
  };

  for (;;) {
    const now = clock.now();
    switch (record.phase) {
      case 'steady': {
        await write(target, true);
        return { record, done: true, released, waits, added, removed, drift };
      }
      case 'introduce': {
        if (fresh.length > 0) {
          const keys = await waitBounded(
            `every name server to serve the DNSKEY of ${short(fresh.map(toJson))}`,
            async () => {
              const z = await ports.zone(fresh);
              return { done: z.awaiting.length === 0, awaiting: z.awaiting, detail: z.detail };
            },
            waitOptions(),
          );
          waits.push(keys);
          if (!keys.done) return pendingResult({ ...describePending(record)!, awaiting: keys.awaiting });
          const ttl = (await ports.zone(fresh)).ttl;
          record = { ...record, keysSeenAt: iso(clock.now()), ...(ttl !== undefined ? { keyTtl: ttl } : {}) };
        }
        // The old DS stays next to the new one: resolvers holding either find a key.
        await write([...target, ...retiring], false);
        record = { ...record, phase: 'await-new' };
        continue;
      }
      case 'await-new': {
        await write([...target, ...retiring], true);
        if (fresh.length > 0) {
          const seen = await parentCheck(`every parent server to serve ${short(fresh.map(toJson))}`, (v) => servesAll(v, fresh));
          waits.push(seen);
          if (!seen.done) return pendingResult({ ...describePending(record)!, awaiting: seen.awaiting });
        }
        if (retiring.length === 0) {
          record = steadyAt(target);
          continue;
        }
        if (fresh.length === 0) {
          // Disable (or only a removal): nothing new to wait for.
          record = { ...record, phase: 'remove-old' };
          continue;
        }
        const parent = await ports.parent();
        const dsTtl = maxTtl(parent.views) ?? 0;
        const keysSince = record.keysSeenAt ? Date.parse(record.keysSeenAt) + (record.keyTtl ?? 0) * 1000 : 0;
        const notBefore = Math.max(clock.now() + dsTtl * 1000, keysSince);
        record = { ...record, phase: 'hold-new', notBefore: iso(notBefore) };
        continue;
      }
      case 'hold-new': {
        await write([...target, ...retiring], true);
        if (now < Date.parse(record.notBefore!)) return pendingResult(describePending(record)!);
        // The new DS must still be served everywhere (a registrar may have dropped it by hand).
        const parent = await ports.parent();
        const missing = parent.views.filter((v) => !servesAll(v, fresh)).map((v) => v.server);
        if (missing.length > 0) {
          ports.log(`${label}: the new DS is no longer served by ${missing.join(', ')}: waiting for it again before the old DS goes`);
          record = { ...record, phase: 'await-new', notBefore: undefined };
          continue;
        }
        record = { ...record, phase: 'remove-old' };
        continue;
      }
      case 'remove-old': {
        // The TTL is read before the removal: afterwards the parent no longer serves it.
        let dsTtl = record.dsTtl;
        if (dsTtl === undefined) {
          const parent = await ports.parent();
          dsTtl = maxTtl(parent.views, retiring, domain) ?? 0;
        }
        record = { ...record, dsTtl };
        await write(target, false);
        record = { ...record, phase: 'await-gone' };
        continue;
      }
      case 'await-gone': {
        await write(target, true);
        const gone = await parentCheck(`no parent server to serve ${short(record.retiring)}`, (v) => servesNone(v, retiring));
        waits.push(gone);
        if (!gone.done) return pendingResult({ ...describePending(record)!, awaiting: gone.awaiting });
        if (target.length === 0 && (record.dsTtl ?? 0) > 0) {
          record = { ...record, phase: 'drain', notBefore: iso(clock.now() + record.dsTtl! * 1000) };
          continue;
        }
        released = record.retiring;
        record = steadyAt(target);
        continue;
      }
      case 'drain': {
        await write(target, true);
        if (now < Date.parse(record.notBefore!)) return pendingResult(describePending(record)!);
        released = record.retiring;
        record = steadyAt(target);
        continue;
      }
    }
  }
}

/** The longest DS TTL the servers gave (for `of` records only, when given). */
function maxTtl(views: readonly DsView[], of?: readonly DnssecRecord[], domain?: string): number | undefined {
  const ttls = views.flatMap((v) => (v.ok && v.ds.length && v.ttl !== undefined && (!of || v.ds.some((d) => of.some((r) => dsStandsFor(domain!, d, r)))) ? [v.ttl] : []));
  return ttls.length ? Math.max(...ttls) : undefined;
}


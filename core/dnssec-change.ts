/**
 * `ds set` and `ds clear` in one run: the rules of a direct DS change (what the CLI commands do),
 * on the same small ports as the roll-out (core/dnssec-rollout.ts), so they run against a fake
 * clock and fake DNS too. The CLI turns flags into `SetRequest`/`ClearRequest` and prints the result.
 *
 * The safe order (RFC 6781 4.1.2, RFC 7583): the zone is signed and every name server serves the
 * key BEFORE the DS goes up (`waitSignedMs`); adds before removes; after a removal (a direct roll,
 * or DNSSEC off) the old key must keep signing until no parent server serves the old DS and the DS
 * TTL read BEFORE the change has passed (`hold`). Every wait, the hold included, is bounded by
 * `limitMs`: a hold longer than that is refused before anything is written (the roll-out of
 * core/dnssec-rollout.ts spreads it over several runs instead).
 */
import { holdWithProgress, humanDuration, waitBounded, WaitOutcome } from './bounded-wait';
import { describeDsView, DnssecRecord, DsView, dsStandsFor, formatDs, planDnssec, DnssecPlan, shortDs } from './dnssec';
import { NsbridgeError, RegistrarError } from './errors';
import type { ParentReading, RolloutPorts } from './dnssec-rollout';

/** How long the old key must keep signing after the parent dropped the old DS. */
export type HoldRequest = number | 'parent-ttl';

interface Common {
  readonly domain: string;
  readonly registrar: string;
  /** The registrar's name for messages ("GoDaddy"). */
  readonly registrarName: string;
  readonly dryRun: boolean;
  /** Report the parent's DS once after the change when not waiting (NSBRIDGE_PARENT_CHECK). */
  readonly parentCheck: boolean;
  /** After the change, wait this long for the parent (0: report once). */
  readonly waitMs: number;
  /** No wait or hold may be longer. */
  readonly limitMs: number;
  readonly intervalMs: number;
}

export interface SetRequest extends Common {
  readonly desired: readonly DnssecRecord[];
  /** Before writing, wait this long for every name server to serve the keys (undefined: no check). */
  readonly waitSignedMs?: number;
  readonly holdReplaced?: HoldRequest;
}

export interface ClearRequest extends Common {
  readonly hold?: HoldRequest;
}

export interface ChangeResult {
  readonly before: DnssecRecord[];
  readonly plan: DnssecPlan;
  /** What the registrar holds afterwards (desired when changed). */
  readonly after: DnssecRecord[];
  /** Every wait and hold, as it ended. */
  readonly waits: WaitOutcome[];
  /** How long the hold was (ms), when there was one. */
  readonly held?: number;
}

type Hold = { ms: number; why: string; ttl?: number };

/** The error thrown after the registrar was written: carries the result, so `--json` can still say what changed. */
export class ChangeFailedError extends RegistrarError {
  result?: ChangeResult;
}

function fail(r: Common, operation: string, cause: string, hint?: string): ChangeFailedError {
  return new ChangeFailedError({ registrar: r.registrar, operation, domain: r.domain, cause, hint });
}

export const KEEP_OLD_KEY = 'the old key must be kept (signing) until the parent has dropped the old DS and its TTL has passed: do not delete it before';


/** The longest DS TTL any parent server gave: how long a validating resolver may keep the DS. */
export function parentDsTtl(views: readonly DsView[]): number | undefined {
  const ttls = views.flatMap((v) => (v.ok && v.ds.length && v.ttl !== undefined ? [v.ttl] : []));
  return ttls.length ? Math.max(...ttls) : undefined;
}

/** `parent-ttl`: the DS TTL served BEFORE the change (afterwards it is no longer served). */
function ttlHold(zone: string, views: readonly DsView[], change: string): Hold {
  const ttl = parentDsTtl(views);
  return ttl === undefined
    ? { ms: 0, why: `the ${zone} servers served no DS before ${change}, so no resolver can hold one` }
    : { ms: ttl * 1000, why: `the DS TTL the ${zone} servers served before ${change} (${ttl} s)`, ttl };
}

function ttlReadError(r: Common, e: unknown, nothing: string, flag: string): RegistrarError {
  return new RegistrarError({
    registrar: r.registrar,
    operation: 'read DS TTL',
    domain: r.domain,
    cause: `the parent zone's DS TTL could not be read: ${(e as Error).message}; nothing was ${nothing}`,
    hint: `check NSBRIDGE_DNS_SERVER (or --dns-server), or give ${flag} a duration (e.g. 24h for .com)`,
  });
}

/** A hold longer than the limit would hold a CI job (and the state lock) for hours: refused before any write. */
function checkHoldFits(r: Common, hold: Hold, flag: string, nothing: string): void {
  if (hold.ms <= r.limitMs) return;
  throw new RegistrarError({
    registrar: r.registrar,
    operation: 'hold',
    domain: r.domain,
    cause: `${flag} would hold ${humanDuration(hold.ms)} (${hold.why}), longer than the wait limit of ${humanDuration(r.limitMs)}; nothing was ${nothing}`,
    hint:
      'a deploy must not wait that long (CI jobs and sessions end first); run the change as a roll-out over several runs (nsbridge ds step, see docs/dnssec-cli.md), ' +
      `or raise the limit (--max-wait or NSBRIDGE_DNS_WAIT_LIMIT, e.g. ${humanDuration(hold.ms + 3_600_000)}) where the run may last that long`,
  });
}

const tooLong = (r: Common, h: Hold, doing: string) =>
  h.ms > r.limitMs ? `; longer than the wait limit (${humanDuration(r.limitMs)}): a real run refuses it before ${doing} anything` : '';

async function readParent(ports: RolloutPorts): Promise<ParentReading> {
  const p = await ports.parent();
  if (p.views.every((v) => !v.ok)) throw new Error(p.views.map(describeDsView).join('; '));
  return p;
}

const agreeLine = (p: ParentReading, matches: (v: DsView) => boolean, what: string) => {
  const awaiting = p.views.filter((v) => !matches(v));
  return {
    done: p.views.length > 0 && awaiting.length === 0,
    awaiting: awaiting.map((v) => v.server),
    detail: `${p.views.length - awaiting.length}/${p.views.length} ${p.zone} servers ${what}; not yet: ${awaiting.map(describeDsView).join('; ')}`,
  };
};

/**
 * Wait (bounded) until every parent server matches; `waitMs` 0: check once. `what` is worded for
 * one server ("serves ..."); the line says it of a count of servers.
 */
async function parentWait(ports: RolloutPorts, r: Common, what: string, matches: (v: DsView) => boolean, waitMs: number): Promise<{ outcome: WaitOutcome; last?: ParentReading }> {
  let last: ParentReading | undefined;
  const plural = what.replace(/^serves\b/, 'serve').replace(/^has\b/, 'have');
  const outcome = await waitBounded(
    `the parent servers to ${plural.replace(/^have dropped\b/, 'drop')}`,
    async () => {
      last = await ports.parent();
      return agreeLine(last, matches, plural);
    },
    { limitMs: Math.min(waitMs, r.limitMs), intervalMs: r.intervalMs, clock: ports.clock, log: ports.log, label: `${r.registrar}: ${r.domain}` },
  );
  return { outcome, last };
}

const exactly = (domain: string, wanted: readonly DnssecRecord[]) => (v: DsView) =>
  v.ok && wanted.every((w) => v.ds.some((d) => dsStandsFor(domain, d, w))) && v.ds.every((d) => wanted.some((w) => dsStandsFor(domain, d, w)));
const without = (domain: string, gone: readonly DnssecRecord[]) => (v: DsView) => v.ok && !v.ds.some((d) => gone.some((g) => dsStandsFor(domain, d, g)));

/**
 * After a change: wait for the parent (`waitMs` > 0: an error on timeout), or report its view once
 * (never fails: registries take minutes to hours).
 */
async function afterChange(ports: RolloutPorts, r: Common, wanted: readonly DnssecRecord[], waitMs: number, what: string, waits: WaitOutcome[], timeoutHint?: string): Promise<void> {
  const label = `${r.registrar}: ${r.domain}`;
  let res;
  try {
    res = await parentWait(ports, r, what, exactly(r.domain, wanted), waitMs);
  } catch (e) {
    if (waitMs > 0) throw fail(r, 'verify DS', `DNS lookups failed: ${(e as Error).message}`, 'check NSBRIDGE_DNS_SERVER (or --dns-server)');
    ports.log(`${label}: could not read the parent zone's DS: ${(e as Error).message}`);
    return;
  }
  waits.push(res.outcome);
  const zone = res.last?.zone ?? 'parent';
  const views = (res.last?.views ?? []).map(describeDsView).join('; ');
  if (res.outcome.done) {
    ports.log(`${label}: every ${zone} server ${what}`);
    return;
  }
  if (waitMs > 0) {
    throw fail(
      r,
      'verify DS',
      `not every ${zone} server ${what} after ${humanDuration(res.outcome.limitMs)}: ${views}`,
      `the registrar accepted the change; the registry may still be publishing it: check again later with nsbridge ds get or dig DS${timeoutHint ? `; ${timeoutHint}` : ''}`,
    );
  }
  ports.log(`${label}: the registry has not published the DS change yet (normal for minutes to hours): ${views}`);
}

/** What the hold after a DS change says: why resolvers may hold the old DS, what it waits for, what may happen after. */
interface HoldWords {
  /** Follows `h.why` on the "holding" line, separator included. */
  readonly cached: (h: Hold) => string;
  /** What the hold waits for, in its progress lines. */
  readonly expiring: string;
  /** What may be done once no resolver can hold the old DS. */
  readonly then: string;
}

/** `ds set` replaced a DS: the old key keeps signing until no resolver can hold the old DS. */
const REPLACE_HOLD: HoldWords = {
  cached: (h) => `: resolvers may have cached the old DS for up to ${h.ttl !== undefined ? `${h.ttl} s` : 'the parent\'s DS TTL'}; the old key keeps signing until then`,
  expiring: 'resolvers\' cached copies of the old DS to expire',
  then: 'the old key may go now',
};
/** `ds clear`: the zone stays signed until no resolver can hold a DS. */
const CLEAR_HOLD: HoldWords = {
  cached: () => '; validating resolvers may still have the old DS cached that long, and the zone must stay signed until it has expired',
  expiring: 'resolvers\' cached copies of the DS to expire',
  then: 'the zone may be unsigned now',
};

/** The hold after a DS change (none when `h.ms` is 0): the ms held, or undefined. */
async function hold(ports: RolloutPorts, r: Common, h: Hold, words: HoldWords, waits: WaitOutcome[]): Promise<number | undefined> {
  const label = `${r.registrar}: ${r.domain}`;
  if (h.ms === 0) {
    ports.log(`${label}: no hold needed: ${h.why}; ${words.then}`);
    return undefined;
  }
  ports.log(`${label}: holding ${humanDuration(h.ms)} (until ${new Date(ports.clock.now() + h.ms).toISOString()}): ${h.why}${words.cached(h)}`);
  waits.push(await holdWithProgress(words.expiring, h.ms, { clock: ports.clock, log: ports.log, label }));
  ports.log(`${label}: hold over: no resolver can hold the old DS any more; ${words.then}`);
  return h.ms;
}

/** `ds set`: make the registrar hold exactly `desired`, in the safe order. */
export async function setDs(ports: RolloutPorts, r: SetRequest): Promise<ChangeResult> {
  const label = `${r.registrar}: ${r.domain}`;
  const waits: WaitOutcome[] = [];
  const before = await ports.registrar.get();
  const plan = planDnssec(before, r.desired);
  if (plan.changed && r.waitSignedMs !== undefined) {
    let outcome: WaitOutcome;
    let lastDetail = '';
    let total = 0;
    try {
      outcome = await waitBounded(
        'every name server to serve the DNSKEY for the DS',
        async () => {
          const z = await ports.zone(r.desired);
          lastDetail = z.detail ?? z.awaiting.join(', ');
          total = z.total ?? total;
          return { done: z.awaiting.length === 0, awaiting: z.awaiting, detail: z.detail };
        },
        { limitMs: Math.min(r.waitSignedMs, r.limitMs), intervalMs: r.intervalMs, clock: ports.clock, log: ports.log, label },
      );
    } catch (e) {
      if (NsbridgeError.isNsbridgeError(e)) throw e;
      throw fail(r, 'wait for signed zone', `DNS lookups failed: ${(e as Error).message}; nothing was written`, 'check NSBRIDGE_DNS_SERVER (or --dns-server)');
    }
    waits.push(outcome);
    if (!outcome.done) {
      throw fail(
        r,
        'wait for signed zone',
        `${outcome.awaiting.length} of ${total} name servers do not serve a DNSKEY matching the DS${outcome.limitMs ? ` after ${humanDuration(outcome.limitMs)}` : ''}: ` +
          `${lastDetail}; nothing was written (a DS without its key would make the domain fail validation)`,
        'turn on signing for the zone (Route 53: a key-signing key and DNSSEC signing enabled) and check that the DS is the key-signing key\'s, then run again',
      );
    }
    ports.log(`${label}: every name server (${total}) serves the key: the zone is signed`);
  }
  // A roll removes the old DS; the parent is read now: once removed, the old DS and its TTL are
  // no longer served.
  let replaced: DnssecRecord[] = [];
  let h: Hold | undefined;
  if (r.holdReplaced !== undefined) {
    let parent: ParentReading | undefined;
    try {
      parent = await readParent(ports);
    } catch (e) {
      if (plan.remove.length > 0) throw ttlReadError(r, e, 'written', '--hold-replaced');
      ports.log(`${label}: could not read the parent zone's DS (${(e as Error).message}); nothing is removed, so nothing is held`);
    }
    // A DS the parent still serves that the registrar no longer holds and that is not wanted: a
    // roll whose hold failed (exit 1) and is run again. It is held for as if removed now.
    const stale: DnssecRecord[] = [];
    for (const d of (parent?.views ?? []).flatMap((v) => (v.ok ? v.ds : []))) {
      const known = [...r.desired, ...plan.remove, ...stale];
      if (!known.some((w) => dsStandsFor(r.domain, d, w))) stale.push({ ds: d });
    }
    if (stale.length > 0) {
      ports.log(
        `${label}: the ${parent!.zone} servers still serve ${stale.map((s) => `DS ${shortDs(s.ds)}`).join(', ')}, which ${r.registrarName} no longer holds ` +
          '(a key roll whose parent has not dropped the old DS yet): treated as replaced by this run',
      );
    }
    replaced = [...plan.remove, ...stale];
    if (replaced.length > 0) {
      h = r.holdReplaced === 'parent-ttl' ? ttlHold(parent!.zone, parent!.views, 'the change') : { ms: r.holdReplaced, why: 'as asked (--hold-replaced)' };
      if (!r.dryRun) checkHoldFits(r, h, '--hold-replaced', 'written');
    }
  }
  if (plan.changed && !r.dryRun) {
    // Adds first: during a key roll the parent always has a DS for a key the zone serves.
    if (plan.add.length) await ports.registrar.add(plan.add);
    if (plan.remove.length) await ports.registrar.remove(plan.remove);
  }
  const writtenAt = ports.clock.now();
  const result = (held?: number): ChangeResult => ({ before, plan, after: plan.changed ? [...r.desired] : [...plan.keep], waits, ...(held ? { held } : {}) });
  if (r.dryRun) {
    if (h) ports.log(`${label}: dry run: would wait for the parent to drop the replaced DS, then hold ${humanDuration(h.ms)} (${h.why})${tooLong(r, h, 'writing')}`);
    return result();
  }
  try {
    if (!h) {
      if (r.parentCheck || r.waitMs > 0) await afterChange(ports, r, r.desired, r.waitMs, 'serves exactly the new DS records', waits);
      return result();
    }
    // The old DS gone first, then --wait's check of the new set within what is left, then the hold.
    const old = replaced.map((x) => `DS ${shortDs(x.ds)}`).join(', ');
    const bound = r.waitMs > 0 ? r.waitMs : r.limitMs;
    let gone;
    try {
      gone = await parentWait(ports, r, `has dropped the replaced ${old}`, without(r.domain, replaced), bound);
    } catch (e) {
      throw fail(r, 'wait for the old DS to go', `DNS lookups failed: ${(e as Error).message}; the registrar holds the new DS`, `check NSBRIDGE_DNS_SERVER (or --dns-server); ${KEEP_OLD_KEY}`);
    }
    waits.push(gone.outcome);
    if (!gone.outcome.done) {
      throw fail(
        r,
        'wait for the old DS to go',
        `the new DS is published at ${r.registrarName}, but not every ${gone.last?.zone ?? 'parent'} server has dropped the replaced ${old} after ${humanDuration(gone.outcome.limitMs)}: ${(gone.last?.views ?? []).map(describeDsView).join('; ')}`,
        `${KEEP_OLD_KEY}; the registry may still be publishing the removal (check with nsbridge ds get or dig DS; ask ${r.registrarName} if it lasts), then run again with a longer --wait`,
      );
    }
    ports.log(`${label}: every ${gone.last!.zone} server has dropped the replaced ${old}`);
    if (r.parentCheck || r.waitMs > 0) {
      const leftMs = r.waitMs > 0 ? Math.max(1, r.waitMs - (ports.clock.now() - writtenAt)) : 0;
      await afterChange(ports, r, r.desired, leftMs, 'serves exactly the new DS records', waits, KEEP_OLD_KEY);
    }
    return result(await hold(ports, r, h, REPLACE_HOLD, waits));
  } catch (e) {
    if (e instanceof ChangeFailedError) e.result = result();
    throw e;
  }
}

/** `ds clear`: remove every DS; with a hold, return only once no resolver can still hold one. */
export async function clearDs(ports: RolloutPorts, r: ClearRequest): Promise<ChangeResult> {
  const label = `${r.registrar}: ${r.domain}`;
  const waits: WaitOutcome[] = [];
  const before = await ports.registrar.get();
  // The TTL must be read before the clear: afterwards the parent serves no DS, and no TTL.
  let h: Hold = { ms: typeof r.hold === 'number' ? r.hold : 0, why: 'as asked (--hold)' };
  if (r.hold === 'parent-ttl') {
    let parent;
    try {
      parent = await readParent(ports);
    } catch (e) {
      // A hold of unknown length cannot be made safe: nothing is removed.
      throw ttlReadError(r, e, 'removed', '--hold');
    }
    h = ttlHold(parent.zone, parent.views, 'the clear');
  }
  if (r.hold !== undefined && !r.dryRun) checkHoldFits(r, h, '--hold', 'removed');
  const plan = planDnssec(before, []);
  if (plan.changed && !r.dryRun) await ports.registrar.remove(plan.remove);
  const result = (held?: number): ChangeResult => ({ before, plan, after: [], waits, ...(held ? { held } : {}) });
  if (r.dryRun) {
    if (r.hold !== undefined) ports.log(`${label}: dry run: would wait for the parent to drop the DS, then hold ${humanDuration(h.ms)} (${h.why})${tooLong(r, h, 'removing')}`);
    return result();
  }
  try {
    if (!r.parentCheck && r.waitMs === 0) return result();
    await afterChange(ports, r, [], r.waitMs, 'serves no DS', waits);
    if (r.hold === undefined) return result();
    return result(await hold(ports, r, h, CLEAR_HOLD, waits));
  } catch (e) {
    if (e instanceof ChangeFailedError) e.result = result();
    throw e;
  }
}

export { formatDs };

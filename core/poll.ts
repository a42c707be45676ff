/**
 * The one polling loop: check, and while the answer is not final, wait and check again, until a
 * deadline. Every wait in nsbridge that polls something (a registrar's asynchronous operation,
 * the parent zone's delegation or DS, a zone's DNSKEY) goes through here, so they all share one
 * deadline rule, one interval growth, abort handling and a progress callback, and all of them can
 * be tested with a fake clock.
 */
import { sleep } from './duration';

/** Time as a poll sees it: the real clock by default, a fake one in tests. */
export interface Clock {
  now(): number;
  /** Wait `ms`, or less if `signal` aborts; resolves either way. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep };

/** Where a poll stands after a check. */
export interface PollProgress {
  /** 1 for the first check. */
  readonly attempt: number;
  readonly elapsedMs: number;
  /** Until the deadline; 0 once it has passed. */
  readonly remainingMs: number;
  /** The wait before the next check; undefined when this was the last one. */
  readonly nextInMs?: number;
}

export interface PollOptions<T> {
  /** How long to keep checking, counted from the start; 0 = check once. */
  readonly timeoutMs: number;
  /** The first wait between checks. */
  readonly intervalMs: number;
  /** Each wait is the previous one times this (default 1: a fixed interval)... */
  readonly growth?: number;
  /** ...up to this (default: no cap beyond the deadline); never below `intervalMs`. */
  readonly maxIntervalMs?: number;
  /** Wait one interval before the first check (an operation just submitted is not done yet). */
  readonly waitFirst?: boolean;
  /** An abort ends the poll after the current wait, as a timeout does. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Called after every check (the last one included). */
  readonly onProgress?: (result: T, progress: PollProgress) => void;
}

export interface PollOutcome<T> {
  /** The last check's result. */
  readonly result: T;
  /** Whether `isDone` accepted it; false: the deadline passed (or the poll was aborted) first. */
  readonly done: boolean;
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** The wait after `wait`: grown, capped, never past the deadline. */
export function nextInterval(wait: number, opts: Pick<PollOptions<unknown>, 'growth' | 'maxIntervalMs' | 'intervalMs'>): number {
  const cap = Math.max(opts.maxIntervalMs ?? Number.POSITIVE_INFINITY, opts.intervalMs);
  return Math.min(wait * (opts.growth ?? 1), cap);
}

/**
 * Run `check` until `isDone` accepts its result or `timeoutMs` has passed. `check` may throw to
 * end the poll with an error (a failed operation). A check always runs at least once, and the
 * last wait is cut short at the deadline so that one more check happens right at it.
 */
export async function poll<T>(check: (attempt: number) => Promise<T>, isDone: (result: T) => boolean, opts: PollOptions<T>): Promise<PollOutcome<T>> {
  const clock = opts.clock ?? realClock;
  const start = clock.now();
  const deadline = start + Math.max(0, opts.timeoutMs);
  let wait = opts.intervalMs;
  if (opts.waitFirst && opts.timeoutMs > 0) {
    await clock.sleep(Math.min(wait, deadline - start), opts.signal);
    wait = nextInterval(wait, opts);
  }
  for (let attempt = 1; ; attempt += 1) {
    const result = await check(attempt);
    const now = clock.now();
    const done = isDone(result);
    const last = done || now >= deadline || Boolean(opts.signal?.aborted);
    const nextInMs = last ? undefined : Math.min(wait, deadline - now);
    opts.onProgress?.(result, { attempt, elapsedMs: now - start, remainingMs: Math.max(0, deadline - now), nextInMs });
    if (last) return { result, done, attempts: attempt, elapsedMs: now - start };
    await clock.sleep(nextInMs!, opts.signal);
    wait = nextInterval(wait, opts);
  }
}

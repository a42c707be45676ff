/**
 * Every DNSSEC wait, bounded and followed: a wait never runs past its limit (default 15 min, so a
 * deploy fits a CI job), prints a line at least every minute with the elapsed and remaining time
 * and what is still awaited (which servers), and ends with an outcome the caller reports (the
 * `waits` of `--json`). A hold (waiting out a TTL) is a wait for the clock and is followed the same way.
 */
import { formatDuration } from './duration';
import { Clock, poll, realClock } from './poll';

/** The default limit of one wait (`--max-wait`, NSBRIDGE_DNS_WAIT_LIMIT). */
export const DEFAULT_WAIT_LIMIT_MS = 15 * 60_000;
/** A progress line at least this often during a wait. */
export const PROGRESS_EVERY_MS = 60_000;

/** What a check found: done, or the servers still awaited (and what they serve, for the line). */
export interface WaitCheck {
  readonly done: boolean;
  readonly awaiting: readonly string[];
  /** Each awaited server with what it serves instead, for the line (default: their names). */
  readonly detail?: string;
}

/** How one wait ended: JSON-ready. */
export interface WaitOutcome {
  /** What was awaited, in words ("every com server serves DS 12345 ..."). */
  readonly what: string;
  readonly done: boolean;
  readonly elapsedMs: number;
  readonly limitMs: number;
  readonly checks: number;
  /** Servers still awaited at the end (empty when done). */
  readonly awaiting: string[];
  readonly detail?: string;
}

export interface WaitOptions {
  readonly limitMs: number;
  readonly intervalMs: number;
  readonly clock?: Clock;
  readonly log: (line: string) => void;
  /** Prefix of every line, e.g. "godaddy: example.com". */
  readonly label: string;
  /** At most PROGRESS_EVERY_MS (a line at least every minute). */
  readonly progressEveryMs?: number;
}

/** Days and hours for long times (a .com DS TTL is a day), formatDuration below an hour. */
export function humanDuration(ms: number): string {
  if (ms < 3_600_000) return formatDuration(Math.max(0, Math.round(ms)));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms - h * 3_600_000) / 60_000);
  return `${h}h${m ? `${m}m` : ''}`;
}

/**
 * Check until done or `limitMs` has passed (0 = check once). Lines: one when the wait starts
 * unfinished, then one whenever the awaited servers change or a minute has passed since the last;
 * never one per check (a 5 s poll over 15 min would otherwise print 180 alike).
 */
export async function waitBounded(what: string, check: () => Promise<WaitCheck>, opts: WaitOptions): Promise<WaitOutcome> {
  const every = Math.min(opts.progressEveryMs ?? PROGRESS_EVERY_MS, PROGRESS_EVERY_MS);
  let lastLineAt: number | undefined;
  let lastAwaiting = '';
  const outcome = await poll(
    () => check(),
    (r) => r.done,
    {
      timeoutMs: opts.limitMs,
      // Never sleep past the next line that is due.
      intervalMs: Math.min(opts.intervalMs, every),
      clock: opts.clock,
      onProgress: (r, p) => {
        if (r.done || p.nextInMs === undefined) return;
        const awaiting = r.awaiting.join(', ');
        if (lastLineAt !== undefined && awaiting === lastAwaiting && p.elapsedMs - lastLineAt < every) return;
        lastLineAt = p.elapsedMs;
        lastAwaiting = awaiting;
        opts.log(
          `${opts.label}: waiting for ${what}: ${humanDuration(p.elapsedMs)} elapsed, ${humanDuration(p.remainingMs)} left of ${humanDuration(opts.limitMs)}; ` +
            `still awaited: ${r.detail || awaiting || 'an answer'}`,
        );
      },
    },
  );
  return {
    what,
    done: outcome.done,
    elapsedMs: outcome.elapsedMs,
    limitMs: opts.limitMs,
    checks: outcome.attempts,
    awaiting: outcome.done ? [] : [...outcome.result.awaiting],
    ...(outcome.result.detail ? { detail: outcome.result.detail } : {}),
  };
}

/**
 * Sleep `ms` (a hold: resolvers' cached records expire), with a line at least every minute
 * saying how long is left and until when. Returns the outcome like a wait.
 */
export async function holdWithProgress(what: string, ms: number, opts: Omit<WaitOptions, 'intervalMs' | 'limitMs'>): Promise<WaitOutcome> {
  const clock = opts.clock ?? realClock;
  const every = Math.min(opts.progressEveryMs ?? PROGRESS_EVERY_MS, PROGRESS_EVERY_MS);
  const start = clock.now();
  const until = start + ms;
  let checks = 0;
  while (clock.now() < until) {
    const left = until - clock.now();
    opts.log(`${opts.label}: holding for ${what}: ${humanDuration(clock.now() - start)} elapsed, ${humanDuration(left)} left (until ${new Date(until).toISOString()})`);
    checks += 1;
    await clock.sleep(Math.min(every, left));
  }
  return { what, done: true, elapsedMs: clock.now() - start, limitMs: ms, checks, awaiting: [] };
}

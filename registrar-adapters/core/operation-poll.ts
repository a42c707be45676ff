/**
 * Waiting for a registrar's asynchronous operation (a process, job or task) to end: bounded by
 * NSBRIDGE_<ID>_OPERATION_TIMEOUT, checked at NSBRIDGE_<ID>_POLL_INTERVAL growing 1.5x per check
 * up to 30 s, with progress on stderr (ctx.log). The adapter says what one check found; the
 * waiting is core/poll.ts's, so no adapter grows its own sleep loop.
 */
import { settingEnv, type AdapterContext, type RegistrarInfo } from './types';
import { durationSetting, formatDuration } from '../../core/duration';
import { poll, type Clock, type PollOutcome } from '../../core/poll';
import { canonicalNameServers, sameNameServers } from '../../core/names';
import type { RegistrarError } from '../../core/errors';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_INTERVAL_MS = 2_000;
/** How the wait between checks grows, for adapters that poll with core/poll.ts themselves. */
export const OPERATION_BACKOFF = { growth: 1.5, maxIntervalMs: 30_000 } as const;
/** A progress line at the first wait and then every this many checks. */
const PROGRESS_EVERY = 5;

export interface PollSettings {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Variable names, for messages. */
  readonly timeoutEnv: string;
}

/**
 * The two settings (validated now, so a bad value is exit 2 before anything is sent); `defaults`
 * where a registrar documents a slower pace than 10 min / 2 s.
 */
export function pollSettings(info: RegistrarInfo, env: NodeJS.ProcessEnv, defaults: { timeoutMs?: number; intervalMs?: number } = {}): PollSettings {
  const timeoutEnv = settingEnv(info.id, 'OPERATION_TIMEOUT');
  return {
    timeoutMs: durationSetting(env, timeoutEnv, defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    intervalMs: durationSetting(env, settingEnv(info.id, 'POLL_INTERVAL'), defaults.intervalMs ?? DEFAULT_INTERVAL_MS),
    timeoutEnv,
  };
}

/** What one check of the operation found. Failures are thrown by the check itself. */
export type PollState = { readonly done: true } | { readonly done: false; readonly status: string };

export interface PollOptions {
  readonly settings: PollSettings;
  readonly ctx: AdapterContext;
  /** e.g. `openprovider: example.com: process 42` */
  readonly what: string;
  readonly check: () => Promise<PollState>;
  /** The error when the operation is still running at the deadline: say it is pending and what to check. */
  readonly pending: (status: string, waitedMs: number) => RegistrarError;
  /** The real clock unless a test brings a fake one. */
  readonly clock?: Clock;
}

export async function pollUntilDone(opts: PollOptions): Promise<void> {
  const { settings, ctx } = opts;
  const progress = (status: string, elapsedMs: number): void =>
    ctx.log(`${opts.what} is ${status}; waiting for it to finish (${formatDuration(elapsedMs)} so far, up to ${formatDuration(settings.timeoutMs)}, ${settings.timeoutEnv})`);
  progress('accepted', 0);
  const outcome = await poll(opts.check, (state) => state.done, {
    timeoutMs: settings.timeoutMs,
    intervalMs: settings.intervalMs,
    ...OPERATION_BACKOFF,
    // The operation was just submitted: it cannot be done yet.
    waitFirst: true,
    signal: ctx.signal,
    clock: opts.clock,
    onProgress: (state, p) => {
      if (!state.done && p.nextInMs !== undefined && p.attempt % PROGRESS_EVERY === 0) progress(state.status, p.elapsedMs);
    },
  });
  if (!outcome.done) throw opts.pending('status' in outcome.result ? outcome.result.status : 'accepted', outcome.elapsedMs);
}

export interface ReadBackOptions {
  readonly ctx: AdapterContext;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** One read of the domain's name servers at the registrar. */
  readonly read: () => Promise<string[]>;
  readonly wanted: readonly string[];
  /** The progress line after `elapsedMs`, logged before the first read and then before every sixth. */
  readonly progress: (elapsedMs: number) => string;
}

/**
 * After a change the registrar accepted without finishing it (and gave nothing to poll): re-read
 * the name servers until they are the wanted set, within the operation timeout. The outcome holds
 * the last set read (canonical), for the "still pending" error the adapter words.
 */
export function readBackNameServers(opts: ReadBackOptions): Promise<PollOutcome<string[]>> {
  const wanted = canonicalNameServers(opts.wanted);
  opts.ctx.log(opts.progress(0));
  return poll(async () => canonicalNameServers(await opts.read()), (current) => sameNameServers(current, wanted), {
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    // The change was just accepted: it cannot show yet.
    waitFirst: true,
    signal: opts.ctx.signal,
    onProgress: (_current, p) => {
      if (p.nextInMs !== undefined && (p.attempt + 1) % 6 === 0) opts.ctx.log(opts.progress(p.elapsedMs));
    },
  });
}

export interface ShownOptions {
  readonly ctx: AdapterContext;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** One read at the registrar: whether the change shows yet. */
  readonly shows: () => Promise<boolean>;
  /** Logged before the first read. */
  readonly started: string;
  /** Logged after each read that does not show it yet, followed by " after <elapsed> (check <n>)". */
  readonly pending: string;
  /** Logged once it shows, followed by " (after <elapsed>)". */
  readonly done: string;
  /** The error when it still does not show at the timeout; `waited` is formatted ("10m"). */
  readonly notShown: (waited: string) => RegistrarError;
}

/**
 * After a change the registrar accepted for later (an order, a PENDING or an asynchronous-registry
 * answer) and gave nothing to poll: re-read until the change shows, within the operation timeout,
 * with a progress line per read; past it, the adapter's "still pending" error.
 */
export async function waitUntilShown(opts: ShownOptions): Promise<void> {
  opts.ctx.log(opts.started);
  const outcome = await poll(opts.shows, (shown) => shown, {
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    // The change was just accepted: it cannot show yet.
    waitFirst: true,
    signal: opts.ctx.signal,
    onProgress: (shown, p) => {
      if (!shown) opts.ctx.log(`${opts.pending} after ${formatDuration(p.elapsedMs)} (check ${p.attempt})`);
    },
  });
  if (!outcome.done) throw opts.notShown(formatDuration(outcome.elapsedMs));
  opts.ctx.log(`${opts.done} (after ${formatDuration(outcome.elapsedMs)})`);
}

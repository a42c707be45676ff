/**
 * Waiting for a registrar's asynchronous operation (a process, job or task) to end: bounded by
 * NSBRIDGE_<ID>_OPERATION_TIMEOUT, checked at NSBRIDGE_<ID>_POLL_INTERVAL growing 1.5x per check
 * up to 30 s, with progress on stderr (ctx.log). The adapter says what one check found; this file
 * only does the waiting, so no adapter grows its own sleep loop.
 */
import type { AdapterContext, RegistrarInfo } from './types';
import { durationSetting, formatDuration, sleep } from '../../core/duration';
import type { RegistrarError } from '../../core/errors';

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_INTERVAL_MS = 2_000;
const MAX_INTERVAL_MS = 30_000;
const GROWTH = 1.5;
/** A progress line at the first wait and then every this many checks. */
const PROGRESS_EVERY = 5;

export interface PollSettings {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Variable names, for messages. */
  readonly timeoutEnv: string;
}

/** The two settings (validated now, so a bad value is exit 2 before anything is sent). */
export function pollSettings(info: RegistrarInfo, env: NodeJS.ProcessEnv): PollSettings {
  const prefix = `NSBRIDGE_${info.id.toUpperCase()}`;
  const timeoutEnv = `${prefix}_OPERATION_TIMEOUT`;
  return {
    timeoutMs: durationSetting(env, timeoutEnv, DEFAULT_TIMEOUT_MS),
    intervalMs: durationSetting(env, `${prefix}_POLL_INTERVAL`, DEFAULT_INTERVAL_MS),
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
}

export async function pollUntilDone(opts: PollOptions): Promise<void> {
  const { settings, ctx } = opts;
  const started = Date.now();
  const deadline = started + settings.timeoutMs;
  let interval = settings.intervalMs;
  let status = 'accepted';
  for (let check = 0; ; check += 1) {
    const now = Date.now();
    if (now >= deadline) throw opts.pending(status, now - started);
    const wait = Math.min(interval, deadline - now);
    if (check % PROGRESS_EVERY === 0) {
      ctx.log(`${opts.what} is ${status}; waiting for it to finish (${formatDuration(now - started)} so far, up to ${formatDuration(settings.timeoutMs)}, ${settings.timeoutEnv})`);
    }
    await sleep(wait, ctx.signal);
    interval = Math.min(interval * GROWTH, Math.max(MAX_INTERVAL_MS, settings.intervalMs));
    const state = await opts.check();
    if (state.done) return;
    status = state.status;
  }
}

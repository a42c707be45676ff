/**
 * The command's overall deadline (NSBRIDGE_DEADLINE): nothing nsbridge does may outlive it, so a
 * Terraform provisioner or a CI job never hangs on a registrar. When it passes, the signal that
 * every registrar client gets (AdapterContext.signal) aborts the request in flight and any
 * backoff; a command that still has not ended a few seconds later is ended with one line, exit 1.
 * `--wait`/`--timeout` durations extend it, since the user asked for that wait explicitly.
 */
import { durationSetting, formatDuration } from '../core/duration';

export const DEADLINE_ENV = 'NSBRIDGE_DEADLINE';
/**
 * Longer than any wait nsbridge makes on its own (5 tries of the 30 s HTTP timeout with backoff per
 * request, the 10-15 minute operation and manual-change waits), shorter than common CI job limits.
 */
export const DEFAULT_DEADLINE_MS = 30 * 60_000;
/** After the signal aborts, how long the command gets to fail in an orderly way. */
export const HARD_STOP_GRACE_MS = 5_000;

export class CommandDeadline {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private hardTimer?: NodeJS.Timeout;
  private endsAt: number;

  constructor(
    readonly ms: number,
    /** Called when the command has not ended `graceMs` after the deadline. */
    private readonly hardStop: (message: string) => void,
    private readonly graceMs: number = HARD_STOP_GRACE_MS,
  ) {
    this.endsAt = Date.now() + ms;
    this.arm();
  }

  /** From NSBRIDGE_DEADLINE (a usage error naming it when it does not parse). */
  static fromEnv(env: NodeJS.ProcessEnv, hardStop: (message: string) => void): CommandDeadline {
    return new CommandDeadline(durationSetting(env, DEADLINE_ENV, DEFAULT_DEADLINE_MS, 1_000), hardStop);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Give the command `ms` more (an explicit --wait). */
  extend(ms: number): void {
    if (ms <= 0 || this.controller.signal.aborted) return;
    this.endsAt += ms;
    this.arm();
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.hardTimer);
  }

  private arm(): void {
    this.dispose();
    const left = Math.max(0, this.endsAt - Date.now());
    const total = formatDuration(this.ms);
    this.timer = setTimeout(() => this.controller.abort(new Error(`${DEADLINE_ENV} (${total}) passed`)), left);
    this.hardTimer = setTimeout(
      () =>
        this.hardStop(
          `the command did not end within ${DEADLINE_ENV} (${total}); stopped. A write in flight may have landed: run the same command again, it reads first and converges`,
        ),
      left + this.graceMs,
    );
    this.timer.unref?.();
    this.hardTimer.unref?.();
  }
}

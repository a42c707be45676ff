/**
 * A rate limiter shared by every nsbridge process that talks to the same registrar account.
 *
 * Terraform runs provisioners in parallel (10 by default), each a separate `nsbridge` process,
 * and all of them share one registrar account and its limit (GoDaddy: 60 requests a minute).
 * Each process therefore takes its turn from one sliding-window log kept in a small JSON file per
 * registrar account, guarded by a lock file (proper-lockfile). A sliding window, not a token
 * bucket: a bucket of N that refills N per minute can send 2N inside one minute, which a registrar
 * counting a strict window answers with 429s.
 *
 * A 429 seen by one process pauses all of them (`blockUntil`), so one throttled answer does not
 * turn into a storm from the other nine.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import { UsageError } from '../../core/errors';
import { quoteInput } from '../../core/quote';

/**
 * The limiter's lock stayed taken longer than any nsbridge process holds it (a few ms): another
 * process is alive but stuck while holding it (a crashed one loses it after `stale`).
 */
export class RateLimiterLockError extends Error {
  readonly hint: string;
  constructor(readonly lockPath: string, waitedMs: number) {
    super(`the shared rate limiter's lock ${lockPath}.lock stayed taken for ${Math.round(waitedMs / 1000)}s (another nsbridge process holds it and is not releasing it)`);
    this.name = 'RateLimiterLockError';
    this.hint = `stop the stuck nsbridge process, or if none is running remove ${lockPath}.lock; NSBRIDGE_RATE_LIMIT_DIR chooses where the limiter keeps its files`;
  }
}

/** How long a process waits for the limiter's lock before it calls the holder stuck. */
export const LOCK_WAIT_MS = 30_000;

/**
 * The limiter's directory, created if missing; a usage error naming NSBRIDGE_RATE_LIMIT_DIR (exit
 * 2, before anything is sent) when it is a file or not writable.
 */
export function usableLimiterDir(dir: string, fromEnv: boolean): string {
  const what = fromEnv ? `NSBRIDGE_RATE_LIMIT_DIR=${quoteInput(dir)}` : `the rate limiter's directory ${quoteInput(dir)}`;
  const fix = fromEnv ? 'point NSBRIDGE_RATE_LIMIT_DIR at a writable directory' : 'set NSBRIDGE_RATE_LIMIT_DIR to a writable directory';
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${what} is not a directory; ${fix}; nothing was sent`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`${what} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ${fix}; nothing was sent`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${what} is not writable; ${fix}; nothing was sent`);
  }
  return dir;
}

export interface RateLimit {
  readonly requests: number;
  readonly perMs: number;
}

interface WindowState {
  stamps: number[];
  blockedUntil: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parse `60/min`, `60/60s`, `20/1m`, `1/s`, `2400/h`, a comma list of such windows, or `off`. */
export function parseRateLimits(value: string): RateLimit[] | 'off' {
  const v = value.trim().toLowerCase();
  if (v === 'off' || v === '0' || v === 'none') return 'off';
  return v.split(',').map((part) => {
    const one = parseRateLimit(part);
    if (one === 'off') throw new Error(`rate limit "${value}": "off" cannot be combined with windows`);
    return one;
  });
}

/** Parse one window: `60/min`, `60/60s`, `20/1m`, `1/s`, `2400/h`, or `off`. */
export function parseRateLimit(value: string): RateLimit | 'off' {
  const v = value.trim().toLowerCase();
  if (v === 'off' || v === '0' || v === 'none') return 'off';
  const m = /^(\d+)\s*\/\s*(\d*(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hour)?$/.exec(v);
  if (!m) throw new Error(`rate limit "${value}" is not of the form <requests>/<duration>, e.g. 60/min or 1/s, or "off"`);
  const requests = Number(m[1]);
  const amount = m[2] === '' ? 1 : Number(m[2]);
  const unit = m[3] ?? 's';
  const unitMs = unit === 'ms' ? 1 : unit === 's' || unit === 'sec' ? 1000 : unit === 'm' || unit === 'min' ? 60_000 : 3_600_000;
  if (requests < 1 || amount <= 0) throw new Error(`rate limit "${value}" must allow at least 1 request per positive duration`);
  return { requests, perMs: amount * unitMs };
}

export class SharedRateLimiter {
  private readonly file: string;
  /** Every window the registrar enforces, each with extra spacing (see below). */
  private readonly windows: { requests: number; windowMs: number }[];
  private readonly longestMs: number;

  constructor(
    limits: RateLimit | readonly RateLimit[],
    /** Registrar id plus a hash of the account identity (never the secret itself). */
    key: string,
    dir?: string,
    /** How long to wait for the lock before calling its holder stuck (default LOCK_WAIT_MS). */
    private readonly lockWaitMs: number = LOCK_WAIT_MS,
  ) {
    const fromEnv = dir !== undefined || Boolean(process.env.NSBRIDGE_RATE_LIMIT_DIR);
    const where = usableLimiterDir(dir ?? (process.env.NSBRIDGE_RATE_LIMIT_DIR || join(tmpdir(), 'nsbridge-rate-limit')), fromEnv);
    this.file = join(where, `${key.replace(/[^a-zA-Z0-9_.-]/g, '_')}.json`);
    if (!existsSync(this.file)) {
      try {
        writeFileSync(this.file, JSON.stringify({ stamps: [], blockedUntil: 0 }), { flag: 'wx' });
      } catch {
        /* another process created it first */
      }
    }
    // Measured on a loaded 2-core machine: stamp-to-arrival lag varies by up to ~150 ms.
    // Extra spacing so request ARRIVAL times at the registrar also stay inside its window: on a
    // loaded 2-core machine (load average 10) the lag between taking a turn here and the request
    // reaching the server varied by several hundred ms. 500 ms (or 5% of long windows) keeps
    // one-second windows clean at the cost of pacing them ~1.5x slower; a 429 is still retried.
    this.windows = (Array.isArray(limits) ? limits : [limits as RateLimit]).map((l) => ({
      requests: l.requests,
      windowMs: l.perMs + Math.max(500, Math.round(l.perMs * 0.05)),
    }));
    this.longestMs = Math.max(...this.windows.map((w) => w.windowMs));
  }

  /** Account key: registrar id + first 16 hex of sha256(identity). */
  static keyFor(registrar: string, identity: string): string {
    return `${registrar}-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
  }

  /** Wait until a request may be sent, and record it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const wait = await this.withState((state, now) => {
        state.stamps = state.stamps.filter((t) => t > now - this.longestMs);
        if (state.blockedUntil > now) return state.blockedUntil - now;
        let wait = 0;
        for (const w of this.windows) {
          const inWindow = state.stamps.filter((t) => t > now - w.windowMs);
          if (inWindow.length >= w.requests) {
            // The oldest stamp that must leave the window before one more request fits.
            const oldest = inWindow[inWindow.length - w.requests]!;
            wait = Math.max(wait, oldest + w.windowMs - now + 1);
          }
        }
        if (wait === 0) state.stamps.push(now);
        return wait;
      });
      if (wait <= 0) return;
      await sleep(Math.min(wait, 5_000));
    }
  }

  /** The registrar said "slow down": hold every process off until `untilMs` (epoch ms). */
  async blockUntil(untilMs: number): Promise<void> {
    await this.withState((state) => {
      state.blockedUntil = Math.max(state.blockedUntil, untilMs);
      return 0;
    });
  }

  private async withState(fn: (state: WindowState, now: number) => number): Promise<number> {
    const started = Date.now();
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.file, {
        // About lockWaitMs of tries (2 to 20 ms apart): far longer than a turn takes.
        retries: { retries: Math.ceil(this.lockWaitMs / 11), minTimeout: 2, maxTimeout: 20, randomize: true },
        // A crashed process must not wedge the others for long.
        stale: 5_000,
        realpath: false,
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOCKED') throw new RateLimiterLockError(this.file, Date.now() - started);
      throw e;
    }
    try {
      let state: WindowState;
      try {
        state = JSON.parse(readFileSync(this.file, 'utf8')) as WindowState;
        if (!Array.isArray(state.stamps)) state = { stamps: [], blockedUntil: 0 };
      } catch {
        state = { stamps: [], blockedUntil: 0 };
      }
      const result = fn(state, Date.now());
      writeFileSync(this.file, JSON.stringify(state));
      return result;
    } finally {
      await release();
    }
  }
}

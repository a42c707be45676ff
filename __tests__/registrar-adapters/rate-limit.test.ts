/** The shared limiter itself: windows, several windows at once, blocking, parsing. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import { parseRateLimit, parseRateLimits, RateLimiterLockError, SharedRateLimiter } from '../../registrar-adapters/core/rate-limit';
import { UsageError } from '../../core/errors';

describe('SharedRateLimiter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nsbridge-limiter-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('lets N requests through at once, then holds the next until the window (plus its 500 ms margin) has passed', async () => {
    const limiter = new SharedRateLimiter({ requests: 3, perMs: 400 }, 'k', dir);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) await limiter.acquire();
    expect(Date.now() - t0).toBeLessThan(300);
    await limiter.acquire();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400 + 500);
  });

  test('every window counts: a short one and a long one', async () => {
    // 2 per 200 ms, but only 3 per 2 s: the 4th request must wait for the long window.
    const limiter = new SharedRateLimiter([{ requests: 2, perMs: 200 }, { requests: 3, perMs: 1500 }], 'k2', dir);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) await limiter.acquire();
    const third = Date.now() - t0;
    expect(third).toBeGreaterThanOrEqual(200);
    await limiter.acquire();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
  });

  test('two limiters on the same key (two processes) share the window', async () => {
    const a = new SharedRateLimiter({ requests: 2, perMs: 300 }, 'shared', dir);
    const b = new SharedRateLimiter({ requests: 2, perMs: 300 }, 'shared', dir);
    const t0 = Date.now();
    await a.acquire();
    await b.acquire();
    await a.acquire();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  test('blockUntil holds every holder of the key off', async () => {
    const a = new SharedRateLimiter({ requests: 100, perMs: 1000 }, 'blocked', dir);
    const b = new SharedRateLimiter({ requests: 100, perMs: 1000 }, 'blocked', dir);
    const t0 = Date.now();
    await a.blockUntil(t0 + 500);
    await b.acquire();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(480);
  });

  test('keys hash the account identity', () => {
    const key = SharedRateLimiter.keyFor('godaddy', 'api-key-SENTINEL');
    expect(key).toMatch(/^godaddy-[0-9a-f]{16}$/);
    expect(key).not.toContain('SENTINEL');
  });
});

describe('parseRateLimit(s)', () => {
  test.each([
    ['60/min', { requests: 60, perMs: 60_000 }],
    ['60/60s', { requests: 60, perMs: 60_000 }],
    ['1/s', { requests: 1, perMs: 1000 }],
    ['2400/h', { requests: 2400, perMs: 3_600_000 }],
    ['10/500ms', { requests: 10, perMs: 500 }],
  ])('%s', (text, expected) => expect(parseRateLimit(text)).toEqual(expected));

  test('lists and off', () => {
    expect(parseRateLimits('20/min, 700/h')).toEqual([{ requests: 20, perMs: 60_000 }, { requests: 700, perMs: 3_600_000 }]);
    expect(parseRateLimits('off')).toBe('off');
  });

  test.each(['fast', '0/min', '10/0s', '10 per minute'])('rejects %p', (text) => expect(() => parseRateLimit(text)).toThrow(/rate limit/));
});

describe('SharedRateLimiter: an unusable directory, a stuck lock (issue #11)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nsbridge-limiter-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a file, or a path under a file, as the directory is a usage error naming NSBRIDGE_RATE_LIMIT_DIR', () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    expect(() => new SharedRateLimiter({ requests: 1, perMs: 1000 }, 'k', file)).toThrow(UsageError);
    expect(() => new SharedRateLimiter({ requests: 1, perMs: 1000 }, 'k', file)).toThrow(/^NSBRIDGE_RATE_LIMIT_DIR=".*not-a-dir" is not a directory; point NSBRIDGE_RATE_LIMIT_DIR at a writable directory; nothing was sent$/);
    expect(() => new SharedRateLimiter({ requests: 1, perMs: 1000 }, 'k', join(file, 'sub'))).toThrow(/NSBRIDGE_RATE_LIMIT_DIR=".*sub" cannot be created \(ENOTDIR\)/);
  });

  test('a lock held by a live process that does not let go: a RateLimiterLockError naming the lock file', async () => {
    const limiter = new SharedRateLimiter({ requests: 5, perMs: 1000 }, 'stuck', dir, 300);
    const file = join(dir, 'stuck.json');
    // This process holds the lock, and keeps it fresh like a live (but stuck) holder would.
    const release = await lockfile.lock(file, { realpath: false, stale: 5_000 });
    try {
      const started = Date.now();
      const err = await limiter.acquire().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimiterLockError);
      expect((err as Error).message).toContain(`${file}.lock`);
      expect((err as RateLimiterLockError).hint).toMatch(/remove .*stuck\.json\.lock/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await release();
    }
  });
});

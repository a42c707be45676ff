import { poll } from '../../core/poll';
import { FakeClock } from '../../testing/clock';

describe('poll (fake clock)', () => {
  test('checks until done, with waits growing 1.5x up to the cap', async () => {
    const clock = new FakeClock();
    let n = 0;
    const out = await poll(async () => ++n, (v) => v === 6, { timeoutMs: 600_000, intervalMs: 10_000, growth: 1.5, maxIntervalMs: 30_000, clock });
    expect(out).toMatchObject({ result: 6, done: true, attempts: 6 });
    expect(clock.sleeps).toEqual([10_000, 15_000, 22_500, 30_000, 30_000]);
    expect(out.elapsedMs).toBe(107_500);
  });

  test('a deadline ends it with done false; the last wait is cut to the deadline, then one more check', async () => {
    const clock = new FakeClock(1_000);
    const seen: Array<[number, number, number | undefined]> = [];
    const out = await poll(async () => 'pending', () => false, {
      timeoutMs: 25_000,
      intervalMs: 10_000,
      clock,
      onProgress: (_r, p) => seen.push([p.elapsedMs, p.remainingMs, p.nextInMs]),
    });
    expect(out).toMatchObject({ done: false, attempts: 4, elapsedMs: 25_000 });
    expect(clock.sleeps).toEqual([10_000, 10_000, 5_000]);
    expect(seen).toEqual([
      [0, 25_000, 10_000],
      [10_000, 15_000, 10_000],
      [20_000, 5_000, 5_000],
      [25_000, 0, undefined],
    ]);
  });

  test('timeout 0 checks exactly once; waitFirst waits one interval before the first check', async () => {
    const clock = new FakeClock();
    const once = await poll(async () => 1, () => false, { timeoutMs: 0, intervalMs: 5_000, clock });
    expect(once).toMatchObject({ attempts: 1, done: false });
    expect(clock.sleeps).toEqual([]);
    const first: number[] = [];
    await poll(async () => first.push(clock.now()), (n) => n === 2, { timeoutMs: 60_000, intervalMs: 5_000, waitFirst: true, clock });
    expect(first).toEqual([5_000, 10_000]);
  });

  test('an error thrown by a check ends the poll with that error', async () => {
    const clock = new FakeClock();
    let n = 0;
    await expect(
      poll(async () => {
        if (++n === 3) throw new Error('operation FAILED');
        return n;
      }, () => false, { timeoutMs: 60_000, intervalMs: 1_000, clock }),
    ).rejects.toThrow('operation FAILED');
    expect(n).toBe(3);
  });

  test('an abort ends it after the current check, not done', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const out = await poll(async (attempt) => {
      if (attempt === 2) ac.abort();
      return attempt;
    }, () => false, { timeoutMs: 3_600_000, intervalMs: 1_000, clock, signal: ac.signal });
    expect(out).toMatchObject({ done: false, attempts: 2 });
  });
});

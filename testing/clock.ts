import type { Clock } from '../core/poll';

/**
 * A fake clock for tests: `sleep` advances time at once (no real waiting), so a poll of hours runs
 * in microseconds and its timing is exact.
 */
export class FakeClock implements Clock {
  public readonly sleeps: number[] = [];
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The command deadline (NSBRIDGE_DEADLINE): the signal aborts on time, --wait extends it, the hard stop comes last. */
import { CommandDeadline, DEFAULT_DEADLINE_MS } from '../../cli/deadline';
import { UsageError } from '../../core/errors';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('CommandDeadline', () => {
  test('aborts the signal at the deadline, then stops the command after the grace period, with one line', async () => {
    const stops: string[] = [];
    // Wide margins: the machine running the tests may be loaded.
    const d = new CommandDeadline(100, (m) => stops.push(m), 500);
    expect(d.signal.aborted).toBe(false);
    await wait(250);
    expect(d.signal.aborted).toBe(true);
    expect(stops).toHaveLength(0);
    await wait(600);
    expect(stops).toEqual([
      'the command did not end within NSBRIDGE_DEADLINE (100ms); stopped. A write in flight may have landed: run the same command again, it reads first and converges',
    ]);
    d.dispose();
  });

  test('extend() moves both timers; dispose() cancels them', async () => {
    const stops: string[] = [];
    const d = new CommandDeadline(100, (m) => stops.push(m), 1_000);
    d.extend(300);
    await wait(250);
    expect(d.signal.aborted).toBe(false);
    await wait(400);
    expect(d.signal.aborted).toBe(true);
    d.dispose();
    await wait(1_000);
    expect(stops).toHaveLength(0);
  });

  test('from the environment: 30m by default, a usage error naming NSBRIDGE_DEADLINE when it does not parse', () => {
    const d = CommandDeadline.fromEnv({}, () => {});
    expect(d.ms).toBe(DEFAULT_DEADLINE_MS);
    d.dispose();
    expect(() => CommandDeadline.fromEnv({ NSBRIDGE_DEADLINE: '10 parsecs' }, () => {})).toThrow(UsageError);
    expect(() => CommandDeadline.fromEnv({ NSBRIDGE_DEADLINE: '10ms' }, () => {})).toThrow(/NSBRIDGE_DEADLINE="10ms" is too short; use at least 1s/);
  });
});

/**
 * The DNSSEC roll-out rules (core/dnssec-rollout.ts) on a fake clock and a fake DNS world: every
 * transition, every precondition not yet met, and at every tick of the clock the chain check
 * (each DS RRset a resolver may hold has a key the zone signs with). Keys are deleted only when a
 * run releases them, as Terraform would delete the released KSK. No CLI, no sockets.
 */
import { advanceRollout, describePending, goalConflict, RolloutInProgressError, RolloutRecord, StepResult, steadyAt } from '../../core/dnssec-rollout';
import { DnskeyRecord, formatDs } from '../../core/dnssec';
import { FakeDnssecWorld } from '../../testing/dns/fake-dnssec-world';
import { testDnskey } from '../../testing/dns/dnssec-keys';

const DOMAIN = 'example.com';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const LIMIT = 15 * MIN;
const NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net'];

describe('DNSSEC roll-out rules (fake clock, fake DNS)', () => {
  let world: FakeDnssecWorld;
  let k1: DnskeyRecord;
  let k2: DnskeyRecord;
  let problems: string[];

  const opts = (extra: Partial<{ limitMs: number; deadlineMs: number }> = {}) => ({
    domain: DOMAIN,
    registrar: 'godaddy',
    limitMs: extra.limitMs ?? LIMIT,
    intervalMs: 5_000,
    deadlineMs: extra.deadlineMs ?? 7 * DAY,
  });
  /** One deploy: a run of the rules, bounded; released keys are deleted as Terraform would. */
  async function deploy(goal: DnskeyRecord[], prior: RolloutRecord | undefined, o = opts()): Promise<StepResult & { tookMs: number }> {
    const t0 = world.clock.now();
    const r = await advanceRollout(goal.map((k) => world.record(k)), prior, world.ports(), o);
    for (const rel of r.released) {
      const key = [...world.keys.values()].find((k) => rel.dnskey?.endsWith(k.key.publicKey));
      if (key) world.deleteKey(key.key);
    }
    return { ...r, tookMs: world.clock.now() - t0 };
  }
  const later = async (ms: number) => world.clock.sleep(ms);
  const dsOf = (k: DnskeyRecord) => formatDs(world.record(k).ds);

  beforeEach(() => {
    // .com-like: a DS TTL of a day; parent server a publishes after 30 s, b after 2 min.
    world = new FakeDnssecWorld(DOMAIN, [30_000, 2 * MIN], NS, 86_400);
    k1 = testDnskey();
    k2 = testDnskey();
    problems = [];
    world.onTick.push(() => problems.push(...world.chainProblems()));
  });
  afterEach(() => expect(problems).toEqual([]));

  test('enable: waits for the zone to serve the key, publishes, confirms at every parent server; bounded', async () => {
    world.addKey(k1, [0, 2 * MIN]);
    const r = await deploy([k1], undefined);
    expect(r.done).toBe(true);
    expect(r.record).toEqual(steadyAt([world.record(k1)]));
    expect(world.writes).toEqual([{ at: expect.any(Number), add: [dsOf(k1)], remove: [] }]);
    // Written only once ns-2 served the key (2 min), then the parent (2 more min).
    expect(world.writes[0]!.at - Date.parse('2026-12-07T00:00:00Z')).toBeGreaterThanOrEqual(2 * MIN);
    expect(r.waits.map((w) => [w.done, w.awaiting])).toEqual([[true, []], [true, []]]);
    expect(r.tookMs).toBeLessThanOrEqual(LIMIT);
  });

  test('enable: the zone never serves the key within the limit: nothing is written, pending names the servers', async () => {
    world.addKey(k1, [0, 10 * HOUR]);
    const r = await deploy([k1], undefined);
    expect(r.done).toBe(false);
    expect(r.record.phase).toBe('introduce');
    expect(r.pending).toMatchObject({ step: expect.stringMatching(/^publish DS \d+ 13 2 .* once every name server serves its key$/), awaiting: ['ns-2.awsdns-02.net'] });
    expect(world.writes).toEqual([]);
    expect(r.tookMs).toBe(LIMIT);
    expect(r.waits[0]).toMatchObject({ done: false, limitMs: LIMIT, awaiting: ['ns-2.awsdns-02.net'] });
  });

  test('enable: a parent server slower than the limit: the deploy ends with the confirmation pending; the next one completes', async () => {
    world = new FakeDnssecWorld(DOMAIN, [30_000, 40 * MIN], NS, 86_400);
    world.onTick.push(() => problems.push(...world.chainProblems()));
    world.addKey(k1);
    const first = await deploy([k1], undefined);
    expect(first).toMatchObject({ done: false, record: { phase: 'await-new' }, pending: { awaiting: ['b.gtld-servers.net'] } });
    expect(first.tookMs).toBe(LIMIT);
    await later(HOUR);
    const second = await deploy([k1], first.record);
    expect(second.done).toBe(true);
    expect(world.writes).toHaveLength(1);
  });

  describe('a double-DS key roll', () => {
    async function rolledIn(): Promise<StepResult & { tookMs: number }> {
      world.addKey(k1);
      const on = await deploy([k1], undefined);
      expect(on.done).toBe(true);
      await later(2 * DAY);
      world.addKey(k2, [MIN, 3 * MIN]); // Terraform created the new KSK
      return deploy([k2], on.record);
    }

    test('first deploy: the new DS goes up next to the old; pending "remove old DS after" the new DS was seen + the DS TTL', async () => {
      const r = await rolledIn();
      expect(r.done).toBe(false);
      expect(r.record.phase).toBe('hold-new');
      expect(world.held.map((h) => formatDs(h.ds)).sort()).toEqual([dsOf(k1), dsOf(k2)].sort());
      expect(world.writes.at(-1)).toMatchObject({ add: [dsOf(k2)], remove: [] });
      const seenAt = world.clock.now();
      expect(Date.parse(r.record.notBefore!)).toBe(seenAt + DAY);
      expect(r.pending!.step).toBe(`remove old DS ${k1 && r.record.retiring[0]!.ds.split(' ').slice(0, 3).join(' ')} ${r.record.retiring[0]!.ds.split(' ')[3]!.slice(0, 8)}... after ${r.record.notBefore}`);
      expect(r.released).toEqual([]);
      expect(r.tookMs).toBeLessThanOrEqual(LIMIT);
    });

    test('a deploy before that moment does nothing and says the same; after it the old DS goes, then the old key is released', async () => {
      const first = await rolledIn();
      await later(HOUR);
      const early = await deploy([k2], first.record);
      expect(early).toMatchObject({ done: false, record: first.record, pending: first.pending, added: [], removed: [], released: [] });
      await later(DAY);
      const last = await deploy([k2], early.record);
      expect(last.done).toBe(true);
      expect(last.removed.map((x) => x.ds)).toEqual([dsOf(k1)]);
      expect(last.released.map((x) => x.ds)).toEqual([dsOf(k1)]);
      expect(world.keys.has(k1.publicKey)).toBe(false);
      expect(last.record).toEqual(steadyAt([world.record(k2)]));
      expect(last.tookMs).toBeLessThanOrEqual(LIMIT);
      // The old key was released only once no parent server served its DS.
      expect(world.parentViews().every((v) => v.ok && !v.ds.map(formatDs).includes(dsOf(k1)))).toBe(true);
    });

    test('the registry has not dropped the old DS within the limit: the old key is kept, pending says so', async () => {
      const first = await rolledIn();
      await later(DAY + HOUR);
      world.registryPublishes = false;
      const r = await deploy([k2], first.record);
      expect(r).toMatchObject({ done: false, record: { phase: 'await-gone' }, released: [] });
      expect(r.pending!.step).toMatch(/^delete the key of DS .* once no parent server serves it$/);
      expect(r.pending!.awaiting).toEqual(['a.gtld-servers.net', 'b.gtld-servers.net']);
      expect(world.keys.has(k1.publicKey)).toBe(true);
      world.registryPublishes = true;
      world.dropByHand(world.record(k1)); // the registry catches up
      await later(HOUR);
      const done = await deploy([k2], r.record);
      expect(done.released.map((x) => x.ds)).toEqual([dsOf(k1)]);
    });

    test('the registrar dropped the new DS by hand: the next deploy reports the drift and puts it back, and waits again', async () => {
      const first = await rolledIn();
      world.dropByHand(world.record(k2));
      await later(HOUR);
      const r = await deploy([k2], first.record);
      expect(r.drift.map((x) => x.ds)).toEqual([dsOf(k2)]);
      expect(r.added.map((x) => x.ds)).toEqual([dsOf(k2)]);
      expect(world.held).toHaveLength(2);
      // Dropped and put back within the hold: once it is over, the new DS is checked again first.
      await later(DAY);
      const last = await deploy([k2], r.record);
      expect(last.done).toBe(true);
    });

    test('another roll asked for during this one is refused, saying what to do', async () => {
      const first = await rolledIn();
      const k3 = testDnskey();
      await expect(deploy([k3], first.record)).rejects.toThrow(RolloutInProgressError);
      const message = goalConflict(DOMAIN, first.record, [world.record(k3)])!;
      expect(message).toMatch(/^example\.com: a DNSSEC change is under way \(from DS \d+ .* to DS \d+ .*; next: remove old DS .* after 2026-12-\d\dT.*\), and another was asked for .*keep the key settings as they are until it completes/);
      expect(goalConflict(DOMAIN, first.record, [world.record(k2)])).toBeUndefined();
      expect(world.writes.filter((w) => w.add.includes(formatDs(world.record(k3).ds)))).toEqual([]);
    });

    test('past the deadline a pending step is reported as failed, with the reason; nothing unsafe is done', async () => {
      world.addKey(k1);
      const on = await deploy([k1], undefined);
      world.addKey(k2);
      world.registryPublishes = false;
      const first = await deploy([k2], on.record, opts({ deadlineMs: 2 * DAY }));
      expect(first).toMatchObject({ done: false, record: { phase: 'await-new' } });
      expect(first.failed).toBeUndefined();
      await later(3 * DAY);
      const late = await deploy([k2], first.record, opts({ deadlineMs: 2 * DAY }));
      expect(late.failed).toMatch(/^godaddy: example\.com: the DNSSEC change started .* is still pending after its deadline \(48h\): confirm every parent server serves DS .*; not yet at a\.gtld-servers\.net, b\.gtld-servers\.net; nothing unsafe was done/);
      expect(late.removed).toEqual([]);
      expect(world.keys.size).toBe(2);
    });
  });

  test('disable: the DS goes first; the key is released only after the parent dropped it and its TTL passed', async () => {
    world.addKey(k1);
    const on = await deploy([k1], undefined);
    await later(DAY);
    const off = await deploy([], on.record);
    expect(off.removed.map((x) => x.ds)).toEqual([dsOf(k1)]);
    expect(off).toMatchObject({ done: false, record: { phase: 'drain', dsTtl: 86_400 }, released: [] });
    expect(off.pending!.step).toBe(`stop signing and delete the key of DS ${off.record.retiring[0]!.ds.split(' ').slice(0, 3).join(' ')} ${off.record.retiring[0]!.ds.split(' ')[3]!.slice(0, 8)}... after ${off.record.notBefore}`);
    expect(off.pending!.notBefore).toBe(off.record.notBefore);
    expect(world.keys.has(k1.publicKey)).toBe(true);
    await later(12 * HOUR);
    const mid = await deploy([], off.record);
    expect(mid).toMatchObject({ done: false, released: [], record: off.record });
    await later(13 * HOUR);
    const last = await deploy([], mid.record);
    expect(last).toMatchObject({ done: true, record: steadyAt([]) });
    expect(last.released.map((x) => x.ds)).toEqual([dsOf(k1)]);
  });

  test('a steady domain with nothing to change: no write, no wait, done', async () => {
    world.addKey(k1);
    const on = await deploy([k1], undefined);
    const n = world.writes.length;
    const again = await deploy([k1], on.record);
    expect(again).toMatchObject({ done: true, waits: [], added: [], removed: [], drift: [] });
    expect(world.writes).toHaveLength(n);
    expect(describePending(again.record)).toBeUndefined();
  });

  test('progress: a line at least every minute during a wait, each with elapsed, remaining and the awaited servers; not one per check', async () => {
    world.addKey(k1, [0, 10 * HOUR]);
    await deploy([k1], undefined);
    const lines = world.lines.filter((l) => /waiting for every name server/.test(l));
    // 15 min of 5 s checks = 180 checks; lines once a minute.
    expect(lines.length).toBeGreaterThanOrEqual(15);
    expect(lines.length).toBeLessThanOrEqual(16);
    expect(lines[0]).toMatch(/^godaddy: example\.com: waiting for every name server to serve the DNSKEY of DS \d+ 13 2 \w{8}\.\.\.: 0ms elapsed, 15m left of 15m; still awaited: ns-2\.awsdns-02\.net$/);
    expect(lines[1]).toMatch(/: 1m elapsed, 14m left of 15m; still awaited: ns-2\.awsdns-02\.net$/);
  });
});

/**
 * `ds step`: the roll-out over several runs, through the real CLI bundle, the GoDaddy emulator
 * (a DS registrar) and loopback DNS whose parent (.com) servers publish an accepted change a
 * little later, server by server, as a registry does. Short TTLs (2 s) and a short wait limit
 * (3 s) stand for a day and 15 minutes: every run ends within its limit, and the steps that
 * must wait for a TTL are done by a later run with the record the earlier one printed (what
 * Terraform state would carry).
 *
 * A sampler checks the chain every 25 ms during the whole roll-out, as a validating resolver
 * would see it: every DS RRset a parent server serves, or served within its TTL, is empty or
 * has a DS for a key the zone serves. Keys leave the zone only when a run released them.
 */
import { DnsWorld } from '../../testing/dns/dns-world';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { DnskeyRecord, dsFromDnskey, DsRecord, formatDnskey, formatDs } from '../../core/dnssec';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';

const NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.com'];
const DOMAIN = 'example.com';
const DS_TTL = 2;
/** The DNSKEY TTL: the old DS goes only once resolvers can hold no DNSKEY RRset without the new key. */
const KEY_TTL = 3;
const REGISTRY_DELAY_MS = 300;
const LIMIT = '3s';

describe('ds step: enable, double-DS roll and disable over several runs (loopback DNS, GoDaddy emulator)', () => {
  jest.setTimeout(120_000);
  let world: DnsWorld;
  let emu: GoDaddyEmulator;
  let k1: DnskeyRecord;
  let k2: DnskeyRecord;
  let registryPublishes = true;
  /** The DS TTL the parent serves (a test may need the hold to outlast a slow machine). */
  let dsTtl = DS_TTL;
  let zoneKeys: DnskeyRecord[] = [];
  /** Per parent server: what it served and from when. */
  let history: Array<Array<{ at: number; ds: string[] }>> = [];
  const problems: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let sampler: NodeJS.Timeout | undefined;

  const dsOf = (k: DnskeyRecord) => dsFromDnskey(DOMAIN, k);
  const env = (extra: Record<string, string> = {}) =>
    baseEnv({ ...emu.env(), ...world.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '20ms', NSBRIDGE_DNS_POLL_INTERVAL: '100ms', ...extra });
  const step = (args: string[], e = env()) => runCli(['ds', 'step', ...args, '--registrar', 'godaddy', '--domain', DOMAIN, '--max-wait', LIMIT, '--json'], e);
  const sign = (keys: DnskeyRecord[]) => {
    zoneKeys = keys;
    world.signZone(DOMAIN, keys, { ttl: KEY_TTL });
  };

  function servedNow(i: number, ds: DsRecord[]): void {
    world.publishDs(DOMAIN, ds, { ttl: dsTtl, servers: [i] });
    history[i]!.push({ at: Date.now(), ds: ds.map(formatDs) });
  }
  /** The registry: publish what the registrar holds, server by server, a little later. */
  function publish(records: DsRecord[]): void {
    if (!registryPublishes) return;
    [0, 1].forEach((i) => {
      const t = setTimeout(() => {
        timers.delete(t);
        servedNow(i, records);
      }, REGISTRY_DELAY_MS * (i + 1));
      timers.add(t);
    });
  }
  /** The validating check of the chain now (with 200 ms of slack for the sampler's own lag). */
  function checkChain(): void {
    const now = Date.now();
    const keyDs = zoneKeys.map((k) => formatDs(dsOf(k)));
    history.forEach((h, i) => {
      h.forEach((p, j) => {
        const until = j + 1 < h.length ? h[j + 1]!.at : Number.POSITIVE_INFINITY;
        const cacheable = p.at <= now && until + dsTtl * 1000 + 200 > now;
        if (cacheable && p.ds.length > 0 && !p.ds.some((d) => keyDs.includes(d))) {
          problems.push(`server ${i} served [${p.ds.join(', ')}] at ${p.at}, cacheable now (${now}), and the zone serves no key for it`);
        }
      });
    });
  }
  const json = (r: { stdout: string }) => JSON.parse(r.stdout);

  beforeAll(async () => {
    world = await DnsWorld.start();
    await world.serveZone(DOMAIN, NS);
    emu = await startEmulator({ rateLimit: null });
    emu.onDnssecChange = (_domain, records) => publish(records.map((r) => r.ds));
    k1 = testDnskey(257);
    k2 = testDnskey(257);
  });
  afterAll(async () => {
    for (const t of timers) clearTimeout(t);
    if (sampler) clearInterval(sampler);
    await emu.close();
    await world.close();
  });
  beforeEach(() => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    registryPublishes = true;
    dsTtl = DS_TTL;
    emu.http.resetLog();
    emu.addDomain(DOMAIN, NS);
    emu.setDnssecRecords(DOMAIN, []);
    world.resetDomain(DOMAIN, NS);
    zoneKeys = [];
    history = [[{ at: 0, ds: [] }], [{ at: 0, ds: [] }]];
    problems.length = 0;
    sampler = setInterval(checkChain, 25);
  });
  afterEach(() => {
    clearInterval(sampler);
    expect(problems).toEqual([]);
  });

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const held = () => (emu.dnssecRecordsOf(DOMAIN) ?? []).map((x) => formatDs(x.ds)).sort();
  const untilTime = async (iso: string) => sleep(Math.max(0, Date.parse(iso) - Date.now()) + 100);
  /** No run waits longer than the limit, all its waits together. */
  const withinLimit = (r: { waits: Array<{ elapsedMs: number }> }) => expect(r.waits.reduce((s, w) => s + w.elapsedMs, 0)).toBeLessThanOrEqual(3000 + 250);

  test('enable, roll and disable each complete over several runs; each run bounded; the chain valid throughout', async () => {
    // 6 s stands for a day: long enough that the run "before that moment" is before it on a busy machine.
    dsTtl = 6;
    // Enable: the zone is signed with k1 (Terraform), then one run publishes and confirms.
    sign([k1]);
    const on = await step(['--dnskey', formatDnskey(k1)]);
    expect(on.code).toBe(0);
    expect(json(on)).toMatchObject({ done: true, record: { phase: 'steady', target: [{ ds: formatDs(dsOf(k1)) }], retiring: [] }, added: [{ ds: formatDs(dsOf(k1)) }], released: [] });
    withinLimit(json(on));

    // Roll: Terraform created k2 (both sign); the new DS goes up next to the old.
    sign([k1, k2]);
    const roll1 = await step(['--dnskey', formatDnskey(k2), '--record', JSON.stringify(json(on).record)]);
    expect(roll1.code).toBe(0);
    const r1 = json(roll1);
    expect(r1).toMatchObject({ done: false, record: { phase: 'hold-new' }, added: [{ ds: formatDs(dsOf(k2)) }], removed: [], released: [] });
    expect(r1.pending.step).toBe(`remove old DS ${dsOf(k1).keyTag} 13 2 ${dsOf(k1).digest.slice(0, 8)}... after ${r1.record.notBefore}`);
    expect(r1.pending.notBefore).toBe(r1.record.notBefore);
    // The earliest removal: the new DNSKEY served everywhere + its TTL, and the new DS seen + the DS TTL.
    expect(r1.record.keyTtl).toBe(KEY_TTL);
    expect(Date.parse(r1.record.notBefore)).toBeGreaterThanOrEqual(Date.parse(r1.record.keysSeenAt) + KEY_TTL * 1000);
    expect(held()).toEqual([formatDs(dsOf(k1)), formatDs(dsOf(k2))].sort());
    withinLimit(r1);

    // Another run before that moment: nothing written, the same pending step.
    emu.http.resetLog();
    const early = await step(['--dnskey', formatDnskey(k2), '--record', JSON.stringify(r1.record)]);
    expect(early.code).toBe(0);
    expect(json(early)).toMatchObject({ done: false, record: r1.record, pending: r1.pending, added: [], removed: [] });
    expect(emu.http.writes()).toBe(0);

    // After it: the old DS goes; once no parent server serves it, the old key is released.
    await untilTime(r1.record.notBefore);
    const roll2 = await step(['--dnskey', formatDnskey(k2), '--record', JSON.stringify(r1.record)]);
    expect(roll2.code).toBe(0);
    const r2 = json(roll2);
    expect(r2).toMatchObject({ done: true, record: { phase: 'steady', target: [{ ds: formatDs(dsOf(k2)) }] }, removed: [{ ds: formatDs(dsOf(k1)) }] });
    expect(r2.released.map((x: { ds: string }) => x.ds)).toEqual([formatDs(dsOf(k1))]);
    expect(roll2.stderr).toMatch(/released: no parent server serves DS .* its key may be deleted now/);
    expect([world.dsAt(0, DOMAIN), world.dsAt(1, DOMAIN)].map((s) => s.map(formatDs))).toEqual([[formatDs(dsOf(k2))], [formatDs(dsOf(k2))]]);
    withinLimit(r2);
    sign([k2]); // Terraform deletes the released key

    // Disable: the DS goes first; the zone stays signed for the TTL after the parent dropped it.
    const off1 = await step(['--off', '--record', JSON.stringify(r2.record)]);
    expect(off1.code).toBe(0);
    const o1 = json(off1);
    expect(o1).toMatchObject({ done: false, record: { phase: 'drain', dsTtl }, removed: [{ ds: formatDs(dsOf(k2)) }], released: [] });
    expect(o1.pending.step).toMatch(/^stop signing and delete the key of DS \d+ 13 2 [0-9A-F]{8}\.\.\. after 20\d\d-/);
    expect(held()).toEqual([]);
    await untilTime(o1.record.notBefore);
    const off2 = await step(['--off', '--record', JSON.stringify(o1.record)]);
    expect(json(off2)).toMatchObject({ done: true, record: { phase: 'steady', target: [] } });
    expect(json(off2).released.map((x: { ds: string }) => x.ds)).toEqual([formatDs(dsOf(k2))]);
    sign([]); // signing stops, the key goes
    await sleep(300);
  });

  test('text output is one line: done, or pending with the step and its earliest time', async () => {
    sign([k1]);
    const on = await runCli(['ds', 'step', '--registrar', 'godaddy', '--domain', DOMAIN, '--dnskey', formatDnskey(k1), '--max-wait', LIMIT], env());
    expect(on.code).toBe(0);
    expect(on.stdout).toBe('godaddy: example.com: done: the registrar holds the target and nothing is pending\n');
    sign([k1, k2]);
    const record = JSON.stringify({ phase: 'steady', target: [{ ds: formatDs(dsOf(k1)), dnskey: formatDnskey(k1) }], retiring: [] });
    const roll = await runCli(['ds', 'step', '--registrar', 'godaddy', '--domain', DOMAIN, '--dnskey', formatDnskey(k2), '--record', record, '--max-wait', LIMIT], env());
    expect(roll.code).toBe(0);
    expect(roll.stdout).toMatch(/^godaddy: example\.com: pending: remove old DS \d+ 13 2 [0-9A-F]{8}\.\.\. after 20\d\d-\d\d-\d\dT[\d:.]+Z\n$/);
  });

  test('the parent never shows the new DS within the limit: exit 0, pending names the servers; after the deadline: exit 1 with the reason', async () => {
    sign([k1]);
    registryPublishes = false;
    const t0 = Date.now();
    const r = await step(['--dnskey', formatDnskey(k1)]);
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ done: false, record: { phase: 'await-new' }, pending: { step: expect.stringMatching(/^confirm every parent server serves DS /), awaiting: ['a.nic.com-registry.net', 'b.nic.com-registry.net'] } });
    expect(out.waits.at(-1)).toMatchObject({ done: false, awaiting: ['a.nic.com-registry.net', 'b.nic.com-registry.net'] });
    withinLimit(out);
    expect(Date.now() - t0).toBeLessThan(3000 + 5000);
    // Progress: a line with elapsed, remaining and who is awaited.
    expect(r.stderr).toMatch(/godaddy: example\.com: waiting for every parent server to serve DS \d+ .*: \S+ elapsed, \S+ left of \S+; still awaited: a\.nic\.com-registry\.net: no DS; b\.nic\.com-registry\.net: no DS/);
    const late = await step(['--dnskey', formatDnskey(k1), '--record', JSON.stringify(out.record), '--deadline', '1ms']);
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/nsbridge: godaddy: DNSSEC roll-out example\.com: the DNSSEC change started .* is still pending after its deadline \(1ms\): confirm every parent server serves DS .*; not yet at a\.nic\.com-registry\.net, b\.nic\.com-registry\.net; nothing unsafe was done/);
    expect(json(late).failed).toMatch(/still pending after its deadline/);
  });

  test('the registrar dropped the new DS by hand during the roll: the next run says so and puts it back', async () => {
    // A hold of a minute: the next run comes within it however slow the machine is.
    dsTtl = 60;
    sign([k1, k2]);
    emu.setDnssecRecords(DOMAIN, [{ ds: dsOf(k1) }]);
    servedNow(0, [dsOf(k1)]);
    servedNow(1, [dsOf(k1)]);
    const r1 = json(await step(['--dnskey', formatDnskey(k2)]));
    expect(r1.record.phase).toBe('hold-new');
    emu.setDnssecRecords(DOMAIN, [{ ds: dsOf(k1) }]); // by hand, in the dashboard
    const r2 = await step(['--dnskey', formatDnskey(k2), '--record', JSON.stringify(r1.record)]);
    expect(r2.code).toBe(0);
    expect(json(r2).drift).toEqual([{ ds: formatDs(dsOf(k2)), dnskey: formatDnskey(k2) }]);
    expect(r2.stderr).toMatch(/drift: GoDaddy no longer held DS .* \(removed outside nsbridge\): put back/);
    expect(held()).toEqual([formatDs(dsOf(k1)), formatDs(dsOf(k2))].sort());
  });

  test('refused before anything is sent: another roll while one is under way, a bad record, no target', async () => {
    sign([k1, k2]);
    const k3 = testDnskey(257);
    const underWay = JSON.stringify({ phase: 'hold-new', target: [{ ds: formatDs(dsOf(k2)) }], retiring: [{ ds: formatDs(dsOf(k1)) }], startedAt: new Date().toISOString(), notBefore: new Date(Date.now() + 86_400_000).toISOString() });
    const cases: Array<[string[], RegExp]> = [
      [['--dnskey', formatDnskey(k3), '--record', underWay], /nsbridge: godaddy: ds step example\.com: a DNSSEC change is under way \(from DS .* to DS .*; next: remove old DS .* after .*\), and another was asked for .*keep the key settings as they are until it completes.*; nothing was sent/],
      [['--dnskey', formatDnskey(k2), '--record', '{"phase":"sideways"}'], /--record: not a roll-out record \(phase, target, retiring\).*nothing was sent/],
      [['--dnskey', formatDnskey(k2), '--record', '{not json'], /--record: not JSON/],
      [[], /say where the roll-out leads: --dnskey .* or --off for no DS; nothing was sent/],
      [['--off', '--dnskey', formatDnskey(k2)], /--off \(no DS\) and --ds\/--dnskey contradict each other/],
    ];
    for (const [args, message] of cases) {
      const r = await step(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    expect(emu.http.writes()).toBe(0);
  });

  test('ds set/clear: a hold longer than the wait limit is refused before anything is written', async () => {
    sign([k1, k2]);
    emu.setDnssecRecords(DOMAIN, [{ ds: dsOf(k1) }]);
    servedNow(0, [dsOf(k1)]);
    servedNow(1, [dsOf(k1)]);
    const set = await runCli(['ds', 'set', '--registrar', 'godaddy', '--domain', DOMAIN, '--dnskey', formatDnskey(k2), '--hold-replaced', '5s', '--max-wait', '1s'], env());
    expect(set.code).toBe(1);
    expect(set.stderr).toMatch(/nsbridge: godaddy: hold example\.com: --hold-replaced would hold 5s \(as asked \(--hold-replaced\)\), longer than the wait limit of 1s; nothing was written: .*nsbridge ds step.*NSBRIDGE_DNS_WAIT_LIMIT/);
    const clear = await runCli(['ds', 'clear', '--registrar', 'godaddy', '--domain', DOMAIN, '--hold', 'parent-ttl'], env({ NSBRIDGE_DNS_WAIT_LIMIT: '1s' }));
    expect(clear.code).toBe(1);
    expect(clear.stderr).toMatch(/--hold would hold 2s \(the DS TTL the com servers served before the clear \(2 s\)\), longer than the wait limit of 1s; nothing was removed/);
    expect(emu.http.writes()).toBe(0);
    expect(held()).toEqual([formatDs(dsOf(k1))]);
  });
});

/**
 * `ds set --hold-replaced`: a direct key roll made safe. The GoDaddy emulator (a DS registrar,
 * asynchronous actions) stands for the registrar; an accepted change reaches the loopback parent
 * (.com) servers later, as a registry publishes it (server 0 after REGISTRY_DELAY_MS, server 1
 * after twice that). The CLI is the real bundle.
 *
 * What is checked: the DS TTL is read from the parent BEFORE the registrar is written to; the
 * command returns only once every parent server has dropped the old DS AND the hold (the TTL
 * served before the change) has passed since (lower bounds only: a busy machine is only slower);
 * a first publish and a re-run with nothing to change do not hold, but a re-run after a failed hold
 * (the parent still serving the old DS GoDaddy no longer holds) waits and holds; a bad value is refused with
 * exit 2 before anything is sent; a parent that keeps the old DS makes it exit 1 saying to keep
 * the old key.
 */
import { DnsWorld } from '../../testing/dns/dns-world';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { DnskeyRecord, dsFromDnskey, DsRecord, formatDnskey, formatDs } from '../../core/dnssec';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';

const NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.com'];
const DOMAIN = 'example.com';
const DS_TTL = 2;
const REGISTRY_DELAY_MS = 400;

describe('ds set --hold-replaced (loopback DNS, GoDaddy emulator)', () => {
  jest.setTimeout(60_000);
  let world: DnsWorld;
  let emu: GoDaddyEmulator;
  let oldKsk: DnskeyRecord;
  let newKsk: DnskeyRecord;
  /** false: the registry never publishes removals (the old DS stays at the parent). */
  let registryDrops = true;
  /** When each parent server last stopped serving a DS it served (ms). */
  let droppedAt: number[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const dsOf = (k: DnskeyRecord) => dsFromDnskey(DOMAIN, k);
  const served = (i: number) => world.dsAt(i, DOMAIN).map(formatDs);
  const env = (extra: Record<string, string> = {}) =>
    baseEnv({ ...emu.env(), ...world.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '20ms', NSBRIDGE_DNS_POLL_INTERVAL: '100ms', ...extra });
  const set = (args: string[], e = env()) => runCli(['ds', 'set', ...args, '--registrar', 'godaddy', '--domain', DOMAIN], e);
  /** DS questions about the domain that parent server 0 got since `t0`. */
  const dsQuestions = (t0: number) => world.parents[0]!.queries.filter((q) => q.type === 'DS' && q.name === DOMAIN && q.at >= t0);
  const writes = (t0: number) => emu.http.requests.filter((q) => q.write && q.at >= t0);

  /** The registry: publish what the registrar holds, server by server, a little later. */
  function publish(records: DsRecord[]): void {
    [0, 1].forEach((i) => {
      const t = setTimeout(() => {
        timers.delete(t);
        const before = world.dsAt(i, DOMAIN).map(formatDs);
        let next = records;
        if (!registryDrops) next = [...world.dsAt(i, DOMAIN), ...records.filter((r) => !before.includes(formatDs(r)))];
        world.publishDs(DOMAIN, next, { ttl: DS_TTL, servers: [i] });
        if (before.some((d) => !next.map(formatDs).includes(d))) droppedAt[i] = Date.now();
      }, REGISTRY_DELAY_MS * (i + 1));
      timers.add(t);
    });
  }

  beforeAll(async () => {
    world = await DnsWorld.start();
    await world.serveZone(DOMAIN, NS);
    emu = await startEmulator({ rateLimit: null });
    emu.onDnssecChange = (_domain, records) => publish(records.map((r) => r.ds));
    oldKsk = testDnskey(257);
    newKsk = testDnskey(257);
  });
  afterAll(async () => {
    for (const t of timers) clearTimeout(t);
    await emu.close();
    await world.close();
  });
  beforeEach(() => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    registryDrops = true;
    droppedAt = [];
    emu.http.resetLog();
    emu.addDomain(DOMAIN, NS);
    emu.setDnssecRecords(DOMAIN, []);
    world.resetDomain(DOMAIN, NS);
  });

  /** The domain as after a first publish of the old key: GoDaddy holds its DS, the parent serves it. */
  function publishedOld(): void {
    world.signZone(DOMAIN, [oldKsk, newKsk]);
    emu.setDnssecRecords(DOMAIN, [{ ds: dsOf(oldKsk) }]);
    world.publishDs(DOMAIN, [dsOf(oldKsk)], { ttl: DS_TTL });
  }

  test('a roll with parent-ttl: TTL read before the write, the old DS gone at every parent server, then held that TTL', async () => {
    publishedOld();
    const t0 = Date.now();
    const r = await set(['--dnskey', formatDnskey(newKsk), '--wait-signed', '5s', '--hold-replaced', 'parent-ttl', '--json']);
    const end = Date.now();
    expect(r.code).toBe(0);
    // The roll itself: the new DS added before the old one removed, and the parent follows.
    expect(emu.dnssecRecordsOf(DOMAIN)?.map((x) => formatDs(x.ds))).toEqual([formatDs(dsOf(newKsk))]);
    expect([served(0), served(1)]).toEqual([[formatDs(dsOf(newKsk))], [formatDs(dsOf(newKsk))]]);
    // The TTL was asked of the parent before anything was written to GoDaddy.
    const firstWrite = writes(t0)[0]!;
    expect(firstWrite).toBeDefined();
    expect(dsQuestions(t0).filter((q) => q.at <= firstWrite.at).length).toBeGreaterThan(0);
    // It waited for the slower parent server to drop the old DS ...
    expect(r.stderr).toMatch(/godaddy: example\.com: waiting for the parent servers to drop the replaced DS \d+ 13 2 [0-9A-F]{8}\.\.\.: \S+ elapsed, \S+ left of \S+; still awaited: [01]\/2 com servers have dropped the replaced DS \d+ 13 2 [0-9A-F]{8}\.\.\.; not yet: /);
    expect(r.stderr).toMatch(/every com server has dropped the replaced DS/);
    // ... then held the TTL the parent served before the change, and said why.
    expect(r.stderr).toMatch(
      /holding 2s \(until [^)]+\): the DS TTL the com servers served before the change \(2 s\): resolvers may have cached the old DS for up to 2 s; the old key keeps signing until then/,
    );
    expect(r.stderr).toMatch(/hold over: .*the old key may go now/);
    expect(r.stderr.indexOf('every com server has dropped')).toBeLessThan(r.stderr.indexOf('holding 2s'));
    expect(droppedAt[0]).toBeDefined();
    expect(droppedAt[1]).toBeDefined();
    expect(end - Math.max(droppedAt[0]!, droppedAt[1]!)).toBeGreaterThanOrEqual(DS_TTL * 1000);
    // JSON as without the flag, plus how long it held.
    expect(JSON.parse(r.stdout)).toEqual({
      registrar: 'godaddy',
      domain: DOMAIN,
      changed: true,
      before: [{ ds: formatDs(dsOf(oldKsk)) }],
      after: [{ ds: formatDs(dsOf(newKsk)) }],
      dryRun: false,
      held: DS_TTL * 1000,
      // Every wait: the signed zone, the old DS gone, the one look at the new set, the hold (at least the TTL).
      waits: [
        { what: 'every name server to serve the DNSKEY for the DS', done: true, elapsedMs: expect.any(Number), limitMs: 5000, checks: expect.any(Number), awaiting: [] },
        { what: expect.stringMatching(/^the parent servers to drop the replaced DS \d+ 13 2 [0-9A-F]{8}\.\.\.$/), done: true, elapsedMs: expect.any(Number), limitMs: 15 * 60_000, checks: expect.any(Number), awaiting: [] },
        { what: 'the parent servers to serve exactly the new DS records', done: true, elapsedMs: expect.any(Number), limitMs: 0, checks: 1, awaiting: [] },
        { what: "resolvers' cached copies of the old DS to expire", done: true, elapsedMs: expect.any(Number), limitMs: DS_TTL * 1000, checks: expect.any(Number), awaiting: [] },
      ],
    });
    expect(JSON.parse(r.stdout).waits[3].elapsedMs).toBeGreaterThanOrEqual(DS_TTL * 1000);
  });

  test('a roll with a fixed duration holds that long after the parent dropped the old DS (text output)', async () => {
    publishedOld();
    const r = await set(['--ds', formatDs(dsOf(newKsk)), '--hold-replaced', '1500ms', '--wait', '20s']);
    const end = Date.now();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`godaddy: example.com: changed: add DS ${formatDs(dsOf(newKsk))}; remove DS ${formatDs(dsOf(oldKsk))}\n`);
    expect(r.stderr).toMatch(/holding 1\.5s \(until [^)]+\): as asked \(--hold-replaced\): resolvers may have cached the old DS for up to the parent's DS TTL/);
    expect(r.stderr).toMatch(/every com server serves exactly the new DS records/);
    expect(end - Math.max(droppedAt[0]!, droppedAt[1]!)).toBeGreaterThanOrEqual(1500);
  });

  test('a first publish does not hold (nothing replaced)', async () => {
    world.signZone(DOMAIN, [newKsk]);
    const r = await set(['--dnskey', formatDnskey(newKsk), '--wait-signed', '5s', '--hold-replaced', 'parent-ttl', '--wait', '20s', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ changed: true, before: [], after: [{ ds: formatDs(dsOf(newKsk)) }] });
    expect(out).not.toHaveProperty('held');
    expect(r.stderr).not.toMatch(/holding|dropped the replaced|no hold needed/);
    expect([served(0), served(1)]).toEqual([[formatDs(dsOf(newKsk))], [formatDs(dsOf(newKsk))]]);
  });

  test('a re-run with nothing to change does not hold and writes nothing', async () => {
    world.signZone(DOMAIN, [newKsk]);
    emu.setDnssecRecords(DOMAIN, [{ ds: dsOf(newKsk) }]);
    world.publishDs(DOMAIN, [dsOf(newKsk)], { ttl: DS_TTL });
    const r = await set(['--dnskey', formatDnskey(newKsk), '--wait-signed', '5s', '--hold-replaced', 'parent-ttl', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ changed: false });
    expect(out).not.toHaveProperty('held');
    expect(r.stderr).not.toMatch(/holding|dropped the replaced|no hold needed/);
    expect(emu.http.writes()).toBe(0);
  });

  test('a re-run after a failed hold, while the parent still serves the old DS: nothing written, the old DS waited for and held', async () => {
    // What a roll whose hold failed leaves: GoDaddy holds only the new DS, the parent still serves
    // the old one too; the registry drops it a little later.
    world.signZone(DOMAIN, [oldKsk, newKsk]);
    emu.setDnssecRecords(DOMAIN, [{ ds: dsOf(newKsk) }]);
    world.publishDs(DOMAIN, [dsOf(oldKsk), dsOf(newKsk)], { ttl: DS_TTL });
    // The registry drops the old DS only after the command has first seen it at the parent (a
    // timer from the start would race the command's start-up on a loaded machine).
    const parent0 = world.parents[0]!;
    const before = parent0.onQuery;
    let asked = 0;
    parent0.onQuery = (q) => {
      before?.(q);
      if (q.type === 'DS' && q.name === DOMAIN && ++asked === 1) publish([dsOf(newKsk)]);
    };
    let r;
    try {
      r = await set(['--dnskey', formatDnskey(newKsk), '--wait-signed', '5s', '--hold-replaced', 'parent-ttl', '--json']);
    } finally {
      parent0.onQuery = before;
    }
    const end = Date.now();
    expect(r.code).toBe(0);
    expect(emu.http.writes()).toBe(0);
    expect(r.stderr).toMatch(/the com servers still serve DS \d+ 13 2 [0-9A-F]{8}\.\.\., which GoDaddy no longer holds .*treated as replaced by this run/);
    expect(r.stderr).toMatch(/every com server has dropped the replaced DS/);
    expect(r.stderr).toMatch(/holding 2s .*\(2 s\): resolvers may have cached the old DS for up to 2 s/);
    expect(end - Math.max(droppedAt[0]!, droppedAt[1]!)).toBeGreaterThanOrEqual(DS_TTL * 1000);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: false, held: DS_TTL * 1000 });
  });

  test.each([['forever'], ['-5s'], ['']])('--hold-replaced %p: exit 2, nothing sent to GoDaddy and no DNS question', async (value) => {
    publishedOld();
    const before = world.parents.map((p) => p.queries.length);
    const r = await set(['--dnskey', formatDnskey(newKsk), '--hold-replaced', value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--hold-replaced/);
    expect(emu.http.requests).toHaveLength(0);
    expect(world.parents.map((p) => p.queries.length)).toEqual(before);
    expect(emu.dnssecRecordsOf(DOMAIN)?.map((x) => formatDs(x.ds))).toEqual([formatDs(dsOf(oldKsk))]);
  });

  test('the parent keeps the old DS past --wait: exit 1 naming registrar and domain, keep the old key; the new DS stays published', async () => {
    publishedOld();
    registryDrops = false;
    const r = await set(['--dnskey', formatDnskey(newKsk), '--hold-replaced', 'parent-ttl', '--wait', '2s', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /nsbridge: godaddy: wait for the old DS to go example\.com: the new DS is published at GoDaddy, but not every com server has dropped the replaced DS \d+ 13 2 [0-9A-F]{8}\.\.\. after 2s: a\.nic\.com-registry\.net: DS /,
    );
    expect(r.stderr).toMatch(/the old key must be kept \(signing\) until the parent has dropped the old DS and its TTL has passed/);
    expect(r.stderr).not.toMatch(/holding/);
    // The JSON still says what changed (no "held"), and the wait that ran out, with who was awaited.
    expect(JSON.parse(r.stdout)).toEqual({
      registrar: 'godaddy',
      domain: DOMAIN,
      changed: true,
      before: [{ ds: formatDs(dsOf(oldKsk)) }],
      after: [{ ds: formatDs(dsOf(newKsk)) }],
      dryRun: false,
      waits: [
        {
          what: expect.stringMatching(/^the parent servers to drop the replaced DS /),
          done: false,
          elapsedMs: expect.any(Number),
          limitMs: 2000,
          checks: expect.any(Number),
          awaiting: ['a.nic.com-registry.net', 'b.nic.com-registry.net'],
        },
      ],
    });
    expect(emu.dnssecRecordsOf(DOMAIN)?.map((x) => formatDs(x.ds))).toEqual([formatDs(dsOf(newKsk))]);
  });

  test('--dry-run of a roll says what it would hold and writes nothing', async () => {
    publishedOld();
    const r = await set(['--dnskey', formatDnskey(newKsk), '--hold-replaced', 'parent-ttl', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dry run: would wait for the parent to drop the replaced DS, then hold 2s \(the DS TTL the com servers served before the change \(2 s\)\)/);
    expect(r.stderr).not.toMatch(/holding/);
    expect(emu.http.writes()).toBe(0);
  });
});

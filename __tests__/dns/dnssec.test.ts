/**
 * The DNS side of `nsbridge ds` against real DNS servers on loopback: zone servers that serve (or
 * do not yet serve) the DNSKEY, parent (TLD) servers that publish the DS with a TTL, as a registry
 * does when the registrar accepts the change. The manual registrar (DNS only: it prints the steps
 * and waits for the parent) stands in for the registrar: a person "makes the change" by a timer
 * that publishes the DS at the parent.
 */
import { DnsWorld } from '../../testing/dns/dns-world';
import type { LoopbackDnsServer } from '../../testing/dns/loopback-dns';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { DnskeyRecord, dsFromDnskey, formatDnskey, formatDs } from '../../core/dnssec';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';

const NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.com'];
const DOMAIN = 'example.com';

describe('ds and DNS (loopback DNS, manual registrar)', () => {
  let world: DnsWorld;
  let ksk: DnskeyRecord;
  let zsk: DnskeyRecord;
  let newKsk: DnskeyRecord;
  /**
   * The world changes at known points of the command's conversation, not on timers (which a busy
   * machine would make flaky): `atDsQuery(n, f)` runs f once parent server 0 has answered its
   * n-th DS question about the domain; `atDnskeyQuery` likewise at one zone server.
   */
  const atDsQuery = (n: number, f: () => void) => at(world.parents[0]!, 'DS', n, f);
  const atDnskeyQuery = (ns: string, n: number, f: () => void) => at(world.zoneServers.get(ns)!, 'DNSKEY', n, f);
  function at(server: LoopbackDnsServer, type: string, n: number, f: () => void): void {
    let count = 0;
    const previous = server.onQuery;
    server.onQuery = (q) => {
      previous?.(q);
      if (q.type === type && q.name === DOMAIN && ++count === n) f();
    };
  }

  const env = (extra: Record<string, string> = {}) =>
    baseEnv({
      ...world.env(),
      NSBRIDGE_DNS_POLL_INTERVAL: '200ms',
      NSBRIDGE_MANUAL_POLL_MS: '200',
      NSBRIDGE_MANUAL_TIMEOUT: '20s',
      NSBRIDGE_MANUAL_REGISTRAR: 'squarespace',
      ...extra,
    });
  const ds = (args: string[], e = env()) => runCli(['ds', ...args, '--registrar', 'manual', '--domain', DOMAIN], e);
  const dsOf = (k: DnskeyRecord) => dsFromDnskey(DOMAIN, k);

  beforeAll(async () => {
    world = await DnsWorld.start();
    await world.serveZone(DOMAIN, NS);
    ksk = testDnskey(257);
    zsk = testDnskey(256);
    newKsk = testDnskey(257);
  });
  afterAll(async () => {
    await world.close();
  });
  beforeEach(() => {
    world.resetDomain(DOMAIN, NS);
    for (const s of [...world.parents, ...world.zoneServers.values()]) {
      s.behaviour = 'normal';
      s.onQuery = undefined;
    }
  });

  test('ds get reads the DS RRset from the parent zone', async () => {
    const none = await ds(['get', '--json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ registrar: 'manual', domain: DOMAIN, records: [] });

    world.publishDs(DOMAIN, [dsOf(ksk)]);
    const r = await ds(['get']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`DS ${formatDs(dsOf(ksk))}\n`);
    // Asked of the parent servers themselves, without recursion.
    const asked = world.parents[0]!.queries.filter((q) => q.type === 'DS' && q.name === DOMAIN);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((q) => !q.rd)).toBe(true);
  });

  test('--wait-signed: the zone servers serve the key, the DS is then asked for and seen at the parent', async () => {
    world.signZone(DOMAIN, [ksk, zsk]);
    // The person adds the DS after the steps are printed: DS question 1 is the manual registrar's
    // read, 2 its first look for the new DS (not there yet).
    atDsQuery(2, () => world.publishDs(DOMAIN, [dsOf(ksk)], { ttl: 3600 }));
    const r = await ds(['set', '--ds', formatDs(dsOf(ksk)), '--wait-signed', '10s', '--json']);
    expect(r.stderr).toMatch(/every name server \(3\) serves the key: the zone is signed/);
    expect(r.code).toBe(0);
    // The signed check came before the steps to publish.
    expect(r.stderr.indexOf('the zone is signed')).toBeLessThan(r.stderr.indexOf('ACTION NEEDED'));
    expect(r.stderr).toMatch(/Squarespace Domains .* DNS > DNSSEC/s);
    expect(r.stderr).toContain(`Digest: ${dsOf(ksk).digest}`);
    // --json lists every wait: the signed check (within --wait-signed) and the one look at the parent.
    expect(JSON.parse(r.stdout)).toEqual({
      registrar: 'manual',
      domain: DOMAIN,
      changed: true,
      before: [],
      after: [{ ds: formatDs(dsOf(ksk)) }],
      dryRun: false,
      waits: [
        { what: 'every name server to serve the DNSKEY for the DS', done: true, elapsedMs: expect.any(Number), limitMs: 10_000, checks: 1, awaiting: [] },
        { what: 'the parent servers to serve exactly the new DS records', done: true, elapsedMs: expect.any(Number), limitMs: 0, checks: 1, awaiting: [] },
      ],
    });
    // Each zone server was asked for the DNSKEY directly.
    for (const ns of NS) {
      const q = world.zoneServers.get(ns)!.queries.filter((x) => x.type === 'DNSKEY');
      expect(q.length).toBeGreaterThan(0);
      expect(q.every((x) => !x.rd)).toBe(true);
    }
  });

  test('--wait-signed waits for a server that starts signing late', async () => {
    world.signZone(DOMAIN, [ksk], { nameServers: [NS[0]!, NS[1]!] });
    atDnskeyQuery(NS[2]!, 1, () => world.signZone(DOMAIN, [ksk]));
    atDsQuery(2, () => world.publishDs(DOMAIN, [dsOf(ksk)])); // the person adds the DS once asked
    const r = await ds(['set', '--dnskey', formatDnskey(ksk), '--wait-signed', '10s']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/manual: example\.com: waiting for every name server to serve the DNSKEY for the DS: \S+ elapsed, \S+ left of 10s; still awaited: ns-3\.awsdns-03\.com \(127\.0\.53\.\d+\): serves no DNSKEY/);
    expect(r.stdout).toContain(`DS ${formatDs(dsOf(ksk))} computed (SHA-256) from --dnskey`);
    expect(r.stderr.indexOf('2/3 name servers')).toBeLessThan(r.stderr.indexOf('ACTION NEEDED'));
  });

  test.each([
    ['not signed yet', () => world.signZone(DOMAIN, [ksk], { nameServers: [NS[0]!, NS[2]!] }), /ns-2\.awsdns-02\.net \(127\.0\.53\.\d+\): serves no DNSKEY \(the zone is not signed there\); no key for DS \d+ 13 2 /],
    ['lame', () => { world.signZone(DOMAIN, [ksk]); world.zoneServers.get(NS[1]!)!.behaviour = 'lame'; }, /ns-2\.awsdns-02\.net \(127\.0\.53\.\d+\): not authoritative for example\.com \(lame\)/],
    ['signed with another key', () => world.signZone(DOMAIN, [newKsk, zsk]), /3 of 3 name servers do not serve a DNSKEY matching the DS/],
  ] as const)('--wait-signed times out when a server is %s: exit 1, nothing published', async (_name, setup, message) => {
    setup();
    const r = await ds(['set', '--ds', formatDs(dsOf(ksk)), '--wait-signed', '1s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: manual: wait for signed zone example\.com: \d of 3 name servers do not serve a DNSKEY matching the DS after 1s: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/nothing was written/);
    // Nothing published: the manual registrar never asked the person to add the DS.
    expect(r.stderr).not.toMatch(/ACTION NEEDED/);
    expect(world.dsAt(0, DOMAIN)).toEqual([]);
  });

  test('--wait sees the parent publish the DS after a delay', async () => {
    world.signZone(DOMAIN, [ksk]);
    // NSBRIDGE_MANUAL_TIMEOUT=0: the manual step returns at once, so the CLI's own --wait does the waiting.
    // DS question 1: the manual registrar's read; 2: the CLI's first look (then server 0 publishes);
    // server 1 publishes a round later.
    atDsQuery(2, () => world.publishDs(DOMAIN, [dsOf(ksk)], { servers: [0] }));
    atDsQuery(3, () => world.publishDs(DOMAIN, [dsOf(ksk)], { servers: [1] }));
    const r = await ds(['set', '--ds', formatDs(dsOf(ksk)), '--wait', '20s'], env({ NSBRIDGE_MANUAL_TIMEOUT: '0' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/manual: example\.com: waiting for the parent servers to serve exactly the new DS records: \S+ elapsed, \S+ left of \S+; still awaited: 0\/2 com servers serve exactly the new DS records; not yet: a\.nic\.com-registry\.net: no DS/);
    expect(r.stderr).toMatch(/every com server serves exactly the new DS records/);
  });

  test('--wait times out with exit 1 and what each parent server serves', async () => {
    const r = await ds(['set', '--ds', formatDs(dsOf(ksk)), '--wait', '1s'], env({ NSBRIDGE_MANUAL_TIMEOUT: '0' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: manual: verify DS example\.com: not every com server serves exactly the new DS records after 1s: a\.nic\.com-registry\.net: no DS; b\.nic\.com-registry\.net: no DS/);
  });

  test('without --wait the parent view is reported once and never fails', async () => {
    const r = await ds(['set', '--ds', formatDs(dsOf(ksk))], env({ NSBRIDGE_MANUAL_TIMEOUT: '0' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the registry has not published the DS change yet/);
    const quiet = await ds(['set', '--ds', formatDs(dsOf(ksk))], env({ NSBRIDGE_MANUAL_TIMEOUT: '0', NSBRIDGE_PARENT_CHECK: '0' }));
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toMatch(/registry has not published/);
  });

  test('a key roll asks to add the new DS, waits for it, and only then asks to delete the old one', async () => {
    world.signZone(DOMAIN, [ksk, newKsk, zsk]);
    world.publishDs(DOMAIN, [dsOf(ksk)]);
    // DS questions: 1 the read; 2 the first look for the new DS (the person adds it); 3 it is
    // seen, the delete step is printed; 4 the first look for the old one gone (the person deletes it).
    atDsQuery(2, () => world.publishDs(DOMAIN, [dsOf(ksk), dsOf(newKsk)]));
    atDsQuery(4, () => world.publishDs(DOMAIN, [dsOf(newKsk)]));
      const r = await ds(['set', '--ds', formatDs(dsOf(newKsk)), '--wait-signed', '5s', '--wait', '10s', '--json']);
      expect(r.code).toBe(0);
      const add = r.stderr.indexOf('DS record to add');
      const del = r.stderr.indexOf('DS record to delete');
      expect(add).toBeGreaterThan(-1);
      expect(del).toBeGreaterThan(add);
      expect(r.stderr.slice(add, del)).toContain(dsOf(newKsk).digest);
      expect(r.stderr.slice(del)).toContain(dsOf(ksk).digest);
      expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, before: [{ ds: formatDs(dsOf(ksk)) }], after: [{ ds: formatDs(dsOf(newKsk)) }] });
  });

  test('set again with what the parent serves changes nothing and asks nothing', async () => {
    world.publishDs(DOMAIN, [dsOf(ksk)]);
    const r = await ds(['set', '--dnskey', formatDnskey(ksk), '--wait-signed', '1s', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: false });
    expect(r.stderr).not.toMatch(/ACTION NEEDED/);
  });

  test('clear --wait --hold parent-ttl: reads the TTL before the clear, waits for the parent, then holds that long', async () => {
    world.publishDs(DOMAIN, [dsOf(ksk)], { ttl: 2 });
    // DS questions: 1 the manual registrar's read, 2 the TTL read, 3 the first look after the
    // delete step (the person deletes it).
    atDsQuery(3, () => world.publishDs(DOMAIN, []));
    const r = await ds(['clear', '--wait', '10s', '--hold', 'parent-ttl', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ registrar: 'manual', domain: DOMAIN, changed: true, before: [{ ds: formatDs(dsOf(ksk)) }], after: [], dryRun: false, held: 2000 });
    expect(out.waits).toEqual([
      { what: 'the parent servers to serve no DS', done: true, elapsedMs: expect.any(Number), limitMs: 10_000, checks: expect.any(Number), awaiting: [] },
      { what: "resolvers' cached copies of the DS to expire", done: true, elapsedMs: expect.any(Number), limitMs: 2000, checks: expect.any(Number), awaiting: [] },
    ]);
    expect(out.waits[1].elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(r.stderr).toMatch(/DS record to delete/);
    expect(r.stderr).toMatch(/every com server serves no DS/);
    expect(r.stderr).toMatch(/holding 2s \(until .*\): the DS TTL the com servers served before the clear \(2 s\); validating resolvers may still have the old DS cached/);
    expect(r.stderr).toMatch(/hold over/);
    // The hold came after the parent dropped the DS and lasted the TTL.
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    expect(r.stderr.indexOf('every com server serves no DS')).toBeLessThan(r.stderr.indexOf('holding 2s'));
  });

  test('clear when nothing is published is a no-op with nothing to hold', async () => {
    const r = await ds(['clear', '--hold', 'parent-ttl', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: false, before: [], after: [] });
    expect(r.stderr).toMatch(/no hold needed: the com servers served no DS before the clear/);
    expect(r.stderr).not.toMatch(/ACTION NEEDED/);
  });

  test('clear --hold <duration> holds that long after the parent dropped the DS', async () => {
    const r = await ds(['clear', '--hold', '1500ms']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/holding 1\.5s/);
    expect(r.ms).toBeGreaterThanOrEqual(1500);
  });

  test('clear --hold parent-ttl fails before removing anything when DNS cannot be read', async () => {
    world.publishDs(DOMAIN, [dsOf(ksk)]);
    const e = env();
    const r = await ds(['clear', '--hold', 'parent-ttl', '--dns-server', `127.0.53.200:${world.port}`], e);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: manual: (get DS records|read DS TTL) example\.com: /);
    expect(r.stderr).not.toMatch(/ACTION NEEDED/);
    expect(world.dsAt(0, DOMAIN)).toHaveLength(1);
  });
});

/**
 * The same flows through a registrar API: the GoDaddy emulator (DS records, asynchronous actions)
 * publishes an accepted DS change at the loopback parent servers, as the registry would.
 */
describe('ds and DNS (loopback DNS, GoDaddy emulator)', () => {
  let world: DnsWorld;
  let emu: GoDaddyEmulator;
  let ksk: DnskeyRecord;
  let dsTtl = 3600;
  const env = (extra: Record<string, string> = {}) =>
    baseEnv({ ...emu.env(), ...world.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '20ms', NSBRIDGE_DNS_POLL_INTERVAL: '200ms', ...extra });
  const ds = (args: string[], e = env()) => runCli(['ds', ...args, '--registrar', 'godaddy', '--domain', DOMAIN], e);
  const dsText = () => formatDs(dsFromDnskey(DOMAIN, ksk));

  beforeAll(async () => {
    world = await DnsWorld.start();
    await world.serveZone(DOMAIN, NS);
    emu = await startEmulator({ rateLimit: null });
    emu.onDnssecChange = (domain, records) => world.publishDs(domain, records.map((r) => r.ds), { ttl: dsTtl });
    ksk = testDnskey();
  });
  afterAll(async () => {
    await emu.close();
    await world.close();
  });
  beforeEach(() => {
    dsTtl = 3600;
    emu.http.resetLog();
    emu.addDomain(DOMAIN, NS);
    emu.setDnssecRecords(DOMAIN, []);
    world.resetDomain(DOMAIN, NS);
    for (const s of world.zoneServers.values()) s.behaviour = 'normal';
  });

  test('--wait-signed times out when one name server does not sign yet: exit 1, no write to the registrar', async () => {
    world.signZone(DOMAIN, [ksk], { nameServers: [NS[0]!, NS[1]!] });
    const r = await ds(['set', '--dnskey', formatDnskey(ksk), '--wait-signed', '1s']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: godaddy: wait for signed zone example\.com: 1 of 3 name servers do not serve a DNSKEY matching the DS after 1s: ns-3\.awsdns-03\.com/);
    expect(emu.http.writes()).toBe(0);
    expect(emu.dnssecRecordsOf(DOMAIN)).toEqual([]);
    expect(world.dsAt(0, DOMAIN)).toEqual([]);
  });

  test('--wait-signed then --wait: the zone is signed, the DS is written and seen at every parent server', async () => {
    world.signZone(DOMAIN, [ksk]);
    const r = await ds(['set', '--dnskey', formatDnskey(ksk), '--wait-signed', '5s', '--wait', '10s', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, after: [{ ds: dsText() }] });
    expect(r.stderr).toMatch(/every name server \(3\) serves the key/);
    expect(r.stderr).toMatch(/every com server serves exactly the new DS records/);
    expect(emu.http.writes()).toBeGreaterThan(0);
    expect(world.dsAt(1, DOMAIN).map(formatDs)).toEqual([dsText()]);
  });

  test('clear --hold parent-ttl: the registrar drops the DS, the parent follows, then the TTL is held', async () => {
    dsTtl = 2;
    emu.setDnssecRecords(DOMAIN, [{ ds: dsFromDnskey(DOMAIN, ksk) }]);
    world.publishDs(DOMAIN, [dsFromDnskey(DOMAIN, ksk)], { ttl: 2 });
    const r = await ds(['clear', '--hold', 'parent-ttl', '--wait', '10s', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, after: [] });
    expect(emu.dnssecRecordsOf(DOMAIN)).toEqual([]);
    expect(r.stderr).toMatch(/holding 2s .*\(2 s\)/);
    expect(r.ms).toBeGreaterThanOrEqual(2000);
  });
});

/**
 * DNS-level safety against real DNS servers on loopback: a resolver stand-in, two parent (TLD)
 * servers whose delegation moves when the GoDaddy emulator accepts a change (as a registry would),
 * and authoritative servers for the new zone.
 */
import { DnsWorld } from '../../testing/dns/dns-world';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';

const OLD_NS = ['ns1.old-dns.net', 'ns2.old-dns.net'];
const NEW_NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net', 'ns-3.awsdns-03.com'];

describe('DNS safety (loopback DNS + GoDaddy emulator)', () => {
  let world: DnsWorld;
  let emu: GoDaddyEmulator;
  /** Registry publication delay for the next accepted change. */
  let publishDelayMs = 0;
  let publishServers: number[] | undefined;

  const env = (extra: Record<string, string> = {}) =>
    baseEnv({ ...emu.env(), ...world.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '20ms', ...extra });
  const set = (domain: string, ns: string[], extra: string[] = [], e = env()) =>
    runCli(['set', '--registrar', 'godaddy', '--domain', domain, '--ns', ns.join(','), '--json', ...extra], e);

  beforeAll(async () => {
    world = await DnsWorld.start();
    emu = await startEmulator({ rateLimit: null });
    emu.onDelegationChange = (domain, ns) => world.delegate(domain, ns, { delayMs: publishDelayMs, servers: publishServers });
    await world.serveZone('example.com', NEW_NS);
    await world.serveZone('xn--bcher-kva.com', NEW_NS);
  });
  afterAll(async () => {
    await emu.close();
    await world.close();
  });
  beforeEach(() => {
    publishDelayMs = 0;
    publishServers = undefined;
    emu.http.resetLog();
    for (const d of ['example.com', 'xn--bcher-kva.com']) {
      emu.addDomain(d, OLD_NS);
      world.delegate(d, OLD_NS);
    }
    for (const s of world.zoneServers.values()) s.behaviour = 'normal';
  });

  test('pre-flight passes, the change is written, and the parent view is reported', async () => {
    const r = await set('example.com', NEW_NS);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true });
    expect(r.stderr).toMatch(/pre-flight ok: 3 name servers answer authoritatively/);
    expect(r.stderr).toMatch(/every com server delegates to the new name servers/);
    expect(emu.nameServersOf('example.com')).toEqual([...NEW_NS].sort());
    // The pre-flight really asked the new servers, without recursion, for SOA and NS.
    const asked = world.zoneServers.get('ns-1.awsdns-01.org')!.queries.filter((q) => q.name === 'example.com');
    expect(asked.map((q) => q.type)).toEqual(expect.arrayContaining(['SOA', 'NS']));
    expect(asked.every((q) => !q.rd)).toBe(true);
  });

  test.each([
    ['lame', /ns-2\.awsdns-02\.net \(127\.0\.53\.\d+\): not authoritative for example\.com/],
    ['refuse', /ns-2\.awsdns-02\.net \(127\.0\.53\.\d+\): answered REFUSED to SOA/],
    ['silent', /ns-2\.awsdns-02\.net \(127\.0\.53\.\d+\): no answer to SOA \(timeout\)/],
  ] as const)('a %s new name server stops the change: exit 1, nothing written', async (behaviour, message) => {
    world.zoneServers.get('ns-2.awsdns-02.net')!.behaviour = behaviour;
    const r = await set('example.com', NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: godaddy: pre-flight check example\.com: 1 of 3 new name servers do not serve the zone/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/nothing was written/);
    expect(emu.http.writes()).toBe(0);
    expect(emu.nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a zone that does not exist yet (typo in a name server) is refused', async () => {
    const r = await set('example.com', ['ns-1.awsdns-01.org', 'ns-2.awsdsn-02.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ns-2\.awsdsn-02\.net: does not resolve/);
    expect(emu.http.writes()).toBe(0);
  });

  test('--skip-preflight writes anyway, with a warning', async () => {
    world.zoneServers.get('ns-2.awsdns-02.net')!.behaviour = 'refuse';
    const r = await set('example.com', NEW_NS, ['--skip-preflight']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/WARNING: godaddy: example\.com: pre-flight skipped/);
    expect(emu.http.writes()).toBe(1);
  });

  test('set --wait succeeds once the registry publishes the change after a delay', async () => {
    publishDelayMs = 1500;
    const r = await set('example.com', NEW_NS, ['--wait', '20s']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/verify example\.com: 0\/2 com servers delegate to the new set; not yet: a\.nic\.com-registry\.net: ns1\.old-dns\.net/);
    expect(r.stderr).toMatch(/every com server delegates to the new name servers/);
    expect(r.ms).toBeGreaterThanOrEqual(1500);
  });

  test('set without --wait reports a not-yet-published change and still succeeds', async () => {
    publishDelayMs = 60_000;
    const r = await set('example.com', NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the registry has not published the change yet/);
  });

  test('verify times out with exit 1 and the last answers', async () => {
    const r = await runCli(['verify', '--domain', 'example.com', '--ns', NEW_NS.join(','), '--timeout', '1500ms'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: dns: verify delegation example\.com: not every parent server delegates to the new name servers after 1\.5s: a\.nic\.com-registry\.net: ns1\.old-dns\.net, ns2\.old-dns\.net; b\.nic/);
  });

  test('verify follows parent servers that disagree for a while', async () => {
    world.delegate('example.com', NEW_NS, { servers: [0] });
    world.delegate('example.com', NEW_NS, { servers: [1], delayMs: 1500 });
    const r = await runCli(['verify', '--domain', 'example.com', '--ns', [...NEW_NS].reverse().join(','), '--timeout', '20s', '--json'], env());
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1\/2 com servers delegate to the new set; not yet: b\.nic\.com-registry\.net: ns1\.old-dns\.net/);
    expect(JSON.parse(r.stdout)).toMatchObject({ domain: 'example.com', parentZone: 'com', verified: true });
  });

  test('verify without --timeout checks once', async () => {
    world.delegate('example.com', NEW_NS);
    const ok = await runCli(['verify', '--domain', 'example.com', '--ns', NEW_NS.join(',')], env());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/example\.com: verified at 2 com servers/);
  });

  test('verify: --dns-server names the resolver; a wrong one fails clearly', async () => {
    const e = env();
    delete e.NSBRIDGE_DNS_SERVER;
    const r = await runCli(['verify', '--domain', 'example.com', '--ns', NEW_NS.join(','), '--dns-server', `127.0.53.200:${world.port}`], e);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: dns: verify delegation example\.com: DNS lookups failed: resolver 127\.0\.53\.200:\d+ did not answer/);
    const bad = await runCli(['verify', '--domain', 'example.com', '--ns', NEW_NS.join(','), '--dns-server', 'not-an-ip'], e);
    expect(bad.code).toBe(2);
  });

  test('an IDN domain is checked and delegated in punycode', async () => {
    const r = await set('bücher.com', NEW_NS, ['--wait', '10s']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).domain).toBe('xn--bcher-kva.com');
    expect(world.delegationAt(0, 'xn--bcher-kva.com')).toEqual([...NEW_NS].sort());
  });

  describe('manual registrar', () => {
    const manualEnv = (extra: Record<string, string> = {}) =>
      env({ NSBRIDGE_MANUAL_POLL_MS: '200', NSBRIDGE_MANUAL_REGISTRAR: 'squarespace', ...extra });

    test('reads the delegation from the parent zone', async () => {
      const r = await runCli(['get', '--registrar', 'manual', '--domain', 'example.com', '--json'], manualEnv());
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ registrar: 'manual', domain: 'example.com', nameServers: OLD_NS });
    });

    test('manual set: steps, wait, verified', async () => {
      setTimeout(() => world.delegate('example.com', NEW_NS), 1200);
      const r = await runCli(['set', '--registrar', 'manual', '--domain', 'example.com', '--ns', NEW_NS.join(','), '--json'], manualEnv());
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/ACTION NEEDED for example\.com: Squarespace Domains \(formerly Google Domains\)/);
      expect(r.stderr).toMatch(/Use custom nameservers/);
      for (const ns of NEW_NS) expect(r.stderr).toContain(`manual:     ${ns}`);
      expect(r.stderr).toMatch(/delegation verified at every com server/);
      expect(JSON.parse(r.stdout)).toMatchObject({ registrar: 'manual', changed: true });
    });

    test('manual set times out with exit 1 when nobody makes the change', async () => {
      const r = await runCli(
        ['set', '--registrar', 'manual', '--domain', 'example.com', '--ns', NEW_NS.join(',')],
        manualEnv({ NSBRIDGE_MANUAL_TIMEOUT: '1s', NSBRIDGE_MANUAL_REGISTRAR: 'godaddy-web' }),
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Change Nameservers/);
      expect(r.stderr).toMatch(/nsbridge: manual: set name servers example\.com: the new delegation was not seen at the parent zone \(com\) within 1s/);
    });

    test('a resolver that does not answer is a registrar error that says where to look (get and ds get)', async () => {
      const e = manualEnv({ NSBRIDGE_DNS_SERVER: `127.0.53.200:${world.port}`, NSBRIDGE_DNS_TIMEOUT: '300ms' });
      for (const args of [['get'], ['ds', 'get']]) {
        const r = await runCli([...args, '--registrar', 'manual', '--domain', 'example.com'], e);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/nsbridge: manual: get (name servers|DS records) example\.com: DNS lookup failed: .*check NSBRIDGE_DNS_SERVER/);
      }
    });

    test('manual set with nothing to change returns at once', async () => {
      world.delegate('example.com', NEW_NS);
      const r = await runCli(['set', '--registrar', 'manual', '--domain', 'example.com', '--ns', NEW_NS.join(','), '--json'], manualEnv());
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ changed: false });
      expect(r.stderr).not.toMatch(/ACTION NEEDED/);
    });
  });
});

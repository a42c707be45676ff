/**
 * `terraform-external` with `source: "dns"` (delegationSource: dns): the plan-time read asks the
 * parent zone's servers of a loopback DNS world, with no registrar credential and no registrar
 * request, and answers whether the stack's delegation still holds (drift repair). Then the batch
 * mode the constructs synthesize (one read for many domains, answered per domain), from DNS and
 * from a registrar whose API lists many domains at once.
 */
import { DnsWorld } from '../../testing/dns/dns-world';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';

const WANT = ['ns-1.awsdns-01.com', 'ns-2.awsdns-02.net'];

/** `nsbridge terraform-external` with the query on stdin, as the external provider runs it. */
const runExternal = (query: unknown, env: NodeJS.ProcessEnv) => runCli(['terraform-external'], env, 60_000, JSON.stringify(query));

describe('terraform-external, source dns, one domain and batched', () => {
  let world: DnsWorld;
  let emu: GoDaddyEmulator;
  beforeAll(async () => {
    world = await DnsWorld.start();
    emu = await startEmulator({ rateLimit: null });
  });
  afterAll(async () => {
    await world.close();
    await emu.close();
  });
  beforeEach(() => emu.http.resetLog());

  // The emulator's endpoint but no credential: any registrar request would be counted there.
  const external = (query: unknown) => runExternal(query, baseEnv({ ...world.env(), NSBRIDGE_GODADDY_ENDPOINT: emu.env().NSBRIDGE_GODADDY_ENDPOINT }));

  test('in sync: the parent publishes what the stack set', async () => {
    world.delegate('insync.com', WANT);
    const r = await external({ registrar: 'godaddy', domain: 'insync.com', source: 'dns', expected_name_servers: WANT.join(',') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ registrar: 'godaddy', domain: 'insync.com', name_servers: WANT.join(','), views: WANT.join(','), available: 'true', unavailable: '', in_sync: 'true', drift: '' });
    expect(emu.http.requests).toEqual([]);
  });

  test('drift: the parent publishes something else; the message names the domain and the fix', async () => {
    world.delegate('drifted.com', ['ns1.hijack.example', 'ns2.hijack.example']);
    const r = await external({ registrar: 'godaddy', domain: 'drifted.com', source: 'dns', expected_name_servers: WANT.join(',') });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ name_servers: 'ns1.hijack.example,ns2.hijack.example', available: 'true', in_sync: 'false' });
    expect(out.drift).toMatch(/^drift: drifted\.com at GoDaddy: .* ns1\.hijack\.example, ns2\.hijack\.example, but this stack set ns-1\.awsdns-01\.com, ns-2\.awsdns-02\.net/);
    expect(emu.http.requests).toEqual([]);
  });

  test('while a change spreads (one parent server has it, one not yet) it counts as in sync: no false repair', async () => {
    world.delegate('spreading.com', ['ns1.before.net', 'ns2.before.net']);
    world.delegate('spreading.com', WANT, { servers: [0] });
    const r = await external({ registrar: 'godaddy', domain: 'spreading.com', source: 'dns', expected_name_servers: WANT.join(',') });
    expect(JSON.parse(r.stdout)).toMatchObject({ in_sync: 'true', name_servers: WANT.join(',') });
    // Every distinct answer, for the construct's repair decision: the stack's set is one of them.
    const views = JSON.parse(r.stdout).views.split(';').sort();
    expect(views).toEqual([WANT.join(','), 'ns1.before.net,ns2.before.net'].sort());
  });

  test('without expected: the previous delegation for the restore record', async () => {
    world.delegate('fresh.com', ['ns1.before.net', 'ns2.before.net']);
    const r = await external({ registrar: 'godaddy', domain: 'fresh.com', source: 'dns' });
    expect(JSON.parse(r.stdout)).toEqual({ registrar: 'godaddy', domain: 'fresh.com', name_servers: 'ns1.before.net,ns2.before.net', views: 'ns1.before.net,ns2.before.net', available: 'true', unavailable: '' });
  });

  test('no parent answers: available "false" with the reason, in_sync "unknown" (never a repair), exit 0', async () => {
    const r = await external({ registrar: 'godaddy', domain: 'nowhere.org', source: 'dns', expected_name_servers: WANT.join(',') });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ available: 'false', in_sync: 'unknown', name_servers: '' });
    expect(out.unavailable).toMatch(/parent zone of nowhere\.org could not be found in DNS/);
    expect(r.stderr).toMatch(/WARNING: nowhere\.org: /);
  });

  test('an unknown source is bad input: exit 2', async () => {
    const r = await external({ registrar: 'godaddy', domain: 'x.com', source: 'whois' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/source "whois" is not dns or registrar/);
  });

  // Batch mode: what the constructs synthesize (one read for a stack's domains).
  test('dns: every domain answered under its own keys; an unreachable parent makes only its domain unavailable; no registrar request', async () => {
    world.delegate('one.com', WANT);
    world.delegate('two.com', ['ns1.hijack.example', 'NS2.hijack.example.']);
    const r = await runExternal({ source: 'dns', domains: 'one.com,two.com,nowhere.org' }, baseEnv({ ...world.env(), NSBRIDGE_GODADDY_ENDPOINT: emu.env().NSBRIDGE_GODADDY_ENDPOINT }));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      'one.com:name_servers': WANT.join(','),
      'one.com:views': WANT.join(','),
      'one.com:available': 'true',
      'one.com:unavailable': '',
      'two.com:name_servers': 'ns1.hijack.example,ns2.hijack.example',
      'two.com:available': 'true',
      'nowhere.org:name_servers': '',
      'nowhere.org:views': '',
      'nowhere.org:available': 'false',
    });
    expect(out['nowhere.org:unavailable']).toMatch(/parent zone of nowhere\.org could not be found in DNS/);
    expect(Object.keys(out)).toHaveLength(12);
    expect(r.stderr).toMatch(/WARNING: nowhere\.org: /);
    expect(emu.http.requests).toEqual([]);
  });

  test('registrar: one batched listing answers for the account\'s domains; a domain the listing lacks is read on its own', async () => {
    const domains = Array.from({ length: 30 }, (_, i) => `batch${i}.com`);
    for (const d of domains) emu.addDomain(d, [`ns1.${d}`, `ns2.${d}`]);
    const r = await runExternal({ source: 'registrar', registrar: 'godaddy', domains: [...domains, 'missing.com'].join(',') }, baseEnv(emu.env()));
    // missing.com is in no listing and its own read is a 404: not transient, so the plan stops with it.
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/missing\.com/);
    // The emulator logs paths without the query: the listing is GET /v1/domains (?includes=nameServers).
    const reads = emu.http.requests.filter((q) => q.method === 'GET' && q.path.startsWith('/v1/domains')).map((q) => q.path);
    expect(reads.sort()).toEqual(['/v1/domains', '/v1/domains/missing.com']);

    emu.http.resetLog();
    const ok = await runExternal({ source: 'registrar', registrar: 'godaddy', domains: domains.join(',') }, baseEnv(emu.env()));
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout);
    for (const d of domains) expect(out).toMatchObject({ [`${d}:name_servers`]: `ns1.${d},ns2.${d}`, [`${d}:available`]: 'true' });
    expect(emu.http.requests.filter((q) => q.path.startsWith('/v1/domains')).map((q) => q.path)).toEqual(['/v1/domains']);
  });

  test('registrar mode without a registrar, or a setting of none: bad input, exit 2', async () => {
    const r = await runExternal({ source: 'registrar', domains: 'a.com' }, baseEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs "registrar"/);
    const s = await runExternal({ source: 'dns', domains: 'a.com', NSBRIDGE_GODADDY_SANDBOX: '1' }, baseEnv());
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/"NSBRIDGE_GODADDY_SANDBOX" is not a setting of a DNS read/);
  });
});

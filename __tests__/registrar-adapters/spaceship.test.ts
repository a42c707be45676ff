import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { SpaceshipEmulator, startEmulator } from '../../testing/registrars/spaceship/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';

describeRegistrarConformance({
  id: 'spaceship',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /HTTP 401 Unauthorized: Spaceship did not accept SPACESHIP_API_KEY/,
});

describe('spaceship quirks', () => {
  const setup = useEmulatorForQuirks('spaceship', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: SpaceshipEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'spaceship', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'spaceship', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    const e = emu();
    e.http.clearFaults();
    e.http.resetLog();
    e.puts.length = 0;
    e.scopes.add('domains:write');
    e.retryAfterHeader = false;
    e.addDomain('example.com', OLD_NS);
  });

  test('the real paths under the overridden origin, and a PUT of {provider: "custom", hosts}', async () => {
    const r = await set(NEW_NS, env({ NSBRIDGE_SPACESHIP_ENDPOINT: `${emu().url}/` }));
    expect(r.code).toBe(0);
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/v1/domains/example.com', 'PUT /api/v1/domains/example.com/nameservers']);
    expect(emu().puts).toEqual([{ provider: 'custom', hosts: [...NEW_NS].sort() }]);
  });

  test('the limit is per domain: one domain paced under it, another domain not held up by it', async () => {
    // A window long enough that a slow, shared machine cannot blur the two outcomes.
    const limited = await startEmulator({ rateLimit: { requests: 5, perMs: 8_000 } });
    try {
      limited.addDomain('busy.com', OLD_NS);
      limited.addDomain('quiet.com', OLD_NS);
      const e = env({ NSBRIDGE_RATE_LIMIT_SPACESHIP: '5/8s' }, limited);
      // busy.com uses its whole window: 5 requests (two changes and a read).
      expect((await set(NEW_NS, e, 'busy.com')).code).toBe(0);
      expect((await set(OLD_NS, e, 'busy.com')).code).toBe(0);
      expect((await get(e, 'busy.com')).code).toBe(0);
      const started = Date.now();
      const [busy, quiet] = await Promise.all([
        set(NEW_NS, e, 'busy.com').then((r) => ({ ...r, done: Date.now() - started })),
        set(NEW_NS, e, 'quiet.com').then((r) => ({ ...r, done: Date.now() - started })),
      ]);
      expect([busy.code, quiet.code]).toEqual([0, 0]);
      // busy.com waits for its window to move on; quiet.com has its own window and goes at once.
      expect(busy.done).toBeGreaterThanOrEqual(quiet.done + 1_000);
      expect(quiet.done).toBeLessThan(6_000);
      expect(limited.http.rateLimitedCount).toBe(0);
    } finally {
      await limited.close();
    }
  });

  test('a 429 with Retry-After is honoured (2 s), not the 10 s fallback', async () => {
    emu().retryAfterHeader = true;
    emu().http.inject({ kind: 'rateLimit', retryAfterSec: 2, times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1_900);
    expect(r.ms).toBeLessThan(8_000);
  });

  test('a domain on Spaceship DNS ("basic", no hosts) reads as none; a set moves it to custom', async () => {
    emu().addDomain('basic.com', [], { provider: 'basic' });
    const before = await get(env(), 'basic.com');
    expect(JSON.parse(before.stdout).nameServers).toEqual([]);
    const r = await set(NEW_NS, env(), 'basic.com');
    expect(r.code).toBe(0);
    expect(emu().nameServersOf('basic.com')).toEqual([...NEW_NS].sort());
  });

  test('custom name servers without hosts, or no nameservers object, are errors quoting the body', async () => {
    emu().replyNext({ status: 200, body: { name: 'example.com', nameservers: { provider: 'custom' } } });
    const a = await get();
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/custom but lists no hosts: \{"name":"example\.com"/);
    emu().replyNext({ status: 200, body: { name: 'example.com', lifecycleStatus: 'registered' } });
    const b = await get();
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/unexpected answer \(HTTP \d+\): expected a domain with nameservers; nameservers: .*; got \{"name":"example\.com","lifecycleStatus":"registered"\}/);
  });

  test('13 name servers (allowed by nsbridge, not by Spaceship): exit 2, no PUT', async () => {
    const thirteen = Array.from({ length: 13 }, (_, i) => `ns${i}.example.net`);
    const r = await set(thirteen);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Spaceship takes 2 to 12 name servers, 13 given; nothing was changed/);
    expect(emu().http.requests.filter((q) => q.method === 'PUT')).toHaveLength(0);
  });

  test('a key without the domains:write scope: 403 naming the scope', async () => {
    emu().scopes.delete('domains:write');
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: HTTP 403 The API key has no domains:write scope: .*domains:write/);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('422 refusals carry the field details', async () => {
    const r = await set(['ns1.gone.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 422 Validation failed \(hosts: Host ns1\.gone\.invalid is not a registered name server\)/);
  });

  test('no sandbox: NSBRIDGE_SPACESHIP_SANDBOX=1 is exit 2 before anything is sent', async () => {
    const e = env({ NSBRIDGE_SPACESHIP_SANDBOX: '1' });
    delete e.NSBRIDGE_SPACESHIP_ENDPOINT;
    const r = await get(e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NSBRIDGE_SPACESHIP_SANDBOX is set but Spaceship has no sandbox/);
  });
});

import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { DynadotEmulator, startEmulator } from '../../testing/registrars/dynadot/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';

describeRegistrarConformance({
  id: 'dynadot',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /ResponseCode -1: invalid key: Dynadot did not accept DYNADOT_API_KEY/,
});

describe('dynadot quirks', () => {
  const setup = useEmulatorForQuirks('dynadot', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: DynadotEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com', flags: string[] = []) => runCli([...flags, 'get', '--registrar', 'dynadot', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'dynadot', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().seen.length = 0;
    emu().servers.clear();
    emu().echoRequestInErrors = false;
    emu().addDomain('example.com', OLD_NS);
  });

  test('set adds each host to the account\'s server list (add_ns), then set_ns ns0..; a second run writes nothing', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    const sorted = [...NEW_NS].sort();
    expect(emu().seen).toEqual([
      { command: 'get_ns', domain: 'example.com' },
      ...sorted.map((host) => ({ command: 'add_ns', host })),
      { command: 'set_ns', domain: 'example.com', ...Object.fromEntries(sorted.map((n, i) => [`ns${i}`, n])) },
    ]);
    for (const n of NEW_NS) expect(emu().servers.has(n)).toBe(true);
    emu().seen.length = 0;
    const again = await set(NEW_NS);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
    expect(emu().seen).toEqual([{ command: 'get_ns', domain: 'example.com' }]);
  });

  test('hosts already in the server list: add_ns refuses ("already exists") and set_ns still succeeds', async () => {
    for (const n of NEW_NS) emu().servers.add(n);
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
    expect(emu().http.requests.filter((q) => q.write)).toHaveLength(1);
  });

  test('a host set_ns refuses: exit 1 with set_ns\'s error and add_ns\'s reason, nothing changed', async () => {
    const r = await set(['ns1.unregistered.invalid', 'ns2.example.net']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(
      'nsbridge: dynadot: set name servers example.com: ResponseCode -1: ns1.unregistered.invalid needs to be added to your account first (add_ns refused ns1.unregistered.invalid: ns1.unregistered.invalid is not a valid name server): ' +
        'Dynadot refused the name servers; each must be an existing host name (in-domain hosts need glue: register them with register_ns in the dashboard first), 2 to 13 of them. Nothing was changed',
    );
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('errors inside HTTP 200: a domain outside the account is exit 1 naming it', async () => {
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nsbridge: dynadot: get name servers not-mine.com: ResponseCode -1: could not find domain in your account: not-mine.com is not in the Dynadot account of DYNADOT_API_KEY\n');
    expect(emu().http.requests.map((q) => q.status)).toEqual([200]);
  });

  test('the key is in the URL: --verbose traces and errors that echo the request URL never show it', async () => {
    emu().echoRequestInErrors = true;
    // A wrong endpoint path: the 404 page quotes the request URL, key included.
    const r = await get(env({ NSBRIDGE_DYNADOT_ENDPOINT: `${emu().url}/v2` }), 'not-mine.com', ['--verbose']);
    expect(r.code).toBe(1);
    // The answer did quote the URL (the masked key is there), and the trace has no query.
    expect(r.stderr).toMatch(/HTTP 404 404 Not Found\. The requested URL \/v2\/api3\.json\?key=\*\*\*&command=get_ns&domain=not-mine\.com was not found/);
    expect(r.stderr).toMatch(/dynadot: -> GET \/api3\.json\n/);
    expect(r.stderr.split('\n').filter((l) => l.includes('debug:') && l.includes('key='))).toEqual([]);
    expect(r.stderr).toMatch(/dynadot: command=get_ns domain=not-mine\.com/);
    expect(r.stdout + r.stderr).not.toContain(emu().key);
    expect(r.stdout + r.stderr).not.toContain(encodeURIComponent(emu().key));

    const bad = await get(env({ DYNADOT_API_KEY: 'wrong-key-SENTINEL-7777' }), 'example.com', ['--verbose']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/invalid key/);
    expect(bad.stdout + bad.stderr).not.toContain('wrong-key-SENTINEL-7777');
  });

  test('an answer of the wrong shape (no NsContent) is an error quoting it, never "no name servers"', async () => {
    emu().addDomain('bare.com', []);
    const ok = await get(env(), 'bare.com');
    // An empty NsContent object is a valid (empty) answer; a missing one is not.
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).nameServers).toEqual([]);
    emu().http.inject({ kind: 'malformed', times: 1 });
    const broken = await get();
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected the get_ns answer as Dynadot documents it; \(the body\): .*; got "?\{"GetNsResponse/);
  });

  test('HTTP 429 without a hint waits one request\'s share of 60/minute (1 s) and retries', async () => {
    emu().http.inject({ kind: 'rateLimit', times: 1 });
    const r = await get();
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(950);
  });

  test('the production host is api.dynadot.com with the real path; there is no sandbox setting', async () => {
    const proxy = await startConnectRecorder();
    try {
      const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0' });
      delete e.NSBRIDGE_DYNADOT_ENDPOINT;
      const r = await get(e);
      expect(r.code).toBe(1);
      expect(proxy.targets).toEqual(['api.dynadot.com:443']);
    } finally {
      await proxy.close();
    }
    const noOverride = env({ NSBRIDGE_DYNADOT_SANDBOX: '1' });
    delete noOverride.NSBRIDGE_DYNADOT_ENDPOINT;
    const sandbox = await get(noOverride);
    expect(sandbox.code).toBe(2);
    expect(sandbox.stderr).toMatch(/NSBRIDGE_DYNADOT_SANDBOX is set but Dynadot has no sandbox/);
    expect(emu().http.requests).toHaveLength(0);
  });
});

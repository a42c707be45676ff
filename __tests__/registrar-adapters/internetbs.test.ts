import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { InternetBsEmulator, startEmulator } from '../../testing/registrars/internetbs/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';

describeRegistrarConformance({
  id: 'internetbs',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /FAILURE 107002: Invalid API key and\/or Password: Internet\.bs did not accept INTERNET_BS_API_KEY/,
});

describe('internetbs quirks', () => {
  const setup = useEmulatorForQuirks('internetbs', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: InternetBsEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'internetbs', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'internetbs', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    const e = emu();
    e.http.clearFaults();
    e.http.resetLog();
    e.calls.length = 0;
    e.ipAllowed = true;
    e.asyncTlds.clear();
    e.asyncReads = 2;
    e.addDomain('example.com', OLD_NS);
  });

  test('credentials travel in the POST body, never in a URL; ResponseFormat=JSON; Ns_list comma-separated', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /Domain/Info', 'POST /Domain/Update']);
    for (const c of emu().calls) {
      expect(c.query).toBe('');
      expect(c.params).toMatchObject({ ApiKey: '***', Password: '***', ResponseFormat: 'JSON', Domain: 'example.com' });
    }
    expect(emu().calls[1]!.params.Ns_list).toBe([...NEW_NS].sort().join(','));
  });

  test('--verbose on a failing call never shows the key or the password', async () => {
    const r = await runCli(['--verbose', 'set', '--registrar', 'internetbs', '--domain', 'example.com', '--ns', 'ns1.bad.invalid,ns2.bad.invalid'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/internetbs: -> POST \/Domain\/Update/);
    for (const s of emu().secrets()) {
      expect(r.stderr).not.toContain(s);
      expect(r.stdout).not.toContain(s);
    }
  });

  test('FAILURE inside HTTP 200 is an error: an off-allow-list caller gets the message and the allow-list hint', async () => {
    emu().ipAllowed = false;
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: internetbs: get name servers example\.com: FAILURE: Access denied: .*IP address is on the API allow-list/m);
    expect(emu().calls).toHaveLength(1);
  });

  test('a domain outside the account: FAILURE, exit 1 naming the domain and what to check', async () => {
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers not-mine\.com: FAILURE: Domain not-mine\.com is not in your account: check that not-mine\.com is in the Internet\.bs account/);
  });

  test('PENDING: nsbridge re-reads /Domain/Info until the change shows, with progress on stderr', async () => {
    emu().addDomain('example.eu', OLD_NS);
    emu().asyncTlds.add('eu');
    emu().asyncReads = 3;
    const r = await set(NEW_NS, env(), 'example.eu');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the update is PENDING at the registry; waiting up to 10m/);
    expect(r.stderr).toMatch(/still PENDING after .* \(check 1\)/);
    expect(r.stderr).toMatch(/the update is done/);
    expect(emu().calls.map((c) => c.path)).toEqual(['/Domain/Info', '/Domain/Update', '/Domain/Info', '/Domain/Info', '/Domain/Info']);
    expect(emu().nameServersOf('example.eu')).toEqual([...NEW_NS].sort());
  });

  test('PENDING past NSBRIDGE_INTERNETBS_OPERATION_TIMEOUT: exit 1, reported pending with what to check, never "done"', async () => {
    emu().addDomain('example.eu', OLD_NS);
    emu().asyncTlds.add('eu');
    emu().asyncReads = 10_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_INTERNETBS_OPERATION_TIMEOUT: '300ms' }), 'example.eu');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^nsbridge: internetbs: set name servers example\.eu: Internet\.bs answered PENDING and the new name servers still did not show after .*nsbridge get --registrar internetbs --domain example\.eu.*NSBRIDGE_INTERNETBS_OPERATION_TIMEOUT/,
    );
  });

  test('a SUCCESS without the nameserver list is an error quoting the body, never "no name servers"', async () => {
    emu().replyNext({ status: 200, body: { transactid: 'abc', status: 'SUCCESS', domain: 'example.com' } });
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected a nameserver list; nameserver: .*; got \{"transactid":"abc","status":"SUCCESS","domain":"example\.com"\}/);
  });

  test('a TEXT (key=value) answer in HTTP 200 is an error, not a success', async () => {
    emu().replyNext({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'transactid=abc\nstatus=SUCCESS\nnameserver_0=ns1.old-dns.net' });
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 200 but the answer is not JSON: transactid=abc status=SUCCESS/);
  });

  test('an unknown status is an error quoting it', async () => {
    emu().replyNext({ status: 200, body: { transactid: 'abc', status: 'QUEUED' } });
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected a status; status: /);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('NSBRIDGE_INTERNETBS_SANDBOX selects testapi.internet.bs, production otherwise; paths are kept under an override', async () => {
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_INTERNETBS_ENDPOINT;
        return e;
      };
      const results = [await get(viaProxy({ NSBRIDGE_INTERNETBS_SANDBOX: '1' })), await get(viaProxy({}))];
      expect(proxy.targets).toEqual(['testapi.internet.bs:443', 'api.internet.bs:443']);
      for (const r of results) expect(r.code).toBe(1);
    } finally {
      await proxy.close();
    }
    const over = await get(env({ NSBRIDGE_INTERNETBS_ENDPOINT: `${emu().url}/` }));
    expect(over.code).toBe(0);
    expect(emu().http.requests.map((q) => q.path)).toEqual(['/Domain/Info']);
  });

  test('DNSSEC is refused before anything is sent, with the reason', async () => {
    const r = await runCli(['ds', 'get', '--registrar', 'internetbs', '--domain', 'example.com'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Internet\.bs documents no DS or DNSKEY command/);
    expect(emu().http.requests).toHaveLength(0);
  });
});

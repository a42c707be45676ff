import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { OpenproviderEmulator, startEmulator } from '../../testing/registrars/openprovider/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { formatDnskey, recordFromDnskey } from '../../core/dnssec';
import { RegistrarApiError, RegistrarAuthError } from '../../core/errors';

describeRegistrarConformance({
  id: 'openprovider',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /code 196 Authentication\/Authorization Failed.*OPENPROVIDER_USERNAME\/OPENPROVIDER_PASSWORD/,
});

describe('openprovider quirks', () => {
  const setup = useEmulatorForQuirks<OpenproviderEmulator>('openprovider', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}) => setup.env(extra);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'openprovider', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'openprovider', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().errorsInHttp200 = false;
    emu().echoAuthorization = false;
    emu().nextDomainReply = undefined;
    emu().updates.length = 0;
    emu().unblock();
    emu().addDomain('example.com', OLD_NS);
    emu().setDnssecRecords('example.com', []);
  });

  test('the endpoint override keeps the real paths: login, lookup by name, read and update by id', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    const id = emu().idOf('example.com');
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /v1beta/auth/login',
      'GET /v1beta/domains',
      `GET /v1beta/domains/${id}`,
      `PUT /v1beta/domains/${id}`,
    ]);
    expect(emu().updates).toEqual([{ id, body: { name_servers: [...NEW_NS].sort().map((name, i) => ({ name, seq_nr: i + 1 })) } }]);
  });

  test('the sandbox setting selects the CTE host, production otherwise (no request leaves the machine)', async () => {
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_OPENPROVIDER_ENDPOINT;
        return e;
      };
      const sandbox = await get(viaProxy({ NSBRIDGE_OPENPROVIDER_SANDBOX: '1' }));
      const production = await get(viaProxy({}));
      expect(proxy.targets).toEqual(['api.cte.openprovider.eu:443', 'api.openprovider.eu:443']);
      for (const r of [sandbox, production]) expect(r.stderr).toMatch(/^nsbridge: openprovider: get name servers example\.com: /m);
    } finally {
      await proxy.close();
    }
    const bad = await get(env({ NSBRIDGE_OPENPROVIDER_SANDBOX: 'maybe' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSBRIDGE_OPENPROVIDER_SANDBOX="maybe" is not a boolean/);
    expect(emu().http.requests).toHaveLength(0);
  });

  test('one login per run; an expired token means one fresh login and the call goes through', async () => {
    const client = await setup.client();
    expect(await client.getNameServers('example.com')).toEqual(OLD_NS);
    const before = emu().logins;
    emu().expireTokens();
    expect(await client.getNameServers('example.com')).toEqual(OLD_NS);
    expect(emu().logins).toBe(before + 1);
    const statuses = emu().http.requests.map((q) => `${q.method} ${q.path.replace(/\d+$/, 'ID')} ${q.status}`);
    expect(statuses).toEqual([
      'POST /v1beta/auth/login 200',
      'GET /v1beta/domains 200',
      'GET /v1beta/domains/ID 200',
      'GET /v1beta/domains/ID 401',
      'POST /v1beta/auth/login 200',
      'GET /v1beta/domains/ID 200',
    ]);
  });

  test.each([false, true])('errors are read from the body code whatever the HTTP status (errors in HTTP 200: %s)', async (in200) => {
    emu().errorsInHttp200 = in200;
    const bad = await set(['ns1.unregistered.invalid', 'ns2.unregistered.invalid']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^nsbridge: openprovider: set name servers example\.com: code 245 Nameserver ns1\.unregistered\.invalid could not be found: Openprovider refused the name servers/m);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    const creds = await get(env({ OPENPROVIDER_PASSWORD: 'wrong-secret-SENTINEL-0000' }));
    expect(creds.code).toBe(1);
    expect(creds.stderr).toMatch(/get name servers example\.com: code 196 Authentication\/Authorization Failed: Openprovider did not accept/);
  });

  test('an answer of the wrong shape (code 0 but no name_servers) is an error quoting the body, never "no name servers"', async () => {
    emu().nextDomainReply = { status: 200, body: { code: 0, desc: '', data: { id: 1, status: 'ACT' } } };
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected a domain with data\.name_servers; .*; got \{"code":0,"desc":"","data":\{"id":1,"status":"ACT"\}\}/);
    const client = await setup.client();
    emu().nextDomainReply = { status: 200, body: { code: 0, data: { id: 1, name_servers: 'ns1.example.net' } } };
    await expect(client.getNameServers('example.com')).rejects.toBeInstanceOf(RegistrarApiError);
  });

  test('a domain the pattern search does not return exactly is not in the account (no write)', async () => {
    emu().addDomain('example-shop.com', OLD_NS);
    const r = await set(NEW_NS, env(), 'example.org');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.org: Openprovider lists no such domain in this account: the domain is not in the Openprovider account of reseller-jdoe/);
    expect(emu().http.writes()).toBe(0);
  });

  test('over the published call limit the IP is blacklisted (10005): one clear failure, no retries', async () => {
    const limited = await startEmulator({ rateLimit: { requests: 3, perMs: 60_000 } });
    try {
      limited.addDomain('example.com', OLD_NS);
      const e = setup.env({}, limited);
      const r = await set(NEW_NS, e);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/set name servers example\.com: code 10005 Access denied: Openprovider blacklisted this IP address .*control panel/);
      expect(limited.isBlacklisted()).toBe(true);
      expect(limited.http.requests).toHaveLength(4);
      expect(limited.nameServersOf('example.com')).toEqual(OLD_NS);
    } finally {
      await limited.close();
    }
  });

  test('too many failed logins: code 50 says logins are blocked for 20 minutes', async () => {
    const e = env({ OPENPROVIDER_PASSWORD: 'wrong-secret-SENTINEL-0000' });
    const client = await setup.client({ OPENPROVIDER_PASSWORD: 'wrong-secret-SENTINEL-0000' });
    for (let i = 0; i < 100; i += 1) await expect(client.getNameServers(`d${i}.com`)).rejects.toBeInstanceOf(RegistrarAuthError);
    const r = await get(e);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/code 50 Calls limit has been reached: too many failed logins .*20 minutes/);
  });

  test('the bearer token never leaves nsbridge, even when Openprovider echoes it in an error (--verbose)', async () => {
    emu().echoAuthorization = true;
    const r = await runCli(['--verbose', 'set', '--registrar', 'openprovider', '--domain', 'example.com', '--ns', 'ns1.unregistered.invalid,ns2.ok-dns.net'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/request Bearer \*\*\*/);
    expect(emu().secrets().length).toBeGreaterThan(1);
    for (const s of emu().secrets()) {
      expect(r.stdout).not.toContain(s);
      expect(r.stderr).not.toContain(s);
    }
  });

  test('DNSSEC: the whole DNSKEY list is sent with is_dnssec_enabled; clearing it turns DNSSEC off', async () => {
    const k1 = testDnskey();
    const k2 = testDnskey();
    const add = await runCli(['ds', 'set', '--registrar', 'openprovider', '--domain', 'example.com', '--dnskey', formatDnskey(k1), '--dnskey', formatDnskey(k2), '--json'], env());
    expect(add.code).toBe(0);
    const wire = (k: typeof k1) => ({ alg: k.algorithm, flags: k.flags, protocol: k.protocol, pub_key: k.publicKey });
    expect(emu().updates.map((u) => u.body)).toEqual([{ dnssec_keys: [wire(k1), wire(k2)], is_dnssec_enabled: true }]);
    expect(emu().raw('example.com')?.dnssecEnabled).toBe(true);
    // Name-server updates leave the keys alone.
    expect((await set(NEW_NS)).code).toBe(0);
    expect(emu().dnssecRecordsOf('example.com')).toEqual([recordFromDnskey('example.com', k1), recordFromDnskey('example.com', k2)]);
    emu().updates.length = 0;
    const clear = await runCli(['ds', 'clear', '--registrar', 'openprovider', '--domain', 'example.com', '--json'], env());
    expect(clear.code).toBe(0);
    expect(emu().updates.map((u) => u.body)).toEqual([{ dnssec_keys: [], is_dnssec_enabled: false }]);
    expect(emu().raw('example.com')).toEqual({ keys: [], dnssecEnabled: false });
  });
});

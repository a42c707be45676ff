import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { AutodnsEmulator, startEmulator } from '../../testing/registrars/autodns/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { formatDnskey, recordFromDnskey } from '../../core/dnssec';

describeRegistrarConformance({
  id: 'autodns',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /HTTP 401 E0004 Authentication error.*AUTODNS_API_USER\/AUTODNS_API_PASSWORD in context AUTODNS_CONTEXT/,
});

describe('autodns quirks', () => {
  const setup = useEmulatorForQuirks<AutodnsEmulator>('autodns', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}) => setup.env(extra);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'autodns', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'autodns', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  const basic = () => `Basic ${Buffer.from(`${emu().user}:${emu().password}`).toString('base64')}`;

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().pollsToComplete = 2;
    emu().notFoundAsEmptyData = false;
    emu().demoOnly = false;
    emu().updateStatus = 200;
    emu().updates.length = 0;
    emu().seen.length = 0;
    emu().addDomain('example.com', OLD_NS);
    emu().setDnssecRecords('example.com', []);
  });

  test('the emulator resets optional fields a partial PUT leaves out (the strict reading of the docs)', async () => {
    const res = await fetch(`${emu().url}/v1/domain/example.com`, {
      method: 'PUT',
      headers: { Authorization: basic(), 'X-Domainrobot-Context': '4', 'Content-Type': 'application/json', 'User-Agent': 'test' },
      body: JSON.stringify({ name: 'example.com', nameServers: NEW_NS.map((name) => ({ name })) }),
    });
    expect(res.status).toBe(200);
    const jobId = ((await res.json()) as { data: { job: { id: number } }[] }).data[0]!.job.id;
    for (let i = 0; i < 2; i += 1) await fetch(`${emu().url}/v1/job/${jobId}`, { headers: { Authorization: basic(), 'X-Domainrobot-Context': '4', 'User-Agent': 'test' } });
    expect(emu().domainObject('example.com')).toMatchObject({ privacy: false, comment: '', remarks: [], autoRenewStatus: 'TRUE', authinfo: '' });
  });

  test('set PUTs the domain object as read with only nameServers changed: nothing is lost; the job is polled', async () => {
    const k = testDnskey();
    emu().setDnssecRecords('example.com', [recordFromDnskey('example.com', k)]);
    const before = emu().domainObject('example.com')!;
    emu().pollsToComplete = 3;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^nsbridge: autodns: example\.com: job \d+ is accepted; waiting for it to finish/m);
    expect(emu().updates).toEqual([{ ...before, nameServers: [...NEW_NS].sort().map((name) => ({ name })) }]);
    expect(emu().domainObject('example.com')).toEqual({ ...before, nameServers: [...NEW_NS].sort().map((name) => ({ name, ttl: 86400, ipAddresses: [] })) });
    expect(emu().dnssecRecordsOf('example.com')).toEqual([recordFromDnskey('example.com', k)]);
    expect(emu().http.requests.map((q) => `${q.method} ${q.path.replace(/\d+$/, 'ID')}`)).toEqual([
      'GET /v1/domain/example.com',
      'GET /v1/domain/example.com',
      'PUT /v1/domain/example.com',
      'GET /v1/job/ID',
      'GET /v1/job/ID',
      'GET /v1/job/ID',
    ]);
  });

  test('every request carries Basic auth, X-Domainrobot-Context (4 when AUTODNS_CONTEXT is unset) and a User-Agent', async () => {
    const r = await get(env({ AUTODNS_CONTEXT: undefined }));
    expect(r.code).toBe(0);
    expect(emu().seen).toEqual([{ context: '4', demo: undefined, userAgent: 'nsbridge' }]);
    const wrong = await get(env({ AUTODNS_CONTEXT: '1' }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/HTTP 401 E0004 Authentication error.*context AUTODNS_CONTEXT/);
    const bad = await get(env({ AUTODNS_CONTEXT: 'live' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/AUTODNS_CONTEXT="live" is not an AutoDNS context number/);
  });

  test('the demo switch: the demo host (no request leaves the machine), and X-Domainrobot-Demo: true', async () => {
    emu().demoOnly = true;
    expect((await get()).code).toBe(1);
    const r = await get(env({ NSBRIDGE_AUTODNS_SANDBOX: '1' }));
    expect(r.code).toBe(0);
    expect(emu().seen[emu().seen.length - 1]?.demo).toBe('true');
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_AUTODNS_ENDPOINT;
        return e;
      };
      await get(viaProxy({ NSBRIDGE_AUTODNS_SANDBOX: '1' }));
      await get(viaProxy({}));
      expect(proxy.targets).toEqual(['api.demo.autodns.com:443', 'api.autodns.com:443']);
    } finally {
      await proxy.close();
    }
  });

  test('a 202 to the update is an accepted job too: polled, never sent again', async () => {
    emu().updateStatus = 202;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().http.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test('a FAILED job is exit 1 with its messages; nothing changed', async () => {
    emu().failNextJob();
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: autodns: set name servers example\.com: job \d+ ended FAILED \(REGISTRY_ERROR\): .*EF01001 Registry refused the update: .*nothing changed/m);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a job still running at the timeout is reported as pending, never as done', async () => {
    emu().pollsToComplete = 1_000_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_AUTODNS_OPERATION_TIMEOUT: '300ms' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/job \d+ is still RUNNING after \d+s: AutoDNS accepted the update and may still complete it.*NSBRIDGE_AUTODNS_OPERATION_TIMEOUT/);
  });

  test.each([false, true])('a domain not in the account (404, or 200 with empty data: %s) is "not in this account"', async (emptyData) => {
    emu().notFoundAsEmptyData = emptyData;
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers not-mine\.com: .*the domain is not in the AutoDNS account of this user \(context 4\)/);
  });

  test('the published 3 requests per second: nsbridge paces itself and is never throttled', async () => {
    const limited = await startEmulator();
    try {
      for (const d of ['p1.com', 'p2.com', 'p3.com']) limited.addDomain(d, OLD_NS);
      const e = setup.env({ NSBRIDGE_RATE_LIMIT_AUTODNS: undefined }, limited);
      const results = await Promise.all(['p1.com', 'p2.com', 'p3.com'].map((d) => set(NEW_NS, e, d)));
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(limited.http.rateLimitedCount).toBe(0);
      expect(limited.http.requests.length).toBeGreaterThanOrEqual(15);
    } finally {
      await limited.close();
    }
  });

  test('DNSSEC: keys go in dnssecData of the whole object; clearing sends [] (which deletes them)', async () => {
    const k1 = testDnskey();
    const add = await runCli(['ds', 'set', '--registrar', 'autodns', '--domain', 'example.com', '--dnskey', formatDnskey(k1)], env());
    expect(add.code).toBe(0);
    expect(emu().updates[0]).toMatchObject({ dnssecData: [{ algorithm: k1.algorithm, flags: 257, protocol: 3, publicKey: k1.publicKey }], privacy: true, comment: 'managed by nsbridge tests' });
    const clear = await runCli(['ds', 'clear', '--registrar', 'autodns', '--domain', 'example.com'], env());
    expect(clear.code).toBe(0);
    expect(emu().updates[1]).toMatchObject({ dnssecData: [] });
    expect(emu().dnssecRecordsOf('example.com')).toEqual([]);
    expect(emu().domainObject('example.com')).toMatchObject({ privacy: true, remarks: ['keep'] });
  });
});

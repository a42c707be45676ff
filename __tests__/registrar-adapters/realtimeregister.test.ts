import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { RealtimeRegisterEmulator, startEmulator } from '../../testing/registrars/realtimeregister/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { dsFromDnskey, formatDnskey, formatDs, recordFromDnskey } from '../../core/dnssec';

describeRegistrarConformance({
  id: 'realtimeregister',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /HTTP 401 AuthenticationError: Authentication failed: Realtime Register did not accept REALTIMEREGISTER_API_KEY/,
});

describe('realtimeregister quirks', () => {
  const setup = useEmulatorForQuirks<RealtimeRegisterEmulator>('realtimeregister', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}) => setup.env(extra);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'realtimeregister', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'realtimeregister', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().processMode = 'async';
    emu().pollsToComplete = 2;
    emu().notFoundStatus = 400;
    emu().queuedAs = 'processId';
    emu().billableNext = false;
    emu().nextDomainReply = undefined;
    emu().updates.length = 0;
    emu().addDomain('example.com', OLD_NS);
    emu().setDnssecRecords('example.com', []);
  });

  test('202 + process: polled to COMPLETED with progress on stderr; the endpoint override keeps the real paths', async () => {
    emu().pollsToComplete = 3;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^nsbridge: realtimeregister: example\.com: process \d+ is accepted; waiting for it to finish/m);
    const [proc] = [...emu().processes.values()];
    expect(proc?.status).toBe('COMPLETED');
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /v2/domains/example.com',
      'POST /v2/domains/example.com/update',
      `GET /v2/processes/${proc!.id}`,
      `GET /v2/processes/${proc!.id}`,
      `GET /v2/processes/${proc!.id}`,
    ]);
    expect(emu().updates).toEqual([{ domain: 'example.com', body: { ns: [...NEW_NS].sort() } }]);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test.each(['id', 'location'] as const)('the process id is also found as the body\'s %s', async (queuedAs) => {
    emu().queuedAs = queuedAs;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().http.requests.filter((q) => q.path.startsWith('/v2/processes/'))).toHaveLength(2);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test('200 with an empty body is done at once: no process is polled', async () => {
    emu().processMode = 'sync';
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/process/);
    expect(emu().http.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual(['GET /v2/domains/example.com 200', 'POST /v2/domains/example.com/update 200']);
  });

  test('a FAILED process is exit 1 with its reason; nothing changed', async () => {
    emu().failNextProcess('Registry refused: host not found');
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: realtimeregister: set name servers example\.com: process \d+ ended FAILED: Registry refused: host not found: .*nothing changed/m);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a process still running at the timeout is reported as pending, with what to check, never as done', async () => {
    emu().pollsToComplete = 1_000_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_REALTIMEREGISTER_OPERATION_TIMEOUT: '300ms' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/set name servers example\.com: process \d+ is still RUNNING after \d+s: Realtime Register accepted the update and may still complete it .*nsbridge get --registrar realtimeregister --domain example\.com.*NSBRIDGE_REALTIMEREGISTER_OPERATION_TIMEOUT/);
    const bad = await set(NEW_NS, env({ NSBRIDGE_REALTIMEREGISTER_OPERATION_TIMEOUT: 'soon' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSBRIDGE_REALTIMEREGISTER_OPERATION_TIMEOUT/);
  });

  test.each([400, 404] as const)('ObjectDoesNotExist with HTTP %i is "not in this account"', async (status) => {
    emu().notFoundStatus = status;
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`get name servers not-mine\\.com: HTTP ${status} ObjectDoesNotExist: Domain not-mine\\.com does not exist: the domain is not in this Realtime Register account`));
    expect(emu().http.requests).toHaveLength(1);
  });

  test('a billable update is reported with its billables and never acknowledged', async () => {
    emu().billableNext = true;
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BillableAcknowledgmentNeededException: Billable acknowledgment needed \(billables: 1x domain_com UPDATE\): Realtime Register charges for this update; nsbridge never acknowledges charges/);
    expect(emu().http.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a domain answer without ns is an error quoting the body, never an empty set', async () => {
    emu().nextDomainReply = { status: 200, body: { domainName: 'example.com', status: ['OK'] } };
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer \(HTTP 200\): expected a domain object; .*; got \{"domainName":"example\.com","status":\["OK"\]\}/);
  });

  test('the sandbox setting selects the OT&E host, production otherwise (no request leaves the machine)', async () => {
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_REALTIMEREGISTER_ENDPOINT;
        return e;
      };
      const sandbox = await get(viaProxy({ NSBRIDGE_REALTIMEREGISTER_SANDBOX: '1' }));
      const production = await get(viaProxy({}));
      expect(proxy.targets).toEqual(['api.yoursrs-ote.com:443', 'api.yoursrs.com:443']);
      for (const r of [sandbox, production]) expect(r.stderr).toMatch(/^nsbridge: realtimeregister: get name servers example\.com: /m);
    } finally {
      await proxy.close();
    }
    expect(emu().http.requests).toHaveLength(0);
  });

  test('DNSSEC: a domain holding DNSKEY data keeps keyData (--dnskey), and a bare DS is refused before any write', async () => {
    const k1 = testDnskey();
    const k2 = testDnskey();
    emu().setDnssecRecords('example.com', [recordFromDnskey('example.com', k1)], true);
    const got = await runCli(['ds', 'get', '--registrar', 'realtimeregister', '--domain', 'example.com', '--json'], env());
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).records).toEqual([{ ds: formatDs(dsFromDnskey('example.com', k1)), dnskey: formatDnskey(k1) }]);
    const add = await runCli(['ds', 'set', '--registrar', 'realtimeregister', '--domain', 'example.com', '--dnskey', formatDnskey(k1), '--dnskey', formatDnskey(k2)], env());
    expect(add.code).toBe(0);
    const wire = (k: typeof k1) => ({ protocol: 3, flags: k.flags, algorithm: k.algorithm, publicKey: k.publicKey });
    expect(emu().updates.map((u) => u.body)).toEqual([{ keyData: [wire(k1), wire(k2)] }]);
    expect(emu().raw('example.com')).toEqual({ dsData: [], keyData: [wire(k1), wire(k2)] });
    emu().updates.length = 0;
    const ds = await runCli(['ds', 'set', '--registrar', 'realtimeregister', '--domain', 'example.com', '--ds', formatDs(dsFromDnskey('example.com', testDnskey()))], env());
    expect(ds.code).toBe(1);
    expect(ds.stderr).toMatch(/add DNSSEC records example\.com: the domain holds DNSKEY data \(keyData\), and DS and DNSKEY data cannot be mixed: give the key with --dnskey/);
    expect(emu().updates).toEqual([]);
  });

  test('DNSSEC: a domain with DS data gets the whole dsData list; clearing sends an empty list', async () => {
    const k1 = testDnskey();
    const r = await runCli(['ds', 'set', '--registrar', 'realtimeregister', '--domain', 'example.com', '--ds', formatDs(dsFromDnskey('example.com', k1))], env());
    expect(r.code).toBe(0);
    const ds = dsFromDnskey('example.com', k1);
    expect(emu().updates.map((u) => u.body)).toEqual([{ dsData: [{ keyTag: ds.keyTag, algorithm: ds.algorithm, digestType: ds.digestType, digest: ds.digest }] }]);
    emu().updates.length = 0;
    const clear = await runCli(['ds', 'clear', '--registrar', 'realtimeregister', '--domain', 'example.com'], env());
    expect(clear.code).toBe(0);
    expect(emu().updates.map((u) => u.body)).toEqual([{ dsData: [] }]);
    expect(emu().raw('example.com')).toEqual({ dsData: [], keyData: [] });
  });
});

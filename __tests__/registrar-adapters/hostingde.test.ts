import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { HostingdeEmulator, startEmulator } from '../../testing/registrars/hostingde/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { testDnskey } from '../../testing/dns/dnssec-keys';
import { formatDnskey, recordFromDnskey } from '../../core/dnssec';

describeRegistrarConformance({
  id: 'hostingde',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /domainsFind: error 10100 Authentication failed \(authToken: \*\*\*\): .*check HOSTINGDE_API_KEY/,
});

describe('hostingde quirks', () => {
  const setup = useEmulatorForQuirks<HostingdeEmulator>('hostingde', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}) => setup.env(extra);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'hostingde', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'hostingde', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  const api = async (method: string, body: Record<string, unknown>): Promise<{ status: string; metadata: { serverTransactionId: string } }> =>
    (await (await fetch(`${emu().url}/api/domain/v1/json/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ authToken: emu().apiKey, ...body }) })).json()) as { status: string; metadata: { serverTransactionId: string } };

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().pollsToComplete = 2;
    emu().blockWrites = 0;
    emu().nextReply = undefined;
    emu().updates.length = 0;
    emu().addDomain('example.com', OLD_NS);
  });

  test('the emulator resets optional fields a domainUpdate leaves out (the documented trap)', async () => {
    emu().setDnssecRecords('example.com', [recordFromDnskey('example.com', testDnskey())]);
    const pending = await api('domainUpdate', { domain: { name: 'example.com', nameservers: NEW_NS.map((name) => ({ name })) } });
    expect(pending.status).toBe('pending');
    for (let i = 0; i < 2; i += 1) await api('jobsFind', { filter: { field: 'JobServerTransactionId', value: pending.metadata.serverTransactionId } });
    expect(emu().domainObject('example.com')).toMatchObject({ transferLockEnabled: false, authInfo: '', contacts: [], dnsSecEntries: [] });
  });

  test('set sends the whole domain object back with only the name servers changed: nothing is lost', async () => {
    const k = testDnskey();
    emu().setDnssecRecords('example.com', [recordFromDnskey('example.com', k)]);
    const before = emu().domainObject('example.com')!;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().updates).toEqual([{ ...before, nameservers: [...NEW_NS].sort().map((name) => ({ name })) }]);
    const after = emu().domainObject('example.com')!;
    const { lastChangeDate: _a, nameservers: nsAfter, ...restAfter } = after;
    const { lastChangeDate: _b, nameservers: _n, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
    expect(restAfter).toMatchObject({ transferLockEnabled: true, authInfo: 'Xk4-auth-info', contacts: [{ contact: 'c-owner', type: 'owner' }, { contact: 'c-admin', type: 'admin' }] });
    expect(nsAfter).toEqual([...NEW_NS].sort().map((name) => ({ name, ips: [] })));
    expect(emu().dnssecRecordsOf('example.com')).toEqual([recordFromDnskey('example.com', k)]);
  });

  test('the update is a job: polled with jobsFind until successful, progress on stderr; real paths kept', async () => {
    emu().pollsToComplete = 3;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^nsbridge: hostingde: example\.com: job stid-job-\d+ is accepted; waiting for it to finish/m);
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /api/domain/v1/json/domainsFind',
      'POST /api/domain/v1/json/domainsFind',
      'POST /api/domain/v1/json/domainUpdate',
      'POST /api/domain/v1/json/jobsFind',
      'POST /api/domain/v1/json/jobsFind',
      'POST /api/domain/v1/json/jobsFind',
    ]);
  });

  test('a failed job is exit 1; nothing changed', async () => {
    emu().failNextJob();
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nsbridge: hostingde: set name servers example\.com: job stid-job-\d+ ended failed: .*nothing changed/m);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a job still pending at the timeout is reported as pending, never as done', async () => {
    emu().pollsToComplete = 1_000_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_HOSTINGDE_OPERATION_TIMEOUT: '300ms' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/job stid-job-\d+ is still pending after \d+s: hosting\.de accepted the change and may still complete it.*NSBRIDGE_HOSTINGDE_OPERATION_TIMEOUT/);
  });

  test('errors inside HTTP 200 are errors: an unknown name server is refused with its code', async () => {
    const r = await set(['ns1.unregistered.invalid', 'ns2.ok-dns.net']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: domainUpdate: error 10300 Name server does not exist \(domain\.nameservers: ns1\.unregistered\.invalid\): hosting\.de refused the change/);
    expect(emu().http.requests.every((q) => q.status === 200)).toBe(true);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('10205 (blocked by a running update) is waited out and sent again', async () => {
    emu().blockWrites = 1;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1_900);
    expect(emu().http.requests.filter((q) => q.path.endsWith('/domainUpdate'))).toHaveLength(2);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test('an answer without nameservers is an error quoting the body, never an empty set', async () => {
    emu().nextReply = { method: 'domainsFind', result: { status: 200, body: { status: 'success', errors: [], response: { data: [{ name: 'example.com', status: 'active' }] } } } };
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: unexpected answer: expected a domainsFind result with data\[\]; .*; got \{"status":"success"/);
  });

  test('a domain not in the account: domainsFind lists nothing', async () => {
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers not-mine\.com: domainsFind lists no such domain: the domain is not in the hosting\.de account/);
  });

  test('hosting.de echoes the authToken in its error; nsbridge never prints it (--verbose too)', async () => {
    const wrong = 'hde-key-SENTINEL-wrong-77';
    const raw = await api('domainsFind', { authToken: wrong });
    expect(JSON.stringify(raw)).toContain(wrong);
    const r = await runCli(['--verbose', 'get', '--registrar', 'hostingde', '--domain', 'example.com'], env({ HOSTINGDE_API_KEY: wrong }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error 10100 Authentication failed \(authToken: \*\*\*\)/);
    expect(r.stderr).toMatch(/hostingde: -> POST \/api\/domain\/v1\/json\/domainsFind/);
    expect(r.stdout + r.stderr).not.toContain(wrong);
  });

  test('there is no sandbox: the setting is refused before anything is sent', async () => {
    const r = await get(env({ NSBRIDGE_HOSTINGDE_SANDBOX: '1', NSBRIDGE_HOSTINGDE_ENDPOINT: undefined }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/NSBRIDGE_HOSTINGDE_SANDBOX is set but hosting\.de has no sandbox/);
    expect(emu().http.requests).toHaveLength(0);
  });

  test('DNSSEC: dnsSecKeyModify gets the DNSKEY keyData to add and to remove, as jobs', async () => {
    emu().setDnssecRecords('example.com', []);
    const k1 = testDnskey();
    const k2 = testDnskey();
    const first = await runCli(['ds', 'set', '--registrar', 'hostingde', '--domain', 'example.com', '--dnskey', formatDnskey(k1)], env());
    expect(first.code).toBe(0);
    emu().http.resetLog();
    const roll = await runCli(['ds', 'set', '--registrar', 'hostingde', '--domain', 'example.com', '--dnskey', formatDnskey(k2)], env());
    expect(roll.code).toBe(0);
    expect(emu().dnssecRecordsOf('example.com')).toEqual([recordFromDnskey('example.com', k2)]);
    const writes = emu().http.requests.filter((q) => q.path.endsWith('/dnsSecKeyModify'));
    expect(writes).toHaveLength(2);
  });
});

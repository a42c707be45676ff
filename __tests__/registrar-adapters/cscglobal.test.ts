import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { CscEmulator, startEmulator } from '../../testing/registrars/cscglobal/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { startConnectRecorder } from '../../testing/registrars/connect-recorder';

describeRegistrarConformance({
  id: 'cscglobal',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /HTTP 401 UNAUTHORIZED: Invalid API key or bearer token: CSC did not accept CSCGLOBAL_API_KEY \/ CSCGLOBAL_USER_TOKEN/,
});

describe('cscglobal quirks', () => {
  const setup = useEmulatorForQuirks('cscglobal', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: CscEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'cscglobal', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'cscglobal', '--domain', domain, '--ns', ns.join(','), '--json'], e);
  const calls = () => emu().http.requests.map((q) => `${q.method} ${q.path}`);

  beforeEach(() => {
    const e = emu();
    e.http.clearFaults();
    e.http.resetLog();
    e.orders.length = 0;
    e.notInAccountStatus = 404;
    e.listCasing = 'nameServers';
    e.orderReads = 1;
    e.nextOrderCode = undefined;
    e.addDomain('example.com', OLD_NS);
  });

  test('the order: real paths, the documented body, then reads until CSC completes it, with progress on stderr', async () => {
    emu().orderReads = 3;
    const r = await set(NEW_NS, env({ NSBRIDGE_CSCGLOBAL_ENDPOINT: `${emu().url}/` }));
    expect(r.code).toBe(0);
    expect(calls()).toEqual([
      'GET /dbs/api/v2/domains/example.com',
      'PUT /dbs/api/v2/domains/nsmodification',
      'GET /dbs/api/v2/domains/example.com',
      'GET /dbs/api/v2/domains/example.com',
      'GET /dbs/api/v2/domains/example.com',
    ]);
    expect(emu().orders).toHaveLength(1);
    expect(emu().orders[0]!.body).toEqual({
      qualifiedDomainName: 'example.com',
      nameServers: [...NEW_NS].sort(),
      dnsType: 'OTHER_DNS',
      notifications: { enabled: false, additionalNotificationEmails: [] },
      showPrice: false,
      customFields: [],
    });
    const uuid = emu().orders[0]!.uuid;
    expect(r.stderr).toContain(`name-server order ${uuid} is SUBMITTED; waiting up to 15m`);
    expect(r.stderr).toMatch(/still processing after .* \(check 1\)/);
    expect(r.stderr).toContain(`name-server order ${uuid} is complete`);
    expect(emu().nameServersOf('example.com')).toEqual([...NEW_NS].sort());
  });

  test('an order that does not complete in time is reported pending with its id (exit 1); a rerun meets 409 and sends no second order', async () => {
    emu().orderReads = 10_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_CSCGLOBAL_OPERATION_TIMEOUT: '300ms' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const uuid = emu().orders[0]!.uuid;
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      new RegExp(`^nsbridge: cscglobal: set name servers example\\.com: name-server order ${uuid} was SUBMITTED and the domain still did not show the new name servers after .*NSBRIDGE_CSCGLOBAL_OPERATION_TIMEOUT`),
    );
    // The rerun meets the order in progress (409), sends no second one, and follows it (the order
    // may be its own, e.g. after an answer that was cut off), bounded the same way.
    const again = await set(NEW_NS, env({ NSBRIDGE_CSCGLOBAL_OPERATION_TIMEOUT: '300ms' }));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/CSC has a name-server order for the domain in progress \(409\)/);
    expect(again.stderr.trim().split('\n').pop()).toMatch(/still did not show the new name servers after .*NSBRIDGE_CSCGLOBAL_OPERATION_TIMEOUT/);
    expect(emu().orders).toHaveLength(1);
  });

  test('an order status other than SUBMITTED is a refusal quoting CSC, and nothing is polled', async () => {
    emu().nextOrderCode = 'FAILED';
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: the order is FAILED: The order could not be processed \(Registry rejected the update\)/);
    expect(calls()).toEqual(['GET /dbs/api/v2/domains/example.com', 'PUT /dbs/api/v2/domains/nsmodification']);
  });

  test('an order answer without a status is an error that says to check the orders, never a success', async () => {
    emu().replyNext({ status: 200, body: { result: { qualifiedDomainName: 'example.com' } } }, '/dbs/api/v2/domains/nsmodification');
    const r = await set(NEW_NS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/set name servers example\.com: unexpected answer \(HTTP \d+\): expected an order status; result\.status: .*; got .*check the domain's orders in CSCDomainManager/);
  });

  test('a domain answer without a name-server list is an error quoting the body, never "no name servers"', async () => {
    emu().replyNext({ status: 200, body: { qualifiedDomainName: 'example.com' } });
    const r = await get();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unexpected answer \(HTTP 200\): expected a domain with nameServers; nameServers: no nameServers list.*; got \{"qualifiedDomainName":"example\.com"\}/);
  });

  test('either casing of the list is read (nameServers or nameservers)', async () => {
    emu().listCasing = 'nameservers';
    const r = await get();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).nameServers).toEqual(OLD_NS);
  });

  test.each([403, 404] as const)('a domain outside the account answered %s is named as such', async (status) => {
    emu().notInAccountStatus = status;
    const r = await get(env(), 'not-mine.com');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`get name servers not-mine\\.com: HTTP ${status} .*not in this CSC account`));
  });

  test('NSBRIDGE_CSCGLOBAL_SANDBOX selects the demo host, production otherwise', async () => {
    const proxy = await startConnectRecorder();
    try {
      const viaProxy = (extra: Record<string, string>) => {
        const e = env({ HTTPS_PROXY: proxy.url, NSBRIDGE_HTTP_RETRIES: '0', ...extra });
        delete e.NSBRIDGE_CSCGLOBAL_ENDPOINT;
        return e;
      };
      const results = [await get(viaProxy({ NSBRIDGE_CSCGLOBAL_SANDBOX: '1' })), await get(viaProxy({}))];
      expect(proxy.targets).toEqual(['apis-ote.cscglobal.com:443', 'apis.cscglobal.com:443']);
      for (const r of results) expect(r.code).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
